// Package fetch loads a corpus from where its manifest says the texts are:
// files beside it, or the blog's pages, fetched over HTTP with a timeout,
// a size cap and conditional requests, from public addresses only. It is
// the adapter between corpus, which knows articles and reads no network,
// and the web.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"seriesbot/corpus"
)

// DefaultTimeout bounds one page, from dialling to the last byte. The
// blog answers in well under a second; a page that takes half a minute is
// failing, and a reload should not hang on it.
const DefaultTimeout = 30 * time.Second

// Options say how Load reads and fetches. The zero value fetches public
// pages with the defaults below and no cache.
type Options struct {
	// Client sends the requests. Nil means one over NewTransport, which
	// refuses private addresses unless AllowPrivate is set. A client given
	// here keeps its transport (the address guard is then its business)
	// but always gets the same-host redirect policy.
	Client *http.Client
	// AllowPrivate lets the default client fetch from loopback, private
	// and link-local addresses (a blog on the office network; tests).
	AllowPrivate bool
	// Resolver is the DNS resolver of the default client; nil means the
	// system's.
	Resolver *net.Resolver
	// MaxBytes caps one page or file; 0 means corpus.DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds one page; 0 means DefaultTimeout.
	Timeout time.Duration
	// UserAgent names the bot to the sites it reads; "" means
	// DefaultUserAgent().
	UserAgent string
	// CacheDir keeps each page's validators and last good body, so an
	// unchanged page costs a 304. "" means no cache and no conditional
	// requests.
	CacheDir string
	// Previous is the library served before this load: a source that
	// fails keeps its article from it, stale but served.
	Previous *corpus.Library
	// Strict fails the whole load when any source fails.
	Strict bool
	// Progress, when set, is called after each source.
	Progress func(done, total int, source string)
}

// Report says what a load did, for logs, the reload reply and
// `seriesbot index --json`.
type Report struct {
	Fetched Fetched `json:"fetched"`
	// Errors lists every source that could not be used, and why.
	Errors []SourceError `json:"errors"`
	// Stale lists the sources (file paths or URLs) that failed and whose
	// article from Options.Previous is served instead.
	Stale []string `json:"stale,omitempty"`
}

// Fetched counts the pages fetched by URL, each once: failed when it could
// not be fetched or held no article, else ok or not modified (a 304).
type Fetched struct {
	OK          int `json:"ok"`
	NotModified int `json:"not_modified"`
	Failed      int `json:"failed"`
}

// SourceError is one source that could not be used.
type SourceError struct {
	Source string `json:"source"` // the file path in the corpus or the URL
	Error  string `json:"error"`  // a short reason: "HTTP 404 Not Found", "over 5 MiB (the size cap)"
}

// DefaultUserAgent is "seriesbot/VERSION", the version being the main
// module's as built ("dev" for a build from a checkout).
func DefaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "seriesbot/" + v
}

// Load reads the corpus at path: a manifest file (corpus.yaml or any
// other .yaml/.yml name), a folder (with or without corpus.yaml; see
// corpus.LoadSources), or "" for the embedded default. Parts the manifest
// lists with a url and no file are fetched.
//
// The Library is nil, and the error set, only when nothing can be served:
// path or its manifest cannot be read, no article loaded, ctx ended, or
// Strict is set and a source failed. Otherwise sources that failed are in
// the Report, and the Library serves the rest (and, from
// Options.Previous, what failed).
func Load(ctx context.Context, path string, opts Options) (*corpus.Library, Report, error) {
	if path == "" {
		return corpus.Default(), Report{Errors: []SourceError{}}, nil
	}
	fsys, err := openCorpus(path)
	if err != nil {
		return nil, Report{Errors: []SourceError{}}, err
	}
	f := newFetcher(opts)
	lib, err := corpus.LoadSources(ctx, fsys, corpus.LoadOptions{
		MaxBytes: opts.MaxBytes,
		Fetch:    f.fetch,
		Previous: opts.Previous,
		Progress: opts.Progress,
	})
	report := f.report(err)
	if m, ok := fsys.(manifestFS); ok {
		for i, e := range report.Errors {
			if e.Source == corpus.ManifestFile {
				report.Errors[i].Source = m.name // the name the user gave it
			}
		}
	}
	switch {
	case lib == nil:
		return nil, report, fmt.Errorf("corpus %s: %w", path, err)
	case opts.Strict && len(report.Errors) > 0:
		e := report.Errors[0]
		return nil, report, fmt.Errorf("corpus %s: %d of its sources failed, and a strict load takes all or nothing (first: %s: %s)", path, len(report.Errors), e.Source, e.Error)
	}
	f.saveGood()
	return lib, report, nil
}

// openCorpus returns the file system LoadSources reads for path.
func openCorpus(path string) (fs.FS, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if st.IsDir() {
		return os.DirFS(path), nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
	default:
		return nil, fmt.Errorf("corpus %s: not a folder or a manifest (a .yaml file listing the parts)", path)
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return manifestFS{FS: os.DirFS(dir), name: name}, nil
}

// manifestFS is a folder whose manifest has another name than
// corpus.yaml: LoadSources finds it under that name.
type manifestFS struct {
	fs.FS
	name string
}

func (m manifestFS) Open(name string) (fs.File, error) {
	if name == corpus.ManifestFile {
		name = m.name
	}
	return m.FS.Open(name)
}

// outcome is what became of one page's request.
type outcome int

const (
	fetchedOK outcome = iota
	fetchedNotModified
	fetchFailed
)

// fetcher gets the pages of one load and remembers what became of each.
type fetcher struct {
	client    *http.Client
	userAgent string
	maxBytes  int64
	timeout   time.Duration
	cache     cache
	outcomes  map[string]outcome
	order     []string              // URLs in the order fetched
	fresh     map[string]cachedPage // 200s to cache once they proved to be articles
}

func newFetcher(opts Options) *fetcher {
	f := &fetcher{
		userAgent: opts.UserAgent,
		maxBytes:  opts.MaxBytes,
		timeout:   opts.Timeout,
		cache:     cache{dir: opts.CacheDir},
		outcomes:  map[string]outcome{},
		fresh:     map[string]cachedPage{},
	}
	if f.userAgent == "" {
		f.userAgent = DefaultUserAgent()
	}
	if f.maxBytes <= 0 {
		f.maxBytes = corpus.DefaultMaxBytes
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if opts.Client != nil {
		c := *opts.Client
		f.client = &c
	} else {
		f.client = &http.Client{Transport: NewTransport(opts.AllowPrivate, opts.Resolver)}
	}
	f.client.CheckRedirect = sameHost
	return f
}

// fetch is corpus.LoadOptions.Fetch: it GETs the part's URL and returns
// the body as UTF-8 with its format.
func (f *fetcher) fetch(ctx context.Context, p corpus.PartInfo) ([]byte, string, error) {
	f.order = append(f.order, p.URL)
	body, format, oc, err := f.get(ctx, p.URL)
	if err != nil {
		f.outcomes[p.URL] = fetchFailed
		return nil, "", err
	}
	f.outcomes[p.URL] = oc
	return body, format, nil
}

func (f *fetcher) get(loadCtx context.Context, url string) ([]byte, string, outcome, error) {
	ctx, cancel := context.WithTimeout(loadCtx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fetchFailed, err
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "text/html, text/markdown;q=0.9, text/plain;q=0.8")
	cached, haveCached := f.cache.get(url)
	if haveCached {
		if cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			req.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", fetchFailed, f.explain(loadCtx, ctx, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && haveCached:
		format, body, err := decode(cached.ContentType, cached.Body)
		return body, format, fetchedNotModified, err
	case resp.StatusCode != http.StatusOK:
		return nil, "", fetchFailed, fmt.Errorf("HTTP %s", resp.Status)
	case resp.ContentLength > f.maxBytes:
		return nil, "", fetchFailed, &corpus.TooLargeError{Limit: f.maxBytes}
	}
	raw, err := corpus.ReadCapped(resp.Body, f.maxBytes)
	if err != nil {
		return nil, "", fetchFailed, f.explain(loadCtx, ctx, err)
	}
	ct := resp.Header.Get("Content-Type")
	format, body, err := decode(ct, raw)
	if err != nil {
		return nil, "", fetchFailed, err
	}
	if etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"); f.cache.dir != "" && (etag != "" || lm != "") {
		f.fresh[url] = cachedPage{URL: url, ETag: etag, LastModified: lm, ContentType: ct, Body: raw}
	}
	return body, format, fetchedOK, nil
}

// explain words a failed request for the report: what went wrong, not
// the layers of the client it went through. loadCtx is the whole load's
// context, pageCtx the page's, which adds the timeout.
func (f *fetcher) explain(loadCtx, pageCtx context.Context, err error) error {
	var tooLarge *corpus.TooLargeError
	var dnsErr *net.DNSError
	switch {
	case loadCtx.Err() != nil:
		return loadCtx.Err() // the load was stopped, not the page
	case errors.As(err, &tooLarge):
		return tooLarge
	case errors.Is(err, ErrPrivateAddress):
		return privateError(err)
	case errors.Is(pageCtx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("no complete answer within %v (the timeout)", f.timeout)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("host %s not found", dnsErr.Name)
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner // a *url.Error's cause, without `Get "url":`
		}
	}
	return err
}

// privateError keeps the guard's own words from the dial error around it.
func privateError(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.HasPrefix(e.Error(), ErrPrivateAddress.Error()) {
			return fmt.Errorf("refused: %s (private addresses are fetched only when allowed)", strings.TrimPrefix(e.Error(), ErrPrivateAddress.Error()+": "))
		}
	}
	return err
}

// decode returns the format of a body served as contentType, and the
// body as UTF-8. A page in another charset is converted: the parsers read
// UTF-8, and a Latin-1 page would otherwise be refused as not text.
func decode(contentType string, body []byte) (format string, utf8Body []byte, err error) {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil, fmt.Errorf("unreadable Content-Type %q", contentType)
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		format = ".html"
	case "text/markdown", "text/x-markdown":
		format = ".md"
	case "text/plain":
		format = ".txt"
	default:
		return "", nil, fmt.Errorf("not an article: the page is %s", mt)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "utf8" {
		r, err := charset.NewReaderLabel(cs, bytes.NewReader(body))
		if err != nil {
			return "", nil, fmt.Errorf("unknown charset %q", cs)
		}
		if body, err = io.ReadAll(r); err != nil {
			return "", nil, fmt.Errorf("charset %s: %w", cs, err)
		}
	}
	return format, body, nil
}

// report sums up the load that ended with err.
func (f *fetcher) report(err error) Report {
	r := Report{Errors: []SourceError{}}
	failed := map[string]bool{}
	var le *corpus.LoadError
	var fe corpus.FileError
	switch {
	case errors.As(err, &le):
		for _, e := range le.Files {
			r.Errors = append(r.Errors, SourceError{Source: e.Name, Error: oneLine(e.Err)})
			failed[e.Name] = true
			if e.Stale {
				r.Stale = append(r.Stale, e.Name)
			}
		}
	case errors.As(err, &fe):
		r.Errors = append(r.Errors, SourceError{Source: fe.Name, Error: oneLine(fe.Err)})
	case err != nil:
		r.Errors = append(r.Errors, SourceError{Source: "corpus", Error: oneLine(err)})
	}
	for _, url := range f.order {
		switch {
		case f.outcomes[url] == fetchFailed || failed[url]:
			r.Fetched.Failed++
			delete(f.fresh, url) // not an article: keep the last good copy
		case f.outcomes[url] == fetchedNotModified:
			r.Fetched.NotModified++
		default:
			r.Fetched.OK++
		}
	}
	return r
}

// saveGood caches the pages fetched whole that proved to be articles. A
// cache that cannot be written costs the next load its 304s, not this
// load its articles.
func (f *fetcher) saveGood() {
	for _, url := range f.order {
		if p, ok := f.fresh[url]; ok {
			_ = f.cache.put(p)
		}
	}
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
