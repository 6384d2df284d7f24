package english

import (
	"slices"
	"strings"
	"testing"
)

func TestIsWord(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"dividend", true},
		{"Called", true},
		{"employees", true},
		{"aardvark", true}, // the first of the list
		{"zygote", true},
		{"tencent", false}, // a name
		{"pinduoduo", false},
		{"ceo", false}, // English writes it CEO
		{"beijing", false},
		{"clodu", false}, // a typo
		{"lol", false},
		{"a", false},
		{"", false},
		{"don't", false},
	}
	for _, tt := range tests {
		if got := IsWord(tt.word); got != tt.want {
			t.Errorf("IsWord(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestIsCommon(t *testing.T) {
	for w, want := range map[string]bool{"first": true, "Came": true, "along": true, "business": true, "dividend": false, "revenue": false, "tencent": false, "": false} {
		if got := IsCommon(w); got != want {
			t.Errorf("IsCommon(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestListsAreSorted(t *testing.T) {
	for _, tt := range []struct {
		file, text string
		min        int
	}{{"words.txt", words, 60000}, {"common.txt", common, 3500}} {
		if !strings.HasSuffix(tt.text, "\n") {
			t.Fatalf("%s does not end in a newline: run gen.go again", tt.file)
		}
		l := strings.Split(strings.TrimSuffix(tt.text, "\n"), "\n")
		if len(l) < tt.min {
			t.Fatalf("%s has %d words; gen.go writes over %d", tt.file, len(l), tt.min)
		}
		for i, w := range l {
			if i > 0 && l[i-1] >= w {
				t.Fatalf("%s is not sorted at line %d (%q, %q): run gen.go again", tt.file, i+1, l[i-1], w)
			}
			// Every word is found where it stands, the first and the
			// last included.
			if !in(tt.text, w) {
				t.Fatalf("%s: %q (line %d) is not found", tt.file, w, i+1)
			}
			if in(tt.text, w+"q") && !slices.Contains(l, w+"q") {
				t.Fatalf("%s: %q is found, but is not in the list", tt.file, w+"q")
			}
		}
	}
}

func BenchmarkIsWord(b *testing.B) {
	IsWord("warm")
	for b.Loop() {
		IsWord("dividend")
	}
}
