package bot

import (
	"context"
	"testing"
)

// BenchmarkOfflineSummary is one summary quoted from the series, made
// afresh (not from the cache): every segment and part of the embedded
// series in turn.
func BenchmarkOfflineSummary(b *testing.B) {
	snap := defaultAnswerer(b).Snapshot()
	scopes := Scopes(snap.Corpus)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if sum := offlineSummary(snap, scopes[i%len(scopes)]); !sum.Grounded {
			b.Fatal("no summary")
		}
	}
}

// BenchmarkCachedSummary is a summary asked for again: answered from the
// cache.
func BenchmarkCachedSummary(b *testing.B) {
	s := &Summarizer{Answerer: defaultAnswerer(b)}
	ctx := context.Background()
	if _, err := s.Summarize(ctx, "cloud", nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Summarize(ctx, "cloud", nil); err != nil {
			b.Fatal(err)
		}
	}
}
