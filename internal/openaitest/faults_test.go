package openaitest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// headerRecorder keeps the headers of the last response. go-openai drops
// the headers of error responses, so this is how a caller reads
// Retry-After: wrap ClientConfig.HTTPClient.
type headerRecorder struct {
	next openai.HTTPDoer
	mu   sync.Mutex
	last http.Header
}

func (h *headerRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := h.next.Do(req)
	if resp != nil {
		h.mu.Lock()
		h.last = resp.Header.Clone()
		h.mu.Unlock()
	}
	return resp, err
}

func (h *headerRecorder) get(key string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last.Get(key)
}

func chatOnce(t *testing.T, c *openai.Client) error {
	t.Helper()
	_, err := c.CreateChatCompletion(ctx(t), openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("q")})
	return err
}

func wantAPIError(t *testing.T, err error, status int, typ string, code any) {
	t.Helper()
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T), want *openai.APIError", err, err)
	}
	if apiErr.HTTPStatusCode != status || apiErr.Type != typ || apiErr.Code != code || apiErr.Param != nil {
		t.Errorf("APIError{status %d, type %q, code %#v, param %v}, want {%d, %q, %#v, nil}",
			apiErr.HTTPStatusCode, apiErr.Type, apiErr.Code, apiErr.Param, status, typ, code)
	}
}

// TestPlainFaults checks each fault as go-openai reports it on a plain
// chat completion, how long it takes, and that the next call succeeds at
// once: faults are used once. It runs in memory on synctest's virtual
// clock, so "how long" is exact.
func TestPlainFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		wait  time.Duration // how long the faulty answer takes
		check func(t *testing.T, err error, h *headerRecorder)
	}{
		{
			name:  "rate limited",
			fault: RateLimited{RetryAfter: 1500 * time.Millisecond},
			check: func(t *testing.T, err error, h *headerRecorder) {
				wantAPIError(t, err, http.StatusTooManyRequests, "requests", "rate_limit_exceeded")
				if got := h.get("Retry-After"); got != "2" {
					t.Errorf("Retry-After %q, want 2 (1.5 s rounded up)", got)
				}
			},
		},
		{
			name:  "rate limited without Retry-After",
			fault: RateLimited{},
			check: func(t *testing.T, err error, h *headerRecorder) {
				wantAPIError(t, err, http.StatusTooManyRequests, "requests", "rate_limit_exceeded")
				if got := h.get("Retry-After"); got != "" {
					t.Errorf("Retry-After %q, want none", got)
				}
			},
		},
		{
			// A null "code" reaches the caller as int 0, not nil: go-openai
			// first tries to decode the code as an int, and null decodes.
			name:  "server error",
			fault: ServerError{},
			check: func(t *testing.T, err error, _ *headerRecorder) {
				wantAPIError(t, err, http.StatusInternalServerError, "server_error", 0)
			},
		},
		{
			name:  "overloaded",
			fault: ServerError{Status: http.StatusServiceUnavailable},
			check: func(t *testing.T, err error, _ *headerRecorder) {
				wantAPIError(t, err, http.StatusServiceUnavailable, "server_error", 0)
			},
		},
		{
			name:  "malformed JSON",
			fault: MalformedJSON{},
			check: func(t *testing.T, err error, _ *headerRecorder) {
				// A 200 with a broken body is a decode error, neither an
				// APIError nor a RequestError.
				var apiErr *openai.APIError
				var reqErr *openai.RequestError
				if err == nil || errors.As(err, &apiErr) || errors.As(err, &reqErr) {
					t.Errorf("error %v (%T), want a JSON decode error", err, err)
				}
			},
		},
		{
			name:  "connection cut mid-body",
			fault: CutStream{},
			check: func(t *testing.T, err error, _ *headerRecorder) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("error %v (%T), want io.ErrUnexpectedEOF", err, err)
				}
			},
		},
		{
			name:  "slow first token",
			fault: SlowFirstToken{Delay: 50 * time.Millisecond},
			wait:  50 * time.Millisecond,
			check: func(t *testing.T, err error, _ *headerRecorder) {
				if err != nil {
					t.Errorf("slow answer failed: %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				s := newInMemory(t)
				cfg := s.ClientConfig()
				h := &headerRecorder{next: cfg.HTTPClient}
				cfg.HTTPClient = h
				client := openai.NewClientWithConfig(cfg)

				s.FailNext(tt.fault)
				start := time.Now()
				tt.check(t, chatOnce(t, client), h)
				if took := time.Since(start); took != tt.wait {
					t.Errorf("the faulty answer took %v, want %v", took, tt.wait)
				}
				start = time.Now()
				if err := chatOnce(t, client); err != nil {
					t.Errorf("call after the fault failed: %v", err)
				}
				if took := time.Since(start); took != 0 {
					t.Errorf("the call after the fault took %v, want no wait", took)
				}
				if s.PendingFaults() != 0 || s.Calls("/chat/completions") != 2 {
					t.Errorf("pending %d calls %d, want 0 and 2", s.PendingFaults(), s.Calls("/chat/completions"))
				}
			})
		})
	}
}

// TestStreamFaults checks the faults that spoil a stream after it began,
// and when the stream starts and ends, on synctest's virtual clock.
func TestStreamFaults(t *testing.T) {
	reply := "one two three four five six seven eight"
	tests := []struct {
		name  string
		fault Fault
		wait  time.Duration // before the first chunk; the rest follows at once
		check func(t *testing.T, got streamResult)
	}{
		{
			// go-openai reports a stream that stops without [DONE] as a
			// plain io.EOF, exactly like a finished one: only the missing
			// finish_reason tells them apart.
			name:  "cut after half",
			fault: CutStream{},
			check: func(t *testing.T, got streamResult) {
				if got.err != io.EOF || got.finish != "" || got.text != "one two three four " {
					t.Errorf("got %+v, want io.EOF, no finish reason, the first half of the reply", got)
				}
			},
		},
		{
			name:  "cut after one chunk",
			fault: CutStream{AfterChunks: 1},
			check: func(t *testing.T, got streamResult) {
				if got.err != io.EOF || got.finish != "" || got.text != "one " {
					t.Errorf("got %+v, want io.EOF, no finish reason, one chunk", got)
				}
			},
		},
		{
			name:  "malformed data line",
			fault: MalformedJSON{},
			check: func(t *testing.T, got streamResult) {
				var syntax *json.SyntaxError
				if !errors.As(got.err, &syntax) || got.text != "" {
					t.Errorf("got %+v (%T), want a *json.SyntaxError before any content", got, got.err)
				}
			},
		},
		{
			name:  "slow first token, then the whole reply",
			fault: SlowFirstToken{Delay: 30 * time.Millisecond},
			wait:  30 * time.Millisecond,
			check: func(t *testing.T, got streamResult) {
				if got.err != io.EOF || got.finish != openai.FinishReasonStop || got.text != reply {
					t.Errorf("got %+v, want the whole reply", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				s := newInMemory(t, WithReply(func(openai.ChatCompletionRequest) string { return reply }))
				s.FailNext(tt.fault)
				start := time.Now()
				// The fake sends the headers with the first chunk, so the
				// stream opens when that chunk is written.
				stream, err := newClient(s.Server).CreateChatCompletionStream(ctx(t),
					openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("q")})
				if err != nil {
					t.Fatalf("CreateChatCompletionStream: %v", err)
				}
				defer stream.Close()
				opened := time.Since(start)
				got := readStream(t, stream)
				if ended := time.Since(start); opened != tt.wait || ended != tt.wait {
					t.Errorf("stream opened after %v and ended after %v, want both %v", opened, ended, tt.wait)
				}
				tt.check(t, got)
			})
		})
	}
}

// TestStreamErrorsBeforeFirstChunk: a 429 or 500 arrives as a JSON error
// before any event, so CreateChatCompletionStream itself fails.
func TestStreamErrorsBeforeFirstChunk(t *testing.T) {
	s := New(t)
	s.FailNext(RateLimited{RetryAfter: time.Second})
	_, err := newClient(s).CreateChatCompletionStream(ctx(t),
		openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("q")})
	wantAPIError(t, err, http.StatusTooManyRequests, "requests", "rate_limit_exceeded")
}

// TestClientFaults covers what the client gets wrong on its own: the key
// and the model. These are answered, not reported as test failures.
func TestClientFaults(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		model  string
		status int
		code   any
	}{
		{name: "wrong key", key: "sk-wrong-key-123", model: DefaultChatModel, status: http.StatusUnauthorized, code: "invalid_api_key"},
		{name: "missing key", key: "", model: DefaultChatModel, status: http.StatusUnauthorized, code: "invalid_api_key"},
		{name: "unknown model", key: DefaultKey, model: "gpt-nonexistent", status: http.StatusNotFound, code: "model_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			cfg := openai.DefaultConfig(tt.key) // "" sends no Authorization header
			cfg.BaseURL = s.URL()
			client := openai.NewClientWithConfig(cfg)
			_, err := client.CreateChatCompletion(ctx(t), openai.ChatCompletionRequest{Model: tt.model, Messages: userMessage("q")})
			wantAPIError(t, err, tt.status, "invalid_request_error", tt.code)
			if tt.key != "" && strings.Contains(err.Error(), tt.key) {
				t.Errorf("error %q repeats the whole key", err)
			}

			_, err = client.CreateEmbeddings(ctx(t), openai.EmbeddingRequestStrings{Input: []string{"a"}, Model: openai.EmbeddingModel(tt.model)})
			wantAPIError(t, err, tt.status, "invalid_request_error", tt.code)
		})
	}
}

// TestWaitsEndWithTheClient: Latency and SlowFirstToken are waits on the
// clock that end early when the client gives up or the test ends, so
// nothing hangs. On synctest's virtual clock every wait is exact: a wait
// that did not let go would show as an hour passing.
func TestWaitsEndWithTheClient(t *testing.T) {
	t.Run("client timeout", func(t *testing.T) {
		inBubble(t, func(t *testing.T) {
			s := newInMemory(t)
			s.FailNext(SlowFirstToken{Delay: time.Hour})
			c, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := newClient(s.Server).CreateChatCompletion(c, openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("q")})
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 50*time.Millisecond {
				t.Errorf("error %v after %v, want context.DeadlineExceeded after the client's 50ms", err, time.Since(start))
			}
			synctest.Wait() // until the handler has ended or is stuck
			if n := s.active.Load(); n != 0 {
				t.Errorf("%d handlers still waiting after the client gave up", n)
			}
		})
	})

	t.Run("latency applies to every answer", func(t *testing.T) {
		inBubble(t, func(t *testing.T) {
			s := newInMemory(t)
			s.Latency(40 * time.Millisecond)
			client := newClient(s.Server)
			for i := range 2 {
				start := time.Now()
				if _, err := client.ListModels(ctx(t)); err != nil {
					t.Fatal(err)
				}
				if took := time.Since(start); took != 40*time.Millisecond {
					t.Errorf("answer %d after %v, want 40ms", i, took)
				}
			}
		})
	})

	// The client keeps waiting; the test ending must still release the
	// handler, or the fake's cleanup would wait for it as
	// httptest.Server.Close does.
	t.Run("test ends mid-wait", func(t *testing.T) {
		inBubble(t, func(t *testing.T) {
			var clientErr error
			done := make(chan struct{})
			var start time.Time
			// Registered before the fake, so it runs after the fake's
			// cleanup has let the handler go.
			t.Cleanup(func() {
				<-done
				if clientErr == nil || time.Since(start) != 0 {
					t.Errorf("client got %v after %v, want an error as soon as the test ended", clientErr, time.Since(start))
				}
			})
			s := newInMemory(t)
			s.Latency(time.Hour)
			client := newClient(s.Server)
			start = time.Now()
			go func() {
				defer close(done)
				_, clientErr = client.ListModels(context.Background())
			}()
			synctest.Wait() // until the request waits in the fake
			if n := s.active.Load(); n != 1 || s.Calls("/models") != 1 {
				t.Fatalf("%d handlers waiting, %d requests; want the one", n, s.Calls("/models"))
			}
		})
	})
}
