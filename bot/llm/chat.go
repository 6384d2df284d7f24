// Package llm adapts the language and embedding models of OpenAI-compatible
// services (OpenAI, Ollama, vLLM, LM Studio) through go-openai: Chat writes
// replies for bot.Chat, Embedder makes vectors for retrieval.Embedder, and
// both run their calls under one Retry policy, which honours the waits the
// service asks for. Nothing else in seriesbot imports go-openai.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/retrieval"
)

// Chat and Embedder are the seams they adapt the service to.
var (
	_ bot.Chat           = (*Chat)(nil)
	_ retrieval.Embedder = (*Embedder)(nil)
)

// Defaults of Chat.
const (
	// DefaultChatModel is used when a key is given without a model.
	DefaultChatModel = "gpt-4o-mini"
	// DefaultTimeout bounds one call, retries and streaming included:
	// long enough for a short answer from a busy service, short enough
	// that a user waiting in a chat gets the quoted answer instead.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxAnswerTokens bounds a reply: room for the answer the
	// prompt asks for (about 150 words), not for an essay.
	DefaultMaxAnswerTokens = 400
)

// Chat is a bot.Chat served by the chat completions API of OpenAI, or of
// any server that speaks it.
type Chat struct {
	// Client should come from NewClient, so that Retry can honour
	// Retry-After.
	Client *openai.Client
	Model  string
	// Meter, when set, is told of each call and how it ended.
	Meter Meter
	// Timeout bounds each call, retries and streaming included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	Retry   Retry
	// MaxTokens bounds a reply; 0 means DefaultMaxAnswerTokens.
	MaxTokens int
}

// Errors of a reply that arrived but cannot be used.
var (
	errStreamCut     = errors.New("the stream ended without a finish reason")
	errEmptyReply    = errors.New("the reply is empty")
	errEmptyMessage  = errors.New("a message to send is empty")
	errUnknownFinish = errors.New("the reply stopped for an unexpected reason")
)

// Name is the model's, which tells the summaries it wrote from others'.
func (c *Chat) Name() string { return c.Model }

// Stream implements bot.Chat with CreateChatCompletionStream. Opening the
// stream is retried by c.Retry; once text has arrived nothing is retried,
// since it has been shown. Its errors are *bot.ChatError.
func (c *Chat) Stream(ctx context.Context, messages []bot.Message, onDelta func(string)) (_ string, err error) {
	for _, m := range messages {
		// go-openai leaves out an empty "content", which the API rejects.
		if strings.TrimSpace(m.Content) == "" {
			return "", c.fail(errEmptyMessage)
		}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ended := c.metered()
	defer func() { ended(ctx, callCtx, err) }()

	req := c.request(messages)
	var stream *openai.ChatCompletionStream
	err = c.Retry.Do(callCtx, func(ctx context.Context) error {
		s, err := c.Client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			return err
		}
		stream = s
		return nil
	})
	if err != nil {
		return "", c.failTimed(callCtx, timeout, err)
	}
	defer stream.Close()

	var reply strings.Builder
	var finish openai.FinishReason
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return reply.String(), c.failTimed(callCtx, timeout, err)
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				reply.WriteString(d)
				if onDelta != nil {
					onDelta(d)
				}
			}
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
		}
	}
	// go-openai reports a stream that stops without "data: [DONE]" as a
	// plain io.EOF, exactly like a finished one: only the finish reason
	// tells them apart.
	text := reply.String()
	switch finish {
	case openai.FinishReasonStop:
	case openai.FinishReasonLength:
		// The model ran out of tokens mid-answer: keep what ends a
		// sentence rather than show a clause and a dangling "[1".
		text = lastFullSentence(text)
	case "":
		return reply.String(), c.failTimed(callCtx, timeout, errStreamCut)
	default:
		return reply.String(), c.fail(fmt.Errorf("%w: %q", errUnknownFinish, finish))
	}
	if strings.TrimSpace(text) == "" {
		return "", c.fail(errEmptyReply)
	}
	return text, nil
}

// lastFullSentence cuts text after its last sentence end (with the
// citations that follow it), or returns it whole when it has none.
func lastFullSentence(text string) string {
	cut := -1
	for i, r := range text {
		switch r {
		case '.', '!', '?':
			// Not the point of 7.5 or of an abbreviation inside a word.
			next := text[i+1:]
			if next == "" || next[0] == ' ' || next[0] == '\n' || next[0] == '"' || next[0] == ')' {
				cut = i + 1
			}
		case '。', '！', '？':
			cut = i + utf8.RuneLen(r)
		case ']':
			if cut >= 0 && strings.TrimSpace(text[cut:i]) != "" && citationRun(text[cut:i+1]) {
				cut = i + 1
			}
		}
	}
	if cut < 0 {
		return text
	}
	return strings.TrimRight(text[:cut], " ")
}

// citationRun reports whether s is only citation markers: " [1][2]".
func citationRun(s string) bool {
	s = strings.TrimSpace(s)
	for s != "" {
		if s[0] != '[' {
			return false
		}
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return false
		}
		for _, c := range s[1:end] {
			if (c < '0' || c > '9') && c != ',' && c != ' ' {
				return false
			}
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return true
}

// roles maps the conversation's roles to the API's.
var roles = map[bot.Role]string{
	bot.RoleSystem:    openai.ChatMessageRoleSystem,
	bot.RoleUser:      openai.ChatMessageRoleUser,
	bot.RoleAssistant: openai.ChatMessageRoleAssistant,
}

func (c *Chat) request(messages []bot.Message) openai.ChatCompletionRequest {
	msgs := make([]openai.ChatCompletionMessage, len(messages))
	for i, m := range messages {
		msgs[i] = openai.ChatCompletionMessage{Role: roles[m.Role], Content: m.Content}
	}
	req := openai.ChatCompletionRequest{Model: c.Model, Messages: msgs}
	if !reasoningModel(c.Model) {
		req.MaxTokens = c.MaxTokens
		if req.MaxTokens <= 0 {
			req.MaxTokens = DefaultMaxAnswerTokens
		}
		// Low, not zero (which go-openai would leave out, meaning 1):
		// answers should keep to the sources, not vary.
		req.Temperature = 0.2
	}
	return req
}

// reasoningModel reports the models that refuse max_tokens and a
// temperature (go-openai checks this before sending). Their replies are
// bounded by the prompt alone: a completion cap would count their hidden
// reasoning too, and could leave no room for the answer.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// failTimed is fail for errors that may come from the call's own deadline
// running out.
func (c *Chat) failTimed(callCtx context.Context, timeout time.Duration, err error) error {
	if errors.Is(callCtx.Err(), context.DeadlineExceeded) {
		return &bot.ChatError{Reason: fmt.Sprintf("no answer within %v", timeout),
			Err: fmt.Errorf("chat %s: %w", c.Model, err)}
	}
	return c.fail(err)
}

// fail wraps err with the model name and a reason the user can act on.
func (c *Chat) fail(err error) error {
	return &bot.ChatError{Reason: describe(err, c.Model), Err: fmt.Errorf("chat %s: %w", c.Model, err)}
}

// describe says what went wrong in words for the user, naming what to fix
// when the fault is in the configuration (key, model, URL).
func describe(err error, model string) string {
	status, code, msg := apiStatus(err)
	var syntax *json.SyntaxError
	var netErr net.Error
	switch {
	case status == http.StatusUnauthorized:
		return "the service rejected the API key"
	case status == http.StatusForbidden:
		return "the service refused access with this API key"
	case status == http.StatusNotFound && (code == "model_not_found" || strings.Contains(strings.ToLower(msg), "model")):
		return fmt.Sprintf("the service does not know the model %q", model)
	case status == http.StatusNotFound:
		return "no chat completions API at the configured base URL (HTTP 404)"
	case status == http.StatusTooManyRequests && code == "insufficient_quota":
		return "the account has no quota left"
	case status == http.StatusTooManyRequests:
		return "the service is rate limiting requests"
	case status >= 500:
		return fmt.Sprintf("the service failed (HTTP %d)", status)
	case status >= 400:
		// Not the service's message: users see this reason, and what a
		// server says is not the bot's to pass on (it may quote the
		// request, or be written to mislead). The log has it.
		return fmt.Sprintf("the service rejected the request (HTTP %d)", status)
	case errors.Is(err, errStreamCut), errors.Is(err, io.ErrUnexpectedEOF):
		return "the answer was cut off"
	case errors.As(err, &syntax):
		return "the service sent a malformed answer"
	case errors.Is(err, errEmptyReply):
		return "the model returned an empty answer"
	case errors.Is(err, errUnknownFinish):
		return "the model stopped before answering"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &netErr):
		return "the service could not be reached"
	}
	return "an unexpected error"
}
