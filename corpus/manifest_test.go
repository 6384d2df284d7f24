package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseManifest(t *testing.T) {
	good := `# two series, one with a part that has no text yet
segments:
  stores: Stores
  delivery: Delivery
series:
  - name: Lotus Foods
    parts:
      - part: 2
        title: "Lotus Foods (Part 2): Stores"
        url: https://blog.example.com/2
        file: texts/part-2.md
        segments: {Store Formats: stores, "Delivery:  Vans": delivery}
        about: the shops
      - part: 1
        title: Lotus Foods (Part 1) — History
        url: http://blog.example.com/1
      - part: 3
        about: what comes next
  - name: Other
    parts:
      - {part: 1, title: "Other (Part 1): X", file: other.html}
`
	m, err := ParseManifest([]byte(good))
	if err != nil {
		t.Fatalf("ParseManifest: %v", err)
	}
	want := Manifest{
		Series: "Lotus Foods",
		Parts: []PartInfo{
			{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods (Part 1) — History", URL: "http://blog.example.com/1"},
			{Series: "Lotus Foods", Part: 2, Title: "Lotus Foods (Part 2): Stores", URL: "https://blog.example.com/2", About: "the shops",
				File: "texts/part-2.md", Segments: map[string]string{"Store Formats": "stores", "Delivery: Vans": "delivery"}},
			{Series: "Lotus Foods", Part: 3, About: "what comes next"},
			{Series: "Other", Part: 1, Title: "Other (Part 1): X", File: "other.html"},
		},
		Segments: map[string]string{"stores": "Stores", "delivery": "Delivery"},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ParseManifest\n got %#v\nwant %#v", m, want)
	}
}

func TestParseManifestErrors(t *testing.T) {
	const head = "series:\n  - name: A\n    parts:\n"
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", ``, "corpus.yaml: empty file: no series listed"},
		{"not YAML", "series: [a\n", "corpus.yaml: line 2: not valid YAML: did not find expected ',' or ']'"},
		{"not a mapping", "- a\n- b\n", `line 1: expected "series:" and "segments:" keys, got a list`},
		{"unknown top key", "serie:\n  - name: A\n", `line 1: unknown key "serie" (known: series, segments)`},
		{"unknown part key", head + "      - part: 1\n        link: https://x.com\n", `A: line 5: unknown key "link" in a part (known: part, title, url, file, segments, about)`},
		{"unknown series key", "series:\n  - name: A\n    title: x\n", `line 3: unknown key "title" in a series`},
		{"key twice", head + "      - part: 1\n        url: https://x.com/1\n        url: https://x.com/2\n", `line 6: key "url" already set on line 5`},
		{"two documents", head + "      - part: 1\n---\nseries: []\n", "more than one YAML document"},
		{"no series", "segments: {a: b}\n", "line 1: no series listed"},
		{"series not a list", "series: Alibaba\n", `line 1: series: expected a list of {name, parts}, got "Alibaba"`},
		{"no name", "series:\n  - parts:\n      - part: 1\n", "line 2: series: name is missing"},
		{"no parts", "series:\n  - name: A\n", `line 2: series "A": no parts listed`},
		{"series twice", head + "      - part: 1\n  - name: a\n    parts:\n      - part: 2\n", `line 5: series "a" already listed on line 2`},
		{"part zero", head + "      - part: 0\n", `A: line 4: part "0" must be a number, 1 or more`},
		{"part not a number", head + "      - part: two\n", `A: line 4: part "two" must be a number`},
		{"part missing", head + "      - title: x\n", `A: line 4: a part without its number`},
		{"duplicate part", head + "      - part: 1\n      - part: 2\n      - part: 1\n", "A: line 6: part 1 already listed on line 4"},
		{"bad url", head + "      - part: 1\n        url: www.example.com/x\n", `A: line 5: url "www.example.com/x" is not an http(s) URL`},
		{"file outside", head + "      - part: 1\n        file: ../x.md\n", `A: line 5: file "../x.md": must be a plain path inside the manifest's folder`},
		{"file absolute", head + "      - part: 1\n        file: /etc/x.md\n", `file "/etc/x.md": must be a plain path`},
		{"file of unknown kind", head + "      - part: 1\n        file: x.pdf\n", `file "x.pdf": not a Markdown, HTML or text file`},
		{"title a list", head + "      - part: 1\n        title: [a, b]\n", `A: line 5: title: expected one value, got a list`},
		{"bad segment id", "segments: {two words: x}\n" + head + "      - part: 1\n", `line 1: segments: segment id "two words" must be one word`},
		{"bad part segment", head + "      - part: 1\n        segments: {Shops: two words}\n", `A: line 5: segments: "Shops": segment id "two words" must be one word`},
		{"part segments not a map", head + "      - part: 1\n        segments: cloud\n", `line 5: segments: expected "Section heading: segment-id" entries, got "cloud"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("segments: {a: b}\nseries:\n  - name: A\n    parts:\n      - {part: 1, url: https://x.com, file: a.md, segments: {H: a}}\n"))
	f.Add([]byte("series: &s\n  - name: A\n    parts: [{part: 1}]\n"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		if m.Series == "" || len(m.Parts) == 0 {
			t.Fatalf("accepted manifest without series or parts: %+v", m)
		}
		for _, p := range m.Parts {
			if p.Part < 1 || p.Series == "" || p.URL != "" && !isHTTPURL(p.URL) || p.File != "" && checkManifestFile(p.File) != nil {
				t.Fatalf("accepted bad part %+v", p)
			}
		}
	})
}
