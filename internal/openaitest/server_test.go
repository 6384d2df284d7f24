package openaitest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	openai "github.com/sashabaranov/go-openai"

	"seriesbot/internal/sharedtest"
)

// ctx gives every call in these tests a deadline, so a broken fake fails
// a test instead of hanging it.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func newClient(s *Server) *openai.Client { return openai.NewClientWithConfig(s.ClientConfig()) }

func userMessage(text string) []openai.ChatCompletionMessage {
	return []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: "Answer from the passages."},
		{Role: openai.ChatMessageRoleUser, Content: text},
	}
}

// rawRequest sends a hand-made request, for what go-openai never sends.
func rawRequest(t *testing.T, s *Server, method, path, contentType, key, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	// The fake's own client: http.DefaultClient's idle connections are
	// closed by any httptest.Server.Close in the process.
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	return resp, b
}

func TestChatCompletion(t *testing.T) {
	tests := []struct {
		name      string
		opts      []Option
		model     string
		n         int
		question  string
		wantReply string
	}{
		{name: "default reply cites a passage", question: "Who wrote it?", wantReply: DefaultReply},
		{
			name: "scripted reply sees the request",
			opts: []Option{WithReply(func(req openai.ChatCompletionRequest) string {
				return "You asked: " + req.Messages[len(req.Messages)-1].Content
			})},
			question:  "What is chapter two about?",
			wantReply: "You asked: What is chapter two about?",
		},
		{
			name:      "configured model and several choices",
			opts:      []Option{WithChatModels("gpt-4.1", "local-llama")},
			model:     "local-llama",
			n:         2,
			question:  "Summarise.",
			wantReply: DefaultReply,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, tt.opts...)
			model := cmp.Or(tt.model, DefaultChatModel)
			resp, err := newClient(s).CreateChatCompletion(ctx(t), openai.ChatCompletionRequest{
				Model:       model,
				Messages:    userMessage(tt.question),
				Temperature: 0.2,
				N:           tt.n,
			})
			if err != nil {
				t.Fatalf("CreateChatCompletion: %v", err)
			}
			if want := max(tt.n, 1); len(resp.Choices) != want {
				t.Fatalf("got %d choices, want %d", len(resp.Choices), want)
			}
			for i, c := range resp.Choices {
				if c.Index != i || c.Message.Role != openai.ChatMessageRoleAssistant ||
					c.Message.Content != tt.wantReply || c.FinishReason != openai.FinishReasonStop {
					t.Errorf("choice %d = %+v, want assistant %q, finish stop", i, c, tt.wantReply)
				}
			}
			if resp.Model != model || resp.Usage.TotalTokens == 0 || !strings.HasPrefix(resp.ID, "chatcmpl-") {
				t.Errorf("model %q, usage %+v, id %q", resp.Model, resp.Usage, resp.ID)
			}

			sent := s.ChatRequests()
			if len(sent) != 1 || sent[0].Messages[1].Content != tt.question {
				t.Fatalf("ChatRequests() = %+v, want the one question %q", sent, tt.question)
			}
			reqs := s.Requests()
			if got := reqs[0].Header.Get("Authorization"); got != "" {
				t.Errorf("recorded Authorization header %q; it must be dropped", got)
			}
			if reqs[0].Body["model"] != model || !bytes.Contains(reqs[0].RawBody, []byte(tt.question)) {
				t.Errorf("recorded body %v", reqs[0].Body)
			}
			if got := s.Calls("/chat/completions"); got != 1 {
				t.Errorf("Calls = %d, want 1", got)
			}
		})
	}
}

func TestChatStream(t *testing.T) {
	tests := []struct {
		name         string
		reply        string
		includeUsage bool
		minChunks    int
	}{
		{name: "default reply", reply: DefaultReply, minChunks: 3},
		{name: "one word", reply: "Yes.", minChunks: 1},
		{name: "unicode and newlines", reply: "Première ligne\nzweite Zeile — 第三 [2]", minChunks: 3},
		{name: "empty reply", reply: "", minChunks: 0},
		{name: "usage chunk at the end", reply: "Counted reply [1].", includeUsage: true, minChunks: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, WithReply(func(openai.ChatCompletionRequest) string { return tt.reply }))
			req := openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("Go on.")}
			if tt.includeUsage {
				req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
			}
			stream, err := newClient(s).CreateChatCompletionStream(ctx(t), req)
			if err != nil {
				t.Fatalf("CreateChatCompletionStream: %v", err)
			}
			defer stream.Close()
			got := readStream(t, stream)
			if got.err != io.EOF {
				t.Fatalf("stream ended with %v, want io.EOF from [DONE]", got.err)
			}
			if got.text != tt.reply {
				t.Errorf("concatenated deltas = %q, want %q", got.text, tt.reply)
			}
			if got.finish != openai.FinishReasonStop {
				t.Errorf("finish reason %q, want stop", got.finish)
			}
			if got.contentChunks < tt.minChunks {
				t.Errorf("%d content chunks, want at least %d", got.contentChunks, tt.minChunks)
			}
			if tt.includeUsage != (got.usage != nil) {
				t.Errorf("usage chunk %+v, want one: %v", got.usage, tt.includeUsage)
			}
			if sent := s.ChatRequests(); len(sent) != 1 || !sent[0].Stream {
				t.Errorf("ChatRequests() = %+v, want one with stream true", sent)
			}
		})
	}
}

type streamResult struct {
	text          string
	contentChunks int
	finish        openai.FinishReason
	usage         *openai.Usage
	err           error // what ended the stream
}

func readStream(t *testing.T, stream *openai.ChatCompletionStream) streamResult {
	t.Helper()
	var r streamResult
	var text strings.Builder
	for {
		chunk, err := stream.Recv()
		if err != nil {
			r.err = err
			break
		}
		if chunk.Usage != nil {
			r.usage = chunk.Usage
		}
		for _, c := range chunk.Choices {
			if c.Delta.Content != "" {
				text.WriteString(c.Delta.Content)
				r.contentChunks++
			}
			if c.FinishReason != "" {
				r.finish = c.FinishReason
			}
		}
	}
	r.text = text.String()
	return r
}

func TestEmbeddings(t *testing.T) {
	many := make([]string, 300)
	for i := range many {
		many[i] = "passage number " + strings.Repeat("x", i%7) + " of the series " + string(rune('a'+i%26))
	}
	tests := []struct {
		name     string
		opts     []Option
		req      openai.EmbeddingRequestConverter
		texts    []string // what the vectors must embed, by index
		dims     int
		shuffled bool
	}{
		{
			name:  "one string",
			req:   openai.EmbeddingRequest{Input: "The first article.", Model: DefaultEmbeddingModel},
			texts: []string{"The first article."},
			dims:  DefaultEmbeddingDims,
		},
		{
			name:  "many strings",
			req:   openai.EmbeddingRequestStrings{Input: many, Model: DefaultEmbeddingModel},
			texts: many,
			dims:  DefaultEmbeddingDims,
		},
		{
			name:     "shuffled answer is mapped by index",
			opts:     []Option{WithShuffledEmbeddings()},
			req:      openai.EmbeddingRequestStrings{Input: many[:10], Model: DefaultEmbeddingModel},
			texts:    many[:10],
			dims:     DefaultEmbeddingDims,
			shuffled: true,
		},
		{
			name:  "configured dims and model",
			opts:  []Option{WithEmbeddingDims(8), WithEmbeddingModels("nomic-embed-text")},
			req:   openai.EmbeddingRequestStrings{Input: []string{"a", "b"}, Model: "nomic-embed-text"},
			texts: []string{"a", "b"},
			dims:  8,
		},
		{
			name:  "requested dimensions win",
			req:   openai.EmbeddingRequestStrings{Input: []string{"a"}, Model: DefaultEmbeddingModel, Dimensions: 16},
			texts: []string{"a"},
			dims:  16,
		},
		{
			name: "base64 encoding",
			req: openai.EmbeddingRequestStrings{Input: []string{"x y", "z"}, Model: DefaultEmbeddingModel,
				EncodingFormat: openai.EmbeddingEncodingFormatBase64},
			texts: []string{"x y", "z"},
			dims:  DefaultEmbeddingDims,
		},
		{
			name:  "token input",
			req:   openai.EmbeddingRequestTokens{Input: [][]int{{1, 2}, {3}}, Model: DefaultEmbeddingModel},
			texts: []string{"t1 t2", "t3"},
			dims:  DefaultEmbeddingDims,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, tt.opts...)
			resp, err := newClient(s).CreateEmbeddings(ctx(t), tt.req)
			if err != nil {
				t.Fatalf("CreateEmbeddings: %v", err)
			}
			if len(resp.Data) != len(tt.texts) {
				t.Fatalf("got %d vectors, want %d", len(resp.Data), len(tt.texts))
			}
			byIndex := make([][]float32, len(tt.texts))
			outOfPlace := 0
			for pos, d := range resp.Data {
				if d.Index < 0 || d.Index >= len(tt.texts) || byIndex[d.Index] != nil {
					t.Fatalf("bad or repeated index %d", d.Index)
				}
				byIndex[d.Index] = d.Embedding
				if d.Index != pos {
					outOfPlace++
				}
			}
			for i, text := range tt.texts {
				if want := Embed(text, tt.dims); !slices.Equal(byIndex[i], want) {
					t.Errorf("vector %d (%q) = %v, want Embed = %v", i, text, byIndex[i], want)
				}
			}
			if tt.shuffled && outOfPlace != len(tt.texts) {
				t.Errorf("%d of %d vectors out of place, want all", outOfPlace, len(tt.texts))
			}
			if !tt.shuffled && outOfPlace != 0 {
				t.Errorf("%d vectors out of place without WithShuffledEmbeddings", outOfPlace)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	cos := func(a, b []float32) float64 {
		var d float64
		for i := range a {
			d += float64(a[i]) * float64(b[i])
		}
		return d
	}
	for _, text := range []string{"hello world", "...", "a", strings.Repeat("word ", 500)} {
		v := Embed(text, 32)
		if n := cos(v, v); math.Abs(n-1) > 1e-5 {
			t.Errorf("Embed(%q) has norm² %v, want 1", text, n)
		}
		if !slices.Equal(v, Embed(text, 32)) {
			t.Errorf("Embed(%q) is not deterministic", text)
		}
	}
	query := Embed("dragons of the northern mountains", 256)
	near := Embed("The northern mountains were home to dragons.", 256)
	far := Embed("A recipe for lemon cake", 256)
	if cos(query, near) <= cos(query, far) {
		t.Errorf("cos(near) %v <= cos(far) %v: shared words should rank higher", cos(query, near), cos(query, far))
	}
}

func TestListModels(t *testing.T) {
	s := New(t, WithChatModels("gpt-4.1", "gpt-4o-mini"), WithEmbeddingModels("text-embedding-3-large"))
	list, err := newClient(s).ListModels(ctx(t))
	if err != nil {
		t.Fatalf("ListModels: %v", err)
	}
	var ids []string
	for _, m := range list.Models {
		ids = append(ids, m.ID)
		if m.Object != "model" || m.OwnedBy == "" || m.CreatedAt == 0 {
			t.Errorf("model %+v lacks object/owned_by/created", m)
		}
	}
	if want := []string{"gpt-4.1", "gpt-4o-mini", "text-embedding-3-large"}; !slices.Equal(ids, want) {
		t.Errorf("models %v, want %v", ids, want)
	}
}

func TestRouting(t *testing.T) {
	s := New(t)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantAllow  string
	}{
		{name: "unknown route", method: http.MethodPost, path: "/completions", wantStatus: http.StatusNotFound},
		{name: "unknown model route", method: http.MethodGet, path: "/models/gpt-4o-mini", wantStatus: http.StatusNotFound},
		{name: "GET on a POST route", method: http.MethodGet, path: "/embeddings", wantStatus: http.StatusMethodNotAllowed, wantAllow: "POST"},
		{name: "POST on a GET route", method: http.MethodPost, path: "/models", wantStatus: http.StatusMethodNotAllowed, wantAllow: "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawRequest(t, s, tt.method, tt.path, "application/json", s.Key, `{}`)
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Allow") != tt.wantAllow {
				t.Errorf("status %d Allow %q, want %d %q", resp.StatusCode, resp.Header.Get("Allow"), tt.wantStatus, tt.wantAllow)
			}
			checkErrorBody(t, body, "invalid_request_error", nil)
		})
	}

	// The real client sees the 404 as an API error too.
	_, err := newClient(s).GetModel(ctx(t), DefaultChatModel)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusNotFound {
		t.Errorf("GetModel error = %v, want a 404 *openai.APIError", err)
	}
}

// checkErrorBody checks the API's error envelope: all four fields
// present, param null, code as given (nil for null).
func checkErrorBody(t *testing.T, body []byte, wantType string, wantCode any) {
	t.Helper()
	var env struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
		t.Fatalf("error body %s is not {\"error\": {...}}: %v", body, err)
	}
	for _, k := range []string{"message", "type", "param", "code"} {
		if _, ok := env.Error[k]; !ok {
			t.Errorf("error body %s lacks %q", body, k)
		}
	}
	if env.Error["type"] != wantType || env.Error["code"] != wantCode || env.Error["param"] != nil {
		t.Errorf("error body %s, want type %q code %v param null", body, wantType, wantCode)
	}
}

// TestAnswersMatchSpec checks the fake's own answers against the spec's
// response schemas, so tests pass against the fake only when the client
// would also cope with the real API.
func TestAnswersMatchSpec(t *testing.T) {
	s := New(t)
	schs, err := compileSpec(sharedtest.Path(t, specRel),
		"#/components/schemas/CreateChatCompletionResponse",
		"#/components/schemas/CreateChatCompletionStreamResponse",
		"#/components/schemas/CreateEmbeddingResponse",
		"#/components/schemas/ListModelsResponse",
		"#/components/schemas/ErrorResponse",
	)
	if err != nil {
		t.Fatal(err)
	}
	chat, chunk, embeddings, models, errResp := schs[0], schs[1], schs[2], schs[3], schs[4]
	const chatBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`

	check := func(name string, sch *jsonschema.Schema, body []byte) {
		t.Helper()
		if err := validateBody(sch, body); err != nil {
			t.Errorf("%s answer %s: %v", name, body, err)
		}
	}
	_, body := rawRequest(t, s, http.MethodPost, "/chat/completions", "application/json", s.Key, chatBody)
	check("chat", chat, body)
	_, body = rawRequest(t, s, http.MethodPost, "/embeddings", "application/json", s.Key,
		`{"model":"text-embedding-3-small","input":["a","b"]}`)
	check("embeddings", embeddings, body)
	_, body = rawRequest(t, s, http.MethodGet, "/models", "", s.Key, "")
	check("models", models, body)
	_, body = rawRequest(t, s, http.MethodGet, "/models", "", "wrong-key", "")
	check("401", errResp, body)

	_, body = rawRequest(t, s, http.MethodPost, "/chat/completions", "application/json", s.Key,
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}`)
	sc := bufio.NewScanner(bytes.NewReader(body))
	events := 0
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || line == "[DONE]" {
			continue
		}
		events++
		check("stream chunk", chunk, []byte(line))
	}
	if events < 3 || !bytes.HasSuffix(body, []byte("data: [DONE]\n\n")) {
		t.Errorf("stream of %d chunks, ending %q", events, body[max(0, len(body)-20):])
	}
}

// TestConcurrentUse runs clients and scripting in parallel under -race.
func TestConcurrentUse(t *testing.T) {
	s := New(t)
	client := newClient(s)
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, 3*workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ctx(t)
			if i%4 == 0 {
				s.FailNext(ServerError{})
			}
			_, err := client.CreateChatCompletion(c, openai.ChatCompletionRequest{Model: DefaultChatModel, Messages: userMessage("q")})
			errs <- err
			_, err = client.CreateEmbeddings(c, openai.EmbeddingRequestStrings{Input: []string{"a", "b"}, Model: DefaultEmbeddingModel})
			errs <- err
			s.Latency(time.Duration(i%2) * time.Millisecond)
			_ = s.Requests()
			_ = s.ChatRequests()
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		var apiErr *openai.APIError
		if errors.As(err, &apiErr) && apiErr.HTTPStatusCode == http.StatusInternalServerError {
			failed++
		} else if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if failed != workers/4 || s.PendingFaults() != 0 {
		t.Errorf("%d scripted failures seen, %d pending; want %d, 0", failed, s.PendingFaults(), workers/4)
	}
	if s.Calls("/chat/completions") != workers || s.Calls("/v1/embeddings") != workers {
		t.Errorf("Calls = %d chat, %d embeddings; want %d each", s.Calls("/chat/completions"), s.Calls("/v1/embeddings"), workers)
	}
}
