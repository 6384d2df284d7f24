package fetch_test

import (
	"bytes"
	"context"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"seriesbot/corpus"
)

// post is what the page template shows: a blog post of a series.
type post struct {
	Title, URL, Author, Date, Series string
	ReadMinutes, Views               int
	SeriesMenu                       []string
	Sections                         []corpus.Section // Heading "" for the opening paragraphs
}

var postTemplate = template.Must(template.ParseFiles(filepath.Join("testdata", "post.html.tmpl")))

// renderPost returns p as the blog serves it: the article inside the site
// builder's template (navigation, writer's picture, subscribe prompts,
// recent posts, comments, the series list, top and bottom of page).
func renderPost(t testing.TB, p post) []byte {
	t.Helper()
	if p.Author == "" {
		p.Author = "A. Writer"
	}
	if p.Date == "" {
		p.Date = "Dec 20, 2021"
	}
	if p.ReadMinutes == 0 {
		p.ReadMinutes = 7
	}
	if p.SeriesMenu == nil {
		p.SeriesMenu = []string{p.Series + " Series", "Other Series"}
	}
	var b bytes.Buffer
	if err := postTemplate.Execute(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// page is one response of the blog server.
type page struct {
	body         []byte
	contentType  string
	etag         string
	lastModified string
}

// blogServer is the blog over HTTP, with conditional requests. It counts
// what it was asked, so tests assert what the loader sent.
type blogServer struct {
	*httptest.Server
	mu          sync.Mutex
	pages       map[string]page
	requests    map[string]int
	notModified map[string]int // 304s served, per path
	userAgents  map[string]bool
}

func newBlogServer(t testing.TB) *blogServer {
	s := &blogServer{pages: map[string]page{}, requests: map[string]int{}, notModified: map[string]int{}, userAgents: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		chunk := bytes.Repeat([]byte("<p>Endless text of an endless page.</p>\n"), 1<<10)
		for written := 0; written < 50<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
	})
	mux.HandleFunc("/huge-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "52428800")
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("/", s.serve)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *blogServer) set(path string, p page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.contentType == "" {
		p.contentType = "text/html; charset=utf-8"
	}
	s.pages[path] = p
}

func (s *blogServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	s.userAgents[r.UserAgent()] = true
	p, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if p.etag != "" {
		w.Header().Set("ETag", p.etag)
	}
	if p.lastModified != "" {
		w.Header().Set("Last-Modified", p.lastModified)
	}
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if inm != "" && inm == p.etag || inm == "" && ims != "" && ims == p.lastModified {
		s.mu.Lock()
		s.notModified[r.URL.Path]++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", p.contentType)
	w.Write(p.body)
}

func (s *blogServer) counts(path string) (requests, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path], s.notModified[path]
}

// loopbackResolver is a DNS resolver that answers every name with
// 127.0.0.1, as a public name pointed at an internal address would. It
// runs a DNS server on loopback UDP and points the resolver at it.
func loopbackResolver(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply, ok := answerLoopback(buf[:n]); ok {
				pc.WriteTo(reply, addr)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

// answerLoopback answers a DNS query: an A record of 127.0.0.1 for an A
// question, no record for any other.
func answerLoopback(query []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true})
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	if q.Type == dnsmessage.TypeA {
		b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
	}
	out, err := b.Finish()
	return out, err == nil
}

// writeCorpus creates a folder holding files (slash paths to contents)
// and returns its path.
func writeCorpus(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// manifest is a corpus.yaml for series "Lotus Foods" listing parts
// (YAML flow mappings).
func manifest(parts ...string) []byte {
	return []byte("series:\n  - name: Lotus Foods\n    parts:\n      - " + strings.Join(parts, "\n      - ") + "\n")
}
