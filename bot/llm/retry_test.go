package llm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{map[string]string{"Retry-After": "2"}, 2 * time.Second, true},
		{map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond, true},
		{map[string]string{"Retry-After": now.Add(3 * time.Second).Format(http.TimeFormat)}, 3 * time.Second, true},
		{map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{map[string]string{"Retry-After": "2", "Retry-After-Ms": "150"}, 150 * time.Millisecond, true},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{"Retry-After": "-1"}, 0, false},
		{nil, 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%v) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"2", "0.5", "-1", "soon", "Fri, 02 Jan 2026 03:04:08 GMT", "1e308", "NaN", "+Inf"} {
		f.Add(s, "")
		f.Add("", s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, after, afterMs string) {
		h := http.Header{}
		h.Set("Retry-After", after)
		h.Set("Retry-After-Ms", afterMs)
		if d, ok := retryAfter(h, now); ok && d < 0 {
			t.Errorf("retryAfter(%q, %q) = %v: a negative wait", after, afterMs, d)
		}
	})
}

func TestRetryBackoff(t *testing.T) {
	r := Retry{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			if got := r.backoff(n); got < want/2 || got > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, got, want/2, want)
			}
		}
	}
}

// TestRetryDo runs on virtual time: which errors are tried again, how
// often, and that each wait is the backoff of its attempt.
func TestRetryDo(t *testing.T) {
	rateLimited := &openai.APIError{HTTPStatusCode: 429, Code: "rate_limit_exceeded"}
	tests := []struct {
		name  string
		errs  []error // returned by successive calls; nil after the list
		tries int
		fail  bool
	}{
		{"success", nil, 1, false},
		{"rate limited, then success", []error{rateLimited}, 2, false},
		{"out of quota is not retried", []error{&openai.APIError{HTTPStatusCode: 429, Code: "insufficient_quota"}}, 1, true},
		{"bad request is not retried", []error{&openai.APIError{HTTPStatusCode: 400}}, 1, true},
		{"not found as plain text is not retried", []error{&openai.RequestError{HTTPStatusCode: 404}}, 1, true},
		{"bad gateway as plain text is", []error{&openai.RequestError{HTTPStatusCode: 502}}, 2, false},
		{"attempts run out", []error{rateLimited, rateLimited, rateLimited, rateLimited, rateLimited}, 3, true},
		{"a network error is not retried", []error{errors.New("dial tcp: connection refused")}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const backoff = 400 * time.Millisecond
				var at []time.Time
				err := Retry{Attempts: 3, Backoff: backoff, MaxBackoff: time.Minute}.Do(context.Background(), func(context.Context) error {
					at = append(at, time.Now())
					if len(at) <= len(tt.errs) {
						return tt.errs[len(at)-1]
					}
					return nil
				})
				if len(at) != tt.tries || (err != nil) != tt.fail {
					t.Errorf("tries %d err %v; want %d tries, failure %v", len(at), err, tt.tries, tt.fail)
				}
				for i := 1; i < len(at); i++ {
					want := backoff << (i - 1)
					if gap := at[i].Sub(at[i-1]); gap < want/2 || gap > want {
						t.Errorf("wait before try %d: %v, want within [%v, %v]", i+1, gap, want/2, want)
					}
				}
			})
		})
	}
}

// scripted is an HTTP client that answers each request with the next of
// its responses, recording when (on the test's clock) each came: the real
// go-openai client runs over it, on virtual time.
type scripted struct {
	mu        sync.Mutex
	responses []func(*http.Request) *http.Response
	at        []time.Time
}

func (s *scripted) Do(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, time.Now())
	if len(s.responses) == 0 {
		return nil, errors.New("scripted: no response left")
	}
	next := s.responses[0]
	s.responses = s.responses[1:]
	return next(req), nil
}

func rateLimit(retryAfter string) func(*http.Request) *http.Response {
	return func(*http.Request) *http.Response {
		h := http.Header{"Content-Type": {"application/json"}}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: 429, Header: h, Body: io.NopCloser(strings.NewReader(
			`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`))}
	}
}

func stream(text string) func(*http.Request) *http.Response {
	return func(*http.Request) *http.Response {
		body := `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + text + `"},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n"
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: io.NopCloser(strings.NewReader(body))}
	}
}

// stalled answers 200 and then sends nothing until the request is given up.
func stalled(req *http.Request) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: stalledBody{req.Context()}}
}

type stalledBody struct{ ctx context.Context }

func (b stalledBody) Read([]byte) (int, error) { <-b.ctx.Done(); return 0, b.ctx.Err() }
func (stalledBody) Close() error               { return nil }

func scriptedChat(s *scripted, timeout time.Duration) *Chat {
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = "http://llm.invalid/v1"
	cfg.HTTPClient = s
	return &Chat{Client: NewClientWithConfig(cfg), Model: "m", Timeout: timeout}
}

var question = []bot.Message{{Role: bot.RoleUser, Content: "How much revenue did Alibaba Cloud make?"}}

// TestChatTimingOnVirtualTime: a call waits what the service asks for
// before trying again, gives up at once when that wait would pass its
// deadline, and ends at its deadline when the service goes quiet.
func TestChatTimingOnVirtualTime(t *testing.T) {
	tests := []struct {
		name      string
		timeout   time.Duration
		responses []func(*http.Request) *http.Response
		reason    string          // "" for the reply
		gaps      []time.Duration // between requests
		took      time.Duration
	}{
		{name: "Retry-After honoured", timeout: 30 * time.Second,
			responses: []func(*http.Request) *http.Response{rateLimit("2"), rateLimit("3"), stream("Done.")},
			gaps:      []time.Duration{2 * time.Second, 3 * time.Second}, took: 5 * time.Second},
		{name: "Retry-After past the deadline is not waited for", timeout: 2 * time.Second,
			responses: []func(*http.Request) *http.Response{rateLimit("10")},
			reason:    "the service is rate limiting requests", took: 0},
		{name: "silence until the deadline", timeout: 200 * time.Millisecond,
			responses: []func(*http.Request) *http.Response{stalled},
			reason:    "no answer within 200ms", took: 200 * time.Millisecond},
		{name: "rate limited until the deadline", timeout: 5 * time.Second,
			responses: []func(*http.Request) *http.Response{rateLimit("2"), rateLimit("2"), rateLimit("2")},
			reason:    "the service is rate limiting requests", gaps: []time.Duration{2 * time.Second, 2 * time.Second}, took: 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &scripted{responses: tt.responses}
				start := time.Now()
				got, err := scriptedChat(s, tt.timeout).Stream(context.Background(), question, nil)
				took := time.Since(start)
				var ce *bot.ChatError
				switch {
				case tt.reason == "" && (err != nil || got != "Done."):
					t.Errorf("Stream = %q, %v; want the reply", got, err)
				case tt.reason != "" && (!errors.As(err, &ce) || !strings.HasPrefix(ce.Reason, tt.reason)):
					t.Errorf("err = %v, want a ChatError for %q", err, tt.reason)
				}
				var gaps []time.Duration
				for i := 1; i < len(s.at); i++ {
					gaps = append(gaps, s.at[i].Sub(s.at[i-1]))
				}
				if len(gaps) != len(tt.gaps) || (len(gaps) > 0 && !slicesEqual(gaps, tt.gaps)) || took != tt.took {
					t.Errorf("requests %v apart, took %v; want %v apart, %v", gaps, took, tt.gaps, tt.took)
				}
			})
		})
	}
}

func slicesEqual(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
