package llm_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/internal/openaitest"
)

const reply = "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]."

var messages = []bot.Message{
	{Role: bot.RoleSystem, Content: "Answer only from the sources."},
	{Role: bot.RoleUser, Content: "How much revenue did Alibaba Cloud make?"},
}

func chat(s *openaitest.Server, cfg openai.ClientConfig) *llm.Chat {
	return &llm.Chat{Client: llm.NewClientWithConfig(cfg), Model: openaitest.DefaultChatModel, Timeout: 5 * time.Second, Retry: fastRetry}
}

// TestChatFaults plays each way the service fails: the reply after retries
// when the service recovers, else a *bot.ChatError whose reason a user can
// act on, after as many requests as are worth making. How long each retry
// waits is tested on virtual time (retry_test.go).
func TestChatFaults(t *testing.T) {
	const wrongKey = "sk-wrong-key-123456"
	tests := []struct {
		name    string
		faults  []openaitest.Fault
		key     string        // "" for the accepted one
		model   string        // "" for the default
		timeout time.Duration // 0 for 5s
		// Wanted: the reply (reason == "") or a ChatError whose reason
		// starts with reason; the chat requests the fake saw.
		reason string
		calls  int
	}{
		{name: "429 with Retry-After, then success", faults: []openaitest.Fault{openaitest.RateLimited{RetryAfter: time.Second}},
			calls: 2},
		{name: "500 twice, then success", faults: []openaitest.Fault{openaitest.ServerError{}, openaitest.ServerError{Status: http.StatusBadGateway}},
			calls: 3},
		{name: "503 on every try", faults: []openaitest.Fault{openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}},
			reason: "the service failed (HTTP 503)", calls: 4},
		{name: "Retry-After past the deadline", faults: []openaitest.Fault{openaitest.RateLimited{RetryAfter: 10 * time.Second}}, timeout: 2 * time.Second,
			reason: "the service is rate limiting requests", calls: 1},
		{name: "slow first token beyond the deadline", faults: []openaitest.Fault{openaitest.SlowFirstToken{Delay: 10 * time.Second}}, timeout: 200 * time.Millisecond,
			reason: "no answer within 200ms", calls: 1},
		{name: "stream cut without [DONE]", faults: []openaitest.Fault{openaitest.CutStream{}},
			reason: "the answer was cut off", calls: 1},
		{name: "malformed JSON in the stream", faults: []openaitest.Fault{openaitest.MalformedJSON{}},
			reason: "the service sent a malformed answer", calls: 1},
		{name: "wrong key", key: wrongKey,
			reason: "the service rejected the API key", calls: 1},
		{name: "unknown model", model: "gpt-nonexistent",
			reason: `the service does not know the model "gpt-nonexistent"`, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return reply }))
			for _, f := range tt.faults {
				s.FailNext(f)
			}
			cfg := s.ClientConfig()
			if tt.key != "" {
				cfg = openai.DefaultConfig(tt.key)
				cfg.BaseURL = s.URL()
			}
			c := chat(s, cfg)
			if tt.model != "" {
				c.Model = tt.model
			}
			if tt.timeout > 0 {
				c.Timeout = tt.timeout
			}
			var streamed strings.Builder
			got, err := c.Stream(testCtx(t), messages, func(d string) { streamed.WriteString(d) })
			if tt.reason == "" {
				if err != nil || got != reply || streamed.String() != reply {
					t.Errorf("Stream = %q, %v (streamed %q); want the reply", got, err, streamed.String())
				}
			} else {
				var ce *bot.ChatError
				if !errors.As(err, &ce) || !strings.HasPrefix(ce.Reason, tt.reason) {
					t.Errorf("err = %v, want a ChatError for %q", err, tt.reason)
				}
				if err != nil && (strings.Contains(err.Error(), wrongKey) || strings.Contains(err.Error(), openaitest.DefaultKey)) {
					t.Errorf("the error shows a key: %v", err)
				}
			}
			if n := s.Calls("/chat/completions"); n != tt.calls {
				t.Errorf("the service saw %d calls, want %d", n, tt.calls)
			}
			if s.PendingFaults() != 0 {
				t.Errorf("%d scripted faults were not played", s.PendingFaults())
			}
		})
	}
}

// TestChatSendsTheConversation: the messages go out as the API takes them,
// with a bound on the reply and a low temperature for ordinary models, and
// neither for reasoning models, which refuse them.
func TestChatSendsTheConversation(t *testing.T) {
	tests := []struct {
		model     string
		maxTokens int
	}{
		{openaitest.DefaultChatModel, llm.DefaultMaxAnswerTokens},
		{"o3-mini", 0},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithChatModels(tt.model), openaitest.WithReply(func(openai.ChatCompletionRequest) string { return reply }))
			c := chat(s, s.ClientConfig())
			c.Model = tt.model
			if _, err := c.Stream(testCtx(t), append(messages, bot.Message{Role: bot.RoleAssistant, Content: "Earlier answer."}), nil); err != nil {
				t.Fatal(err)
			}
			req := s.ChatRequests()[0]
			var roles []string
			for _, m := range req.Messages {
				roles = append(roles, m.Role)
			}
			if strings.Join(roles, " ") != "system user assistant" || req.Messages[1].Content != messages[1].Content {
				t.Errorf("messages = %+v", req.Messages)
			}
			if req.MaxTokens != tt.maxTokens || (tt.maxTokens > 0) != (req.Temperature > 0) {
				t.Errorf("max_tokens %d, temperature %v", req.MaxTokens, req.Temperature)
			}
		})
	}
}

// TestChatRefusesEmptyMessages: go-openai would leave out an empty content,
// which the API rejects, so nothing is sent.
func TestChatRefusesEmptyMessages(t *testing.T) {
	s := openaitest.New(t)
	_, err := chat(s, s.ClientConfig()).Stream(testCtx(t), []bot.Message{{Role: bot.RoleUser, Content: " "}}, nil)
	var ce *bot.ChatError
	if !errors.As(err, &ce) {
		t.Errorf("err = %v, want a ChatError", err)
	}
	if n := s.Calls("/chat/completions"); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestNewClient: a base URL as people write it, with a trailing slash,
// reaches the API's routes.
func TestNewClient(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return reply }))
	c := &llm.Chat{Client: llm.NewClient(openaitest.DefaultKey, s.URL()+"/"), Model: openaitest.DefaultChatModel}
	if got, err := c.Stream(testCtx(t), messages, nil); err != nil || got != reply {
		t.Errorf("Stream = %q, %v", got, err)
	}
}
