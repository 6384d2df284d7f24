package corpus

import (
	"reflect"
	"testing"
)

func TestCompareLibraries(t *testing.T) {
	art := func(series string, part int, source, text string) Article {
		return Article{Series: series, Part: part, Title: "T", Source: source, Sections: []Section{{Heading: IntroHeading, Paragraphs: []string{text}}}}
	}
	prev := &Library{Articles: []Article{
		art("Lotus", 1, "1.md", "same"),
		art("Lotus", 2, "2.md", "old"),
		art("Lotus", 3, "3.md", "gone"),
		art("", 0, "notes.md", "kept"),
	}}
	next := &Library{Articles: []Article{
		art("lotus", 1, "1.md", "same"), // series spelt otherwise: the same part, but not the same article
		art("Lotus", 2, "2.md", "new"),
		art("", 0, "notes.md", "kept"),
		art("Lotus", 4, "4.md", "added"),
	}}
	tests := []struct {
		name       string
		prev, next *Library
		want       Changes
	}{
		{"first load", nil, prev, Changes{Added: []string{"Lotus part 1", "Lotus part 2", "Lotus part 3", "notes.md"}}},
		{"reload", prev, next, Changes{
			Added: []string{"Lotus part 4"}, Changed: []string{"lotus part 1", "Lotus part 2"},
			Removed: []string{"Lotus part 3"}, Unchanged: []string{"notes.md"},
		}},
		{"same library", next, next, Changes{Unchanged: []string{"lotus part 1", "Lotus part 2", "notes.md", "Lotus part 4"}}},
	}
	for _, tt := range tests {
		if got := CompareLibraries(tt.prev, tt.next); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: CompareLibraries = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
