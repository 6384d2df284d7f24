package corpus

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseMarkdownFrontMatterValues(t *testing.T) {
	tests := []struct {
		name               string
		in                 string
		wantTitle, wantURL string
		wantSeries         string
		wantPart           int
		wantSecs           []Section // nil: not checked
	}{
		{
			name:      "comment after a plain value",
			in:        "---\ntitle: Alibaba Part 2 # draft\n---\nText.\n",
			wantTitle: "Alibaba Part 2",
		},
		{
			name:      "double-quoted value followed by a comment",
			in:        "---\ntitle: \"Alibaba (Part 2): Cloud\" # draft\n---\nText.\n",
			wantTitle: "Alibaba (Part 2): Cloud", wantSeries: "Alibaba", wantPart: 2,
		},
		{
			name:      "single-quoted value followed by a comment",
			in:        "---\ntitle: 'Ant Group (Part 1): It''s Big' # check\n---\nText.\n",
			wantTitle: "Ant Group (Part 1): It's Big", wantSeries: "Ant Group", wantPart: 1,
		},
		{
			name:      "plain value holding a colon, followed by a comment",
			in:        "---\nseries: Alibaba\ntitle: Alibaba (Part 2): Cloud # draft\npart: 2\n---\nText.\n",
			wantTitle: "Alibaba (Part 2): Cloud", wantSeries: "Alibaba", wantPart: 2,
		},
		{
			name:      "a # inside a word is not a comment",
			in:        "---\ntitle: Learning C# (Part 3)\nurl: https://a.io/post#part-2 # anchor\n---\nText.\n",
			wantTitle: "Learning C# (Part 3)", wantURL: "https://a.io/post#part-2", wantSeries: "Learning C#", wantPart: 3,
		},
		{
			name:      "comment lines, empty value, quoted number",
			in:        "---\n# notes for the editor\ntitle:\nseries: Ali # the group\npart: \"4\"\n---\n# Heading Title\nText.\n",
			wantTitle: "Heading Title", wantSeries: "Ali", wantPart: 4,
		},
		{
			name:      "segments as a flow mapping",
			in:        "---\ntitle: T\nsegments: {Cloud: cloud}\n---\n## Cloud\nText.\n",
			wantTitle: "T",
			wantSecs:  []Section{{Heading: "Cloud", Segment: "cloud", Paragraphs: []string{"Text."}}},
		},
		{
			name:      "anchor and alias",
			in:        "---\ntitle: T\nsegment: &seg retail\nsegments:\n  Stores: *seg # same as the article\n---\nIntro.\n## Stores\nText.\n",
			wantTitle: "T",
			wantSecs: []Section{
				{Heading: IntroHeading, Segment: "retail", Paragraphs: []string{"Intro."}},
				{Heading: "Stores", Segment: "retail", Paragraphs: []string{"Text."}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseMarkdown("x.md", []byte(tt.in))
			if err != nil {
				t.Fatalf("ParseMarkdown: %v", err)
			}
			if a.Title != tt.wantTitle || a.URL != tt.wantURL || a.Series != tt.wantSeries || a.Part != tt.wantPart {
				t.Errorf("title/url/series/part = %q/%q/%q/%d, want %q/%q/%q/%d",
					a.Title, a.URL, a.Series, a.Part, tt.wantTitle, tt.wantURL, tt.wantSeries, tt.wantPart)
			}
			if tt.wantSecs != nil && !reflect.DeepEqual(a.Sections, tt.wantSecs) {
				t.Errorf("sections\n got %#v\nwant %#v", a.Sections, tt.wantSecs)
			}
		})
	}
}

// TestParseMarkdownFrontMatterYAMLErrors checks that mistakes are reported
// at the line of the file that holds them, the opening fence being line 1,
// although yaml.v3 counts from the line after it (and, for some errors,
// from zero).
func TestParseMarkdownFrontMatterYAMLErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"character that starts no token", "---\ntitle: T\n\nurl: @x\n---\nText.\n", "line 4: found character that cannot start any token"},
		{"unclosed list (a parser error)", "---\ntitle: T\nseries: [A, B\npart: 2\n---\nText.\n", "line 3: did not find expected ',' or ']'"},
		{"bad indentation under segments", "---\ntitle: T\nsegments:\n  Cloud: cloud\n Other: x\n---\n## Cloud\nText.\n", "line 5: did not find expected key"},
		{"control character", "---\ntitle: T\nseries: A\x01\n---\nText.\n", "line 3: control characters are not allowed"},
		{"alias to no anchor", "---\ntitle: T\n\nsegment: *nope\n---\nText.\n", "line 4: unknown anchor 'nope' referenced"},
		{"tab indentation", "---\ntitle: T\nseries: A\n\tpart: 2\n---\nText.\n", "line 4: indented with a tab"},
		{"tab indentation under segments", "---\ntitle: T\nsegments:\n\tCloud: cloud\n---\n## Cloud\nText.\n", "line 4: indented with a tab"},
		{"text after a closing quote", "---\ntitle: T\nseries: \"A\" B\n---\nText.\n", `line 3: series: text "B" after the closing quote`},
		{"unknown escape", "---\ntitle: \"A\\q\"\n---\nText.\n", `line 2: title: bad double-quoted value "A\q": found unknown escape character`},
		{"quote closed on no line", "---\nseries: A\ntitle: \"Half\nurl: https://a.io/x\n---\nText.\n", `line 3: title: bad double-quoted value "Half (the quote is never closed)`},
		{"no space after a key", "---\nseries: A\ntitle:T\n---\nText.\n", `line 3: put a space after "title:"`},
		{"only a key with no space", "---\n\ntitle:T\n---\nText.\n", `line 3: put a space after "title:"`},
		{"text after the end of the YAML", "---\ntitle: T\n...\nseries: A\n---\nText.\n", `line 3: "..." ends the YAML`},
		{"unquoted heading holding a colon", "---\ntitle: T\nsegments:\n  Delivery: Vans: delivery\n---\n## Delivery: Vans\nText.\n", `line 4: segments: mapping values are not allowed in this context (quote a heading`},
		{"stray indented line after segments", "---\nsegments:\n  Cloud: cloud\ntitle: T\n  extra: x\n---\n## Cloud\nText.\n", `line 5: unexpected indented line "extra: x"`},
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

func TestParseMarkdownFrontMatterErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"duplicate key after a comment", "---\ntitle: T\n# set again below\n\ntitle: U\n---\nText.\n", `line 5: key "title" already set on line 2`},
		{"duplicate key, quoted", "---\nseries: A\n\"series\": B\n---\nText.\n", `line 3: key "series" already set on line 2`},
		{"duplicate heading in a flow mapping", "---\nsegments: {A: a, A: b}\n---\n## A\nText.\n", `line 2: segments: heading "A" already mapped on line 2`},
		{"part not a whole number", "---\npart: 2.5\n---\nText.\n", `line 2: part "2.5" is not a whole number`},
		{"part empty", "---\npart:\n---\nText.\n", `line 2: part "" is not a number`},
		{"title is a list", "---\ntitle: [a, b]\n---\nText.\n", "line 2: title: expected one value, got a list"},
		{"value on the line after its key", "---\nurl:\n  ftp://example.com/x\n---\nText.\n", `line 3: url "ftp://example.com/x" is not an http(s) URL`},
		{"unknown key lists the known ones", "---\nauthor: A\n---\nText.\n", `line 2: unknown key "author" (known: series, part, title, url, segment, segments, figures)`},
		{"segments is a list", "---\nsegments:\n  - Cloud\n---\nText.\n", `line 3: segments: expected "Heading: segment-id" lines, got a list`},
		{"segment id missing", "---\nsegments:\n  Cloud:\n---\n## Cloud\nText.\n", `line 3: segments: "Cloud": empty segment id`},
		{"segment id is a list", "---\nsegments:\n  Cloud: [a]\n---\n## Cloud\nText.\n", `line 3: segments: "Cloud": expected one value, got a list`},
		{"front matter is a list", "---\n- title: T\n---\nText.\n", `line 2: expected "key: value" lines, got a list`},
		{"heading matching no section after a comment", "---\ntitle: T\n# segments\nsegments:\n  Cloud: cloud\n\n  Clod: typo # sic\n---\n## Cloud\nText.\n", `line 7: segments: no section is headed "Clod"`},
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

func TestFrontMatterSyntaxErrorWrapsYAMLError(t *testing.T) {
	_, err := ParseMarkdown("x.md", []byte("---\ntitle: T\n\nurl: @x\n---\nText.\n"))
	var serr *frontMatterSyntaxError
	if !errors.As(err, &serr) {
		t.Fatalf("error = %v (%T), want a *frontMatterSyntaxError", err, err)
	}
	if inner := errors.Unwrap(err); inner == nil || !strings.HasPrefix(inner.Error(), "yaml: ") {
		t.Errorf("wrapped error = %v, want yaml.v3's", inner)
	}
}
