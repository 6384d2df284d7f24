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

func TestListIsSorted(t *testing.T) {
	l := list()
	if len(l) < 50000 {
		t.Fatalf("the word list has %d words; gen.go writes over 60,000", len(l))
	}
	for i := 1; i < len(l); i++ {
		if l[i-1] >= l[i] {
			t.Fatalf("words.txt is not sorted at line %d (%q, %q): run gen.go again", i+1, l[i-1], l[i])
		}
	}
}

func BenchmarkIsWord(b *testing.B) {
	IsWord("warm")
	for b.Loop() {
		IsWord("dividend")
	}
}
