package chart

import "testing"

// BenchmarkPNG draws the three-bar chart of the segments' shares of
// revenue and encodes it.
func BenchmarkPNG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PNG(share); err != nil {
			b.Fatal(err)
		}
	}
}
