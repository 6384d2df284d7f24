// Package redact keeps credentials out of what the bot logs about the
// services it calls (the language model API, Discord). A server can echo
// what it was sent: an error body quoting the Authorization header, a
// proxy's page printing the request, a URL with a key in it. Whatever the
// service answers is redacted before anything reads it, since nothing can
// tell which of its words an error message or a log line will carry.
package redact

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// Mark stands in for what was removed.
const Mark = "[redacted]"

// minSecret is the shortest value treated as a secret: shorter ones
// ("no", "x") would redact ordinary words of a message.
const minSecret = 6

// maxErrorBody bounds how much of an error response is read to be
// redacted; error bodies are a few hundred bytes, and a longer one is cut.
const maxErrorBody = 1 << 20

// shapes are credentials recognisable without knowing them: the value
// after an authorization scheme, OpenAI-style keys, Discord bot tokens,
// the user information of a URL, and keys or tokens in a query.
var shapes = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)\b(bearer|bot|basic)(\s+)[A-Za-z0-9._~+/=\-]{20,}`), "${1}${2}" + Mark},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{6,}`), "sk-" + Mark},
	{regexp.MustCompile(`\b[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{20,}\b`), Mark},
	{regexp.MustCompile(`(://)[^/@\s"']+@`), "${1}" + Mark + "@"},
	{regexp.MustCompile(`(?i)([?&](?:api[-_]?key|key|token|access_token|auth|sig|signature)=)[^&\s"'#]+`), "${1}" + Mark},
}

// Text removes secrets (each exactly, when at least minSecret long) and
// anything shaped like a credential from s.
func Text(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecret {
			s = strings.ReplaceAll(s, sec, Mark)
		}
	}
	for _, sh := range shapes {
		s = sh.re.ReplaceAllString(s, sh.repl)
	}
	return s
}

// Secrets are the credentials req carries in its headers: the value of
// Authorization (after its scheme) and of the API-key headers of Azure
// and other compatible services.
func Secrets(h http.Header) []string {
	var out []string
	if v := strings.TrimSpace(h.Get("Authorization")); v != "" {
		if _, cred, ok := strings.Cut(v, " "); ok {
			v = strings.TrimSpace(cred)
		}
		out = append(out, v)
	}
	for _, k := range []string{"Api-Key", "X-Api-Key"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Response replaces the body of an error response (status 400 and up)
// with its text redacted of secrets. Successful bodies are left alone: they
// are the answer, read as it streams.
func Response(resp *http.Response, secrets []string) {
	if resp == nil || resp.StatusCode < 400 || resp.Body == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	clean := []byte(Text(string(body), secrets...))
	if err != nil {
		// What arrived is kept; the rest of a broken body is lost anyway.
		clean = append(clean, []byte(" (body cut: "+Text(err.Error(), secrets...)+")")...)
	}
	resp.Body = io.NopCloser(bytes.NewReader(clean))
	resp.ContentLength = int64(len(clean))
	resp.Header.Del("Content-Length")
}

// Error is err with its message redacted; errors.Is and errors.As still
// see err itself.
type Error struct {
	msg string
	err error
}

// Err returns err redacted of secrets, or nil for nil.
func Err(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	return &Error{msg: Text(err.Error(), secrets...), err: err}
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.err }

// Transport redacts the error responses and the transport errors of the
// requests it sends through next (http.DefaultTransport when nil) of the
// credentials each request carries.
func Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return transport{next}
}

type transport struct{ next http.RoundTripper }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	secrets := Secrets(req.Header)
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, Err(err, secrets...)
	}
	Response(resp, secrets)
	return resp, nil
}
