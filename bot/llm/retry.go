package llm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/internal/redact"
)

// Retry is how a call to the language model service is retried: rate
// limits (429) and server failures (5xx) are tried again after an
// exponential backoff with jitter, or after the wait the service asks for in
// Retry-After, as long as that ends before the call's deadline. Other
// failures (a rejected key, an unknown model, a bad request) would fail the
// same way again and are returned at once.
//
// go-openai never retries on its own and drops the headers of error
// responses, so Retry-After is read by the HTTP client NewClient installs,
// and passed to Do through the call's context.
type Retry struct {
	// Attempts bounds the tries of one call, the first included; 0 means 4.
	Attempts int
	// Backoff is the wait before the first retry; it doubles before each
	// further one, and a random part of it (up to half) is left out so
	// that clients refused together do not come back together. 0 means
	// 500ms.
	Backoff time.Duration
	// MaxBackoff caps one backoff; 0 means 8s. A wait the service asks for
	// is not capped: only the deadline bounds it.
	MaxBackoff time.Duration
}

// Do runs call until it succeeds, fails in a way not worth retrying, runs
// out of attempts, or the next wait would pass ctx's deadline. It returns
// call's last error.
func (r Retry) Do(ctx context.Context, call func(context.Context) error) error {
	attempts := r.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	hint := new(retryHint)
	ctx = context.WithValue(ctx, retryHintKey{}, hint)
	for attempt := 1; ; attempt++ {
		hint.set(0, false)
		err := call(ctx)
		if err == nil || !retryable(err) || attempt >= attempts {
			return err
		}
		wait, asked := hint.get()
		if !asked {
			wait = r.backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w (not retried: the next try, in %v, would be past the deadline)", err, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff is the wait before retry n (1 for the first): Backoff·2ⁿ⁻¹ capped
// at MaxBackoff, less a random part of up to half ("equal jitter").
func (r Retry) backoff(n int) time.Duration {
	base, maxWait := r.Backoff, r.MaxBackoff
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxWait <= 0 {
		maxWait = 8 * time.Second
	}
	d := base
	for i := 1; i < n && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	return d - time.Duration(rand.Int64N(int64(d/2)+1))
}

// retryable reports whether err is a rate limit or a server failure. A 429
// for an exhausted quota is not: it lasts until someone pays.
func retryable(err error) bool {
	status, code, _ := apiStatus(err)
	switch {
	case status == http.StatusTooManyRequests:
		return code != "insufficient_quota"
	case status >= 500:
		return true
	}
	return false
}

// apiStatus digs the HTTP status, the API's error code and its message out
// of a go-openai error; status is 0 for an error that is not a response.
func apiStatus(err error) (status int, code, msg string) {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		// A null code decodes as the number 0, a string code as a string.
		c, _ := apiErr.Code.(string)
		return apiErr.HTTPStatusCode, c, apiErr.Message
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode, "", strings.TrimSpace(string(reqErr.Body))
	}
	return 0, "", ""
}

// retryHint carries the wait a response asked for from the HTTP client to
// Retry.Do. Each call has its own, in its context, so concurrent calls on
// one client never read each other's.
type retryHint struct {
	mu    sync.Mutex
	wait  time.Duration
	asked bool
}

type retryHintKey struct{}

func (h *retryHint) set(d time.Duration, asked bool) {
	h.mu.Lock()
	h.wait, h.asked = d, asked
	h.mu.Unlock()
}

func (h *retryHint) get() (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wait, h.asked
}

// retryAfterDoer is the HTTP client of NewClient: it hands the wait a
// response asks for to the Retry.Do running the call, if any.
type retryAfterDoer struct{ next openai.HTTPDoer }

func (d retryAfterDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(req)
	if resp != nil && resp.StatusCode >= 400 {
		if h, ok := req.Context().Value(retryHintKey{}).(*retryHint); ok {
			if wait, ok := retryAfter(resp.Header, time.Now()); ok {
				h.set(wait, true)
			}
		}
	}
	return resp, err
}

// retryAfter reads the wait a response asks for: "retry-after-ms" (sent by
// OpenAI, finer than the standard header), else Retry-After in seconds or
// as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return durationOf(ms, time.Millisecond), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return durationOf(secs, time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// durationOf is n units, capped at the longest Duration: a wait of 1e308
// seconds (or +Inf) must read as "too long to wait", not overflow into a
// negative one that would retry at once.
func durationOf(n float64, unit time.Duration) time.Duration {
	if d := n * float64(unit); d < float64(math.MaxInt64) {
		return time.Duration(d)
	}
	return math.MaxInt64
}

// NewClient returns a go-openai client for an API key and a base URL:
// OpenAI's when empty, else any compatible server's, such as Ollama's
// http://localhost:11434/v1. A server that needs no key still gets one, as
// go-openai always sends it.
func NewClient(apiKey, baseURL string) *openai.Client {
	if apiKey == "" {
		apiKey = PlaceholderKey
	}
	cfg := openai.DefaultConfig(apiKey)
	if baseURL != "" {
		// go-openai appends "/chat/completions" to the base as it is.
		cfg.BaseURL = strings.TrimRight(baseURL, "/")
	}
	return NewClientWithConfig(cfg)
}

// PlaceholderKey is sent to a server given by URL without a key: local
// servers (Ollama, LM Studio) ignore the key but go-openai always sends one.
const PlaceholderKey = "no-key"

// NewClientWithConfig returns a go-openai client for cfg whose HTTP client
// passes Retry-After on to Retry and keeps the key out of the errors it
// returns. The client has no timeout of its own:
// every call's deadline comes from its context (Chat.Timeout,
// Embedder.Timeout).
func NewClientWithConfig(cfg openai.ClientConfig) *openai.Client {
	next := cfg.HTTPClient
	if next == nil {
		next = &http.Client{}
	}
	cfg.HTTPClient = retryAfterDoer{next: redactingDoer{next: next}}
	return openai.NewClientWithConfig(cfg)
}

// redactingDoer removes the request's key from the error responses and
// transport errors of the service before go-openai reads them: a server
// that echoes the Authorization header would otherwise have the key in
// the error, and the error in the log.
type redactingDoer struct{ next openai.HTTPDoer }

func (d redactingDoer) Do(req *http.Request) (*http.Response, error) {
	secrets := redact.Secrets(req.Header)
	resp, err := d.next.Do(req)
	if err != nil {
		return resp, redact.Err(err, secrets...)
	}
	redact.Response(resp, secrets)
	return resp, nil
}
