package llm_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"seriesbot/bot/llm"
	"seriesbot/corpus"
	"seriesbot/internal/openaitest"
	"seriesbot/retrieval"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// fastRetry keeps the retries of a test quick: the waits themselves are
// tested on virtual time (retry_test.go).
var fastRetry = llm.Retry{Backoff: time.Millisecond}

func embedder(s *openaitest.Server, batch int) *llm.Embedder {
	return &llm.Embedder{
		Client: llm.NewClientWithConfig(s.ClientConfig()),
		Model:  openaitest.DefaultEmbeddingModel,
		Batch:  batch,
		Retry:  fastRetry,
	}
}

// TestEmbedderMapsVectorsByIndex: the fake returns vectors out of input
// order; each text must still get its own vector, in batches.
func TestEmbedderMapsVectorsByIndex(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	e := embedder(s, 4)
	texts := []string{"Alibaba Cloud revenue", "DingTalk launched in 2015", "Youku video", "Ant Group", "Taobao", "Tmall", "Cainiao logistics", ""}
	vecs, err := e.Embed(testCtx(t), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
	}
	for i, text := range texts {
		if text == "" {
			text = " " // sent in its place: the API rejects empty inputs
		}
		want := openaitest.Embed(text, openaitest.DefaultEmbeddingDims)
		if len(vecs[i]) != len(want) {
			t.Fatalf("text %d: %d dims, want %d", i, len(vecs[i]), len(want))
		}
		for j := range want {
			if math.Abs(float64(vecs[i][j]-want[j])) > 1e-6 {
				t.Fatalf("text %d (%q) got another text's vector", i, texts[i])
			}
		}
	}
	if got := s.Calls("/embeddings"); got != 2 {
		t.Errorf("%d requests for 8 texts in batches of 4, want 2", got)
	}
}

// TestIndexWithTheEmbedder builds the series index with the remote
// embedder: many passages per request, the model recorded with the index,
// and every question embedded by that same model.
func TestIndexWithTheEmbedder(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	ps := corpus.Default().Passages(0)
	ix, err := retrieval.Build(testCtx(t), ps, embedder(s, 8))
	if err != nil {
		t.Fatal(err)
	}
	built := s.Calls("/embeddings")
	if want := (len(ps) + 7) / 8; built != want || built >= len(ps) {
		t.Errorf("%d requests for %d passages, want %d", built, len(ps), want)
	}
	if ix.Embedder() != "openai:"+openaitest.DefaultEmbeddingModel {
		t.Errorf("index records embedder %q", ix.Embedder())
	}
	hits, err := ix.Search(testCtx(t), "How much revenue did Alibaba Cloud make?", retrieval.Options{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "RMB60 billion") {
		t.Errorf("top hit does not hold the answer: %+v", hits)
	}
	if got := s.Calls("/embeddings") - built; got != 1 {
		t.Errorf("search made %d embeddings requests, want 1 (the question)", got)
	}
	var sawQuestion bool
	for _, r := range s.Requests() {
		if r.Path == "/v1/embeddings" && r.Body["model"] == openaitest.DefaultEmbeddingModel &&
			strings.Contains(string(r.RawBody), "How much revenue did Alibaba Cloud make?") {
			sawQuestion = true
		}
	}
	if !sawQuestion {
		t.Error("the question was not embedded with the index's model")
	}
}

func TestEmbedderErrors(t *testing.T) {
	t.Run("unknown model", func(t *testing.T) {
		s := openaitest.New(t)
		e := embedder(s, 0)
		e.Model = "text-embedding-nonexistent"
		_, err := e.Embed(testCtx(t), []string{"a"})
		if err == nil || !strings.Contains(err.Error(), "text-embedding-nonexistent") {
			t.Errorf("err = %v, want it to name the model", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		s := openaitest.New(t)
		s.FailNext(openaitest.SlowFirstToken{Delay: time.Hour})
		e := embedder(s, 0)
		e.Timeout = 50 * time.Millisecond
		_, err := e.Embed(testCtx(t), []string{"a"})
		if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("err = %v, want the deadline named", err)
		}
	})
	t.Run("build reports the embedder", func(t *testing.T) {
		s := openaitest.New(t)
		e := embedder(s, 0)
		e.Retry = llm.Retry{Attempts: 1}
		s.FailNext(openaitest.ServerError{})
		_, err := retrieval.Build(testCtx(t), corpus.Default().Passages(0), e)
		if err == nil || !strings.Contains(err.Error(), "openai:"+openaitest.DefaultEmbeddingModel) {
			t.Errorf("err = %v, want the embedder named", err)
		}
	})
}

// TestEmbedderRetries: a request the service fails is tried again under the
// same policy as chat calls; one it rejects is not.
func TestEmbedderRetries(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.ServerError{})
	s.FailNext(openaitest.RateLimited{})
	if _, err := embedder(s, 0).Embed(testCtx(t), []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("/embeddings"); n != 3 {
		t.Errorf("%d requests, want 3 (a 500 and a 429 retried)", n)
	}

	e := embedder(s, 0)
	e.Model = "text-embedding-nonexistent"
	before := s.Calls("/embeddings")
	if _, err := e.Embed(testCtx(t), []string{"a"}); err == nil {
		t.Fatal("an unknown model embedded")
	}
	if n := s.Calls("/embeddings") - before; n != 1 {
		t.Errorf("%d requests for an unknown model, want 1: it is not retried", n)
	}
}
