package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Library is a loaded corpus: the series manifest and the articles it has
// text for.
type Library struct {
	Manifest Manifest
	// Articles in the order of their file paths, so passages and IDs do not
	// depend on directory listing order.
	Articles []Article
}

// articleParsers maps the file extensions Load reads to their parser.
var articleParsers = map[string]func(name string, data []byte) (Article, error){
	".md":       ParseMarkdown,
	".markdown": ParseMarkdown,
	".html":     ParseHTML,
	".htm":      ParseHTML,
	".txt":      ParseText,
}

// LoadDir loads the corpus in directory dir; see Load.
func LoadDir(dir string) (*Library, error) {
	lib, err := Load(os.DirFS(dir))
	if err != nil {
		err = fmt.Errorf("load corpus %s: %w", dir, err)
	}
	return lib, err
}

// Load reads a corpus: every .md, .markdown, .html, .htm and .txt file
// under the root (recursively, in path order; names starting with '.' are
// skipped), and manifest.json at the root when there is one.
//
// Files that cannot be read, parsed or validated — and a second file for a
// part already loaded — are skipped and reported in a *LoadError, returned
// together with a Library of every good file. Load returns a nil Library
// only when the root cannot be read or no article could be loaded.
//
// With a manifest, an article missing its URL or series takes them from the
// manifest entry of its part, and the Library's manifest keeps parts that
// have no article. Without one, the manifest is derived from the articles.
func Load(fsys fs.FS) (*Library, error) {
	files, failed, err := corpusFiles(fsys)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	manifest, haveManifest, merr := readManifest(fsys)
	if merr != nil {
		failed = append(failed, FileError{Name: ManifestFile, Err: merr})
	}

	lib := &Library{}
	loaded := map[string]string{} // series/part → file it came from
	for _, name := range files {
		a, err := loadArticle(fsys, name)
		if err == nil && haveManifest {
			fillFromManifest(&a, manifest)
			err = a.Validate()
		}
		if err == nil && a.Part > 0 {
			k := strings.ToLower(a.Series) + "/" + strconv.Itoa(a.Part)
			if first, dup := loaded[k]; dup {
				err = fmt.Errorf("%s part %d is already loaded from %s", a.Series, a.Part, first)
			} else {
				loaded[k] = name
			}
		}
		if err != nil {
			failed = append(failed, FileError{Name: name, Err: err})
			continue
		}
		lib.Articles = append(lib.Articles, a)
	}

	var loadErr error
	if len(failed) > 0 {
		loadErr = &LoadError{Files: failed}
	}
	if len(lib.Articles) == 0 {
		if loadErr != nil {
			return nil, fmt.Errorf("no articles found in the corpus: %w", loadErr)
		}
		return nil, errors.New("no articles found in the corpus (looked for *.md, *.markdown, *.html, *.htm, *.txt)")
	}
	if !haveManifest {
		manifest = Manifest{Series: mainSeries(lib.Articles)}
	}
	lib.Manifest = mergeManifest(manifest, lib.Articles)
	return lib, loadErr
}

// corpusFiles lists the article files under the root in path order.
// Unreadable subdirectories are reported, not fatal; an unreadable root is.
func corpusFiles(fsys fs.FS) (files []string, failed []FileError, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			failed = append(failed, FileError{Name: p, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && articleParsers[strings.ToLower(path.Ext(p))] != nil {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, failed, err
}

func loadArticle(fsys fs.FS, name string) (Article, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Article{}, err
	}
	return articleParsers[strings.ToLower(path.Ext(name))](name, data)
}

// readManifest reads manifest.json; have is false when there is none.
func readManifest(fsys fs.FS) (m Manifest, have bool, err error) {
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, false, nil
	}
	if err != nil {
		return Manifest{}, false, err
	}
	if m, err = ParseManifest(data); err != nil {
		return Manifest{}, false, err
	}
	return m, true, nil
}

// fillFromManifest completes a from the manifest entry of its part: a text
// page does not carry its URL, the manifest does.
func fillFromManifest(a *Article, m Manifest) {
	if a.Part <= 0 {
		return
	}
	series := a.Series
	if series == "" {
		series = m.Series
	}
	info, ok := findPart(m.Parts, series, a.Part)
	if !ok {
		return
	}
	a.Series = info.Series // the manifest's spelling
	if a.URL == "" {
		a.URL = info.URL
	}
}

func findPart(parts []PartInfo, series string, n int) (PartInfo, bool) {
	for _, p := range parts {
		if p.Part == n && strings.EqualFold(p.Series, series) {
			return p, true
		}
	}
	return PartInfo{}, false
}

// mainSeries is the series most articles belong to (the first seen on a
// tie), for a corpus without a manifest.
func mainSeries(articles []Article) string {
	count := map[string]int{}
	best := ""
	for _, a := range articles {
		if a.Series == "" {
			continue
		}
		count[a.Series]++
		if best == "" || count[a.Series] > count[best] {
			best = a.Series
		}
	}
	return best
}

// mergeManifest returns m completed from the articles: parts it lacks,
// titles and URLs it left empty, segments it does not name (named after
// the first heading tagged with them).
func mergeManifest(m Manifest, articles []Article) Manifest {
	out := Manifest{
		Series:   m.Series,
		Parts:    append([]PartInfo(nil), m.Parts...),
		Segments: map[string]string{},
	}
	for id, name := range m.Segments {
		out.Segments[id] = name
	}
	for _, a := range articles {
		for _, s := range a.Sections {
			if _, ok := out.Segments[s.Segment]; s.Segment != "" && !ok {
				out.Segments[s.Segment] = s.Heading
			}
		}
		if a.Part <= 0 {
			continue
		}
		i := -1
		for j, p := range out.Parts {
			if p.Part == a.Part && strings.EqualFold(p.Series, a.Series) {
				i = j
				break
			}
		}
		if i < 0 {
			out.Parts = append(out.Parts, PartInfo{Series: a.Series, Part: a.Part, Title: a.Title, URL: a.URL})
			continue
		}
		if out.Parts[i].Title == "" {
			out.Parts[i].Title = a.Title
		}
		if out.Parts[i].URL == "" {
			out.Parts[i].URL = a.URL
		}
	}
	sortParts(out.Parts)
	return out
}

// Passages chunks every article (see Chunk). IDs are unique across the
// library: Load refuses two articles for one part, and should two source
// names slug alike, the later passage gets a numeric suffix.
func (l *Library) Passages(maxChars int) []Passage {
	var out []Passage
	seen := map[string]bool{}
	for _, a := range l.Articles {
		for _, p := range Chunk(a, maxChars) {
			id := p.ID
			for n := 2; seen[id]; n++ {
				id = p.ID + "-" + strconv.Itoa(n)
			}
			p.ID = id
			seen[id] = true
			out = append(out, p)
		}
	}
	return out
}

// Segments returns the segment ids the articles' sections are tagged with,
// in first-seen order (articles in path order, sections in article order).
// Segments the manifest names but no section carries are not included:
// there is nothing to answer from for them.
func (l *Library) Segments() []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range l.Articles {
		for _, s := range a.Sections {
			if s.Segment != "" && !seen[s.Segment] {
				seen[s.Segment] = true
				out = append(out, s.Segment)
			}
		}
	}
	return out
}

// Part returns part n of the manifest's series (or, failing that, part n
// of any series in the manifest).
func (l *Library) Part(n int) (PartInfo, bool) {
	if p, ok := findPart(l.Manifest.Parts, l.Manifest.Series, n); ok {
		return p, true
	}
	for _, p := range l.Manifest.Parts {
		if p.Part == n {
			return p, true
		}
	}
	return PartInfo{}, false
}
