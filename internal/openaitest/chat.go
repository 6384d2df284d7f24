package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// chatHead is the part of a chat request the fake acts on. It is decoded
// on its own, not through go-openai's type, so that no body the spec allows
// can fail to decode (go-openai cannot hold "stop" given as a string, for
// one).
type chatHead struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	N             int    `json:"n"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// Wire shapes of the answers, written from the API reference rather than
// borrowed from go-openai, so the client is tested against what the API
// sends and not against its own idea of it. The tests check them against
// the spec's response schemas.
type (
	chatCompletion struct {
		ID                string       `json:"id"`
		Object            string       `json:"object"`
		Created           int64        `json:"created"`
		Model             string       `json:"model"`
		Choices           []chatChoice `json:"choices"`
		Usage             usage        `json:"usage"`
		SystemFingerprint string       `json:"system_fingerprint"`
	}
	chatChoice struct {
		Index        int         `json:"index"`
		Message      chatMessage `json:"message"`
		Logprobs     any         `json:"logprobs"` // always null
		FinishReason string      `json:"finish_reason"`
	}
	chatMessage struct {
		Role    string  `json:"role"`
		Content string  `json:"content"`
		Refusal *string `json:"refusal"` // always null
	}
	usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	}
)

// serveChat answers POST /v1/chat/completions, plain or streamed.
func (s *Server) serveChat(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := validateBody(s.schemas.chat, body); err != nil {
		s.violation(w, r, "%v", err)
		return
	}
	var head chatHead
	if err := json.Unmarshal(body, &head); err != nil {
		s.violation(w, r, "decode chat request: %v", err)
		return
	}
	if !slices.Contains(s.cfg.chatModels, head.Model) {
		modelNotFound(w, head.Model)
		return
	}
	fault, handled := s.playFault(w, r)
	if handled {
		return
	}

	req, _ := decodeChatRequest(body) // as far as it goes, see WithReply
	text := s.cfg.reply(req)
	n := max(head.N, 1)
	u := usage{PromptTokens: promptTokens(req), CompletionTokens: n * countWords(text)}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	id := fmt.Sprintf("chatcmpl-openaitest-%d", s.ids.Add(1))
	created := time.Now().Unix()

	if head.Stream {
		base := chatChunk{ID: id, Object: "chat.completion.chunk", Created: created,
			Model: head.Model, SystemFingerprint: "fp_openaitest"}
		includeUsage := head.StreamOptions != nil && head.StreamOptions.IncludeUsage
		streamChat(w, base, text, n, includeUsage, u, fault)
		return
	}
	resp := chatCompletion{ID: id, Object: "chat.completion", Created: created, Model: head.Model,
		Usage: u, SystemFingerprint: "fp_openaitest"}
	for i := range n {
		resp.Choices = append(resp.Choices, chatChoice{Index: i,
			Message: chatMessage{Role: "assistant", Content: text}, FinishReason: "stop"})
	}
	writeAnswer(w, resp, fault)
}

// promptTokens and countWords estimate usage in words, not real tokens:
// enough for code that sums or logs usage, and deterministic.
func promptTokens(req openai.ChatCompletionRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += countWords(m.Content)
		for _, p := range m.MultiContent {
			n += countWords(p.Text)
		}
	}
	return n
}

func countWords(s string) int { return len(strings.Fields(s)) }
