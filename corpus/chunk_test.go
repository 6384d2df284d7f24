package corpus

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sentence returns a made-up sentence of exactly n runes (n ≥ 10) ending
// with a period, numbered so that sentences differ.
func sentence(t *testing.T, i, n int) string {
	t.Helper()
	head := fmt.Sprintf("Item %d ", i)
	if n < len(head)+2 {
		t.Fatalf("sentence length %d too short", n)
	}
	return head + strings.Repeat("x", n-len(head)-1) + "."
}

func joinSentences(t *testing.T, count, n int) string {
	t.Helper()
	var parts []string
	for i := range count {
		parts = append(parts, sentence(t, i, n))
	}
	return strings.Join(parts, " ")
}

func TestChunk(t *testing.T) {
	long := joinSentences(t, 10, 50)         // 509 runes: ten sentences of 50
	short1 := "A short note."                // < shortParagraph
	short2 := "Another brief remark."        // < shortParagraph
	medium := joinSentences(t, 3, 60)        // 182 runes, not short
	giant := sentence(t, 0, 400)             // one sentence over the bounds below
	sevenHundred := joinSentences(t, 10, 69) // 699 runes

	tests := []struct {
		name     string
		paras    []string
		maxChars int
		want     []string
	}{
		{"one paragraph one passage", []string{medium}, 700, []string{medium}},
		{"long paragraph split at sentence ends", []string{long}, 120, []string{
			sentence(t, 0, 50) + " " + sentence(t, 1, 50),
			sentence(t, 2, 50) + " " + sentence(t, 3, 50),
			sentence(t, 4, 50) + " " + sentence(t, 5, 50),
			sentence(t, 6, 50) + " " + sentence(t, 7, 50),
			sentence(t, 8, 50) + " " + sentence(t, 9, 50),
		}},
		{"bound met exactly", []string{long}, 101, []string{
			sentence(t, 0, 50) + " " + sentence(t, 1, 50),
			sentence(t, 2, 50) + " " + sentence(t, 3, 50),
			sentence(t, 4, 50) + " " + sentence(t, 5, 50),
			sentence(t, 6, 50) + " " + sentence(t, 7, 50),
			sentence(t, 8, 50) + " " + sentence(t, 9, 50),
		}},
		{"single long sentence stays whole", []string{giant + " " + short1}, 100, []string{giant, short1}},
		{"short paragraphs merge with the next", []string{short1, short2, medium}, 700, []string{short1 + " " + short2 + " " + medium}},
		{"short paragraph not merged when too long", []string{short1, sevenHundred}, 700, []string{short1, sevenHundred}},
		{"long paragraph not merged with the next", []string{medium, short1}, 700, []string{medium, short1}},
		{"last short paragraph stays", []string{medium, short2}, 700, []string{medium, short2}},
		{"default bound keeps 699 runes", []string{sevenHundred}, 0, []string{sevenHundred}},
		{"default bound splits 769 runes", []string{sevenHundred + " " + sentence(t, 99, 69)}, -1, []string{
			sevenHundred, sentence(t, 99, 69),
		}},
		{"runes not bytes", []string{strings.Repeat("云", 30) + "。" + strings.Repeat("云", 30) + "。"}, 40, []string{
			strings.Repeat("云", 30) + "。", strings.Repeat("云", 30) + "。",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Article{Series: "Alibaba", Part: 2, Title: "T", Sections: []Section{{Heading: "H", Paragraphs: tt.paras}}}
			var got []string
			for _, p := range Chunk(a, tt.maxChars) {
				got = append(got, p.Text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Chunk texts\n got %q\nwant %q", got, tt.want)
			}
			checkPassageBounds(t, got, tt.maxChars)
		})
	}
}

// checkPassageBounds asserts that every passage fits in maxChars (the
// default when ≤ 0) unless it is a single sentence.
func checkPassageBounds(t *testing.T, texts []string, maxChars int) {
	t.Helper()
	if maxChars <= 0 {
		maxChars = DefaultMaxChars
	}
	for _, s := range texts {
		if runeLen(s) > maxChars && len(Sentences(s)) > 1 {
			t.Errorf("passage of %d runes over bound %d holds %d sentences: %.60q…", runeLen(s), maxChars, len(Sentences(s)), s)
		}
	}
}

func TestChunkMergesWithinSectionsOnly(t *testing.T) {
	a := Article{Series: "Alibaba", Part: 1, Title: "T", Sections: []Section{
		{Heading: "A", Paragraphs: []string{"Short in A."}},
		{Heading: "B", Paragraphs: []string{"Short in B."}},
	}}
	got := Chunk(a, 700)
	if len(got) != 2 || got[0].Section != "A" || got[1].Section != "B" {
		t.Fatalf("got %+v, want one passage per section", got)
	}
}

func TestChunkMetadataAndIDs(t *testing.T) {
	sections := []Section{
		{Heading: IntroHeading, Segment: "ecosystem", Paragraphs: []string{joinSentences(t, 3, 60)}},
		{Heading: "Cloud Computing", Segment: "cloud", Paragraphs: []string{joinSentences(t, 3, 60), joinSentences(t, 3, 60)}},
	}
	tests := []struct {
		name    string
		article Article
		wantIDs []string
	}{
		{"series and part", Article{Series: "Alibaba", Part: 2, Title: "T", URL: "https://example.com/2", Source: "x.md", Sections: sections},
			[]string{"alibaba-2-0-0", "alibaba-2-1-0", "alibaba-2-1-1"}},
		{"series with spaces", Article{Series: "Ant Group", Part: 1, Title: "T", Source: "x.md", Sections: sections},
			[]string{"ant-group-1-0-0", "ant-group-1-1-0", "ant-group-1-1-1"}},
		{"no part uses the source", Article{Series: "Alibaba", Title: "T", Source: "notes/Draft Notes.md", Sections: sections},
			[]string{"notes-draft-notes-md-0-0", "notes-draft-notes-md-1-0", "notes-draft-notes-md-1-1"}},
		{"part without series uses the source", Article{Part: 5, Title: "T", Source: "p5.txt", Sections: sections},
			[]string{"p5-txt-5-0-0", "p5-txt-5-1-0", "p5-txt-5-1-1"}},
		{"nothing known", Article{Title: "T", Sections: sections},
			[]string{"article-0-0", "article-1-0", "article-1-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Chunk(tt.article, 0)
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.ID)
				if p.Series != tt.article.Series || p.Part != tt.article.Part || p.Title != tt.article.Title || p.URL != tt.article.URL {
					t.Errorf("passage %s lacks the article's metadata: %+v", p.ID, p)
				}
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("IDs = %q, want %q", ids, tt.wantIDs)
			}
			if ps[1].Section != "Cloud Computing" || ps[1].Segment != "cloud" || ps[0].Segment != "ecosystem" {
				t.Errorf("section metadata wrong: %+v / %+v", ps[0], ps[1])
			}
		})
	}
}
