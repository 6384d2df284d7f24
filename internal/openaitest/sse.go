package openaitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Streaming follows the API: server-sent events of the form
// "data: <chunk JSON>\n\n", first a chunk with the assistant role, then
// one chunk per piece of content, then a chunk with an empty delta and
// finish_reason "stop", optionally a usage chunk with no choices, and
// finally "data: [DONE]\n\n". go-openai's stream reader turns [DONE] into
// io.EOF.

type (
	chatChunk struct {
		ID                string        `json:"id"`
		Object            string        `json:"object"`
		Created           int64         `json:"created"`
		Model             string        `json:"model"`
		SystemFingerprint string        `json:"system_fingerprint"`
		Choices           []chunkChoice `json:"choices"`
		Usage             *usage        `json:"usage,omitempty"`
	}
	chunkChoice struct {
		Index        int        `json:"index"`
		Delta        chunkDelta `json:"delta"`
		Logprobs     any        `json:"logprobs"`      // always null
		FinishReason *string    `json:"finish_reason"` // null until the last chunk
	}
	chunkDelta struct {
		Role    string  `json:"role,omitempty"`
		Content *string `json:"content,omitempty"`
	}
)

// streamChat writes the reply as an event stream, n identical choices one
// after the other, spoiled by fault (CutStream, MalformedJSON) if given.
func streamChat(w http.ResponseWriter, base chatChunk, text string, n int, includeUsage bool, u usage, fault Fault) {
	ev := newEventWriter(w)
	pieces := splitReply(text)
	cutAt := -1 // content chunks to send before a CutStream
	if c, ok := fault.(CutStream); ok {
		cutAt = c.AfterChunks
		if cutAt <= 0 {
			cutAt = len(pieces) / 2
		}
	}
	chunk := func(i int, d chunkDelta, finish *string) chatChunk {
		c := base
		c.Choices = []chunkChoice{{Index: i, Delta: d, FinishReason: finish}}
		return c
	}

	sent := 0
	for i := range n {
		empty := ""
		ev.send(chunk(i, chunkDelta{Role: "assistant", Content: &empty}, nil))
		if _, ok := fault.(MalformedJSON); ok {
			ev.data(`{"id":"` + base.ID + `","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"bro`)
			return
		}
		for _, p := range pieces {
			if sent == cutAt {
				return
			}
			ev.send(chunk(i, chunkDelta{Content: &p}, nil))
			sent++
		}
		if sent == cutAt {
			return
		}
		stop := "stop"
		ev.send(chunk(i, chunkDelta{}, &stop))
	}
	if includeUsage {
		c := base
		c.Choices = []chunkChoice{}
		c.Usage = &u
		ev.send(c)
	}
	ev.data("[DONE]")
}

// splitReply cuts text into word-sized pieces (each keeps its trailing
// space), like the token-sized deltas the API streams; joined, they give
// back text exactly.
func splitReply(text string) []string {
	var pieces []string
	for _, p := range strings.SplitAfter(text, " ") {
		if p != "" {
			pieces = append(pieces, p)
		}
	}
	return pieces
}

// eventWriter writes server-sent events and flushes each one, so the
// client sees chunks as they are written, as it would from the API.
type eventWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func newEventWriter(w http.ResponseWriter) *eventWriter {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	return &eventWriter{w: w, rc: http.NewResponseController(w)}
}

func (e *eventWriter) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("openaitest: marshal chunk: %v", err)) // our own types; cannot happen
	}
	e.data(string(b))
}

// data writes one event. A write error means the client has gone; the
// handler is aborted, since there is nobody left to stream to.
func (e *eventWriter) data(payload string) {
	if _, err := fmt.Fprintf(e.w, "data: %s\n\n", payload); err != nil {
		panic(http.ErrAbortHandler)
	}
	if err := e.rc.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
}
