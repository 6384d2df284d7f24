package bot

import (
	"context"
	"errors"
)

// Role is who speaks a message to a language model.
type Role string

const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one message of a conversation with a language model.
type Message struct {
	Role    Role
	Content string
}

// Chat is a language model that writes a reply to messages. Answerer uses
// it, when it has one, to write answers from the passages it retrieved and
// to turn follow-ups into standalone questions. The conversation never sees
// the client behind it (bot/llm adapts OpenAI-compatible services).
type Chat interface {
	// Stream sends messages and returns the whole reply. Each piece of the
	// reply is passed to onDelta (if not nil) as it arrives. A reply that
	// did not finish (a cut stream, a deadline) is an error, even when
	// some of it was passed on.
	Stream(ctx context.Context, messages []Message, onDelta func(delta string)) (string, error)
}

// ChatError is a failed call to a language model. Reason says what went
// wrong in words for the user ("the service rejected the API key"); Err is
// the error as the client reported it, for the log. A Chat returns it so
// that the note on a fallback answer can say why, without the conversation
// knowing the client.
type ChatError struct {
	Reason string
	Err    error
}

func (e *ChatError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *ChatError) Unwrap() error { return e.Err }

// unavailableNote is the note on an answer quoted from the series because
// the language model failed: what failed, in one line.
func unavailableNote(err error) string {
	reason := "an unexpected error"
	var ce *ChatError
	if errors.As(err, &ce) && ce.Reason != "" {
		reason = ce.Reason
	}
	return "The language model was unavailable (" + reason + "); this answer is quoted from the series."
}
