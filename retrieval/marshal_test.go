package retrieval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"seriesbot/corpus"
)

// devQuestions are the questions of the development sets, which the
// index is searched with to compare two indexes.
func devQuestions(t *testing.T) []string {
	t.Helper()
	var qs []string
	for _, name := range []string{"dev.jsonl", "dev2.jsonl", "questions.jsonl"} {
		f, err := os.Open(filepath.Join("..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var l struct{ Q string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Q != "" {
				qs = append(qs, l.Q)
			}
		}
		f.Close()
	}
	if len(qs) < 100 {
		t.Fatalf("only %d questions read", len(qs))
	}
	return qs
}

func buildDefault(t *testing.T) *Index {
	t.Helper()
	ix, err := Build(t.Context(), corpus.Default().Passages(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// builtAndRead is the default index built, and read back from what it
// writes.
func builtAndRead(t *testing.T) (built, read *Index) {
	t.Helper()
	built = buildDefault(t)
	data, err := built.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	read, err = UnmarshalIndex(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	return built, read
}

// An index read back is the index written: what it learned, and what it
// finds for every question of the development sets.
func TestMarshalRoundTrip(t *testing.T) {
	built, read := builtAndRead(t)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"passages", read.passages, built.passages},
		{"ids", read.byID, built.byID},
		{"terms", read.terms, built.terms},
		{"bm25", read.lex, built.lex},
		{"embedder", read.emb, built.emb},
		{"model", read.model, built.model},
		{"hashes", read.hashes, built.hashes},
		{"vectors", read.vecs, built.vecs},
		{"dims", read.dims, built.dims},
		{"vocabulary", read.vocab, built.vocab},
		{"Chinese names", read.aliases.han, built.aliases.han},
		{"their English names", read.aliases.name, built.aliases.name},
		{"entities", read.entities, built.entities},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s read back differ from those built", c.name)
		}
	}
	if len(read.aliases.pinyin) != len(built.aliases.pinyin) || len(built.aliases.pinyin) == 0 {
		t.Fatalf("%d pinyin names read back, %d built", len(read.aliases.pinyin), len(built.aliases.pinyin))
	}
	for i, p := range read.aliases.pinyin {
		b := built.aliases.pinyin[i]
		if p.re().String() != b.re().String() || p.name != b.name || p.joined != b.joined {
			t.Errorf("pinyin name %d: read %q for %s, built %q for %s", i, p.re(), p.name, b.re(), b.name)
		}
	}
	for _, w := range []string{"youku", "alibaba", "cloud", "gaode"} {
		if read.aliases.isName(w) != built.aliases.isName(w) {
			t.Errorf("isName(%q) read back differs", w)
		}
	}
	for _, q := range append(devQuestions(t), "aliyun revenue", "阿里云的收入是多少？") {
		want, werr := built.Search(t.Context(), q, Options{K: 8})
		got, gerr := read.Search(t.Context(), q, Options{K: 8})
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("%q: the index read back finds %v (%v), the one built %v (%v)", q, got, gerr, want, werr)
		}
	}
}

// The same index is written as the same bytes, so that an index kept with
// the program can be checked against a fresh build byte for byte.
func TestMarshalIsDeterministic(t *testing.T) {
	a, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the default corpus are written differently")
	}
}

// SameAs takes an index built on another processor, whose figures differ
// in their last digits, for the same, and nothing else.
func TestSameAs(t *testing.T) {
	built, read := builtAndRead(t)
	local := func(ix *Index) *LocalEmbedder { return ix.emb.(*LocalEmbedder) }
	// A slot of the first passage's vector that holds something.
	slot := slices.IndexFunc(built.vecs[0], func(f float32) bool { return f != 0 })
	for _, c := range []struct {
		name   string
		change func(ix *Index)
		same   bool
	}{
		{"built again", nil, true},
		{"an inverse document frequency a digit off in the last place", func(ix *Index) {
			local(ix).idf["cloud"] = math.Nextafter(local(ix).idf["cloud"], 10)
		}, true},
		{"a vector a digit off in the last place", func(ix *Index) {
			ix.vecs[0][slot] = math.Nextafter32(ix.vecs[0][slot], 1)
		}, true},
		{"an inverse document frequency of another count", func(ix *Index) { local(ix).idf["cloud"] *= 1.01 }, false},
		{"a word more", func(ix *Index) { local(ix).idf["zyzzyva"] = 1 }, false},
		{"a vector of another weight", func(ix *Index) { ix.vecs[0][slot] *= 1.01 }, false},
		{"a name less", func(ix *Index) { delete(ix.vocab.names, "youku") }, false},
		{"a passage less", func(ix *Index) {
			ix.passages, ix.vecs, ix.hashes = ix.passages[1:], ix.vecs[1:], ix.hashes[1:]
		}, false},
	} {
		ix := buildDefault(t)
		if c.change != nil {
			c.change(ix)
		}
		for _, against := range []*Index{built, read} {
			if err := ix.SameAs(against); (err == nil) != c.same {
				t.Errorf("%s: SameAs = %v", c.name, err)
			}
			if err := against.SameAs(ix); (err == nil) != c.same {
				t.Errorf("%s, the other way: SameAs = %v", c.name, err)
			}
		}
	}
}

type namedEmbedder struct{ LocalEmbedder }

func (namedEmbedder) Name() string { return "remote:test" }

func TestUnmarshalRejectsWhatItDidNotWrite(t *testing.T) {
	data, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	otherText := func() []byte {
		ix := buildDefault(t)
		ps := slices.Clone(ix.passages)
		ps[3].Text += " One sentence more."
		ix.passages = ps
		b, err := ix.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut short", data[:len(data)/2]},
		{"not gob", []byte("{\"format\": 1}")},
		{"a passage's text changed", otherText},
	} {
		ix, err := UnmarshalIndex(context.Background(), c.data)
		if ix != nil || !errors.Is(err, ErrIndexFormat) {
			t.Errorf("%s: got %v, %v; want ErrIndexFormat", c.name, ix, err)
		}
	}

	remote, err := Build(t.Context(), corpus.Default().Passages(0)[:3], &namedEmbedder{*NewLocalEmbedder([]string{"a b"}, 16)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.MarshalBinary(); err == nil {
		t.Error("an index of a remote embedder was written whole")
	}
}
