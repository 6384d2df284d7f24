package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned for a connection to an address that is
// not on the public internet. A manifest is written by whoever runs the
// bot, but its URLs may be copied from anywhere, and a page that resolves
// or redirects to 127.0.0.1, to the cloud's metadata address or to the
// office network must not be read into answers anyone can ask for.
var ErrPrivateAddress = errors.New("not a public address")

// nonPublic are the address ranges refused besides those netip classifies
// (loopback, private, link-local, multicast, unspecified).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// checkAddress refuses addr ("ip:port", as dialled) unless it is public.
func checkAddress(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address", ErrPrivateAddress, host)
	}
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	kind := ""
	switch {
	case ip.IsLoopback():
		kind = "a loopback address"
	case ip.IsPrivate():
		kind = "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		kind = "a link-local address"
	case ip.IsUnspecified():
		kind = "the unspecified address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		kind = "a multicast address"
	}
	for _, p := range nonPublic {
		if kind == "" && p.Contains(ip) {
			kind = "a reserved address (" + p.String() + ")"
		}
	}
	if kind != "" {
		return fmt.Errorf("%w: %s is %s", ErrPrivateAddress, ip, kind)
	}
	return nil
}

// NewTransport returns the transport pages are fetched with. Unless
// allowPrivate is set, its dialer refuses any address checkAddress
// refuses, checked on the address actually dialled — after DNS, for every
// address tried and every redirect — so a public name that resolves to a
// private address is refused too. resolver is the DNS resolver to use;
// nil means the system's.
//
// It uses no proxy: through one, the address dialled is the proxy's and
// the page's address could not be checked.
func NewTransport(allowPrivate bool, resolver *net.Resolver) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Resolver: resolver}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error { return checkAddress(address) }
	}
	return &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	}
}

// maxRedirects bounds a chain of redirects; the blog needs one at most
// (to or from "www.").
const maxRedirects = 5

// sameHost is the redirect policy: a page may move on its own site only
// (another port is another site; http to https is not). "www." is not
// part of the comparison, because the blog itself links its parts both
// with and without it and redirects between the two.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to a %s: URL", req.URL.Scheme)
	}
	if siteOf(via[0].URL) != siteOf(req.URL) {
		return fmt.Errorf("redirected to another host (%s)", req.URL.Host)
	}
	return nil
}

// siteOf names the site u is on: its host without "www." and with its
// port when that is not the scheme's own.
func siteOf(u *url.URL) string {
	site := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		site += ":" + p
	}
	return site
}
