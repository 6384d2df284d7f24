package retrieval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	chromem "github.com/philippgille/chromem-go"

	"seriesbot/corpus"
)

// Names in the chromem-go collection of an index. Each vector's metadata
// holds the content hash of its passage, the model that made it and its
// width: what decides whether a later build may reuse it.
const (
	collectionName = "passages"
	metaHash       = "hash"
	metaModel      = "model"
	metaDims       = "dims"
)

// contentHash identifies what a passage's vector is made from: its text
// with its heading, as the embedder sees it. A passage that moves within
// the series keeps its hash, and so its vector.
func contentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// analyzerVersion names how analyze turns text into terms. The local
// embedder's vectors are made of those terms, so vectors stored by a
// program that analysed differently (another stemmer) must not be reused
// against questions analysed by this one.
const analyzerVersion = "snowball-en-8"

// corpusFingerprint identifies the corpus the local embedder is fitted on,
// and how its texts were analysed: its term weights, and so every vector,
// change with any passage and with the analyzer.
func corpusFingerprint(hashes []string) string {
	h := sha256.New()
	h.Write([]byte(analyzerVersion))
	h.Write([]byte{0})
	for _, x := range hashes {
		h.Write([]byte(x))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Vectors are the passage vectors one model made, by content hash: what a
// later build reuses instead of embedding again.
type Vectors struct {
	// Model identifies the embedder: its name for a remote model
	// ("openai:text-embedding-3-small"), and for the local embedder its
	// name and the fingerprint of the corpus it was fitted on and of the
	// analyzer that made its terms.
	Model string
	// Dims is the width of the vectors.
	Dims   int
	byHash map[string][]float32
}

// Len is the number of vectors held.
func (v *Vectors) Len() int {
	if v == nil {
		return 0
	}
	return len(v.byHash)
}

func (v *Vectors) lookup(hash string) ([]float32, bool) {
	if v == nil {
		return nil, false
	}
	vec, ok := v.byHash[hash]
	return vec, ok
}

// findVectors returns the set made by model, or nil.
func findVectors(sets []*Vectors, model string) *Vectors {
	for _, s := range sets {
		if s != nil && s.Model == model {
			return s
		}
	}
	return nil
}

// Model identifies the embedder the index was built with, as Vectors.Model
// does.
func (ix *Index) Model() string { return ix.model }

// Vectors returns the index's vectors for a later build to reuse. They are
// shared, not copied: neither side ever writes to them.
func (ix *Index) Vectors() *Vectors {
	v := &Vectors{Model: ix.model, Dims: ix.dims, byHash: make(map[string][]float32, len(ix.hashes))}
	for i, h := range ix.hashes {
		v.byHash[h] = ix.vecs[i]
	}
	return v
}

// Export writes the index's vector collection in chromem-go's export format
// (gob, gzip-compressed): each vector with its passage's ID, text, part and
// content hash, and the model and width of the vectors. The index is fully
// built before anyone can call Export, so no half-built collection is ever
// written.
func (ix *Index) Export(w io.Writer) error {
	if err := ix.db.ExportToWriter(w, true, "", collectionName); err != nil {
		return fmt.Errorf("export index: %w", err)
	}
	return nil
}

// ImportVectors reads vectors written by Index.Export for the passages
// they were made for. Anything that does not fit those passages — a
// truncated or foreign file, a missing vector, a hash that does not match
// the passage's text, vectors of two widths — is an error: a file that
// cannot be trusted whole is not used at all.
func ImportVectors(ctx context.Context, data []byte, passages []corpus.Passage) (*Vectors, error) {
	db := chromem.NewDB()
	if err := db.ImportFromReader(bytes.NewReader(data), ""); err != nil {
		return nil, fmt.Errorf("import vectors: %w", err)
	}
	coll := db.GetCollection(collectionName, nil)
	if coll == nil {
		return nil, fmt.Errorf("import vectors: no collection %q", collectionName)
	}
	if n := coll.Count(); n != len(passages) {
		return nil, fmt.Errorf("import vectors: %d vectors for %d passages", n, len(passages))
	}
	var v *Vectors
	for _, p := range passages {
		doc, err := coll.GetByID(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("import vectors: passage %s: %w", p.ID, err)
		}
		h := contentHash(indexedText(p))
		if doc.Metadata[metaHash] != h {
			return nil, fmt.Errorf("import vectors: passage %s: the vector was made for other text", p.ID)
		}
		model, dims := doc.Metadata[metaModel], doc.Metadata[metaDims]
		if v == nil {
			n, err := strconv.Atoi(dims)
			if err != nil || model == "" {
				return nil, fmt.Errorf("import vectors: passage %s: the vector does not name its model and width", p.ID)
			}
			v = &Vectors{Model: model, Dims: n, byHash: make(map[string][]float32, len(passages))}
		}
		if model != v.Model || dims != strconv.Itoa(v.Dims) || len(doc.Embedding) != v.Dims {
			return nil, fmt.Errorf("import vectors: passage %s: a vector of %d dimensions by %q among vectors of %d by %q", p.ID, len(doc.Embedding), model, v.Dims, v.Model)
		}
		v.byHash[h] = doc.Embedding
	}
	if v == nil {
		v = &Vectors{}
	}
	return v, nil
}
