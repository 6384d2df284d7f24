package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	"go.uber.org/goleak"

	"seriesbot/bot/llm"
	"seriesbot/internal/openaitest"
)

// TestMain keeps the tests offline whatever the environment of the
// machine running them: a language model is only used by the tests that
// set one up. serve keeps its index in a data directory of its own, not
// in the package's folder. The run fails when a goroutine outlives the
// tests: a serve that did not stop whole.
func TestMain(m *testing.M) {
	for _, v := range []string{envAPIKey, envBaseURL, envChatModel, envEmbedModel, envIndexPoll, envCorpus} {
		os.Unsetenv(v)
	}
	data, err := os.MkdirTemp("", "seriesbot-data-")
	if err != nil {
		panic(err)
	}
	os.Setenv(envDataDir, data)
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(data)
		os.Exit(code)
	}))
}

const part2URL = "https://investorinsights.asia/post/alibaba-part-2-alibaba-cloud-digital-media-and-innovation-initiatives"

var sourceID = regexp.MustCompile(`<source id="(\d+)">`)

// citeRevenue replies as a model that read its sources: citing the one
// with Alibaba Cloud's revenue.
func citeRevenue(req openai.ChatCompletionRequest) string {
	prompt := req.Messages[len(req.Messages)-1].Content
	blocks := strings.Split(prompt, "</source>")
	for _, b := range blocks {
		if m := sourceID.FindStringSubmatch(b); m != nil && strings.Contains(b, "RMB60 billion") {
			return fmt.Sprintf("Alibaba Cloud made RMB60 billion in fiscal 2021 [%s].", m[1])
		}
	}
	return "The series does not cover that."
}

// useFake points the command at s through the environment, as a user
// would point it at Ollama.
func useFake(t *testing.T, s *openaitest.Server) {
	t.Setenv(envBaseURL, s.URL())
	t.Setenv(envAPIKey, s.Key)
}

func TestAskWithALanguageModel(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(citeRevenue))
	useFake(t, s)
	r := runCLI(t, "", "ask", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "Alibaba Cloud made RMB60 billion in fiscal 2021 [1].\n\nSources:\n[1] Part 2 — Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives (Cloud Computing) — " + part2URL + "\n"
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls, want 1", n)
	}
	req := s.ChatRequests()[0]
	if req.Model != openaitest.DefaultChatModel || !req.Stream {
		t.Errorf("request model %q stream %v", req.Model, req.Stream)
	}
}

func TestAskJSONWithALanguageModel(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(citeRevenue))
	useFake(t, s)
	r := runCLI(t, "", "ask", "--json", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	l := decodeLines(t, r.stdout)[0]
	if l.Answer != "Alibaba Cloud made RMB60 billion in fiscal 2021 [1]." || !l.Grounded || len(l.Sources) != 1 || l.Sources[0].URL != part2URL || l.Note != "" {
		t.Errorf("line = %+v", l)
	}
}

func TestAskOfflineIgnoresTheLanguageModel(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(citeRevenue))
	useFake(t, s)
	t.Setenv(envEmbedModel, openaitest.DefaultEmbeddingModel)
	r := runCLI(t, "", "ask", "--offline", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "In fiscal 2021, Alibaba Cloud earned RMB60 billion") || strings.Contains(r.stdout, "Alibaba Cloud made") {
		t.Errorf("not the quoted answer:\n%s", r.stdout)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("the service saw %d requests", n)
	}
}

// TestAskFallsBackWhenTheModelFails: a wrong key gives the quoted answer
// with a note, exit status 0, and a log line that does not show the key.
func TestAskFallsBackWhenTheModelFails(t *testing.T) {
	s := openaitest.New(t)
	t.Setenv(envBaseURL, s.URL())
	t.Setenv(envAPIKey, "sk-not-the-right-key-42")
	r := runCLI(t, "", "ask", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "The language model was unavailable (the service rejected the API key); this answer is quoted from the series.\n\nIn fiscal 2021") ||
		!strings.Contains(r.stdout, "Sources:\n[1] Part 2") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "language model unavailable") || strings.Contains(r.stderr, "sk-not-the-right-key-42") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls, want 1 (a rejected key is not retried)", n)
	}
}

// TestAskStreamCutMidAnswer: what was streamed stays, and the note and the
// quoted answer follow it.
func TestAskStreamCutMidAnswer(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(citeRevenue))
	useFake(t, s)
	s.FailNext(openaitest.CutStream{AfterChunks: 3})
	r := runCLI(t, "", "ask", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "Alibaba Cloud made\n\nThe language model was unavailable (the answer was cut off); this answer is quoted from the series.\n\nIn fiscal 2021"
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant it to start:\n%s", r.stdout, want)
	}
}

// TestAskWithALocalServer: a base URL without a key works, as with Ollama,
// and a configured embedding model indexes the series.
func TestAskWithALocalServer(t *testing.T) {
	s := openaitest.New(t, openaitest.WithKey(llm.PlaceholderKey), openaitest.WithReply(citeRevenue), openaitest.WithChatModels("llama3.2"))
	r := runCLI(t, "", "ask", "--base-url", s.URL()+"/", "--chat-model", "llama3.2", "--embed-model", openaitest.DefaultEmbeddingModel,
		"How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "Alibaba Cloud made RMB60 billion") || !strings.Contains(r.stdout, part2URL) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if s.Calls("/embeddings") < 2 {
		t.Errorf("%d embeddings calls, want the passages and the question", s.Calls("/embeddings"))
	}
}

// TestAskBatchStreamsEachAnswer: answers of a batch are separated as
// offline, each printed once.
func TestAskBatchStreamsEachAnswer(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(citeRevenue))
	useFake(t, s)
	r := runCLI(t, "How much revenue did Alibaba Cloud make?\nWhat is the capital of France?\n", "ask", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "Alibaba Cloud made RMB60 billion"); n != 1 {
		t.Errorf("the answer is printed %d times:\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, part2URL+"\n\nThe series does not cover that.") {
		t.Errorf("answers are not separated by a blank line:\n%s", r.stdout)
	}
}

func TestAskLanguageModelFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ask", "--timeout", "0s", "q"}, "--timeout 0s"},
		{[]string{"ask", "--budget", "0", "q"}, "--budget 0"},
		{[]string{"ask", "--chat-model", "gpt-4o", "q"}, "OPENAI_API_KEY"},
		{[]string{"ask", "--api-key", "sk-x", "q"}, "api-key"},
	}
	for _, tt := range tests {
		r := runCLI(t, "", tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, exitUsage, tt.want)
		}
	}
}

// The JSON line keeps its fields when a note is added.
func TestAskJSONNote(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.MalformedJSON{})
	useFake(t, s)
	r := runCLI(t, "", "ask", "--json", "How much revenue did Alibaba Cloud make?")
	var line map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &line); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	for _, k := range []string{"question", "answer", "grounded", "sources", "note"} {
		if _, ok := line[k]; !ok {
			t.Errorf("JSON line lacks %q: %s", k, r.stdout)
		}
	}
}
