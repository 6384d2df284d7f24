package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"seriesbot/internal/sharedtest"
)

// writeCorpus creates a corpus directory holding files (slash paths to
// contents) and returns its path.
func writeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mdArticle is a small valid Markdown article for part n of series.
func mdArticle(series string, part int, url string) string {
	fm := "---\nseries: " + series + "\n"
	if part > 0 {
		fm += "part: " + string(rune('0'+part)) + "\n"
	}
	if url != "" {
		fm += "url: " + url + "\n"
	}
	return fm + "title: " + series + " notes\nsegment: misc\n---\nA first paragraph of notes.\n\n## Details\n\nSome details follow here.\n"
}

const testManifest = `segments: {misc: Miscellany}
series:
  - name: Lotus Foods
    parts:
      - part: 1
        title: "Lotus Foods (Part 1): History"
        url: https://blog.example.com/1
        file: 1.md
        about: how it began
      - part: 2
        title: "Lotus Foods (Part 2): Stores"
        url: https://blog.example.com/2
        file: 2.md
      - part: 4
        about: the future
`

func TestLoadSkipsAndReportsBadFiles(t *testing.T) {
	dir := writeCorpus(t, map[string]string{
		"good.md":    mdArticle("Lotus Foods", 1, ""),
		"broken.md":  "---\nseries: Lotus Foods\npart: 2\n\nNo closing fence.\n",
		"empty.html": "",
	})
	lib, err := LoadDir(dir)
	if lib == nil {
		t.Fatalf("LoadDir returned no library: %v", err)
	}
	if len(lib.Articles) != 1 || lib.Articles[0].Source != "good.md" {
		t.Errorf("articles = %+v, want only good.md", lib.Articles)
	}
	var loadErr *LoadError
	if !errors.As(err, &loadErr) {
		t.Fatalf("error %v (%T) is not a *LoadError", err, err)
	}
	got := map[string]string{}
	for _, f := range loadErr.Files {
		got[f.Name] = f.Err.Error()
	}
	want := map[string]string{"broken.md": "line 1: front matter is never closed", "empty.html": "no text"}
	for name, reason := range want {
		if !strings.Contains(got[name], reason) {
			t.Errorf("file error for %s = %q, want it to contain %q", name, got[name], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("file errors = %v, want exactly %v", got, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "2 files could not be loaded: broken.md: line 1: front matter is never closed") ||
		!strings.Contains(msg, "; empty.html: no text") {
		t.Errorf("error message = %q", msg)
	}
	if !errors.Is(err, ErrNoText) {
		t.Errorf("errors.Is(err, ErrNoText) = false for %v", err)
	}
}

func TestLoadFailsWithoutArticles(t *testing.T) {
	tests := []struct {
		name        string
		fsys        fs.FS
		wantErr     string
		wantLoadErr bool
	}{
		{"missing root", os.DirFS(filepath.Join(t.TempDir(), "does-not-exist")), "read corpus", false},
		{"unreadable root", brokenFS{}, "read corpus", false},
		{"empty", fstest.MapFS{"notes.json": {Data: []byte("{}")}}, "no articles found in the corpus", false},
		{"all bad", fstest.MapFS{"a.md": {Data: []byte("---\n")}, "b.txt": {Data: []byte(" \n")}}, "no articles found in the corpus: 2 files could not be loaded", true},
		{"broken manifest", fstest.MapFS{"corpus.yaml": {Data: []byte("series:\n  - name: A\n    parts:\n      - part: 1\n        link: x\n")}, "a.md": {Data: []byte(mdArticle("A", 1, ""))}},
			`corpus.yaml: A: line 5: unknown key "link"`, false},
		{"manifest with nothing to read", fstest.MapFS{"corpus.yaml": {Data: []byte(manifestOf("{part: 1, url: \"https://x.example/1\"}"))}, "a.md": {Data: []byte(mdArticle("A", 1, ""))}},
			"corpus.yaml lists its parts by url, and this load reads files only", false},
		{"manifest with no text listed", fstest.MapFS{"corpus.yaml": {Data: []byte(manifestOf("{part: 1, about: later}"))}},
			"corpus.yaml lists no part with a file or url to read", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := Load(tt.fsys)
			if lib != nil || err == nil {
				t.Fatalf("Load = %v, %v; want nil library and an error", lib, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			var loadErr *LoadError
			if errors.As(err, &loadErr) != tt.wantLoadErr {
				t.Errorf("errors.As(*LoadError) = %v, want %v", !tt.wantLoadErr, tt.wantLoadErr)
			}
		})
	}
}

// brokenFS fails every operation, like a root that cannot be read.
type brokenFS struct{}

func (brokenFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

func TestLoadDirNamesTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nowhere")
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("error = %v, want it to name %s", err, dir)
	}
}

func TestLoadRealPart2WithManifest(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, realPart2))
	if err != nil {
		t.Fatal(err)
	}
	const part2URL = "https://investorinsights.asia/post/alibaba-part-2-alibaba-cloud-digital-media-and-innovation-initiatives"
	dir := writeCorpus(t, map[string]string{
		"part2.txt": string(data),
		"corpus.yaml": "series:\n  - name: Alibaba\n    parts:\n" +
			"      - {part: 2, title: \"Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives\", url: \"" + part2URL + "\", file: part2.txt}\n" +
			"      - {part: 4, about: \"the Group's future\"}\n",
	})
	lib, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if len(lib.Articles) != 1 || lib.Articles[0].URL != part2URL {
		t.Fatalf("articles = %+v, want the text page with the Part 2 URL", lib.Articles)
	}
	for _, p := range lib.Passages(0) {
		if p.URL != part2URL || p.Part != 2 || p.Series != "Alibaba" {
			t.Errorf("passage %s lacks the part's URL/series: %+v", p.ID, p)
		}
	}
	if p, ok := lib.Part(4); !ok || p.URL != "" || p.About != "the Group's future" {
		t.Errorf("Part(4) = %+v, %v; want listed without URL", p, ok)
	}
}

func TestLoadManifest(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		wantParts []PartInfo
		wantURLs  map[string]string // article source → URL
		wantBad   []string          // files reported in the LoadError
	}{
		{
			name: "manifest lists the files, fills URL, keeps parts without articles",
			files: map[string]string{
				"corpus.yaml": manifestOf(
					"{part: 1, title: \"Lotus Foods (Part 1): History\", url: \"https://blog.example.com/1\", file: p1.md, about: how it began}",
					"{part: 2, title: \"Lotus Foods (Part 2): Stores\", url: \"https://blog.example.com/2\", file: texts/p2.txt}",
					"{part: 3, file: p3.md}",
					"{part: 4, about: the future}",
					"{part: 5, url: \"https://blog.example.com/5\"}",
				),
				"p1.md":        mdArticle("Lotus Foods", 1, ""),
				"texts/p2.txt": "Lotus Foods (Part 2): Stores\n\nThe shops are small and many.\n",
				"p3.md":        mdArticle("Lotus Foods", 3, "https://blog.example.com/3"),
				"unlisted.md":  mdArticle("Lotus Foods", 6, ""),
			},
			wantParts: []PartInfo{
				{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods (Part 1): History", URL: "https://blog.example.com/1", About: "how it began", File: "p1.md"},
				{Series: "Lotus Foods", Part: 2, Title: "Lotus Foods (Part 2): Stores", URL: "https://blog.example.com/2", File: "texts/p2.txt"},
				{Series: "Lotus Foods", Part: 3, Title: "Lotus Foods notes", URL: "https://blog.example.com/3", File: "p3.md"},
				{Series: "Lotus Foods", Part: 4, About: "the future"},
				{Series: "Lotus Foods", Part: 5, URL: "https://blog.example.com/5"},
			},
			wantURLs: map[string]string{"p1.md": "https://blog.example.com/1", "texts/p2.txt": "https://blog.example.com/2", "p3.md": "https://blog.example.com/3"},
		},
		{
			name: "manifest URL and title win over the file's; a file for another part is refused",
			files: map[string]string{
				"corpus.yaml": manifestOf(
					"{part: 1, title: \"Lotus Foods (Part 1): History\", url: \"https://blog.example.com/1\", file: p1.md}",
					"{part: 2, file: p3.md}",
				),
				"p1.md": mdArticle("Lotus Foods", 1, "https://mirror.example.com/1"),
				"p3.md": mdArticle("Lotus Foods", 3, ""),
			},
			wantParts: []PartInfo{
				{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods (Part 1): History", URL: "https://blog.example.com/1", File: "p1.md"},
				{Series: "Lotus Foods", Part: 2, File: "p3.md"},
			},
			wantURLs: map[string]string{"p1.md": "https://blog.example.com/1"},
			wantBad:  []string{"p3.md"},
		},
		{
			name: "an old manifest.json is reported, not silently ignored",
			files: map[string]string{
				"manifest.json": `{"series": "Lotus Foods", "parts": [{"part": 1}]}`,
				"p1.md":         mdArticle("Lotus Foods", 1, ""),
			},
			wantParts: []PartInfo{{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods notes"}},
			wantURLs:  map[string]string{"p1.md": ""},
			wantBad:   []string{"manifest.json"},
		},
		{
			name: "no manifest: derived from the articles",
			files: map[string]string{
				"b/p2.md":        mdArticle("Lotus Foods", 2, "https://blog.example.com/2"),
				"a/p1.md":        mdArticle("Lotus Foods", 1, ""),
				"notes.markdown": "# Untitled notes\n\nNo part here.\n",
			},
			wantParts: []PartInfo{
				{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods notes"},
				{Series: "Lotus Foods", Part: 2, Title: "Lotus Foods notes", URL: "https://blog.example.com/2"},
			},
			wantURLs: map[string]string{"a/p1.md": "", "b/p2.md": "https://blog.example.com/2", "notes.markdown": ""},
		},
		{
			name: "second file for a part is refused; hidden and unknown files ignored",
			files: map[string]string{
				"a.md":          mdArticle("Lotus Foods", 1, ""),
				"b.txt":         "Lotus Foods (Part 1): Again\n\nThe same part once more.\n",
				".hidden.md":    "---\n",
				".git/HEAD.txt": "junk",
				"image.png":     "not text",
			},
			wantParts: []PartInfo{{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods notes"}},
			wantURLs:  map[string]string{"a.md": ""},
			wantBad:   []string{"b.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := LoadDir(writeCorpus(t, tt.files))
			if lib == nil {
				t.Fatalf("LoadDir: %v", err)
			}
			var bad []string
			var loadErr *LoadError
			if errors.As(err, &loadErr) {
				for _, f := range loadErr.Files {
					bad = append(bad, f.Name)
				}
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(bad, tt.wantBad) {
				t.Errorf("reported files = %q (%v), want %q", bad, err, tt.wantBad)
			}
			if !reflect.DeepEqual(lib.Manifest.Parts, tt.wantParts) {
				t.Errorf("manifest parts\n got %+v\nwant %+v", lib.Manifest.Parts, tt.wantParts)
			}
			urls := map[string]string{}
			for _, a := range lib.Articles {
				urls[a.Source] = a.URL
			}
			if !reflect.DeepEqual(urls, tt.wantURLs) {
				t.Errorf("article URLs = %v, want %v", urls, tt.wantURLs)
			}
			checkUniqueIDs(t, lib.Passages(0))
		})
	}
}

func TestLibraryAccessors(t *testing.T) {
	lib, err := LoadDir(writeCorpus(t, map[string]string{
		"corpus.yaml": testManifest,
		"1.md":        "---\npart: 1\ntitle: One\nsegment: history\nsegments:\n  Shops: stores\n---\nIntro.\n## Shops\nText.\n## Later\nMore.\n",
		"2.md":        "---\npart: 2\ntitle: Two\nsegments:\n  Shops: stores\n  Vans: delivery\n---\n## Vans\nText.\n## Shops\nMore.\n",
	}))
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if got, want := lib.Segments(), []string{"history", "stores", "delivery"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Segments() = %q, want %q", got, want)
	}
	if got := lib.Manifest.Segments; got["misc"] != "Miscellany" || got["stores"] != "Shops" || got["history"] != IntroHeading {
		t.Errorf("manifest segments = %v, want the manifest's plus the articles' named by heading", got)
	}
	if lib.Articles[0].Series != "Lotus Foods" {
		t.Errorf("series not filled from the manifest: %+v", lib.Articles[0])
	}
	tests := []struct {
		n       int
		ok      bool
		wantURL string
	}{
		{1, true, "https://blog.example.com/1"},
		{2, true, "https://blog.example.com/2"},
		{4, true, ""},
		{3, false, ""},
		{0, false, ""},
	}
	for _, tt := range tests {
		p, ok := lib.Part(tt.n)
		if ok != tt.ok || p.URL != tt.wantURL {
			t.Errorf("Part(%d) = %+v, %v; want ok=%v url=%q", tt.n, p, ok, tt.ok, tt.wantURL)
		}
	}
	checkUniqueIDs(t, lib.Passages(0))
}

func TestPassageIDsOfAlikeNamedSources(t *testing.T) {
	lib, err := LoadDir(writeCorpus(t, map[string]string{
		"a b.md": "# Notes\n\nText.\n",
		"a-b.md": "# Notes\n\nText.\n",
	}))
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	ps := lib.Passages(0)
	checkUniqueIDs(t, ps)
	var ids []string
	for _, p := range ps {
		if strings.HasPrefix(p.ID, "a-b-md") {
			ids = append(ids, p.ID)
		}
	}
	if want := []string{"a-b-md-0-0", "a-b-md-0-0-2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("IDs of alike-named sources = %q, want %q", ids, want)
	}
}

// manifestOf is a corpus.yaml listing parts (YAML flow mappings) of the
// series "Lotus Foods".
func manifestOf(parts ...string) string {
	return "series:\n  - name: Lotus Foods\n    parts:\n      - " + strings.Join(parts, "\n      - ") + "\n"
}

func checkUniqueIDs(t *testing.T, ps []Passage) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.ID] {
			t.Errorf("passage ID %q is not unique", p.ID)
		}
		seen[p.ID] = true
	}
}

func TestLoadNamesTheFileAPartWasLoadedFrom(t *testing.T) {
	art := func(title string) string {
		return "---\nseries: Lotus\npart: 1\ntitle: \"" + title + "\"\n---\n## Tea\n\nLotus Tea sells oolong.\n"
	}
	fsys := fstest.MapFS{
		"a.md": {Data: []byte(art("A"))},
		"b.md": {Data: []byte(art("B"))},
		"c.md": {Data: []byte(art("C"))},
	}
	lib, err := Load(fsys)
	var le *LoadError
	if !errors.As(err, &le) || lib == nil || len(lib.Articles) != 1 {
		t.Fatalf("Load = %v, %v", lib, err)
	}
	for _, fe := range le.Files {
		if !strings.Contains(fe.Err.Error(), "already loaded from a.md") {
			t.Errorf("%s: %v, want it to name a.md, the file that was loaded", fe.Name, fe.Err)
		}
	}
}

func TestManifestWithByteOrderMark(t *testing.T) {
	m := "\ufeff" + "series:\n  - name: Lotus\n    parts:\n      - {part: 1, title: \"Lotus (Part 1): Tea\", url: \"https://example.com/lotus-1\", file: tea.txt}\n"
	fsys := fstest.MapFS{
		"corpus.yaml": {Data: []byte(m)},
		"tea.txt":     {Data: []byte("Lotus (Part 1): Tea\n\nLotus Tea sells oolong in Fujian.\n")},
	}
	lib, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := lib.Articles[0].URL; got != "https://example.com/lotus-1" {
		t.Errorf("URL from a manifest saved with a BOM = %q", got)
	}
}

// A Markdown file whose part corpus.yaml titles need not title itself: its
// first line is then text, not a second title.
func TestManifestTitlesAnUntitledMarkdownFile(t *testing.T) {
	m := "series:\n  - name: Lotus\n    parts:\n      - {part: 1, title: \"Lotus (Part 1): Tea\", file: tea.md}\n      - {part: 2, title: \"Lotus (Part 2): Shops\", file: shops.md}\n"
	fsys := fstest.MapFS{
		"corpus.yaml": {Data: []byte(m)},
		"tea.md":      {Data: []byte("---\nseries: Lotus\npart: 1\n---\nLotus Tea sells oolong in Fujian.\n")},
		// A file that titles itself keeps its heading as the title.
		"shops.md": {Data: []byte("# Lotus (Part 2): Shops\n\nLotus Tea opened 40 shops in 2021.\n")},
	}
	lib, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := map[int]string{1: "Lotus Tea sells oolong in Fujian.", 2: "Lotus Tea opened 40 shops in 2021."}
	for _, a := range lib.Articles {
		if len(a.Sections) == 0 || len(a.Sections[0].Paragraphs) == 0 || a.Sections[0].Paragraphs[0] != want[a.Part] {
			t.Errorf("part %d (%q): sections %+v", a.Part, a.Title, a.Sections)
		}
	}
}
