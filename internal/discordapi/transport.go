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
	return rt.next.RoundTrip(out)
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
	if !strings.Contains(s, "://") {
		// url.Parse reads "127.0.0.1:8080" as a scheme or a bad path; say
		// plainly what is wanted instead.
		return nil, fmt.Errorf("parse Discord base URL %q: missing scheme: want an absolute http or https URL such as http://127.0.0.1:8080", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("parse Discord base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("parse Discord base URL %q: scheme must be http or https, not %q", s, u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return nil, fmt.Errorf("parse Discord base URL %q: want an absolute URL with a host, like https://host[:port][/prefix]", s)
	case u.Hostname() == "":
		return nil, fmt.Errorf("parse Discord base URL %q: empty host name", s)
	case u.User != nil:
		return nil, fmt.Errorf("parse Discord base URL %q: credentials in the URL are not supported (the bot token is the credential)", s)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("parse Discord base URL %q: a query is not allowed", s)
	case u.Fragment != "":
		return nil, fmt.Errorf("parse Discord base URL %q: a fragment is not allowed", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}
