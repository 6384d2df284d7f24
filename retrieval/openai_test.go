package retrieval

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/corpus"
	"seriesbot/internal/openaitest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func openaiEmbedder(s *openaitest.Server, batch int) *OpenAIEmbedder {
	return &OpenAIEmbedder{
		Client: openai.NewClientWithConfig(s.ClientConfig()),
		Model:  openaitest.DefaultEmbeddingModel,
		Batch:  batch,
	}
}

// TestOpenAIEmbedderMapsVectorsByIndex: the fake returns vectors out of
// input order; each text must still get its own vector, in batches.
func TestOpenAIEmbedderMapsVectorsByIndex(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	e := openaiEmbedder(s, 4)
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
		var norm float64
		for j := range want {
			if math.Abs(float64(vecs[i][j]-want[j])) > 1e-6 {
				t.Fatalf("text %d (%q) got another text's vector", i, texts[i])
			}
			norm += float64(vecs[i][j]) * float64(vecs[i][j])
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Errorf("text %d: |v|² = %f, want 1", i, norm)
		}
	}
	if got := s.Calls("/embeddings"); got != 2 {
		t.Errorf("%d requests for 8 texts in batches of 4, want 2", got)
	}
}

// TestIndexWithOpenAIEmbedder builds the series index with the remote
// embedder: many passages per request, the model recorded with the index,
// and every question embedded by that same model.
func TestIndexWithOpenAIEmbedder(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	ps := corpus.Default().Passages(0)
	e := openaiEmbedder(s, 8)
	ix, err := Build(testCtx(t), ps, e)
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
	hits, err := ix.Search(testCtx(t), "How much revenue did Alibaba Cloud make?", Options{K: 3})
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

func TestOpenAIEmbedderErrors(t *testing.T) {
	t.Run("unknown model", func(t *testing.T) {
		s := openaitest.New(t)
		e := openaiEmbedder(s, 0)
		e.Model = "text-embedding-nonexistent"
		_, err := e.Embed(testCtx(t), []string{"a"})
		if err == nil || !strings.Contains(err.Error(), "text-embedding-nonexistent") {
			t.Errorf("err = %v, want it to name the model", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		s := openaitest.New(t)
		s.FailNext(openaitest.SlowFirstToken{Delay: time.Hour})
		e := openaiEmbedder(s, 0)
		e.Timeout = 50 * time.Millisecond
		_, err := e.Embed(testCtx(t), []string{"a"})
		if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("err = %v, want the deadline named", err)
		}
	})
	t.Run("build reports the embedder", func(t *testing.T) {
		s := openaitest.New(t)
		s.FailNext(openaitest.ServerError{})
		_, err := Build(testCtx(t), corpus.Default().Passages(0), openaiEmbedder(s, 0))
		if err == nil || !strings.Contains(err.Error(), "openai:"+openaitest.DefaultEmbeddingModel) {
			t.Errorf("err = %v, want the embedder named", err)
		}
	})
}

// TestOpenAIEmbedderRetry: each request goes through Retry, which decides
// about trying again.
func TestOpenAIEmbedderRetry(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.ServerError{})
	e := openaiEmbedder(s, 0)
	tries := 0
	e.Retry = func(ctx context.Context, call func(context.Context) error) error {
		var err error
		for range 2 {
			tries++
			if err = call(ctx); err == nil {
				return nil
			}
		}
		return err
	}
	if _, err := e.Embed(testCtx(t), []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if tries != 2 || s.Calls("/embeddings") != 2 {
		t.Errorf("tries %d, requests %d, want 2 and 2", tries, s.Calls("/embeddings"))
	}
}
