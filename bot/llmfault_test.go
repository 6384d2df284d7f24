package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/internal/openaitest"
	"seriesbot/retrieval"
)

const llmReply = "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]."

// TestLLMFaults plays each way the service fails and checks what the user
// gets: the model's answer after retries when the service recovers within
// the deadline, else the quoted answer with a note saying why, never an
// error.
func TestLLMFaults(t *testing.T) {
	const wrongKey = "sk-wrong-key-123456"
	tests := []struct {
		name    string
		faults  []openaitest.Fault
		key     string        // "" for the accepted one
		model   string        // "" for the default
		timeout time.Duration // 0 for 5s
		// Wanted: the model's answer (note == "") or the quoted one with
		// a note containing note; the chat requests the fake saw.
		note     string
		calls    int
		minDelay time.Duration
		maxDelay time.Duration
	}{
		{name: "429 with Retry-After, then success", faults: []openaitest.Fault{openaitest.RateLimited{RetryAfter: time.Second}},
			calls: 2, minDelay: time.Second},
		{name: "500 twice, then success", faults: []openaitest.Fault{openaitest.ServerError{}, openaitest.ServerError{Status: http.StatusBadGateway}},
			calls: 3},
		{name: "503 on every try", faults: []openaitest.Fault{openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}},
			note: "the service failed (HTTP 503)", calls: 4},
		{name: "Retry-After past the deadline", faults: []openaitest.Fault{openaitest.RateLimited{RetryAfter: 10 * time.Second}}, timeout: 2 * time.Second,
			note: "the service is rate limiting requests", calls: 1, maxDelay: time.Second},
		{name: "slow first token beyond the deadline", faults: []openaitest.Fault{openaitest.SlowFirstToken{Delay: 10 * time.Second}}, timeout: 200 * time.Millisecond,
			note: "no answer within 200ms", calls: 1, minDelay: 200 * time.Millisecond, maxDelay: 2 * time.Second},
		{name: "stream cut without [DONE]", faults: []openaitest.Fault{openaitest.CutStream{}},
			note: "the answer was cut off", calls: 1},
		{name: "malformed JSON in the stream", faults: []openaitest.Fault{openaitest.MalformedJSON{}},
			note: "the service sent a malformed answer", calls: 1},
		{name: "wrong key", key: wrongKey,
			note: "the service rejected the API key", calls: 1},
		{name: "unknown model", model: "gpt-nonexistent",
			note: `the service does not know the model "gpt-nonexistent"`, calls: 1},
	}
	offline, err := defaultAnswerer(t).Answer(context.Background(), Question{Text: revenueQuestion}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return llmReply }))
			for _, f := range tt.faults {
				s.FailNext(f)
			}
			cfg := s.ClientConfig()
			if tt.key != "" {
				cfg = openai.DefaultConfig(tt.key)
				cfg.BaseURL = s.URL()
			}
			a, logs := llmAnswerer(t, s, cfg)
			chat := a.LLM.(*OpenAIChat)
			if tt.model != "" {
				chat.Model = tt.model
			}
			if tt.timeout > 0 {
				chat.Timeout = tt.timeout
			}

			start := time.Now()
			ans, err := a.Answer(testCtx(t), Question{Text: revenueQuestion}, func(string) {})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Answer failed instead of falling back: %v", err)
			}
			if tt.note == "" {
				if ans.Note != "" || ans.Text != llmReply {
					t.Errorf("want the model's answer, got %+v", ans)
				}
			} else {
				want := "The language model was unavailable (" + tt.note
				if !strings.HasPrefix(ans.Note, want) || !strings.HasSuffix(ans.Note, "); this answer is quoted from the series.") {
					t.Errorf("note = %q, want it to start %q", ans.Note, want)
				}
				if ans.Text != offline.Text || !ans.Grounded || len(ans.Sources) != len(offline.Sources) || ans.Sources[0].URL != part2URL {
					t.Errorf("want the quoted answer, got %+v", ans)
				}
				if !strings.Contains(logs.String(), "language model unavailable") {
					t.Errorf("the failure was not logged: %q", logs.String())
				}
				if !strings.Contains(FormatText(ans), ans.Note) {
					t.Errorf("the text output does not show the note:\n%s", FormatText(ans))
				}
			}
			if got := s.Calls("/chat/completions"); got != tt.calls {
				t.Errorf("the service saw %d calls, want %d", got, tt.calls)
			}
			if s.PendingFaults() != 0 {
				t.Errorf("%d scripted faults were not played", s.PendingFaults())
			}
			if took < tt.minDelay || (tt.maxDelay > 0 && took > tt.maxDelay) {
				t.Errorf("took %v, want between %v and %v", took, tt.minDelay, tt.maxDelay)
			}
			if strings.Contains(logs.String(), wrongKey) || strings.Contains(logs.String(), openaitest.DefaultKey) {
				t.Errorf("the log shows a key: %s", logs.String())
			}
		})
	}
}

// TestLLMFailingFollowUp: when condensing the follow-up fails, the answer
// is quoted from the series, found with the previous question merged in.
func TestLLMFailingFollowUp(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.MalformedJSON{})
	a, _ := llmAnswerer(t, s, s.ClientConfig())
	ans, err := a.Answer(testCtx(t), Question{Text: "When was it launched?", History: []Turn{{Question: "What is DingTalk?"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Note, "malformed") || !strings.Contains(ans.Text, "2015") {
		t.Errorf("answer = %+v", ans)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls, want 1: the answer is not asked of a failing model", n)
	}
}

// TestAnswerEndsWithItsContext: a user who gives up gets no answer, and no
// note blaming the model.
func TestAnswerEndsWithItsContext(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.SlowFirstToken{Delay: 10 * time.Second})
	a, _ := llmAnswerer(t, s, s.ClientConfig())
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := a.Answer(ctx, Question{Text: revenueQuestion}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestAnswersWithTheOpenAIEmbedder: an index built with the remote
// embedder answers, and when the embedder fails on a question, the local
// index built beside it does.
func TestAnswersWithTheOpenAIEmbedder(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	emb := &retrieval.OpenAIEmbedder{Client: NewOpenAIClient(s.ClientConfig()), Model: openaitest.DefaultEmbeddingModel}
	lib, warn, err := Loader{Embedder: emb}.Load(testCtx(t))
	if err != nil || warn != nil {
		t.Fatalf("load: %v, %v", err, warn)
	}
	if lib.Index.Embedder() != "openai:"+openaitest.DefaultEmbeddingModel || lib.Local == nil {
		t.Fatalf("index embedder %q, local index %v", lib.Index.Embedder(), lib.Local != nil)
	}
	if n := s.Calls("/embeddings"); n >= lib.Index.Len() {
		t.Errorf("%d embeddings requests for %d passages: inputs are not batched", n, lib.Index.Len())
	}
	a := NewAnswerer(lib)
	a.Log = discardLog()
	for _, fail := range []bool{false, true} {
		if fail {
			s.FailNext(openaitest.ServerError{})
		}
		before := s.Calls("/embeddings")
		ans, err := a.Answer(testCtx(t), Question{Text: revenueQuestion}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Grounded || !strings.Contains(ans.Text, "RMB60 billion") || ans.Sources[0].URL != part2URL {
			t.Errorf("embedder failing %v: answer = %+v", fail, ans)
		}
		if s.Calls("/embeddings") != before+1 {
			t.Errorf("the question was not embedded by the index's model")
		}
	}
}

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
			tries := 0
			err := Retry{Attempts: 3, Backoff: time.Millisecond}.Do(context.Background(), func(context.Context) error {
				tries++
				if tries <= len(tt.errs) {
					return tt.errs[tries-1]
				}
				return nil
			})
			if tries != tt.tries || (err != nil) != tt.fail {
				t.Errorf("tries %d err %v; want %d tries, failure %v", tries, err, tt.tries, tt.fail)
			}
		})
	}
}
