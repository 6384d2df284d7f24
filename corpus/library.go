package corpus

import (
	"context"
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
	// Articles in the manifest's order of parts, or without a manifest in
	// the order of their file paths, so passages and IDs do not depend on
	// directory listing order.
	Articles []Article
}

// LoadDir loads the corpus in directory dir; see Load.
func LoadDir(dir string) (*Library, error) {
	lib, err := Load(os.DirFS(dir))
	if err != nil {
		err = fmt.Errorf("load corpus %s: %w", dir, err)
	}
	return lib, err
}

// Load reads a corpus from its files alone; see LoadSources. Parts that
// corpus.yaml lists with a url and no file are listed, not loaded.
func Load(fsys fs.FS) (*Library, error) {
	return LoadSources(context.Background(), fsys, LoadOptions{})
}

// DefaultMaxBytes is the size cap on one source when LoadOptions sets
// none. The series' pages are tens of kilobytes; a source a hundred times
// that is not an article, and reading it whole would cost memory for
// every reload.
const DefaultMaxBytes = 5 << 20

// LoadOptions are what LoadSources needs beyond the files.
type LoadOptions struct {
	// MaxBytes caps the size of one source; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Fetch returns the text of a part corpus.yaml lists with a url and no
	// file, and its format as a file extension (".html", ".md", ".txt").
	// Nil means such parts are listed but not loaded.
	Fetch func(ctx context.Context, p PartInfo) (data []byte, format string, err error)
	// Previous is the library served before this load. A source that
	// fails keeps its article from Previous, stale but served, and the
	// failure is reported with FileError.Stale set.
	Previous *Library
	// Progress, when set, is called after each source with the number
	// done, the total and the source's name (file path or URL).
	Progress func(done, total int, source string)
}

// source is one text LoadSources reads: a part of the manifest, or a file
// found in a folder without one.
type source struct {
	name string   // file path or URL: what errors and Article.Source say
	part PartInfo // zero for a file found in a folder
	file string   // path in the corpus; "" means fetched
}

// LoadSources reads a corpus. With corpus.yaml at the root (see
// ParseManifest), the manifest is the list: each part's file is read, a
// part with only a url is read through opts.Fetch, and other files in the
// folder are ignored. Without it, every .md, .markdown, .html, .htm and
// .txt file under the root is read (recursively, in path order; names
// starting with '.' are skipped) and the manifest is derived from them.
//
// A source that is not an article — over the size cap, binary, cut off,
// without text — or that cannot be read, and a second source for a part
// already loaded, is skipped and reported in a *LoadError, returned
// together with a Library of every good source. A failed source whose
// article opts.Previous has keeps that article. LoadSources returns a nil
// Library when the root or corpus.yaml cannot be read, when ctx ends, or
// when no article could be loaded.
func LoadSources(ctx context.Context, fsys fs.FS, opts LoadOptions) (*Library, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	manifest, haveManifest, err := readManifest(fsys, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	var sources []source
	var failed []FileError
	if haveManifest {
		sources = manifestSources(manifest, opts.Fetch != nil)
	} else {
		var files []string
		if files, failed, err = corpusFiles(fsys); err != nil {
			return nil, fmt.Errorf("read corpus: %w", err)
		}
		for _, f := range files {
			sources = append(sources, source{name: f, file: f})
		}
		if _, err := fs.Stat(fsys, legacyManifestFile); err == nil {
			failed = append(failed, FileError{Name: legacyManifestFile, Err: errLegacyManifest})
		}
	}

	lib := &Library{}
	loaded := map[string]string{} // series/part → source it came from
	for i, src := range sources {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		a, err := loadSource(ctx, fsys, src, haveManifest, opts)
		if err == nil && a.Part > 0 {
			k := strings.ToLower(a.Series) + "/" + strconv.Itoa(a.Part)
			if first, dup := loaded[k]; dup {
				err = fmt.Errorf("%s part %d is already loaded from %s", a.Series, a.Part, first)
			} else {
				loaded[k] = src.name
			}
		}
		if err != nil {
			fe := FileError{Name: src.name, Err: err}
			if prev, ok := previousArticle(opts.Previous, src); ok {
				fe.Stale = true
				lib.Articles = append(lib.Articles, prev)
			}
			failed = append(failed, fe)
		} else {
			lib.Articles = append(lib.Articles, a)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(sources), src.name)
		}
	}

	if err := ctx.Err(); err != nil {
		// The last source may have failed for it: what loaded is not
		// the corpus.
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	var loadErr error
	if len(failed) > 0 {
		loadErr = &LoadError{Files: failed}
	}
	if len(lib.Articles) == 0 {
		if loadErr != nil {
			return nil, fmt.Errorf("no articles found in the corpus: %w", loadErr)
		}
		switch {
		case haveManifest && opts.Fetch == nil && hasURLOnly(manifest):
			return nil, fmt.Errorf("no articles found in the corpus: %s lists its parts by url, and this load reads files only", ManifestFile)
		case haveManifest:
			return nil, fmt.Errorf("no articles found in the corpus: %s lists no part with a file or url to read", ManifestFile)
		}
		return nil, errors.New("no articles found in the corpus (looked for *.md, *.markdown, *.html, *.htm, *.txt)")
	}
	if !haveManifest {
		manifest = Manifest{Series: mainSeries(lib.Articles)}
	}
	lib.Manifest = mergeManifest(manifest, lib.Articles)
	return lib, loadErr
}

// legacyManifestFile is the JSON manifest corpus.yaml replaced. A folder
// that still has one is told so rather than losing its URLs silently.
const legacyManifestFile = "manifest.json"

var errLegacyManifest = errors.New("manifest.json is not read any more: list the parts in " + ManifestFile)

// manifestSources lists the parts of m that have text to read, in the
// manifest's order; parts with only a url count when they can be fetched.
func manifestSources(m Manifest, canFetch bool) []source {
	var out []source
	for _, p := range m.Parts {
		switch {
		case p.File != "":
			out = append(out, source{name: p.File, part: p, file: p.File})
		case p.URL != "" && canFetch:
			out = append(out, source{name: p.URL, part: p})
		}
	}
	return out
}

// hasURLOnly reports whether m lists a part to be fetched.
func hasURLOnly(m Manifest) bool {
	for _, p := range m.Parts {
		if p.File == "" && p.URL != "" {
			return true
		}
	}
	return false
}

// loadSource reads and parses one source and, for a manifest part,
// completes it from its entry.
func loadSource(ctx context.Context, fsys fs.FS, src source, haveManifest bool, opts LoadOptions) (Article, error) {
	var data []byte
	var format string
	var err error
	if src.file != "" {
		format = path.Ext(src.file)
		data, err = readCapped(fsys, src.file, opts.MaxBytes)
	} else {
		data, format, err = opts.Fetch(ctx, src.part)
	}
	if err != nil {
		return Article{}, err
	}
	var a Article
	switch f := strings.ToLower(format); {
	case haveManifest && src.part.Title != "" && (f == ".md" || f == ".markdown"):
		// The manifest titles the part: the file need not.
		if err = CheckText(data); err == nil {
			a, err = parseMarkdown(src.name, data, src.part.Title)
		}
	default:
		a, err = ParseArticle(src.name, format, data)
	}
	if err != nil {
		return Article{}, err
	}
	if haveManifest {
		return completeFromPart(a, src.part)
	}
	return a, nil
}

// previousArticle finds the article prev served for src: the same part of
// the same series, or for a file without a part, the same file.
func previousArticle(prev *Library, src source) (Article, bool) {
	if prev == nil {
		return Article{}, false
	}
	for _, a := range prev.Articles {
		if src.part.Part > 0 && a.Part == src.part.Part && strings.EqualFold(a.Series, src.part.Series) ||
			src.part.Part == 0 && a.Source == src.name {
			return a, true
		}
	}
	return Article{}, false
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

// readManifest reads corpus.yaml; have is false when there is none. A
// manifest that cannot be read or parsed fails the load: without its list
// the corpus is unknown, and loading the folder's files instead would
// serve what the manifest left out.
func readManifest(fsys fs.FS, maxBytes int64) (m Manifest, have bool, err error) {
	data, err := readCapped(fsys, ManifestFile, maxBytes)
	var tooLarge *TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Manifest{}, false, nil
	case errors.As(err, &tooLarge):
		return Manifest{}, false, FileError{Name: ManifestFile, Err: err}
	case err != nil:
		return Manifest{}, false, fmt.Errorf("read corpus: %w", err)
	}
	if m, err = parseManifest(data); err != nil {
		return Manifest{}, false, FileError{Name: ManifestFile, Err: err}
	}
	return m, true, nil
}

// completeFromPart makes a the article of manifest part p. The manifest
// is the authority on series, title and the canonical URL; a source that
// says it is another part is refused, as it is most likely the wrong file.
func completeFromPart(a Article, p PartInfo) (Article, error) {
	if a.Part != 0 && a.Part != p.Part {
		return Article{}, fmt.Errorf("the text says it is part %d, %s lists it as %s part %d", a.Part, ManifestFile, p.Series, p.Part)
	}
	a.Series, a.Part = p.Series, p.Part
	if p.Title != "" {
		a.Title = p.Title
	}
	if p.URL != "" {
		a.URL = p.URL
	}
	if len(p.Segments) > 0 {
		a.Sections = append([]Section(nil), a.Sections...)
		for i, s := range a.Sections {
			for heading, id := range p.Segments {
				if strings.EqualFold(heading, s.Heading) {
					a.Sections[i].Segment = id
				}
			}
		}
	}
	return a, a.Validate()
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
