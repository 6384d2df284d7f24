// Package discordapi lets a discordgo session talk to a Discord-compatible
// server other than discord.com: a local fake in tests, a recording proxy,
// or a self-hosted gateway.
//
// discordgo builds every REST URL from its package-level Endpoint* strings,
// all rooted at "https://discord.com/". Rewriting those strings would change
// global state shared by every session in the process (and race in parallel
// tests), so instead the rewrite happens per session, in the HTTP client's
// transport:
//
//	base, err := discordapi.ParseBaseURL(os.Getenv("DISCORD_API_BASE"))
//	...
//	session.Client = &http.Client{Transport: discordapi.Transport(base, nil), Timeout: 20 * time.Second}
//
// The gateway needs no rewrite: discordgo's Open asks GET /api/v9/gateway
// for the WebSocket URL, and that request goes through the transport, so the
// server behind base decides where the gateway is.
package discordapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discordHost is the host of discordgo's hard-coded EndpointDiscord.
const discordHost = "discord.com"

// Transport returns a RoundTripper that sends every request aimed at
// https://discord.com/ to base instead (its scheme, host and path prefix),
// and every other request (CDN, status page) through next unchanged.
//
// A nil base means "the real Discord": next is returned as it is, so the
// wiring code needs no branch. A nil next means http.DefaultTransport.
// Only base's scheme, host and path are used; ParseBaseURL rejects the rest.
func Transport(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if base == nil {
		return next
	}
	b := *base
	b.Path = strings.TrimRight(b.Path, "/")
	b.RawPath = strings.TrimRight(b.RawPath, "/")
	return &rewriter{base: &b, next: next}
}

// rewriter is the RoundTripper returned by Transport.
type rewriter struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites a clone of req: a RoundTripper must not modify the
// request it is given, and discordgo reuses requests when it retries.
func (rt *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	if !aimsAtDiscord(req.URL) {
		return rt.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = rt.base.Scheme
	u.Host = rt.base.Host
	u.User = nil
	if rt.base.Path != "" {
		// Setting both keeps escapes in either part (an emoji in a reaction
		// route, an encoded slash in the prefix) as they were.
		u.RawPath = rt.base.EscapedPath() + req.URL.EscapedPath()
		u.Path = rt.base.Path + req.URL.Path
	}
	out.URL = &u
	// An empty Host makes net/http send the rewritten URL's host, which is
	// what a virtual-hosted server behind base expects.
	out.Host = ""
	resp, err := rt.next.RoundTrip(out)
	if err != nil {
		// http.Client reports the URL it was asked for, discord.com's;
		// this error names the server the request went to (see Describe).
		return nil, &url.Error{Op: urlOp(req.Method), URL: u.Redacted(), Err: err}
	}
	return resp, nil
}

// urlOp is the operation http.Client names in its errors: "Get", "Post".
func urlOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// Describe renders an error of a request made through Transport. A request
// rewritten to another server that fails there reads, from http.Client,
// `Get "https://discord.com/api/v9/gateway": Get "http://127.0.0.1:9/…":
// dial tcp …`: the outer URL is discordgo's, not where anything went, and
// would send whoever reads the log to the wrong host. Describe leaves it
// out. Any other error reads as its Error.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var outer *url.Error
	if errors.As(err, &outer) {
		var inner *url.Error
		if errors.As(outer.Err, &inner) {
			return strings.Replace(msg, outer.Error(), inner.Error(), 1)
		}
	}
	return msg
}

// aimsAtDiscord reports whether u is under discordgo's EndpointDiscord.
func aimsAtDiscord(u *url.URL) bool {
	if u == nil || !strings.EqualFold(u.Scheme, "https") {
		return false
	}
	host := strings.ToLower(u.Host)
	return host == discordHost || host == discordHost+":443"
}

// ParseBaseURL parses the base URL of a Discord-compatible server, such as
// "http://127.0.0.1:8080" or "https://proxy.example/discord". It must be an
// absolute http or https URL with a host, and nothing a transport could not
// honour: no credentials, query or fragment. A trailing slash is dropped.
//
// Note that with an http base the bot token travels in clear text: use it
// for loopback fakes only.
func ParseBaseURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("parse Discord base URL: empty")
	}
	// Errors quote the URL as given, less any credentials in it: an
	// error goes to the terminal and the log.
	shown := withoutUserinfo(s)
	if !strings.Contains(s, "://") {
		// url.Parse reads "127.0.0.1:8080" as a scheme or a bad path; say
		// plainly what is wanted instead.
		return nil, fmt.Errorf("parse Discord base URL %q: missing scheme: want an absolute http or https URL such as http://127.0.0.1:8080", shown)
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error quotes the whole URL; its cause does not.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("parse Discord base URL %q: %w", shown, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("parse Discord base URL %q: scheme must be http or https, not %q", shown, u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return nil, fmt.Errorf("parse Discord base URL %q: want an absolute URL with a host, like https://host[:port][/prefix]", shown)
	case u.Hostname() == "":
		return nil, fmt.Errorf("parse Discord base URL %q: empty host name", shown)
	case u.User != nil:
		return nil, fmt.Errorf("parse Discord base URL %q: credentials in the URL are not supported (the bot token is the credential)", shown)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("parse Discord base URL %q: a query is not allowed", shown)
	case u.Fragment != "":
		return nil, fmt.Errorf("parse Discord base URL %q: a fragment is not allowed", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// withoutUserinfo is s without the "user:password@" of its authority, if
// any; s need not parse.
func withoutUserinfo(s string) string {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + len("://")
	}
	end := len(s)
	if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
		end = start + j
	}
	if at := strings.LastIndex(s[start:end], "@"); at >= 0 {
		return s[:start] + s[start+at+1:]
	}
	return s
}
