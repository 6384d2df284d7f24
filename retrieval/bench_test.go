package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"seriesbot/corpus"
)

const benchQuestion = "How much revenue did Alibaba Cloud make?"

func BenchmarkBuildDefault(b *testing.B) {
	ps := corpus.Default().Passages(0)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(ctx, ps, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalDefault reads back the default index, which is what
// serving it costs without building it (BenchmarkBuildDefault).
func BenchmarkUnmarshalDefault(b *testing.B) {
	ix, err := Build(context.Background(), corpus.Default().Passages(0), nil)
	if err != nil {
		b.Fatal(err)
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := UnmarshalIndex(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchDefault(b *testing.B) {
	ix, err := Build(context.Background(), corpus.Default().Passages(0), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, benchQuestion, Options{K: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

const synthSize = 10_000

var synth struct {
	once sync.Once
	ix   *Index
	err  error
}

// index10k builds the 10,000-passage index on first use. Only the 10k
// benchmarks call it, so plain `go test` never pays for the build, and the
// benchmarks run it before their timed loop.
func index10k(b *testing.B) *Index {
	b.Helper()
	synth.once.Do(func() {
		synth.ix, synth.err = Build(context.Background(), synthPassages(synthSize), nil)
	})
	if synth.err != nil {
		b.Fatalf("build %d-passage index: %v", synthSize, synth.err)
	}
	return synth.ix
}

// synthPassages makes n passages that look like the series at scale, the
// same on every run: each holds one or two sentences of the default corpus,
// recombined, padded to about 60 words with words drawn Zipf-like from a
// vocabulary of the corpus's words plus a few thousand made-up ones, so
// that common words have long postings as they do in real prose.
func synthPassages(n int) []corpus.Passage {
	r := rand.New(rand.NewPCG(2021, 60))
	base := corpus.Default().Passages(0)
	var sentences []string
	vocab := map[string]bool{}
	var words []string
	for _, p := range base {
		sentences = append(sentences, corpus.Sentences(p.Text)...)
		for _, w := range strings.Fields(p.Text) {
			w = strings.Trim(w, ".,;:()\"“”?!")
			if w != "" && !vocab[w] {
				vocab[w] = true
				words = append(words, w)
			}
		}
	}
	syllables := []string{"ka", "lo", "mi", "ren", "tu", "sa", "ve", "nor", "pa", "di", "gel", "qua", "rin", "sto", "bel", "fi", "mar", "ton", "shi", "ex"}
	for len(words) < 4000 {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syllables[r.IntN(len(syllables))])
		}
		if !vocab[w.String()] {
			vocab[w.String()] = true
			words = append(words, w.String())
		}
	}
	r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))

	out := make([]corpus.Passage, n)
	for i := range out {
		src := base[r.IntN(len(base))]
		var text strings.Builder
		count := 0
		for range 1 + r.IntN(2) {
			s := sentences[r.IntN(len(sentences))]
			text.WriteString(s)
			text.WriteByte(' ')
			count += len(strings.Fields(s))
		}
		for count < 60 {
			m := min(8+r.IntN(8), 60-count)
			for j := range m {
				w := words[zipf.Uint64()]
				if j == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				text.WriteString(w)
				if j < m-1 {
					text.WriteByte(' ')
				}
			}
			text.WriteString(". ")
			count += m
		}
		part := 1 + i%4
		out[i] = corpus.Passage{
			ID:      fmt.Sprintf("synth-%d-%d", part, i),
			Series:  "Alibaba",
			Part:    part,
			Title:   fmt.Sprintf("Alibaba (Part %d)", part),
			URL:     fmt.Sprintf("https://example.com/alibaba-part-%d", part),
			Section: src.Section,
			Segment: src.Segment,
			Text:    strings.TrimSpace(text.String()),
		}
	}
	return out
}

func BenchmarkSearch10k(b *testing.B) {
	ix := index10k(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, benchQuestion, Options{K: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChromemQueryEmbedding10k is chromem-go alone on the collection
// Search uses, with the question already embedded and the pool Search asks
// for: the floor Search's fusion and BM25 are measured against.
func BenchmarkChromemQueryEmbedding10k(b *testing.B) {
	ix := index10k(b)
	ctx := context.Background()
	vs, err := ix.emb.Embed(ctx, []string{benchQuestion})
	if err != nil {
		b.Fatal(err)
	}
	pool := min(max(4*5, 30), ix.Len()) // as Search computes it for K 5
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.coll.QueryEmbedding(ctx, vs[0], pool, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch10kTypos is Search10k for a question typed with typos and
// words the corpus never uses, each looked up among the corpus's words.
func BenchmarkSearch10kTypos(b *testing.B) {
	ix := index10k(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, "how much revnue did alibab clodu make in fy21 bruh", Options{K: 5}); err != nil {
			b.Fatal(err)
		}
	}
}
