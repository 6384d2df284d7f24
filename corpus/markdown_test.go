package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

func TestParseMarkdownGoodFile(t *testing.T) {
	a, err := ParseMarkdown("good.md", readTestdata(t, "markdown/good.md"))
	if err != nil {
		t.Fatalf("ParseMarkdown: %v", err)
	}
	want := Article{
		Series: "Lotus Foods",
		Part:   3,
		Title:  `Lotus Foods (Part 3): Stores and "Fast" Delivery`,
		URL:    "https://blog.example.com/post/lotus-foods-part-3",
		Source: "good.md",
		Sections: []Section{
			{Heading: IntroHeading, Segment: "retail", Paragraphs: []string{
				"This part of the series looks at the shops and the delivery fleet of the grocer, as the last part promised.",
			}},
			{Heading: "Stores", Segment: "stores", Paragraphs: []string{
				"The grocer ran 1,250 stores at the end of fiscal 2022.",
				"Neighbourhood shops of under 300 square metres.",
				"Hypermarkets at the edge of large cities.",
			}},
			{Heading: "Store Formats", Segment: "retail", Paragraphs: []string{
				"Small shops earn more per square metre.",
				"Large ones draw shoppers from further away.",
			}},
			{Heading: "Delivery: Vans and Riders", Segment: "delivery", Paragraphs: []string{
				"Orders placed before noon arrive the same day; the fleet uses 3,400 electric vans.",
			}},
		},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("ParseMarkdown\n got %#v\nwant %#v", a, want)
	}
}

func TestParseMarkdownErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"unterminated front matter", "---\nseries: Alibaba\npart: 2\n\nText.\n", "line 1: front matter is never closed"},
		{"only an opening fence", "---", "line 1: front matter is never closed"},
		{"part not a number", "---\nseries: Alibaba\npart: two\n---\nText.\n", `line 3: part "two" is not a number`},
		{"part zero", "---\npart: 0\n---\nText.\n", "line 2: part 0 must be 1 or more"},
		{"part negative", "---\npart: -4\n---\nText.\n", "line 2: part -4 must be 1 or more"},
		{"unknown key", "---\ntitle: T\nauthor: Someone\n---\nText.\n", `line 3: unknown key "author"`},
		{"duplicate key", "---\nseries: A\nseries: B\n---\nText.\n", `line 3: key "series" already set on line 2`},
		{"no colon", "---\nseries Alibaba\n---\nText.\n", `line 2: expected "key: value"`},
		{"url not http", "---\nurl: ftp://example.com/x\n---\nText.\n", `line 2: url "ftp://example.com/x" is not an http(s) URL`},
		{"url relative", "---\n\nurl: /post/x\n---\nText.\n", `line 3: url "/post/x" is not an http(s) URL`},
		{"unterminated double quote", "---\ntitle: \"Half\n---\nText.\n", "line 2: title: bad double-quoted value"},
		{"unterminated single quote", "---\ntitle: 'Half\n---\nText.\n", "line 2: title: unterminated single-quoted value"},
		{"indented line outside segments", "---\ntitle: T\n  extra: x\n---\nText.\n", "line 3: unexpected indented line"},
		{"segments with inline value", "---\nsegments: cloud\n---\nText.\n", "line 2: segments takes indented"},
		{"segment entry without colon", "---\nsegments:\n  Cloud\n---\n## Cloud\nText.\n", `line 3: segments: expected "Heading: segment-id"`},
		{"segment id with a space", "---\nsegments:\n  Cloud: cloud computing\n---\n## Cloud\nText.\n", `line 3: segments: "Cloud": segment id "cloud computing" must be one word`},
		{"segment heading twice", "---\nsegments:\n  Cloud: cloud\n  Cloud: other\n---\n## Cloud\nText.\n", `line 4: segments: heading "Cloud" already mapped on line 3`},
		{"segment heading matches no section", "---\ntitle: T\nsegments:\n  Cloud: cloud\n  Clod: typo\n---\n## Cloud\nText.\n", `line 5: segments: no section is headed "Clod"`},
		{"article segment with a space", "---\nsegment: two words\n---\nText.\n", `line 2: segment id "two words" must be one word`},
		{"no text", "---\ntitle: Only a title\n---\n\n", "no text"},
		{"heading without text", "# Title\n\n## Empty section\n", "no text"},
		{"empty file", "", "no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseMarkdown("x.md", []byte(tt.in))
			if err == nil {
				t.Fatalf("ParseMarkdown = %+v, want error containing %q", a, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseMarkdownNoTextIsErrNoText(t *testing.T) {
	_, err := ParseMarkdown("x.md", []byte("# Just a title\n"))
	if !errors.Is(err, ErrNoText) {
		t.Errorf("error = %v, want ErrNoText", err)
	}
}

func TestParseMarkdownStructure(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantTitle  string
		wantSeries string
		wantPart   int
		wantSecs   []Section
	}{
		{
			name:      "title from first # heading, series and part derived",
			in:        "# Alibaba (Part 2): Cloud and More\n\nIntro text.\n\n## Cloud\n\nCloud text.\n",
			wantTitle: "Alibaba (Part 2): Cloud and More", wantSeries: "Alibaba", wantPart: 2,
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{"Intro text."}}, {Heading: "Cloud", Paragraphs: []string{"Cloud text."}}},
		},
		{
			name:      "title from first line without headings",
			in:        "\n\nA plain title line\nFirst paragraph line one\nline two.\n\nSecond paragraph.\n",
			wantTitle: "A plain title line",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"First paragraph line one line two.", "Second paragraph."}}},
		},
		{
			name:      "first line ## heading is the title when there is no # heading",
			in:        "## **Bold** Title\n\nText.\n",
			wantTitle: "Bold Title",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Text."}}},
		},
		{
			name:      "front matter title, # line repeating it is not a section",
			in:        "---\ntitle: 'Ant Group (Part 1): It''s Big'\n---\n# Ant Group (Part 1): It's Big\n\nText.\n",
			wantTitle: "Ant Group (Part 1): It's Big", wantSeries: "Ant Group", wantPart: 1,
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{"Text."}}},
		},
		{
			name:      "front matter series and part win over the title",
			in:        "---\nseries: Ali\npart: 7\ntitle: Alibaba (Part 2): X\n---\nText.\n",
			wantTitle: "Alibaba (Part 2): X", wantSeries: "Ali", wantPart: 7,
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{"Text."}}},
		},
		{
			name:      "other # heading after the title is a section",
			in:        "---\ntitle: T\n---\n# Another Top Heading\nText.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: "Another Top Heading", Paragraphs: []string{"Text."}}},
		},
		{
			name:      "inline markup stripped",
			in:        "# T\n\n**bold** and *em* and `code` and [a link](https://example.com) and ![a picture](p.png) and __strong__ and ~~gone~~ and snake_case_name and _under_ and \\*stars\\*.\n",
			wantTitle: "T",
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{
				"bold and em and code and a link and a picture and strong and gone and snake_case_name and under and *stars*.",
			}}},
		},
		{
			name:      "each list item is a paragraph",
			in:        "# T\n\nLead in:\n- first item\n  wraps here\n* second item\n+ third item\n1. fourth item\n2) fifth item\n\nAfter.\n",
			wantTitle: "T",
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{
				"Lead in:", "first item wraps here", "second item", "third item", "fourth item", "fifth item", "After.",
			}}},
		},
		{
			name:      "headings levels, closing hashes, hashtags, rules, quotes, comments, fences",
			in:        "# T\n\n### Deep ###\n#hashtag is text\n\n---\n\n> quoted\n> more\n\n<!-- a\ncomment -->\n```\ncode line\n```\n",
			wantTitle: "T",
			wantSecs: []Section{{Heading: "Deep", Paragraphs: []string{
				"#hashtag is text", "quoted more", "code line",
			}}},
		},
		{
			name:      "CRLF and BOM",
			in:        "\ufeff---\r\ntitle: T\r\npart: 4\r\n---\r\nLine one\r\nline two.\r\n",
			wantTitle: "T", wantPart: 4,
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{"Line one line two."}}},
		},
		{
			name:      "segments matched ignoring case, others take the article segment",
			in:        "---\ntitle: T\nsegment: all\nsegments:\n  cloud computing: cloud\n---\nIntro.\n## Cloud Computing\nA.\n## Other\nB.\n",
			wantTitle: "T",
			wantSecs: []Section{
				{Heading: IntroHeading, Segment: "all", Paragraphs: []string{"Intro."}},
				{Heading: "Cloud Computing", Segment: "cloud", Paragraphs: []string{"A."}},
				{Heading: "Other", Segment: "all", Paragraphs: []string{"B."}},
			},
		},
		{
			name:      "empty sections dropped",
			in:        "# T\n## Empty\n## Full\nText.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: "Full", Paragraphs: []string{"Text."}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseMarkdown("x.md", []byte(tt.in))
			if err != nil {
				t.Fatalf("ParseMarkdown: %v", err)
			}
			if a.Title != tt.wantTitle || a.Series != tt.wantSeries || a.Part != tt.wantPart {
				t.Errorf("title/series/part = %q/%q/%d, want %q/%q/%d", a.Title, a.Series, a.Part, tt.wantTitle, tt.wantSeries, tt.wantPart)
			}
			if !reflect.DeepEqual(a.Sections, tt.wantSecs) {
				t.Errorf("sections\n got %#v\nwant %#v", a.Sections, tt.wantSecs)
			}
		})
	}
}

// TestParseMarkdownCommonMark covers what a reading line by line got
// wrong: setext headings, brackets and parentheses in links, markup
// inside code spans, and the blocks and inlines that are not text.
func TestParseMarkdownCommonMark(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantTitle  string
		wantSeries string
		wantPart   int
		wantSecs   []Section
	}{
		{
			name:      "setext level-1 heading is the title",
			in:        "Lotus Foods (Part 1): Shops\n===========================\n\nText.\n",
			wantTitle: "Lotus Foods (Part 1): Shops", wantSeries: "Lotus Foods", wantPart: 1,
			wantSecs: []Section{{Heading: IntroHeading, Paragraphs: []string{"Text."}}},
		},
		{
			name:      "setext level-2 heading starts a section",
			in:        "# T\n\nIntro.\n\nStores\n------\n\nText.\n",
			wantTitle: "T",
			wantSecs: []Section{
				{Heading: IntroHeading, Paragraphs: []string{"Intro."}},
				{Heading: "Stores", Paragraphs: []string{"Text."}},
			},
		},
		{
			name:      "setext level-1 heading after a front matter title is a section",
			in:        "---\ntitle: T\n---\nOther Top\n=========\nText.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: "Other Top", Paragraphs: []string{"Text."}}},
		},
		{
			name:      "link with parentheses in its URL",
			in:        "# T\n\nSee [the filing](https://a.io/a_(b)) and [x](<https://a.io/c d>) for more.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"See the filing and x for more."}}},
		},
		{
			name:      "link text with brackets and markup",
			in:        "# T\n\nRead [the *[annual]* report](https://a.io/r).\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Read the [annual] report."}}},
		},
		{
			name:      "code spans keep their markup",
			in:        "# T\n\nRun `a*b*c` and `__init__` and `` `x` `` and `\\*`.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Run a*b*c and __init__ and `x` and \\*."}}},
		},
		{
			name:      "code span across lines",
			in:        "# T\n\nA `b\nc` d.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"A b c d."}}},
		},
		{
			name:      "autolinks, images, raw HTML, references, escapes",
			in:        "# T\n\nGo to <https://a.io/x> or see ![the *chart*](c.png) <span>here</span> &amp; \\[not a link\\](x) &copy; &#8364;5 &nosuch;\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Go to https://a.io/x or see the chart here & [not a link](x) © €5 &nosuch;"}}},
		},
		{
			name:      "reference link, its definition dropped",
			in:        "# T\n\nSee [the report][r].\n\n[r]: https://a.io/r \"Report\"\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"See the report."}}},
		},
		{
			name:      "hard line breaks are spaces",
			in:        "# T\n\nline one  \nline two\\\nline three\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"line one line two line three"}}},
		},
		{
			name:      "heading inside a quote is quoted text",
			in:        "# T\n\n> ## Said\n> words\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Said", "words"}}},
		},
		{
			name:      "indented code kept as text, HTML block dropped",
			in:        "# T\n\nText.\n\n    code *a*\n\n    more\n\n<div class=\"ad\">\nBuy now\n</div>\n\nEnd.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"Text.", "code *a*", "more", "End."}}},
		},
		{
			name:      "nested list items and a loose item's paragraphs",
			in:        "# T\n\n- a\n  - b\n- c\n\n  c again\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"a", "b", "c", "c again"}}},
		},
		{
			name:      "title from the first line of a quote",
			in:        "> A quoted title\n> and its text\n\nMore.\n",
			wantTitle: "A quoted title",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"and its text", "More."}}},
		},
		{
			name:      "code is never the title",
			in:        "```\ncode\n```\nA title\nText.\n",
			wantTitle: "A title",
			wantSecs:  []Section{{Heading: IntroHeading, Paragraphs: []string{"code", "Text."}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseMarkdown("x.md", []byte(tt.in))
			if err != nil {
				t.Fatalf("ParseMarkdown: %v", err)
			}
			if a.Title != tt.wantTitle || a.Series != tt.wantSeries || a.Part != tt.wantPart {
				t.Errorf("title/series/part = %q/%q/%d, want %q/%q/%d", a.Title, a.Series, a.Part, tt.wantTitle, tt.wantSeries, tt.wantPart)
			}
			if !reflect.DeepEqual(a.Sections, tt.wantSecs) {
				t.Errorf("sections\n got %#v\nwant %#v", a.Sections, tt.wantSecs)
			}
		})
	}
}

func FuzzParseMarkdown(f *testing.F) {
	f.Add(readTestdata(f, "markdown/good.md"))
	for _, s := range []string{
		"", "---", "---\n---\n", "---\npart: x\n---\n", "# T\n\n## S\n\n- a\n- b\n",
		"---\nsegments:\n  \"A: b\": c\n---\n## A: b\ntext\n", "```\n# x\n", "<!--", "*a* **b** [c](d) `e`",
		"---\ntitle: \"A (Part 1): B\" # c\nsegments: {S: s}\n---\nT\n=\n\nS\n-\n\n> x\n", "---\ntitle: A: B\nx: &a [*a]\n---\n",
		"[a](<b c> \"d\") ![e](f) <g@h.io> &amp;\\* `*`\n\n    code\n",
		"---\nfigures:\n  - {label: A, value: 8, unit: \"%\", year: 2021, section: S}\n---\n## S\nIn 2021 it was 8%.\n",
		"---\nfigures:\n  - label: B\n    value: 1\n    unit: RMB billion\n    section: s\n---\n## S\nIt made RMB1 billion, one billion.\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseMarkdown("fuzz.md", data)
		if err != nil {
			return
		}
		checkParsed(t, a)
		for _, fig := range a.Figures {
			if !slices.ContainsFunc(a.Sections, func(s Section) bool {
				return s.Heading == fig.Section && slices.ContainsFunc(s.Paragraphs, func(p string) bool {
					return slices.ContainsFunc(Sentences(p), fig.StatedIn)
				})
			}) {
				t.Fatalf("figure %+v is not stated by its section", fig)
			}
		}
	})
}

// checkParsed asserts what every parser promises for an article it
// returns without error: it validates and chunks into non-empty passages.
func checkParsed(t *testing.T, a Article) {
	t.Helper()
	if err := a.Validate(); err != nil {
		t.Fatalf("parsed article does not validate: %v", err)
	}
	for _, s := range a.Sections {
		if len(s.Paragraphs) == 0 {
			t.Fatalf("empty section %q kept", s.Heading)
		}
		for _, p := range s.Paragraphs {
			if p == "" || collapseSpace(p) != p {
				t.Fatalf("paragraph not trimmed and collapsed: %q", p)
			}
		}
	}
	for _, p := range Chunk(a, 80) {
		if strings.TrimSpace(p.Text) == "" || p.ID == "" {
			t.Fatalf("empty passage or ID: %+v", p)
		}
	}
}
