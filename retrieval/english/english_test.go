package english

import "testing"

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
		file string
		l    []string
		min  int
	}{{"words.txt", list(), 60000}, {"common.txt", commonList(), 3500}} {
		if len(tt.l) < tt.min {
			t.Fatalf("%s has %d words; gen.go writes over %d", tt.file, len(tt.l), tt.min)
		}
		for i := 1; i < len(tt.l); i++ {
			if tt.l[i-1] >= tt.l[i] {
				t.Fatalf("%s is not sorted at line %d (%q, %q): run gen.go again", tt.file, i+1, tt.l[i-1], tt.l[i])
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
