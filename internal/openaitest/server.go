// Package openaitest is a strict fake of the OpenAI HTTP API for tests.
//
// Like httptest, it runs a real server on loopback and the code under test
// talks to it with the real client (github.com/sashabaranov/go-openai), so a
// test exercises the same bytes on the wire as production. It is strict so
// that passing against it means something: every request body is validated
// against OpenAI's published OpenAPI spec (read from the shared folder at
// test time, see seriesbot/internal/sharedtest; without it the test skips),
// and a violation fails the test as well as returning the 400 the real API
// would. Failures the real API produces on its own (rate limits, 5xx, slow
// or cut streams, broken JSON) are scripted per test with FailNext, so retry
// and recovery paths can be tested without a network.
//
// Only three routes exist: POST /v1/chat/completions (plain and streaming),
// POST /v1/embeddings and GET /v1/models.
package openaitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults. DefaultReply cites "[1]" because the bot's answers are expected
// to cite passages; a test that only checks plumbing gets a realistic one.
const (
	DefaultKey            = "test-key"
	DefaultChatModel      = "gpt-4o-mini"
	DefaultEmbeddingModel = "text-embedding-3-small"
	DefaultEmbeddingDims  = 64
	DefaultReply          = "The series answers this in its opening article [1]."
)

// Route paths, as the server sees them (go-openai appends "/chat/completions"
// and so on to a BaseURL that ends in "/v1").
const (
	chatPath       = "/v1/chat/completions"
	embeddingsPath = "/v1/embeddings"
	modelsPath     = "/v1/models"
)

// Server is a running fake. Create it with New; it is closed when the test
// ends. All methods are safe to call from any goroutine.
type Server struct {
	// Key is the API key accepted as "Authorization: Bearer <Key>". Set it
	// with WithKey; it must not be changed after New returns, because
	// handlers read it concurrently.
	Key string

	tb      testing.TB
	cfg     config
	schemas *specSchemas
	url     string        // where the server listens, without "/v1"
	client  *http.Client  // a client that reaches url
	done    chan struct{} // closed at cleanup, so waiting handlers let go
	ids     atomic.Int64  // for response ids

	mu       sync.Mutex
	requests []Request
	faults   []Fault
	latency  time.Duration
}

// Request is one request as the server received it, for assertions about
// what the model was sent.
type Request struct {
	Method string
	Path   string
	// Header is a copy of the request headers without Authorization, so
	// a test that prints a Request never prints a key.
	Header http.Header
	// Body is the decoded JSON body, or nil when the body was empty or not
	// a JSON object. Numbers are float64, as with encoding/json.
	Body map[string]any
	// RawBody is the body exactly as sent.
	RawBody []byte
}

// Option configures a Server.
type Option func(*config)

type config struct {
	key             string
	reply           func(openai.ChatCompletionRequest) string
	chatModels      []string
	embeddingModels []string
	dims            int
	shuffle         bool
}

// WithKey sets the API key the server accepts (default DefaultKey).
func WithKey(key string) Option { return func(c *config) { c.key = key } }

// WithReply decides the assistant's text for each chat request (default:
// DefaultReply). It runs on the server's goroutines, so it must be safe for
// concurrent use. The request is decoded with go-openai's type; a field that
// type cannot hold (e.g. "stop" given as one string) is left zero.
func WithReply(reply func(req openai.ChatCompletionRequest) string) Option {
	return func(c *config) { c.reply = reply }
}

// WithChatModels sets the models /v1/chat/completions accepts and
// /v1/models lists (default DefaultChatModel). Any other model gets the
// real API's 404 model_not_found.
func WithChatModels(ids ...string) Option {
	return func(c *config) { c.chatModels = slices.Clone(ids) }
}

// WithEmbeddingModels sets the models /v1/embeddings accepts and
// /v1/models lists (default DefaultEmbeddingModel).
func WithEmbeddingModels(ids ...string) Option {
	return func(c *config) { c.embeddingModels = slices.Clone(ids) }
}

// WithEmbeddingDims sets the vector length returned when the request does
// not ask for "dimensions" (default DefaultEmbeddingDims).
func WithEmbeddingDims(n int) Option { return func(c *config) { c.dims = n } }

// WithShuffledEmbeddings makes /v1/embeddings return data[] out of input
// order (no item at its own position), so a test proves the caller maps
// vectors by data[].index, as the API reference says to, and not by
// position.
func WithShuffledEmbeddings() Option { return func(c *config) { c.shuffle = true } }

// New starts a fake on loopback and closes it when tb's test ends. It skips
// the test (through sharedtest) when the shared folder with the OpenAI spec
// is absent, because a fake that cannot validate would not be strict.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := newServer(tb, opts...)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	// net/http logs what it cannot tell a handler on the server's own
	// logger; through the test's log it shows only where the test's
	// output does (-v, or a failure).
	hs.Config.ErrorLog = log.New(tbWriter{tb}, "openaitest: ", 0)
	hs.Start()
	s.url, s.client = hs.URL, hs.Client()
	tb.Cleanup(func() {
		// Release handlers held by Latency or SlowFirstToken first:
		// httptest.Server.Close waits for every active request.
		close(s.done)
		hs.Close()
	})
	return s
}

// newServer builds a Server that serves nothing yet: New serves it on
// loopback, and the package's tests also serve it over in-memory
// connections, where testing/synctest can run its waits on virtual time.
func newServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		key:             DefaultKey,
		reply:           func(openai.ChatCompletionRequest) string { return DefaultReply },
		chatModels:      []string{DefaultChatModel},
		embeddingModels: []string{DefaultEmbeddingModel},
		dims:            DefaultEmbeddingDims,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.dims < 1 {
		tb.Fatalf("openaitest: WithEmbeddingDims(%d): want at least 1", cfg.dims)
	}
	s := &Server{
		Key:     cfg.key,
		tb:      tb,
		cfg:     cfg,
		schemas: loadSchemas(tb),
		done:    make(chan struct{}),
	}
	return s
}

// tbWriter sends a logger's lines to the test's log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Logf("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// URL returns the base URL for go-openai's ClientConfig.BaseURL; it ends
// in "/v1", as the real one does.
func (s *Server) URL() string { return s.url + "/v1" }

// ClientConfig returns a go-openai configuration that talks to this server
// with the accepted key.
func (s *Server) ClientConfig() openai.ClientConfig {
	cfg := openai.DefaultConfig(s.Key)
	cfg.BaseURL = s.URL()
	cfg.HTTPClient = s.client
	return cfg
}

// Requests returns every request received so far, in arrival order,
// including those the server rejected.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ChatRequests returns the bodies of the chat completion requests received
// so far, decoded with go-openai's type. A field that type cannot hold is
// left zero (as for WithReply); bodies that are not JSON objects at all
// (already reported as violations) are left out.
func (s *Server) ChatRequests() []openai.ChatCompletionRequest {
	var out []openai.ChatCompletionRequest
	for _, r := range s.Requests() {
		if r.Method != http.MethodPost || r.Path != chatPath {
			continue
		}
		req, ok := decodeChatRequest(r.RawBody)
		if !ok {
			continue
		}
		out = append(out, req)
	}
	return out
}

// decodeChatRequest decodes body into go-openai's request type as far as
// it can: encoding/json keeps filling the other fields after a type
// mismatch, so only a body that is not a JSON object is refused.
func decodeChatRequest(body []byte) (openai.ChatCompletionRequest, bool) {
	var req openai.ChatCompletionRequest
	err := json.Unmarshal(body, &req)
	var typeErr *json.UnmarshalTypeError
	return req, err == nil || errors.As(err, &typeErr)
}

// Calls returns how many requests arrived at path, whatever their outcome.
// The "/v1" prefix may be left out: Calls("/embeddings") counts
// "/v1/embeddings".
func (s *Server) Calls(path string) int {
	if !strings.HasPrefix(path, "/v1/") {
		path = "/v1" + path
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Path == path {
			n++
		}
	}
	return n
}

// route is one endpoint of the fake.
type route struct {
	method string
	serve  func(s *Server, w http.ResponseWriter, r *http.Request, body []byte)
}

var routes = map[string]route{
	chatPath:       {http.MethodPost, (*Server).serveChat},
	embeddingsPath: {http.MethodPost, (*Server).serveEmbeddings},
	modelsPath:     {http.MethodGet, (*Server).serveModels},
}

// serveHTTP records the request, then applies, in the real API's order of
// concern: latency, routing, authentication; the route then validates the
// body, checks the model, and plays any scripted fault.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		// The client went away mid-body; there is nobody to answer.
		return
	}
	s.record(r, body)
	s.pause(r, s.currentLatency())

	rt, ok := routes[r.URL.Path]
	if !ok {
		writeError(w, http.StatusNotFound, "invalid_request_error", "",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "",
			fmt.Sprintf("Method %s is not allowed on %s; use %s", r.Method, r.URL.Path, rt.method))
		return
	}
	// A wrong key is a fault a test scripts on the client side (New with
	// one key, the client with another), so it is answered, not reported.
	if got := r.Header.Get("Authorization"); got != "Bearer "+s.Key {
		msg := "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
		if key, ok := strings.CutPrefix(got, "Bearer "); ok && key != "" {
			msg = fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.", maskKey(key))
		}
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", msg)
		return
	}
	if r.Method == http.MethodPost {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			s.violation(w, r, "Content-Type is %q, want application/json", r.Header.Get("Content-Type"))
			return
		}
	}
	rt.serve(s, w, r, body)
}

func (s *Server) record(r *http.Request, body []byte) {
	h := r.Header.Clone()
	h.Del("Authorization")
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		m = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method:  r.Method,
		Path:    r.URL.Path,
		Header:  h,
		Body:    m,
		RawBody: body,
	})
}

// violation reports a request the real API would reject because the client
// is wrong: it fails the test (Errorf, since this runs on a handler
// goroutine) and answers 400 like the API, so the client's error path runs
// too.
func (s *Server) violation(w http.ResponseWriter, r *http.Request, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.tb.Errorf("openaitest: %s %s: %s", r.Method, r.URL.Path, msg)
	writeError(w, http.StatusBadRequest, "invalid_request_error", "", msg)
}

// modelNotFound answers as the API does for a model the account lacks.
// It is not a violation: a test may ask for an unknown model on purpose.
func modelNotFound(w http.ResponseWriter, model string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "model_not_found",
		fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model))
}

// apiError is the API's error object. "param" and "code" are always
// present, null when empty, as in the real responses.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := apiError{Message: msg, Type: typ}
	if code != "" {
		e.Code = &code
	}
	writeJSON(w, status, struct {
		Error apiError `json:"error"`
	}{e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("openaitest: marshal response: %v", err)) // our own types; cannot happen
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// maskKey shows a key the way the API's error message does: enough to
// recognise, not enough to use.
func maskKey(key string) string {
	if len(key) <= 6 {
		return "****"
	}
	return key[:3] + "****" + key[len(key)-2:]
}

// serveModels lists the configured chat and embedding models.
func (s *Server) serveModels(w http.ResponseWriter, r *http.Request, _ []byte) {
	fault, handled := s.playFault(w, r)
	if handled {
		return
	}
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range slices.Concat(s.cfg.chatModels, s.cfg.embeddingModels) {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: 1700000000, OwnedBy: "openaitest"})
	}
	writeAnswer(w, list, fault)
}
