package corpus

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDefault guards the embedded corpus, so that Default never panics in
// a build that passed its tests.
func TestDefault(t *testing.T) {
	lib := Default()
	if Default() != lib {
		t.Error("Default() parsed the corpus twice")
	}
	data, err := defaultFiles.ReadFile("default/" + ManifestFile)
	if err != nil {
		t.Fatalf("embedded manifest: %v", err)
	}
	manifest, err := ParseManifest(data)
	if err != nil {
		t.Fatalf("embedded manifest: %v", err)
	}

	for _, n := range []int{1, 2, 3} {
		listed, ok := findPart(manifest.Parts, manifest.Series, n)
		if !ok || listed.URL == "" {
			t.Fatalf("corpus.yaml lists no URL for part %d", n)
		}
		i := slices.IndexFunc(lib.Articles, func(a Article) bool { return a.Part == n })
		if i < 0 {
			t.Errorf("no article for part %d", n)
			continue
		}
		if a := lib.Articles[i]; a.URL != listed.URL || a.Series != manifest.Series || a.Title != listed.Title {
			t.Errorf("part %d article %s: series/title/url = %q/%q/%q, manifest says %q/%q/%q",
				n, a.Source, a.Series, a.Title, a.URL, manifest.Series, listed.Title, listed.URL)
		}
		if p, ok := lib.Part(n); !ok || p.URL != listed.URL {
			t.Errorf("Part(%d) = %+v, %v", n, p, ok)
		}
	}
	if p, ok := lib.Part(4); !ok || p.URL != "" || p.About == "" {
		t.Errorf("Part(4) = %+v, %v; want it listed, with what it is about, without a URL", p, ok)
	}

	for _, seg := range lib.Segments() {
		if _, ok := manifest.Segments[seg]; !ok {
			t.Errorf("segment %q is used by a section but not named in corpus.yaml", seg)
		}
	}

	for _, maxChars := range []int{0, 150, 300} {
		ps := lib.Passages(maxChars)
		if len(ps) == 0 {
			t.Fatal("no passages")
		}
		checkUniqueIDs(t, ps)
		var texts []string
		for _, p := range ps {
			texts = append(texts, p.Text)
			if p.Title == "" || p.Part < 1 || p.Series == "" || p.URL == "" || p.Section == "" || p.Segment == "" {
				t.Errorf("passage %s lacks metadata: %+v", p.ID, p)
			}
			if !endsLikeSentence(p.Text) || strings.HasSuffix(p.Text, ":") || strings.HasSuffix(p.Text, ";") {
				t.Errorf("passage %s (max %d) does not end a sentence: …%q", p.ID, maxChars, tail(p.Text))
			}
		}
		checkPassageBounds(t, texts, maxChars)
		checkWholeSentences(t, lib, ps)
	}
}

// checkWholeSentences asserts that every sentence of every passage is a
// whole sentence of its section: chunking never cuts one.
func checkWholeSentences(t *testing.T, lib *Library, ps []Passage) {
	t.Helper()
	sentences := map[string]map[string]bool{} // title/section → sentences
	for _, a := range lib.Articles {
		for _, s := range a.Sections {
			key := a.Title + "/" + s.Heading
			if sentences[key] == nil {
				sentences[key] = map[string]bool{}
			}
			for _, p := range s.Paragraphs {
				for _, sen := range Sentences(p) {
					sentences[key][sen] = true
				}
			}
		}
	}
	for _, p := range ps {
		for _, sen := range Sentences(p.Text) {
			if !sentences[p.Title+"/"+p.Section][sen] {
				t.Errorf("passage %s holds a cut sentence: %q", p.ID, sen)
			}
		}
	}
}

func tail(s string) string {
	for utf8.RuneCountInString(s) > 40 {
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
	}
	return s
}

// BenchmarkLoadDefaultManifest reads the embedded corpus.yaml and the
// files it lists, as every start without --corpus does.
func BenchmarkLoadDefaultManifest(b *testing.B) {
	sub, err := fs.Sub(defaultFiles, "default")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(sub); err != nil {
			b.Fatal(err)
		}
	}
}
