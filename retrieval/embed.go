// Package retrieval indexes passages of the series and finds the ones that
// answer a question. Vectors live in chromem-go; a BM25 index over the same
// passages runs beside it and the two rankings are fused, because each
// catches what the other misses: exact names and figures (BM25) and
// loosely worded questions (vectors).
package retrieval

import (
	"context"
	"fmt"
	"math"

	chromem "github.com/philippgille/chromem-go"
)

// Embedder turns texts into vectors. It takes many texts at once because
// remote embedders bill and rate-limit per request, not per text. Vectors
// need not be of unit length: the index scales them, as chromem-go's dot
// product needs. bot/llm adapts the embedding models of OpenAI-compatible
// services to it.
type Embedder interface {
	// Name identifies the model and its settings. It is recorded with an
	// index so that vectors of two different models are never compared.
	Name() string
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// EmbeddingFunc adapts an Embedder to chromem-go's seam, for code that wants
// chromem-go to embed on its own (queries by text).
func EmbeddingFunc(e Embedder) chromem.EmbeddingFunc {
	return func(ctx context.Context, text string) ([]float32, error) {
		vs, err := e.Embed(ctx, []string{text})
		if err != nil {
			return nil, err
		}
		if len(vs) != 1 {
			return nil, fmt.Errorf("embedder %s returned %d vectors for 1 text", e.Name(), len(vs))
		}
		return vs[0], nil
	}
}

// normalize scales v to unit length in place. chromem-go compares by dot
// product and expects unit vectors; a zero vector (a text with no terms) has
// no direction, so it becomes an arbitrary unit vector rather than NaNs.
func normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		if len(v) > 0 {
			v[0] = 1
		}
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}
