package openaitest

import (
	"cmp"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/internal/recordtb"
)

func TestValidationIsStrict(t *testing.T) {
	const chat, embeddings = "/chat/completions", "/embeddings"
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
		wantError   string // in the reported failure and the 400 message; "" for a valid request
	}{
		{name: "messages not an array", path: chat, body: `{"model":"gpt-4o-mini","messages":"not-an-array"}`, wantError: "at '/messages': got string, want array"},
		{name: "missing model", path: chat, body: `{"messages":[{"role":"user","content":"hi"}]}`, wantError: "missing property 'model'"},
		{name: "no messages", path: chat, body: `{"model":"gpt-4o-mini","messages":[]}`, wantError: "minItems"},
		{name: "user message without content", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user"}]}`, wantError: "missing property 'content'"},
		{name: "unknown role", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}`, wantError: "'oneOf' failed"},
		{name: "temperature out of range", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":3}`, wantError: "maximum"},
		{name: "stream not a bool", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":"yes"}`, wantError: "/stream"},
		{name: "not JSON", path: chat, body: `{"model":`, wantError: "not JSON"},
		{name: "wrong content type", path: chat, contentType: "text/plain", body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, wantError: "Content-Type"},
		{name: "no embedding inputs", path: embeddings, body: `{"model":"text-embedding-3-small","input":[]}`, wantError: "minItems"},
		{name: "unknown embedding field", path: embeddings, body: `{"model":"text-embedding-3-small","input":"a","extra_body":{}}`, wantError: "additional properties 'extra_body'"},
		{name: "empty embedding input", path: embeddings, body: `{"model":"text-embedding-3-small","input":["a",""]}`, wantError: "input[1] is an empty string"},
		{name: "bad encoding format", path: embeddings, body: `{"model":"text-embedding-3-small","input":"a","encoding_format":"int8"}`, wantError: "encoding_format"},

		// Controls: valid requests pass and report nothing.
		{name: "valid chat", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stop":"\n"}`},
		{name: "explicit null where the spec says nullable", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"frequency_penalty":null}`},
		{name: "content parts", path: chat, body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{name: "valid embeddings", path: embeddings, body: `{"model":"text-embedding-3-small","input":"a","user":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := recordtb.New(t)
			s := New(tb)
			resp, body := rawRequest(t, s, http.MethodPost, tt.path, cmp.Or(tt.contentType, "application/json"), s.Key, tt.body)
			reported := tb.Errors()

			if tt.wantError == "" {
				if resp.StatusCode != http.StatusOK || len(reported) != 0 {
					t.Errorf("valid request: status %d, reported %q; want 200 and nothing", resp.StatusCode, reported)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			checkErrorBody(t, body, "invalid_request_error", nil)
			if !strings.Contains(string(body), jsonEscape(tt.wantError)) {
				t.Errorf("400 body %s does not mention %q", body, tt.wantError)
			}
			if len(reported) != 1 || !strings.Contains(reported[0], tt.wantError) {
				t.Errorf("reported %q, want one failure mentioning %q", reported, tt.wantError)
			}
		})
	}
}

// jsonEscape escapes s as encoding/json does inside a string, so a
// substring check works on the raw body.
func jsonEscape(s string) string {
	r := strings.NewReplacer(`"`, `\"`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	return r.Replace(s)
}

// TestSchemaCompileTime logs what compiling the spec costs, once per
// test binary.
func TestSchemaCompileTime(t *testing.T) {
	New(t)
	if SchemaCompileTime() <= 0 {
		t.Fatal("SchemaCompileTime is 0 after New")
	}
	t.Logf("reading and compiling the OpenAI spec took %v", SchemaCompileTime())
}

// TestEmptyUserMessageIsAViolation pins a go-openai behaviour callers must
// know: Content has "omitempty", so an empty user message is sent without
// "content", which the spec (and the API) reject.
func TestEmptyUserMessageIsAViolation(t *testing.T) {
	tb := recordtb.New(t)
	s := New(tb)
	_, err := newClient(s).CreateChatCompletion(ctx(t), openai.ChatCompletionRequest{
		Model:    DefaultChatModel,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: ""}},
	})
	wantAPIError(t, err, http.StatusBadRequest, "invalid_request_error", 0)
	if r := tb.Errors(); len(r) != 1 || !strings.Contains(r[0], "missing property 'content'") {
		t.Errorf("reported %q, want the missing content", r)
	}
}

// TestChatRequestsKeepsWhatDecodes: "stop" as a single string is valid but
// does not fit go-openai's []string; the rest of the request still comes
// back.
func TestChatRequestsKeepsWhatDecodes(t *testing.T) {
	s := New(t)
	resp, _ := rawRequest(t, s, http.MethodPost, "/chat/completions", "application/json", s.Key,
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stop":"\n"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := s.ChatRequests()
	if len(got) != 1 || got[0].Model != DefaultChatModel || len(got[0].Messages) != 1 || got[0].Stop != nil {
		t.Errorf("ChatRequests() = %+v, want the model and message, no stop", got)
	}
}
