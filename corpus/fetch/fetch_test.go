package fetch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"seriesbot/corpus"
	"seriesbot/corpus/fetch"
	"seriesbot/internal/sharedtest"
)

// lotus returns part n of a made-up series, Lotus Foods, as posted on the
// test blog; version changes its last paragraph.
func lotus(n int, version string) post {
	titles := map[int]string{
		1: "Lotus Foods (Part 1): History and Stores",
		2: "Lotus Foods (Part 2): Delivery and Innovation Initiatives",
		3: "Lotus Foods (Part 3): A Financial Overview",
	}
	title, ok := titles[n]
	if !ok {
		title = "Lotus Foods (Part " + strconv.Itoa(n) + "): More Notes"
	}
	return post{
		Title:  title,
		Series: "Lotus Foods",
		URL:    "https://blog.example.com/post/lotus-foods-part-" + strconv.Itoa(n),
		Views:  120 + n,
		Sections: []corpus.Section{
			{Paragraphs: []string{"This part of the series looks at one side of the grocer.", "The grocer was founded in 1998 in a market town."}},
			{Heading: "Stores", Paragraphs: []string{"The grocer ran 1,250 stores at the end of fiscal 2022. Most of them sit in second-tier cities, where rents are lower.", "Neighbourhood shops are under 300 square metres."}},
			{Heading: "Innovation Initiatives", Paragraphs: []string{"A smart shelf tells the staff when a product runs out.", "Edition " + version + " of the shelf software came out this year."}},
		},
	}
}

// wantSections is what the loader should read from p: its sections, the
// opening ones under corpus.IntroHeading.
func wantSections(p post) []corpus.Section {
	out := slices.Clone(p.Sections)
	if out[0].Heading == "" {
		out[0].Heading = corpus.IntroHeading
	}
	return out
}

// binary is n bytes of an image file: what a misnamed or corrupt upload
// holds.
func binary(n int) []byte {
	return bytes.Repeat([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), n/20)
}

func TestLoad(t *testing.T) {
	blog := newBlogServer(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(renderPost(t, lotus(1, "a")))
	}))
	t.Cleanup(other.Close)

	blog.set("/post/lotus-1", page{body: renderPost(t, lotus(1, "a"))})
	blog.set("/post/lotus-2", page{body: renderPost(t, lotus(2, "a"))})
	blog.set("/post/binary", page{body: binary(4 << 10)})
	blog.set("/post/pdf", page{body: []byte("%PDF-1.7 ..."), contentType: "application/pdf"})
	blog.set("/post/template-only", page{body: renderPost(t, post{Title: "Lotus Foods (Part 3): Soon", Series: "Lotus Foods", URL: "https://blog.example.com/soon"})})
	blog.set("/post/latin1", page{body: []byte("Lotus Foods (Part 3): Caf\xe9s\n\nLes caf\xe9s du groupe ouvrent t\xf4t.\n"), contentType: "text/plain; charset=iso-8859-1"})
	blog.set("/post/cut", page{body: renderPost(t, lotus(3, "a"))[:3000]})
	blog.Config.Handler.(*http.ServeMux).HandleFunc("/post/moved-away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/post/lotus-1", http.StatusFound)
	})
	blog.Config.Handler.(*http.ServeMux).HandleFunc("/post/moved-here", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/post/lotus-1", http.StatusMovedPermanently)
	})
	port := blog.Listener.Addr().(*net.TCPAddr).Port
	url := func(host, path string) string { return "http://" + net.JoinHostPort(host, itoa(port)) + path }
	at := func(p string) string { return url("127.0.0.1", p) }
	part := func(n int, u string) string { return "{part: " + itoa(n) + ", url: \"" + u + "\"}" }

	good := corpus.Article{Series: "Lotus Foods", Part: 1, Title: lotus(1, "a").Title, URL: at("/post/lotus-1"), Source: at("/post/lotus-1"), Sections: wantSections(lotus(1, "a"))}
	tests := []struct {
		name     string
		files    map[string][]byte
		parts    []string
		opts     fetch.Options
		want     []corpus.Article // compared on series, part, title, URL and sections
		wantErrs map[string]string
		fetched  fetch.Fetched
	}{
		{
			name:    "blog pages: template dropped, headings kept",
			parts:   []string{part(1, at("/post/lotus-1")), part(2, at("/post/lotus-2")), "{part: 4, about: what comes next}"},
			opts:    fetch.Options{AllowPrivate: true},
			want:    []corpus.Article{good, {Series: "Lotus Foods", Part: 2, Title: lotus(2, "a").Title, URL: at("/post/lotus-2"), Sections: wantSections(lotus(2, "a"))}},
			fetched: fetch.Fetched{OK: 2},
		},
		{
			name:     "404",
			parts:    []string{part(1, at("/post/lotus-1")), part(2, at("/post/missing"))},
			opts:     fetch.Options{AllowPrivate: true},
			want:     []corpus.Article{good},
			wantErrs: map[string]string{at("/post/missing"): "HTTP 404 Not Found"},
			fetched:  fetch.Fetched{OK: 1, Failed: 1},
		},
		{
			// The timeout is the only way the slow page's request ends,
			// however long it takes to come.
			name:     "a page slower than the timeout",
			files:    map[string][]byte{"p1.html": renderPost(t, lotus(1, "a"))},
			parts:    []string{"{part: 1, file: p1.html, url: \"" + at("/post/lotus-1") + "\"}", part(2, at("/slow"))},
			opts:     fetch.Options{AllowPrivate: true, Timeout: time.Millisecond},
			want:     []corpus.Article{{Series: "Lotus Foods", Part: 1, Title: good.Title, URL: good.URL, Sections: good.Sections}},
			wantErrs: map[string]string{at("/slow"): "no complete answer within 1ms (the timeout)"},
			fetched:  fetch.Fetched{Failed: 1},
		},
		{
			name:     "huge pages, sent and declared",
			parts:    []string{part(1, at("/post/lotus-1")), part(2, at("/huge")), part(3, at("/huge-declared"))},
			opts:     fetch.Options{AllowPrivate: true, MaxBytes: 256 << 10},
			want:     []corpus.Article{good},
			wantErrs: map[string]string{at("/huge"): "over 256 KiB (the size cap)", at("/huge-declared"): "over 256 KiB (the size cap)"},
			fetched:  fetch.Fetched{OK: 1, Failed: 2},
		},
		{
			name:     "redirects: on the same host followed, to another refused",
			parts:    []string{part(1, at("/post/moved-here")), part(2, at("/post/moved-away"))},
			opts:     fetch.Options{AllowPrivate: true},
			want:     []corpus.Article{{Series: "Lotus Foods", Part: 1, Title: good.Title, URL: at("/post/moved-here"), Sections: good.Sections}},
			wantErrs: map[string]string{at("/post/moved-away"): "redirected to another host (" + strings.TrimPrefix(other.URL, "http://") + ")"},
			fetched:  fetch.Fetched{OK: 1, Failed: 1},
		},
		{
			name:  "loopback refused without AllowPrivate: by address, by name, by a name DNS points there",
			files: map[string][]byte{"p4.md": []byte("# Lotus Foods (Part 4): Later\n\nA text from a file.\n")},
			parts: []string{part(1, at("/post/lotus-1")), part(2, url("localhost", "/post/lotus-2")), part(3, url("blog.lotus.test", "/post/lotus-1")), "{part: 4, file: p4.md}"},
			opts:  fetch.Options{Resolver: loopbackResolver(t)},
			want:  []corpus.Article{{Series: "Lotus Foods", Part: 4, Title: "Lotus Foods (Part 4): Later", Sections: []corpus.Section{{Heading: corpus.IntroHeading, Paragraphs: []string{"A text from a file."}}}}},
			wantErrs: map[string]string{
				at("/post/lotus-1"):                     "refused: 127.0.0.1 is a loopback address (private addresses are fetched only when allowed)",
				url("localhost", "/post/lotus-2"):       "is a loopback address",
				url("blog.lotus.test", "/post/lotus-1"): "refused: 127.0.0.1 is a loopback address",
			},
			fetched: fetch.Fetched{Failed: 3},
		},
		{
			name:    "a name DNS points at loopback, allowed",
			parts:   []string{part(1, url("blog.lotus.test", "/post/lotus-1"))},
			opts:    fetch.Options{AllowPrivate: true, Resolver: loopbackResolver(t)},
			want:    []corpus.Article{{Series: "Lotus Foods", Part: 1, Title: good.Title, URL: url("blog.lotus.test", "/post/lotus-1"), Sections: good.Sections}},
			fetched: fetch.Fetched{OK: 1},
		},
		{
			name: "pages and files that are not articles",
			files: map[string][]byte{
				"notes.md": binary(200 << 10),
				"cut.md":   []byte("---\nseries: Lotus Foods\npart: 6\ntitle: \"Lotus Fo"),
			},
			parts: []string{part(1, at("/post/lotus-1")), part(2, at("/post/binary")), part(3, at("/post/pdf")), part(4, at("/post/template-only")), part(5, at("/post/cut")),
				"{part: 6, file: cut.md}", "{part: 7, file: notes.md}"},
			opts: fetch.Options{AllowPrivate: true},
			want: []corpus.Article{good},
			wantErrs: map[string]string{
				at("/post/binary"):        "not text: binary content",
				at("/post/pdf"):           "not an article: the page is application/pdf",
				at("/post/template-only"): "no text",
				at("/post/cut"):           "the page is cut off",
				"cut.md":                  "line 1: front matter is never closed",
				"notes.md":                "not text: binary content (a NUL byte",
			},
			fetched: fetch.Fetched{OK: 1, Failed: 4},
		},
		{
			name:    "a page in another charset",
			parts:   []string{part(3, at("/post/latin1"))},
			opts:    fetch.Options{AllowPrivate: true},
			want:    []corpus.Article{{Series: "Lotus Foods", Part: 3, Title: "Lotus Foods (Part 3): Cafés", URL: at("/post/latin1"), Sections: []corpus.Section{{Heading: corpus.IntroHeading, Paragraphs: []string{"Les cafés du groupe ouvrent tôt."}}}}},
			fetched: fetch.Fetched{OK: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{"corpus.yaml": manifest(tt.parts...)}
			for k, v := range tt.files {
				files[k] = v
			}
			lib, report, err := fetch.Load(context.Background(), writeCorpus(t, files), tt.opts)
			if err != nil {
				t.Fatalf("Load: %v (report %+v)", err, report)
			}
			var got []corpus.Article
			for _, a := range lib.Articles {
				got = append(got, corpus.Article{Series: a.Series, Part: a.Part, Title: a.Title, URL: a.URL, Sections: a.Sections})
			}
			var want []corpus.Article
			for _, a := range tt.want {
				a.Source = ""
				want = append(want, a)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("articles\n got %+v\nwant %+v", got, want)
			}
			errs := map[string]string{}
			for _, e := range report.Errors {
				errs[e.Source] = e.Error
			}
			for source, reason := range tt.wantErrs {
				if !strings.Contains(errs[source], reason) {
					t.Errorf("error for %s = %q, want it to contain %q", source, errs[source], reason)
				}
			}
			if len(errs) != len(tt.wantErrs) {
				t.Errorf("errors = %q, want %d", errs, len(tt.wantErrs))
			}
			if report.Fetched != tt.fetched {
				t.Errorf("fetched = %+v, want %+v", report.Fetched, tt.fetched)
			}
		})
	}
}

func TestLoadConditionalRequests(t *testing.T) {
	blog := newBlogServer(t)
	blog.set("/post/lotus-1", page{body: renderPost(t, lotus(1, "a")), etag: `"1a"`})
	blog.set("/post/lotus-2", page{body: renderPost(t, lotus(2, "a")), etag: `W/"2a"`, lastModified: "Mon, 20 Dec 2021 08:00:00 GMT"})
	blog.set("/post/lotus-3", page{body: renderPost(t, lotus(3, "a")), lastModified: "Tue, 21 Dec 2021 08:00:00 GMT"})
	dir := writeCorpus(t, map[string][]byte{"corpus.yaml": manifest(
		`{part: 1, url: "`+blog.URL+`/post/lotus-1"}`,
		`{part: 2, url: "`+blog.URL+`/post/lotus-2"}`,
		`{part: 3, url: "`+blog.URL+`/post/lotus-3"}`,
	)})
	opts := fetch.Options{AllowPrivate: true, CacheDir: filepath.Join(t.TempDir(), "pages"), UserAgent: "seriesbot/1.2.3 (test)"}

	steps := []struct {
		name        string
		change      func()
		fetched     fetch.Fetched
		notModified [3]int // 304s served so far, per part
		edition     [3]string
	}{
		{name: "first load", fetched: fetch.Fetched{OK: 3}, edition: [3]string{"a", "a", "a"}},
		{name: "nothing changed", fetched: fetch.Fetched{NotModified: 3}, notModified: [3]int{1, 1, 1}, edition: [3]string{"a", "a", "a"}},
		{
			name:    "part 2 changed",
			change:  func() { blog.set("/post/lotus-2", page{body: renderPost(t, lotus(2, "b")), etag: `W/"2b"`}) },
			fetched: fetch.Fetched{OK: 1, NotModified: 2}, notModified: [3]int{2, 1, 2}, edition: [3]string{"a", "b", "a"},
		},
		{
			name: "a corrupt cache file costs a full fetch, not the page",
			change: func() {
				files, _ := filepath.Glob(filepath.Join(opts.CacheDir, "*.page"))
				for _, f := range files {
					os.WriteFile(f, []byte("{half"), 0o644)
				}
			},
			fetched: fetch.Fetched{OK: 3}, notModified: [3]int{2, 1, 2}, edition: [3]string{"a", "b", "a"},
		},
		{name: "and the cache is whole again", fetched: fetch.Fetched{NotModified: 3}, notModified: [3]int{3, 2, 3}, edition: [3]string{"a", "b", "a"}},
	}
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		lib, report, err := fetch.Load(context.Background(), dir, opts)
		if err != nil {
			t.Fatalf("%s: Load: %v", st.name, err)
		}
		if report.Fetched != st.fetched || len(report.Errors) != 0 {
			t.Errorf("%s: fetched = %+v, errors %v; want %+v", st.name, report.Fetched, report.Errors, st.fetched)
		}
		for i := range 3 {
			_, nm := blog.counts("/post/lotus-" + itoa(i+1))
			if nm != st.notModified[i] {
				t.Errorf("%s: part %d: server sent %d 304s, want %d", st.name, i+1, nm, st.notModified[i])
			}
			want := wantSections(lotus(i+1, st.edition[i]))
			if got := lib.Articles[i].Sections; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: part %d sections\n got %+v\nwant %+v", st.name, i+1, got, want)
			}
		}
	}
	if !blog.userAgents["seriesbot/1.2.3 (test)"] || len(blog.userAgents) != 1 {
		t.Errorf("user agents seen = %v, want only the one configured", blog.userAgents)
	}
}

func TestLoadKeepsPreviousArticlesOrFailsWhenStrict(t *testing.T) {
	blog := newBlogServer(t)
	blog.set("/post/lotus-1", page{body: renderPost(t, lotus(1, "a"))})
	blog.set("/post/lotus-2", page{body: renderPost(t, lotus(2, "a"))})
	files := map[string][]byte{
		"corpus.yaml": manifest(`{part: 1, url: "`+blog.URL+`/post/lotus-1"}`, `{part: 2, url: "`+blog.URL+`/post/lotus-2"}`, `{part: 3, file: p3.md}`),
		"p3.md":       []byte("---\nseries: Lotus Foods\npart: 3\ntitle: \"Lotus Foods (Part 3): Money\"\n---\n## Revenue\n\nRevenue grew every year.\n"),
	}
	dir := writeCorpus(t, files)
	ctx := context.Background()
	prev, report, err := fetch.Load(ctx, dir, fetch.Options{AllowPrivate: true})
	if err != nil || len(prev.Articles) != 3 || len(report.Errors) != 0 {
		t.Fatalf("first load = %v, %+v, %v", prev, report, err)
	}

	// The blog loses part 2 and an editor is half-way through saving part 3.
	blog.set("/post/lotus-2", page{body: []byte("<html><body><p>Server error</p></body></html>"), contentType: "application/json"})
	if err := os.WriteFile(filepath.Join(dir, "p3.md"), files["p3.md"][:40], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opts      fetch.Options
		wantParts []int
		wantStale []string
		wantErr   string
	}{
		{name: "without a previous library", opts: fetch.Options{AllowPrivate: true}, wantParts: []int{1}},
		{name: "previous articles kept", opts: fetch.Options{AllowPrivate: true, Previous: prev}, wantParts: []int{1, 2, 3}, wantStale: []string{blog.URL + "/post/lotus-2", "p3.md"}},
		{name: "strict", opts: fetch.Options{AllowPrivate: true, Previous: prev, Strict: true}, wantErr: "2 of its sources failed, and a strict load takes all or nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, report, err := fetch.Load(ctx, dir, tt.opts)
			if len(report.Errors) != 2 || report.Fetched != (fetch.Fetched{OK: 1, Failed: 1}) {
				t.Errorf("report = %+v, want 2 errors and one page failed", report)
			}
			if tt.wantErr != "" {
				if lib != nil || err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, %v; want no library and an error containing %q", lib, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var parts []int
			for _, a := range lib.Articles {
				parts = append(parts, a.Part)
			}
			if !slices.Equal(parts, tt.wantParts) || !slices.Equal(report.Stale, tt.wantStale) {
				t.Errorf("parts = %v, stale = %q; want %v, %q", parts, report.Stale, tt.wantParts, tt.wantStale)
			}
			if p, ok := lib.Part(3); !ok || p.File != "p3.md" {
				t.Errorf("Part(3) = %+v, %v; want it listed whatever became of its text", p, ok)
			}
		})
	}
}

func TestReportJSON(t *testing.T) {
	r := fetch.Report{Fetched: fetch.Fetched{OK: 2, NotModified: 1, Failed: 1}, Errors: []fetch.SourceError{{Source: "https://blog.example.com/x", Error: "HTTP 404 Not Found"}}}
	got, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"fetched":{"ok":2,"not_modified":1,"failed":1},"errors":[{"source":"https://blog.example.com/x","error":"HTTP 404 Not Found"}]}`
	if string(got) != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func TestLoadPaths(t *testing.T) {
	md := []byte("---\nseries: Lotus Foods\npart: 1\ntitle: \"Lotus Foods (Part 1): Notes\"\n---\nA paragraph of notes.\n")
	dir := writeCorpus(t, map[string][]byte{
		"lotus.yaml":   manifest(`{part: 1, file: texts/one.md, url: "https://blog.example.com/1"}`, `{part: 2, about: later}`),
		"texts/one.md": md,
		"loose/one.md": md,
	})
	tests := []struct {
		name, path string
		wantParts  int // parts listed
		wantURL    string
		wantErr    string
	}{
		{name: "embedded default", path: "", wantParts: len(corpus.Default().Manifest.Parts), wantURL: corpus.Default().Articles[0].URL},
		{name: "a manifest under another name", path: filepath.Join(dir, "lotus.yaml"), wantParts: 2, wantURL: "https://blog.example.com/1"},
		{name: "a folder without a manifest", path: filepath.Join(dir, "loose"), wantParts: 1},
		{name: "a file that is not a manifest", path: filepath.Join(dir, "loose", "one.md"), wantErr: "not a folder or a manifest"},
		{name: "nothing there", path: filepath.Join(dir, "nowhere"), wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, _, err := fetch.Load(context.Background(), tt.path, fetch.Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(lib.Manifest.Parts) != tt.wantParts || lib.Articles[0].URL != tt.wantURL {
				t.Errorf("parts = %+v, first URL %q; want %d parts, %q", lib.Manifest.Parts, lib.Articles[0].URL, tt.wantParts, tt.wantURL)
			}
		})
	}
}

func TestLoadStopsWhenTheContextEnds(t *testing.T) {
	md := []byte("# Lotus Foods (Part 1): Notes\n\nA paragraph.\n")
	tests := []struct {
		name         string
		parts        []string
		wantProgress []string
	}{
		{"stopped at the first of two pages", []string{`{part: 1, url: "https://blog.example.com/1"}`, `{part: 2, url: "https://blog.example.com/2"}`}, []string{"1/2"}},
		{"stopped at the last source", []string{"{part: 1, file: p1.md}", `{part: 2, url: "https://blog.example.com/2"}`}, []string{"1/2", "2/2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeCorpus(t, map[string][]byte{"corpus.yaml": manifest(tt.parts...), "p1.md": md})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var progress []string
			lib, _, err := fetch.Load(ctx, dir, fetch.Options{
				Progress: func(done, total int, source string) { progress = append(progress, itoa(done)+"/"+itoa(total)) },
				Client:   &http.Client{Transport: cancelOnRequest{cancel}},
			})
			if lib != nil || !errors.Is(err, context.Canceled) {
				t.Errorf("Load = %v, %v; want no library and context.Canceled", lib, err)
			}
			if !slices.Equal(progress, tt.wantProgress) {
				t.Errorf("progress = %q, want %q", progress, tt.wantProgress)
			}
		})
	}
}

// cancelOnRequest is a transport whose request is interrupted: it cancels
// the load, as a shutdown would, and fails.
type cancelOnRequest struct{ cancel context.CancelFunc }

func (c cancelOnRequest) RoundTrip(r *http.Request) (*http.Response, error) {
	c.cancel()
	return nil, r.Context().Err()
}

// TestLoadRealPart2Page serves the real text of Part 2 inside the blog's
// template and checks that fetching it reads the same article as the text
// itself: same headings, same paragraphs, no template.
func TestLoadRealPart2Page(t *testing.T) {
	page, text := realPart2Page(t)
	blog := newBlogServer(t)
	blog.set("/post/alibaba-part-2", page)
	dir := writeCorpus(t, map[string][]byte{"corpus.yaml": []byte("series:\n  - name: Alibaba\n    parts:\n" +
		"      - {part: 2, title: \"" + text.Title + "\", url: \"" + blog.URL + "/post/alibaba-part-2\", segments: {Cloud Computing: cloud, Ant Group: ant-group}}\n" +
		"      - {part: 4, about: the Group's future}\n")})
	lib, report, err := fetch.Load(context.Background(), dir, fetch.Options{AllowPrivate: true})
	if err != nil || len(report.Errors) != 0 {
		t.Fatalf("Load = %v, %+v", err, report)
	}
	a := lib.Articles[0]
	var segments []string
	for i, s := range a.Sections {
		segments = append(segments, s.Segment)
		a.Sections[i].Segment = ""
	}
	if !reflect.DeepEqual(a.Sections, text.Sections) {
		t.Errorf("sections of the page differ from those of the text\n page %q\n text %q", a.Sections, text.Sections)
	}
	if want := []string{"", "cloud", "", "", "ant-group"}; !slices.Equal(segments, want) {
		t.Errorf("segments = %q, want %q (from the manifest's headings)", segments, want)
	}
	if a.Series != "Alibaba" || a.Part != 2 || a.URL != blog.URL+"/post/alibaba-part-2" {
		t.Errorf("article = %s part %d at %s", a.Series, a.Part, a.URL)
	}
}

// realPart2Page wraps the real Part 2 text into the blog's page template,
// with the canonical URL of Part 2, and returns it with the article read
// from the text.
func realPart2Page(t testing.TB) (page, corpus.Article) {
	t.Helper()
	data, err := os.ReadFile(sharedtest.Path(t, "series/000_b4f39b9538fbf4a7.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := corpus.ParseText("part2.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	p := post{
		Title:      text.Title,
		Series:     "Alibaba",
		Author:     "Meemi O.",
		URL:        "https://investorinsights.asia/post/alibaba-part-2-alibaba-cloud-digital-media-and-innovation-initiatives",
		SeriesMenu: []string{"Alibaba Series", "Ant Group Series", "JD Series", "Pinduoduo Series"},
		Sections:   slices.Clone(text.Sections),
	}
	p.Sections[0].Heading = "" // the opening paragraphs have no heading on the page
	return page{body: renderPost(t, p)}, text
}

func itoa(n int) string { return strconv.Itoa(n) }
