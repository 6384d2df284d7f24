package fetch

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		addr string
		want string // "" for allowed
	}{
		{"8.8.8.8:443", ""},
		{"[2606:4700::1111]:443", ""},
		{"127.0.0.1:80", "127.0.0.1 is a loopback address"},
		{"127.10.0.3:80", "a loopback address"},
		{"[::1]:80", "::1 is a loopback address"},
		{"[::ffff:127.0.0.1]:80", "127.0.0.1 is a loopback address"},
		{"10.1.2.3:80", "a private address"},
		{"172.16.5.4:80", "a private address"},
		{"192.168.1.1:80", "a private address"},
		{"[fd12:3456::1]:80", "a private address"}, // IPv6 unique local
		{"169.254.169.254:80", "a link-local address"},
		{"[fe80::1]:80", "a link-local address"},
		{"0.0.0.0:80", "the unspecified address"},
		{"[::]:80", "the unspecified address"},
		{"100.64.0.1:80", "a reserved address (100.64.0.0/10)"},
		{"0.1.2.3:80", "a reserved address (0.0.0.0/8)"},
		{"255.255.255.255:80", "a reserved address (240.0.0.0/4)"},
		{"239.1.2.3:80", "a multicast address"},
		{"blog.example.com:80", `"blog.example.com" is not an IP address`},
	}
	for _, tt := range tests {
		err := checkAddress(tt.addr)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("checkAddress(%s) = %v, want it allowed", tt.addr, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrPrivateAddress)):
			t.Errorf("checkAddress(%s) = %v, want ErrPrivateAddress saying %q", tt.addr, err, tt.want)
		}
	}
}

func TestSameHost(t *testing.T) {
	tests := []struct {
		from, to string
		want     string // "" for followed
	}{
		{"https://investorinsights.asia/post/a", "https://www.investorinsights.asia/post/a", ""},
		{"https://www.investorinsights.asia/post/a", "https://investorinsights.asia/post/a", ""},
		{"http://blog.example.com/a", "https://blog.example.com/a", ""},
		{"http://blog.example.com:80/a", "https://blog.example.com:443/a", ""},
		{"https://blog.example.com/a", "https://BLOG.example.com/b", ""},
		{"https://blog.example.com/a", "https://elsewhere.example.com/a", "redirected to another host (elsewhere.example.com)"},
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/a", "redirected to another host (127.0.0.1:9090)"},
		{"https://blog.example.com/a", "ftp://blog.example.com/a", "redirected to a ftp: URL"},
	}
	for _, tt := range tests {
		err := sameHost(request(t, tt.to), []*http.Request{request(t, tt.from)})
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
			t.Errorf("redirect %s → %s: %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
	via := make([]*http.Request, maxRedirects)
	for i := range via {
		via[i] = request(t, "https://blog.example.com/a")
	}
	if err := sameHost(request(t, "https://blog.example.com/b"), via); err == nil {
		t.Errorf("redirect number %d followed, want it refused", maxRedirects+1)
	}
}

func request(t *testing.T, raw string) *http.Request {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Request{URL: u}
}
