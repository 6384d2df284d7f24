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

func TestProperNouns(t *testing.T) {
	for _, tt := range []struct {
		adjective string
		want      []string
	}{
		{"turkish", []string{"turkey"}},
		{"Chinese", []string{"china"}},
		{"asian", []string{"asia"}},
		{"indian", []string{"american indian", "india"}},
		{"financial", nil}, // no proper noun
		{"turkey", nil},
		{"", nil},
		{"turkish\tturkey", nil},
	} {
		if got := ProperNouns(tt.adjective); !slices.Equal(got, tt.want) {
			t.Errorf("ProperNouns(%q) = %q, want %q", tt.adjective, got, tt.want)
		}
	}
}

func TestRegions(t *testing.T) {
	for _, tt := range []struct {
		place string
		want  string // the nearest region
	}{
		{"pakistan", "asia"},
		{"Vietnam", "indochina"},
		{"indonesia", "southeast asia"},
		{"istanbul", "turkey"},
		{"alibaba", ""},
		{"", ""},
	} {
		got := Regions(tt.place)
		if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) == 0 || got[0] != tt.want) {
			t.Errorf("Regions(%q) = %q, want %q first", tt.place, got, tt.want)
		}
	}
}

func TestTablesAreSorted(t *testing.T) {
	for _, tt := range []struct {
		name, table string
		lookup      func(string) []string
		min         int
	}{
		{"proper.txt", proper, ProperNouns, 500},
		{"places.txt", places, Regions, 1500},
	} {
		if !strings.HasSuffix(tt.table, "\n") {
			t.Fatalf("%s does not end in a newline: run genproper.go again", tt.name)
		}
		l := strings.Split(strings.TrimSuffix(tt.table, "\n"), "\n")
		if len(l) < tt.min {
			t.Fatalf("%s has %d lines; genproper.go writes over %d", tt.name, len(l), tt.min)
		}
		prev := ""
		for i, line := range l {
			fields := strings.Split(line, "\t")
			if len(fields) < 2 || fields[0] <= prev {
				t.Fatalf("%s line %d (%q) is not a key after %q with its values: run genproper.go again", tt.name, i+1, line, prev)
			}
			if got := tt.lookup(fields[0]); !slices.Equal(got, fields[1:]) {
				t.Fatalf("%s: lookup(%q) = %q, want %q (line %d)", tt.name, fields[0], got, fields[1:], i+1)
			}
			prev = fields[0]
		}
	}
}
