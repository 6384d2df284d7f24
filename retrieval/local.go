package retrieval

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
)

// DefaultDims is the width of the local embedder's vectors. Wider vectors
// mean fewer hash collisions between unrelated terms and a slower scan;
// 2048 keeps collisions rare for a corpus of this size.
const DefaultDims = 2048

// LocalEmbedder is the offline embedder: hashed TF-IDF features of stemmed
// words, word pairs and CJK character bigrams, L2-normalised. It needs no
// network and no model files, and gives the same vector for the same text on
// every machine, which makes answers reproducible and tests exact.
//
// It learns inverse document frequencies from the corpus it is built for, so
// an index builds its own LocalEmbedder; terms it never saw count as rare.
type LocalEmbedder struct {
	dims   int
	idf    map[string]float64
	maxIDF float64
}

// NewLocalEmbedder fits term weights on docs. dims ≤ 0 means DefaultDims.
func NewLocalEmbedder(docs []string, dims int) *LocalEmbedder {
	analyzed := make([][]term, len(docs))
	for i, d := range docs {
		analyzed[i] = analyze(d)
	}
	return fitLocal(analyzed, dims)
}

// fitLocal is NewLocalEmbedder for documents already analysed.
func fitLocal(docs [][]term, dims int) *LocalEmbedder {
	if dims <= 0 {
		dims = DefaultDims
	}
	df := make(map[string]int)
	for _, d := range docs {
		seen := make(map[string]bool)
		for _, t := range d {
			if !seen[t.text] {
				seen[t.text] = true
				df[t.text]++
			}
		}
	}
	e := &LocalEmbedder{dims: dims, idf: make(map[string]float64, len(df))}
	n := float64(len(docs))
	for t, c := range df {
		e.idf[t] = idf(n, float64(c))
	}
	e.maxIDF = idf(n, 0)
	return e
}

// idf is BM25's inverse document frequency, which stays positive for terms
// found in most documents.
func idf(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Name implements Embedder.
func (e *LocalEmbedder) Name() string { return fmt.Sprintf("local-hash-tfidf-%d", e.dims) }

// Embed implements Embedder. It never fails and never blocks.
func (e *LocalEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vector(t)
	}
	return out, nil
}

func (e *LocalEmbedder) vector(text string) []float32 { return e.vectorOf(analyze(text)) }

// vectorOf is the vector of a text already analysed into terms.
func (e *LocalEmbedder) vectorOf(terms []term) []float32 {
	type stat struct{ count, weight float64 }
	tf := make(map[string]*stat)
	order := make([]string, 0, 32)
	for _, t := range terms {
		st, ok := tf[t.text]
		if !ok {
			st = &stat{weight: t.weight}
			tf[t.text] = st
			order = append(order, t.text)
		}
		st.count++
	}
	// The sums are kept apart and the vector written once, each slot
	// only: a vector's memory is fresh from the system, and a page read
	// before it is written is faulted in twice (the shared zero page, then
	// a copy of it, which flushes every core's address cache). Made that
	// way, the vectors of a corpus cost more than their arithmetic.
	sums := make(map[int]float32, len(order))
	slots := make([]int, 0, len(order))
	for _, t := range order {
		w, ok := e.idf[t]
		if !ok {
			w = e.maxIDF
		}
		w *= tf[t].weight * (1 + math.Log(tf[t].count))
		h := fnv.New64a()
		h.Write([]byte(t))
		s := h.Sum64()
		i := int(s % uint64(e.dims))
		if s>>63 == 1 {
			w = -w
		}
		if _, ok := sums[i]; !ok {
			slots = append(slots, i)
		}
		sums[i] += float32(w)
	}
	// As normalize does, in the same order: the same vector to the bit.
	slices.Sort(slots)
	var sum float64
	for _, i := range slots {
		sum += float64(sums[i]) * float64(sums[i])
	}
	v := make([]float32, e.dims)
	if sum == 0 {
		if len(v) > 0 {
			v[0] = 1
		}
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for _, i := range slots {
		v[i] = sums[i] * inv
	}
	return v
}
