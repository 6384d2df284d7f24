package corpus

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"seriesbot/internal/sharedtest"
)

// realPart2 is the text of Part 2 as the user supplied it, in the shared
// folder: it may be read at test time but not copied into the repository.
const realPart2 = "series/000_b4f39b9538fbf4a7.txt"

// templateLeftovers must never reach a paragraph or heading.
var templateLeftovers = []string{
	"top of page", "bottom of page", "Writer's picture", "subscribe", "Subscribe",
	"Commentaires", "Glossary", "Pinduoduo Series", "JD Series", "Series Roadmap",
}

func TestParseTextRealPart2(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, realPart2))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseText("000_b4f39b9538fbf4a7.txt", data)
	if err != nil {
		t.Fatalf("ParseText: %v", err)
	}
	if want := "Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives"; a.Title != want {
		t.Errorf("title = %q, want %q", a.Title, want)
	}
	if a.Series != "Alibaba" || a.Part != 2 {
		t.Errorf("series/part = %q/%d, want Alibaba/2", a.Series, a.Part)
	}
	if a.URL != "" {
		t.Errorf("URL = %q, want none (a text page does not carry it)", a.URL)
	}
	var headings []string
	for _, s := range a.Sections {
		headings = append(headings, s.Heading)
	}
	wantHeadings := []string{IntroHeading, "Cloud Computing", "Digital Media and Entertainment", "Innovation Initiatives", "Ant Group"}
	if !slices.Equal(headings, wantHeadings) {
		t.Errorf("headings = %q, want %q", headings, wantHeadings)
	}
	checkNoLeftovers(t, a)
	for _, fact := range []string{"RMB60 billion", "8%", "4 million customers", "2014", "HKEX: 1060", "NASDAQ: AMAP", "one billion consumers"} {
		if !articleContains(a, fact) {
			t.Errorf("no paragraph contains %q", fact)
		}
	}
}

func checkNoLeftovers(t *testing.T, a Article) {
	t.Helper()
	for _, s := range a.Sections {
		for _, text := range append([]string{s.Heading}, s.Paragraphs...) {
			for _, junk := range templateLeftovers {
				if strings.Contains(text, junk) {
					t.Errorf("section %q keeps template text %q in %q", s.Heading, junk, text)
				}
			}
			if strings.TrimSpace(strings.ReplaceAll(text, "\u00a0", " ")) == "" {
				t.Errorf("section %q has a blank paragraph", s.Heading)
			}
		}
	}
}

func articleContains(a Article, s string) bool {
	for _, sec := range a.Sections {
		for _, p := range sec.Paragraphs {
			if strings.Contains(p, s) {
				return true
			}
		}
	}
	return false
}

func TestParseTextFixture(t *testing.T) {
	a, err := ParseText("page.txt", readTestdata(t, "page.txt"))
	if err != nil {
		t.Fatalf("ParseText: %v", err)
	}
	want := Article{
		Series: "Lotus Foods",
		Part:   3,
		Title:  "Lotus Foods (Part 3): Stores and Delivery",
		Source: "page.txt",
		Sections: []Section{
			{Heading: IntroHeading, Paragraphs: []string{"This part of the series looks at the shops and the delivery fleet of the grocer."}},
			{Heading: "Stores", Paragraphs: []string{
				// the wrapped line is joined back
				"The grocer ran 1,250 stores at the end of fiscal 2022. Most of them are in second-tier cities, where rents are lower.",
				"(Note: a store counts once it has been open for a full month)",
			}},
			{Heading: "Delivery", Paragraphs: []string{"Orders placed before noon arrive the same day."}},
		},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("ParseText\n got %#v\nwant %#v", a, want)
	}
	checkNoLeftovers(t, a)
}

func TestParseTextStructure(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      []Section
		wantErr   error
		wantTitle string
	}{
		{name: "empty", in: "", wantErr: ErrNoText},
		{name: "only template", in: "top of page\n\u00a0\nClick here to subscribe!\nbottom of page\n", wantErr: ErrNoText},
		{name: "title only", in: "Just a title\n", wantErr: ErrNoText},
		{
			name: "short line followed by a heading is a paragraph", wantTitle: "T",
			in: "T\nFirst Heading\nSecond Heading\nBody text of the section.\n",
			want: []Section{
				{Heading: IntroHeading, Paragraphs: []string{"First Heading"}},
				{Heading: "Second Heading", Paragraphs: []string{"Body text of the section."}},
			},
		},
		{
			name: "short line at the end is a paragraph", wantTitle: "T",
			in:   "T\nSome text here.\nClosing Words\n",
			want: []Section{{Heading: IntroHeading, Paragraphs: []string{"Some text here.", "Closing Words"}}},
		},
		{
			name: "sentence-like or lower-case or long lines are not headings", wantTitle: "T",
			in: "T\nA short sentence.\nParagraph one.\nlower case start\nParagraph two.\n" +
				"A Line That Is Much Too Long To Be Taken For A Heading In This Series\nParagraph three.\n",
			want: []Section{{Heading: IntroHeading, Paragraphs: []string{
				"A short sentence.", "Paragraph one.", "lower case start", "Paragraph two.",
				"A Line That Is Much Too Long To Be Taken For A Heading In This Series", "Paragraph three.",
			}}},
		},
		{
			name: "comments end the article", wantTitle: "T",
			in:   "T\nText.\nComments\nA reader wrote this.\n",
			want: []Section{{Heading: IntroHeading, Paragraphs: []string{"Text."}}},
		},
		{
			name: "template lines in the middle and CRLF", wantTitle: "Title Line",
			in:   "Writer’s pictureSomeone\r\nTitle Line\r\n5 min read\r\nDec 20, 2021\r\nText one.\r\nAnt Group Series\r\nText two.\r\n",
			want: []Section{{Heading: IntroHeading, Paragraphs: []string{"Text one.", "Text two."}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseText("x.txt", []byte(tt.in))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseText: %v", err)
			}
			if a.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", a.Title, tt.wantTitle)
			}
			if !reflect.DeepEqual(a.Sections, tt.want) {
				t.Errorf("sections\n got %#v\nwant %#v", a.Sections, tt.want)
			}
		})
	}
}

func FuzzParseText(f *testing.F) {
	f.Add(readTestdata(f, "page.txt"))
	for _, s := range []string{"", "T\nH\nbody.\n", "top of page\n", "T\r\nComments\r\n", "Alibaba (Part 9): X\nY\n", "\xff\xfe\n\u00a0\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseText("fuzz.txt", data)
		if err != nil {
			return
		}
		checkParsed(t, a)
	})
}
