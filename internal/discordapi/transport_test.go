package discordapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recordingTransport answers every request with 204 and remembers it.
type recordingTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.reqs = append(rt.reqs, req)
	rt.mu.Unlock()
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req, Header: http.Header{}}, nil
}

func (rt *recordingTransport) last(t *testing.T) *http.Request {
	t.Helper()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.reqs) == 0 {
		t.Fatal("no request reached the next transport")
	}
	return rt.reqs[len(rt.reqs)-1]
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := ParseBaseURL(s)
	if err != nil {
		t.Fatalf("ParseBaseURL(%q): %v", s, err)
	}
	return u
}

func TestTransportRewrites(t *testing.T) {
	tests := []struct {
		name, base, in, want string
	}{
		{"root base", "http://127.0.0.1:8080", "https://discord.com/api/v9/channels/1/messages", "http://127.0.0.1:8080/api/v9/channels/1/messages"},
		{"base with prefix", "https://proxy.example/discord/", "https://discord.com/api/v9/users/@me", "https://proxy.example/discord/api/v9/users/@me"},
		{"query kept", "http://localhost:1", "https://discord.com/api/v9/channels/1/messages?limit=5&before=9", "http://localhost:1/api/v9/channels/1/messages?limit=5&before=9"},
		{"escaped path kept", "http://localhost:1/p", "https://discord.com/api/v9/channels/1/messages/2/reactions/%23%E2%83%A3/@me", "http://localhost:1/p/api/v9/channels/1/messages/2/reactions/%23%E2%83%A3/@me"},
		{"explicit port 443", "http://localhost:1", "https://discord.com:443/api/v9/gateway", "http://localhost:1/api/v9/gateway"},
		{"upper-case host", "http://localhost:1", "https://Discord.com/api/v9/gateway", "http://localhost:1/api/v9/gateway"},
		{"cdn untouched", "http://localhost:1", "https://cdn.discordapp.com/avatars/1/a.png", "https://cdn.discordapp.com/avatars/1/a.png"},
		{"status untouched", "http://localhost:1", "https://status.discord.com/api/v2/x.json", "https://status.discord.com/api/v2/x.json"},
		{"plain http discord untouched", "http://localhost:1", "http://discord.com/api/v9/gateway", "http://discord.com/api/v9/gateway"},
		{"lookalike host untouched", "http://localhost:1", "https://discord.com.evil.example/api", "https://discord.com.evil.example/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &recordingTransport{}
			rt := Transport(mustParse(t, tt.base), next)
			req, err := http.NewRequest(http.MethodGet, tt.in, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bot x")
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			resp.Body.Close()
			got := next.last(t)
			if got.URL.String() != tt.want {
				t.Errorf("URL = %s, want %s", got.URL, tt.want)
			}
			if req.URL.String() != tt.in {
				t.Errorf("caller's request was modified: %s", req.URL)
			}
			if got.Header.Get("Authorization") != "Bot x" {
				t.Errorf("Authorization header lost: %q", got.Header.Get("Authorization"))
			}
		})
	}
}

func TestTransportNilBasePassesThrough(t *testing.T) {
	next := &recordingTransport{}
	if rt := Transport(nil, next); rt != next {
		t.Fatalf("Transport(nil, next) = %T, want next itself", rt)
	}
	if rt := Transport(nil, nil); rt != http.DefaultTransport {
		t.Fatalf("Transport(nil, nil) = %T, want http.DefaultTransport", rt)
	}
}

// TestTransportEndToEnd sends a real request through the default transport
// to a loopback server, as a discordgo session would.
func TestTransportEndToEnd(t *testing.T) {
	var gotPath, gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotHost = r.URL.Path, r.Host
		io.WriteString(w, `{"url":"ws://example"}`)
	}))
	t.Cleanup(srv.Close)

	base := mustParse(t, srv.URL+"/prefix")
	client := &http.Client{Transport: Transport(base, nil)}
	resp, err := client.Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatalf("GET through transport: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if gotPath != "/prefix/api/v9/gateway" {
		t.Errorf("server saw path %q", gotPath)
	}
	if gotHost != base.Host {
		t.Errorf("server saw Host %q, want %q", gotHost, base.Host)
	}
	if !strings.Contains(string(body), "ws://example") {
		t.Errorf("body = %q", body)
	}
}

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		in, want, errPart string
	}{
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "  https://proxy.example/discord/  ", want: "https://proxy.example/discord"},
		{in: "HTTPS://Proxy.example", want: "https://Proxy.example"},
		{in: "http://[::1]:9/", want: "http://[::1]:9"},
		{in: "", errPart: "empty"},
		{in: "   ", errPart: "empty"},
		{in: "ws://127.0.0.1:1", errPart: "scheme must be http or https"},
		{in: "127.0.0.1:8080", errPart: "missing scheme"},
		{in: "localhost:8080", errPart: "missing scheme"},
		{in: "/api", errPart: "missing scheme"},
		{in: "ftp://host", errPart: "scheme must be http or https"},
		{in: "http:///path", errPart: "absolute URL with a host"},
		{in: "http:opaque", errPart: "absolute http or https URL"},
		{in: "http://:80", errPart: "empty host name"},
		{in: "http://user:pw@host", errPart: `"http://host": credentials`},
		{in: "http://user:hunter2@host/%zz", errPart: `"http://host/%zz": invalid URL escape`},
		{in: "ftp://user:hunter2@host", errPart: `"ftp://host": scheme`},
		{in: "user:hunter2@host:80", errPart: `"host:80": missing scheme`},
		{in: "http://host/?a=b", errPart: "query"},
		{in: "http://host/?", errPart: "query"},
		{in: "http://host/#frag", errPart: "fragment"},
		{in: "http://host/%zz", errPart: "parse Discord base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseBaseURL(tt.in)
			if tt.errPart != "" {
				if err == nil {
					t.Fatalf("ParseBaseURL(%q) = %v, want error containing %q", tt.in, u, tt.errPart)
				}
				if !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("error %q does not mention %q", err, tt.errPart)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "user:") {
					t.Fatalf("error %q shows the credentials", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBaseURL(%q): %v", tt.in, err)
			}
			if u.String() != tt.want {
				t.Fatalf("ParseBaseURL(%q) = %s, want %s", tt.in, u, tt.want)
			}
		})
	}
}

// FuzzParseBaseURL checks that whatever ParseBaseURL accepts is something
// Transport can use: http(s), a host, nothing it would silently drop.
func FuzzParseBaseURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080", "https://a/b/", "ws://x", "http://u@h", "http://h/?q", "", "http://[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseBaseURL(s)
		if err != nil {
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("accepted scheme %q from %q", u.Scheme, s)
		}
		if u.Host == "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("accepted unusable URL %#v from %q", u, s)
		}
		if strings.HasSuffix(u.Path, "/") {
			t.Fatalf("trailing slash kept in %q", u.Path)
		}
	})
}

// TestTransportErrorsNameTheServer: a request rewritten to a server that
// does not answer fails with an error naming that server, not
// https://discord.com/, where nothing was sent.
func TestTransportErrorsNameTheServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	base, err := ParseBaseURL("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: Transport(base, nil)}
	_, err = c.Get("https://discord.com/api/v9/gateway")
	if err == nil {
		t.Fatal("a request to a closed port succeeded")
	}
	got := Describe(err)
	if strings.Contains(got, "discord.com") || !strings.Contains(got, `"http://`+addr+`/api/v9/gateway"`) {
		t.Errorf("Describe = %q, want it to name http://%s/api/v9/gateway and not discord.com", got, addr)
	}
	if Describe(errors.New("plain")) != "plain" || Describe(nil) != "" {
		t.Error("Describe changes errors that are not rewritten requests")
	}
}
