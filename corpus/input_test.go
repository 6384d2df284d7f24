package corpus

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// randomBytes is n bytes of noise, the same on every run.
func randomBytes(n int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestLoadRefusesWhatIsNotAnArticle(t *testing.T) {
	good := mdArticle("Lotus Foods", 1, "")
	latin1 := []byte("Lotus Foods (Part 2): Caf\xe9s\n\n" + strings.Repeat("Les caf\xe9s ouvrent t\xf4t et ferment tard \xe0 P\xe9kin.\n", 20))
	controls := []byte("Notes\n\n" + strings.Repeat("text\x01\x02\x03\x04 ", 50))
	noNUL := randomBytes(800)
	for i, c := range noNUL {
		if c == 0 {
			noNUL[i] = 'x'
		}
	}
	tests := []struct {
		name    string
		file    string
		data    []byte
		wantErr string
	}{
		{"random bytes as .md", "noise.md", randomBytes(800), "not text: binary content (a NUL byte at offset"},
		{"random bytes without NUL", "noise.txt", noNUL, "of the bytes are not UTF-8"},
		{"Latin-1 text", "cafes.txt", latin1, "not UTF-8 (save the file as UTF-8)"},
		{"control characters", "ctl.txt", controls, "binary content (200 control characters)"},
		{"over the cap", "big.txt", []byte(strings.Repeat("A sentence of the article.\n", 100)), "over 1 KiB (the size cap)"},
		{"front matter never closed", "cut.md", []byte("---\nseries: Lotus Foods\npart: 2\ntitle: \"Lotus"), "front matter is never closed"},
		{"page cut off", "cut.html", []byte("<!DOCTYPE html><html><head><title>Lotus</title></head><body><article><h1>Lotus</h1><p>The shops are"), "cut off"},
		{"no text", "empty.html", []byte("<html><body><nav><p>Home</p></nav></body></html>"), "no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"good.md": {Data: []byte(good)}, tt.file: {Data: tt.data}}
			lib, err := LoadSources(context.Background(), fsys, LoadOptions{MaxBytes: 1 << 10})
			if lib == nil || len(lib.Articles) != 1 || lib.Articles[0].Source != "good.md" {
				t.Fatalf("LoadSources = %+v, %v; want good.md alone", lib, err)
			}
			var le *LoadError
			if !errors.As(err, &le) || len(le.Files) != 1 || le.Files[0].Name != tt.file {
				t.Fatalf("error = %v, want one file error naming %s", err, tt.file)
			}
			if got := le.Files[0].Error(); !strings.Contains(got, tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", got, tt.wantErr)
			}
		})
	}
}

// TestLoadRefusesAHugeFileWithoutReadingIt loads a folder holding a 50 MB
// file (sparse: it takes no disk) and a file system whose files never end.
// Reading either whole would take seconds and gigabytes.
func TestLoadRefusesAHugeFileWithoutReadingIt(t *testing.T) {
	dir := writeCorpus(t, map[string]string{"good.md": mdArticle("Lotus Foods", 1, "")})
	if err := os.Truncate(filepath.Join(dir, "huge.txt"), 50<<20); err != nil {
		f, cerr := os.Create(filepath.Join(dir, "huge.txt"))
		if cerr != nil {
			t.Fatal(cerr)
		}
		f.Close()
		if err := os.Truncate(filepath.Join(dir, "huge.txt"), 50<<20); err != nil {
			t.Fatal(err)
		}
	}
	for name, fsys := range map[string]fs.FS{
		"50 MB file": os.DirFS(dir),
		"no size":    endlessFS{good: mdArticle("Lotus Foods", 1, "")},
	} {
		t.Run(name, func(t *testing.T) {
			lib, err := Load(fsys)
			var le *LoadError
			if lib == nil || len(lib.Articles) != 1 || !errors.As(err, &le) {
				t.Fatalf("Load = %+v, %v", lib, err)
			}
			if got := le.Error(); !strings.Contains(got, "huge.txt: over 5 MiB") {
				t.Errorf("error = %q, want huge.txt refused as over 5 MiB", got)
			}
		})
	}
}

// endlessFS holds good.md and huge.txt, a file that reports no size and
// whose text never ends.
type endlessFS struct{ good string }

func (e endlessFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return fstest.MapFS{"good.md": {}, "huge.txt": {}}.Open(".")
	case "good.md":
		return fstest.MapFS{"good.md": {Data: []byte(e.good)}}.Open(name)
	case "huge.txt":
		return endlessFile{}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

type endlessFile struct{}

func (endlessFile) Stat() (fs.FileInfo, error) { return endlessInfo{}, nil }
func (endlessFile) Close() error               { return nil }
func (endlessFile) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "Words of text. "[i%15]
	}
	return len(p), nil
}

// endlessInfo is what a pipe or a special file says of itself: no size.
type endlessInfo struct{}

func (endlessInfo) Name() string       { return "huge.txt" }
func (endlessInfo) Size() int64        { return 0 }
func (endlessInfo) Mode() fs.FileMode  { return fs.ModeNamedPipe }
func (endlessInfo) ModTime() time.Time { return time.Time{} }
func (endlessInfo) IsDir() bool        { return false }
func (endlessInfo) Sys() any           { return nil }

var _ io.Reader = endlessFile{}

// TestLoadKeepsThePreviousArticle is a reload that meets a half-written
// file: the part it held stays served, and the failure says so.
func TestLoadKeepsThePreviousArticle(t *testing.T) {
	manifest := manifestOf("{part: 1, file: p1.md}", "{part: 2, file: p2.md}", "{part: 3, file: p3.md}")
	before := fstest.MapFS{
		"corpus.yaml": {Data: []byte(manifest)},
		"p1.md":       {Data: []byte(mdArticle("Lotus Foods", 1, ""))},
		"p2.md":       {Data: []byte(mdArticle("Lotus Foods", 2, ""))},
	}
	prev, err := Load(before)
	if err == nil || len(prev.Articles) != 2 {
		t.Fatalf("first load = %+v, %v; want parts 1 and 2, p3.md missing", prev, err)
	}
	after := fstest.MapFS{
		"corpus.yaml": before["corpus.yaml"],
		"p1.md":       {Data: []byte(mdArticle("Lotus Foods", 1, "")[:30])}, // cut inside the front matter
		"p2.md":       before["p2.md"],
		"p3.md":       {Data: randomBytes(4 << 10)},
	}
	var progress []string
	lib, err := LoadSources(context.Background(), after, LoadOptions{
		Previous: prev,
		Progress: func(done, total int, source string) { progress = append(progress, source) },
	})
	var le *LoadError
	if lib == nil || !errors.As(err, &le) {
		t.Fatalf("reload = %+v, %v", lib, err)
	}
	if len(lib.Articles) != 2 || lib.Articles[0].Part != 1 || lib.Articles[0].Title != prev.Articles[0].Title {
		t.Errorf("articles = %+v, want part 1 kept from before and part 2", lib.Articles)
	}
	if got := le.Files[0].Error(); !strings.HasSuffix(got, "(the text loaded before is still served)") {
		t.Errorf("error of a stale source = %q, want it to say the old text is served", got)
	}
	stale := map[string]bool{}
	for _, f := range le.Files {
		stale[f.Name] = f.Stale
	}
	if want := map[string]bool{"p1.md": true, "p3.md": false}; !mapsEqual(stale, want) {
		t.Errorf("failed sources (name → previous kept) = %v, want %v", stale, want)
	}
	if want := "p1.md p2.md p3.md"; strings.Join(progress, " ") != want {
		t.Errorf("progress = %q, want %q", progress, want)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestCheckTextLetsTextThrough(t *testing.T) {
	for _, s := range []string{"", "plain words", "阿里巴巴集团 and Ant Group (蚂蚁集团)\r\n\tindented\f", "one stray \xff byte in a long line of otherwise valid text"} {
		if err := CheckText([]byte(s)); err != nil {
			t.Errorf("CheckText(%q) = %v, want nil", s, err)
		}
	}
}

// TestParseHTMLRefusesAPageOfTooManyElements keeps readability's passes,
// which grow faster than the page, from taking seconds on a page that
// cannot be a blog post.
func TestParseHTMLRefusesAPageOfTooManyElements(t *testing.T) {
	page := "<html><body><ul>" + strings.Repeat("<li>An item.", 60_000) + "</ul></body></html>"
	_, err := ParseHTML("list.html", []byte(page))
	if err == nil || !strings.Contains(err.Error(), "the page has over 50000 elements: not a blog post") {
		t.Errorf("ParseHTML = %v, want the page refused for its size in elements", err)
	}
}
