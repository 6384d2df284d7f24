package llm

import (
	"context"
	"errors"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults of Embedder.
const (
	// DefaultEmbedBatch is how many texts go in one embeddings request.
	// The API takes up to 2,048; smaller batches keep each request well
	// inside its token limit and its deadline with passages of 700
	// characters, while embedding the whole series in one or two requests.
	DefaultEmbedBatch = 64
	// DefaultEmbedTimeout bounds one embeddings request, retries included.
	DefaultEmbedTimeout = 30 * time.Second
)

// Embedder makes vectors for retrieval with an embedding model of the OpenAI
// API, or of any server that speaks it.
//
// Vectors of different models live in different spaces and must never be
// compared. An Index keeps the embedder it was built with and embeds every
// question with it, so an index built with one model is never queried with
// another (Name is also written into the vector collection's metadata, for
// anyone inspecting it); switching models means building a new index.
type Embedder struct {
	Client *openai.Client
	Model  string
	// Batch is how many texts go in one request; 0 means DefaultEmbedBatch.
	Batch int
	// Timeout bounds each request, retries included; 0 means
	// DefaultEmbedTimeout. The client itself has no timeout: like every
	// network call here, the deadline is on the context.
	Timeout time.Duration
	// Retry decides whether and when a failed request is tried again; the
	// zero Retry is the default policy, as for Chat.
	Retry Retry
}

// Name implements retrieval.Embedder: "openai:" and the model.
func (e *Embedder) Name() string { return "openai:" + e.Model }

// Embed implements retrieval.Embedder. Texts are sent Batch at a time; the
// vectors of a response are placed by their index, which the API reference
// gives as the position of the input (it does not promise the order).
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	batch := e.Batch
	if batch <= 0 {
		batch = DefaultEmbedBatch
	}
	out := make([][]float32, 0, len(texts))
	dims := 0
	for start := 0; start < len(texts); start += batch {
		in := texts[start:min(start+batch, len(texts))]
		vecs, err := e.embedBatch(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("embed with %s: texts %d-%d of %d: %w", e.Model, start+1, start+len(in), len(texts), err)
		}
		for i, v := range vecs {
			if dims == 0 {
				dims = len(v)
			}
			if len(v) != dims {
				return nil, fmt.Errorf("embed with %s: text %d has a vector of %d dimensions, others %d", e.Model, start+i+1, len(v), dims)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// embedBatch sends one request and returns its vectors in input order.
func (e *Embedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	input := make([]string, len(texts))
	for i, t := range texts {
		// The API rejects an empty input; a blank one embeds as
		// "nothing", which is what an empty text means.
		if t == "" {
			t = " "
		}
		input[i] = t
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = DefaultEmbedTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var resp openai.EmbeddingResponse
	call := func(ctx context.Context) error {
		var err error
		resp, err = e.Client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
			Input: input,
			Model: openai.EmbeddingModel(e.Model),
		})
		return err
	}
	if err := e.Retry.Do(ctx, call); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer within %v: %w", timeout, err)
		}
		return nil, err
	}

	vecs := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) {
			return nil, fmt.Errorf("the response has a vector for input %d of %d", d.Index, len(texts))
		}
		if vecs[d.Index] != nil {
			return nil, fmt.Errorf("the response has two vectors for input %d", d.Index)
		}
		if len(d.Embedding) == 0 {
			return nil, fmt.Errorf("the response has an empty vector for input %d", d.Index)
		}
		vecs[d.Index] = d.Embedding
	}
	for i, v := range vecs {
		if v == nil {
			return nil, fmt.Errorf("the response has no vector for input %d of %d", i, len(texts))
		}
	}
	return vecs, nil
}
