package bot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"seriesbot/bot"
	"seriesbot/internal/openaitest"
	"seriesbot/retrieval"
)

// syntheticCorpus writes n articles of three passages each.
func syntheticCorpus(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	for i := 1; i <= n; i++ {
		body := fmt.Sprintf("---\nseries: Synthetic\npart: %d\ntitle: \"Synthetic (Part %d): Company %d\"\n---\n## Revenue\n\n"+
			"Company %d made RMB%d million of revenue in fiscal %d, most of it from its stores in %d cities, and it spent a tenth of that on new warehouses.\n\n"+
			"## Customers\n\nIts %d thousand customers bought mostly tea, rice and cooking oil, and a third of them ordered again within a month of their first order.\n\n"+
			"## Plans\n\nThe company plans to open %d more stores and to sell abroad from %d, starting with the markets closest to its warehouses.\n",
			i, i, i, i, i*7, 2000+i%25, i%90+10, i*3, i%40+5, 2025+i%5)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%04d.md", i)), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func benchStore(b *testing.B) *retrieval.Store {
	s, err := retrieval.OpenStore(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkLoad compares a cold build (an empty data directory) with a
// warm start from the index on disk, with the local embedder, for the
// embedded series and a synthetic corpus of 1,000 articles.
func BenchmarkLoad(b *testing.B) {
	for _, c := range []struct {
		name string
		dir  func(b *testing.B) string
	}{
		{"default", func(*testing.B) string { return "" }},
		{"1000-articles", func(b *testing.B) string { return syntheticCorpus(b, 1000) }},
	} {
		dir := c.dir(b)
		b.Run(c.name+"/cold", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := bot.Loader{Dir: dir, Store: benchStore(b), Log: discardLog()}
				b.StartTimer()
				if _, _, err := l.Update(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/warm", func(b *testing.B) {
			l := bot.Loader{Dir: dir, Store: benchStore(b), Log: discardLog()}
			if _, _, err := l.Update(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, rep, err := l.Update(context.Background(), nil); err != nil || rep.Embedded != 0 {
					b.Fatal(rep, err)
				}
			}
		})
	}
}

// BenchmarkReloadEmbeddings counts what a load sends to a remote
// embedding model (the fake OpenAI server) on the 1,000-article corpus:
// into an empty data directory (cold), and a reload with 0 and with 1
// changed article.
func BenchmarkReloadEmbeddings(b *testing.B) {
	dir := syntheticCorpus(b, 1000)
	for _, changed := range []int{-1, 0, 1} {
		name := fmt.Sprintf("changed=%d", changed)
		if changed < 0 {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			s := openaitest.New(b)
			l := bot.Loader{Dir: dir, Embedder: remoteEmbedder(s), Store: benchStore(b), Log: discardLog()}
			snap, _, err := l.Update(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			calls, texts := s.Calls("/embeddings"), embedded(s)
			n := 0
			for b.Loop() {
				if changed < 0 {
					b.StopTimer()
					l.Store, snap = benchStore(b), nil
					b.StartTimer()
				}
				if changed > 0 {
					n++
					b.StopTimer()
					body := fmt.Sprintf("---\nseries: Synthetic\npart: 1\ntitle: \"Synthetic (Part 1): Company 1\"\n---\n## Revenue\n\nCompany 1 made RMB%d million of revenue, version %d of the figure.\n", 7+n, n)
					if err := os.WriteFile(filepath.Join(dir, "part-0001.md"), []byte(body), 0o644); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if snap, _, err = l.Update(context.Background(), snap); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.Calls("/embeddings")-calls)/float64(b.N), "calls/op")
			b.ReportMetric(float64(embedded(s)-texts)/float64(b.N), "texts/op")
			b.ReportMetric(float64(snap.Index.Len()), "passages")
		})
	}
}
