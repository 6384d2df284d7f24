package retrieval

import (
	"strings"
	"testing"

	"seriesbot/corpus"
)

func TestBaseline(t *testing.T) {
	b := NewBaseline(corpus.Default().Passages(0))
	tests := []struct {
		name     string
		question string
		want     string // a hit contains this; "" means no hit at all
	}{
		{"revenue figure", "How much revenue did Alibaba Cloud make?", "RMB60 billion"},
		{"Chinese name, character by character", "钉钉是什么？", "DingTalk"},
		{"no word in common", "Quantum zebras juggle marmalade", ""},
		{"empty question", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := b.Search(tt.question, 5)
			if tt.want == "" {
				if len(hits) != 0 {
					t.Errorf("Search(%q) = %q, want no hits", tt.question, hitIDs(hits))
				}
				return
			}
			if len(hits) > 5 {
				t.Errorf("Search(%q, 5) gave %d hits", tt.question, len(hits))
			}
			for _, h := range hits {
				if strings.Contains(h.Passage.Text, tt.want) {
					return
				}
			}
			t.Errorf("Search(%q) = %q, want a passage containing %q", tt.question, hitIDs(hits), tt.want)
		})
	}
}
