package retrieval

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"

	"seriesbot/corpus"
)

// indexFormat numbers the layout of indexData; an index written in
// another is not read.
const indexFormat = 1

// indexData is what an index built with the local embedder learned from
// its passages, as MarshalBinary writes it. What is cheap to derive
// again (the BM25 postings, each passage's term set, the vector store) is
// derived from it, so that it cannot disagree with the rest.
type indexData struct {
	Format   int
	Passages []corpus.Passage
	Hashes   []string
	Model    string
	// Dims is the local embedder's width. Its vectors are sparse (a
	// passage has a few dozen terms, hashed into thousands of slots), so
	// each passage's is written as the slots it fills, in order, and what
	// it holds there.
	Dims   int
	Slots  [][]int32
	Values [][]float32
	// Terms are each passage's content terms in order, what BM25 counts.
	Terms    [][]string
	IDF      sorted[string, float64]
	MaxIDF   float64
	Vocab    vocabularyData
	Aliases  aliasData
	Entities []entityData
}

type vocabularyData struct {
	Stems     sorted[string, string]
	Count     sorted[string, int]
	ByLength  sorted[int, []string]
	Names     sorted[string, bool]
	Subject   string
	Qualifier sorted[string, string]
}

type aliasData struct {
	Han    []string
	Name   sorted[string, string]
	Pinyin []pinyinData
}

// sorted is a map written as its keys in order and their values: gob
// writes a map in the order it ranges over it, and the same index should
// be written as the same bytes (TestMarshalIsDeterministic).
type sorted[K cmp.Ordered, V any] struct {
	Keys   []K
	Values []V
}

func sortedOf[K cmp.Ordered, V any](m map[K]V) sorted[K, V] {
	s := sorted[K, V]{Keys: slices.Sorted(maps.Keys(m))}
	for _, k := range s.Keys {
		s.Values = append(s.Values, m[k])
	}
	return s
}

// toMap is the map s was written from; never nil, as the maps of a
// built index are not.
func (s sorted[K, V]) toMap() (map[K]V, error) {
	if len(s.Keys) != len(s.Values) {
		return nil, fmt.Errorf("%w: %d keys with %d values", ErrIndexFormat, len(s.Keys), len(s.Values))
	}
	m := make(map[K]V, len(s.Keys))
	for i, k := range s.Keys {
		m[k] = s.Values[i]
	}
	return m, nil
}

type pinyinData struct{ Expr, Name, Joined string }

type entityData struct{ Words, Pairs, Telling []string }

// MarshalBinary writes the index down, so that UnmarshalBinary reads it
// back without analysing a passage: a program that answers one question
// and exits spends most of its time building the index otherwise. Only an
// index of the local embedder can be written: a remote embedder is a
// server, not data (its vectors are kept with Export).
func (ix *Index) MarshalBinary() ([]byte, error) {
	d, err := ix.data()
	if err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	return buf.Bytes(), nil
}

// data is what MarshalBinary writes of ix.
func (ix *Index) data() (indexData, error) {
	local, ok := ix.emb.(*LocalEmbedder)
	if !ok {
		return indexData{}, fmt.Errorf("the vectors of %s are kept with Export; only a local index is written whole", ix.emb.Name())
	}
	d := indexData{
		Format: indexFormat, Passages: ix.passages, Hashes: ix.hashes, Model: ix.model,
		Dims: ix.dims, Slots: make([][]int32, len(ix.vecs)), Values: make([][]float32, len(ix.vecs)),
		Terms: make([][]string, len(ix.passages)), IDF: sortedOf(local.idf), MaxIDF: local.maxIDF,
		Vocab: vocabularyData{Stems: sortedOf(ix.vocab.stems), Count: sortedOf(ix.vocab.count), ByLength: sortedOf(ix.vocab.byLength),
			Names: sortedOf(ix.vocab.names), Subject: ix.vocab.subject, Qualifier: sortedOf(ix.vocab.qualifier)},
		Aliases: aliasData{Han: ix.aliases.han, Name: sortedOf(ix.aliases.name)},
	}
	if local.dims != ix.dims && len(ix.vecs) > 0 {
		return indexData{}, fmt.Errorf("vectors of %d dimensions from an embedder of %d", ix.dims, local.dims)
	}
	for i, v := range ix.vecs {
		for slot, f := range v {
			if f != 0 {
				d.Slots[i] = append(d.Slots[i], int32(slot))
				d.Values[i] = append(d.Values[i], f)
			}
		}
	}
	for i, p := range ix.passages {
		d.Terms[i] = contentOf(analyze(indexedText(p)))
	}
	for _, p := range ix.aliases.pinyin {
		d.Aliases.Pinyin = append(d.Aliases.Pinyin, pinyinData{Expr: p.expr, Name: p.name, Joined: p.joined})
	}
	for _, e := range ix.entities {
		d.Entities = append(d.Entities, entityData{Words: e.words, Pairs: e.pairs, Telling: e.telling})
	}
	return d, nil
}

// SameAs reports how o differs from ix in what MarshalBinary writes of
// them, or nil when it does not: so that an index written down can be
// checked against one built again. Their inverse document frequencies
// need only agree to nine digits, and their unit vectors to a millionth:
// the same counts give other last digits on other processors, as math.Log
// is assembly on amd64 and Go elsewhere, and arm64 fuses multiplies with
// the adds after them. A figure of another count or another formula
// differs by far more.
func (ix *Index) SameAs(o *Index) error {
	a, err := ix.data()
	if err != nil {
		return err
	}
	b, err := o.data()
	if err != nil {
		return err
	}
	if len(ix.vecs) != len(o.vecs) || ix.dims != o.dims {
		return fmt.Errorf("%d vectors of %d dimensions against %d of %d", len(ix.vecs), ix.dims, len(o.vecs), o.dims)
	}
	for i, v := range ix.vecs {
		for slot, f := range v {
			if g := o.vecs[i][slot]; math.Abs(float64(f)-float64(g)) > 1e-6 {
				return fmt.Errorf("the vector of passage %s holds %g against %g in slot %d", ix.passages[i].ID, f, g, slot)
			}
		}
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y)) }
	if !near(a.MaxIDF, b.MaxIDF) {
		return fmt.Errorf("the inverse document frequency of a word no passage holds is %g against %g", a.MaxIDF, b.MaxIDF)
	}
	if slices.Equal(a.IDF.Keys, b.IDF.Keys) {
		for i, k := range a.IDF.Keys {
			if !near(a.IDF.Values[i], b.IDF.Values[i]) {
				return fmt.Errorf("the inverse document frequency of %q is %g against %g", k, a.IDF.Values[i], b.IDF.Values[i])
			}
		}
		a.IDF.Values, b.IDF.Values = nil, nil
	}
	// What is left is compared exactly, a field at a time, to say which.
	a.MaxIDF, b.MaxIDF = 0, 0
	a.Slots, a.Values, b.Slots, b.Values = nil, nil, nil, nil
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return fmt.Errorf("their %s differ", va.Type().Field(i).Name)
		}
	}
	return nil
}

// ErrIndexFormat marks data that MarshalBinary did not write, or wrote in
// another format.
var ErrIndexFormat = errors.New("not an index in this program's format")

// UnmarshalIndex reads an index MarshalBinary wrote. What it holds is
// checked against itself (a vector and a hash for every passage, each hash
// the passage's), so that data written for other passages, or cut short,
// is an error and never an index that answers wrongly.
func UnmarshalIndex(ctx context.Context, data []byte) (*Index, error) {
	var d indexData
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&d); err != nil {
		return nil, fmt.Errorf("read index: %w: %w", ErrIndexFormat, err)
	}
	if d.Format != indexFormat {
		return nil, fmt.Errorf("read index: %w: format %d, not %d", ErrIndexFormat, d.Format, indexFormat)
	}
	n := len(d.Passages)
	if len(d.Hashes) != n || len(d.Terms) != n || len(d.Slots) != n || len(d.Values) != n || d.Dims <= 0 {
		return nil, fmt.Errorf("read index: %w: %d passages with %d hashes, %d term lists and %d vectors of %d dimensions",
			ErrIndexFormat, n, len(d.Hashes), len(d.Terms), len(d.Slots), d.Dims)
	}
	local := &LocalEmbedder{dims: d.Dims, maxIDF: d.MaxIDF}
	ix := &Index{
		passages: d.Passages,
		byID:     make(map[string]int, n),
		terms:    make([]map[string]bool, n),
		lex:      newBM25(d.Terms),
		emb:      local,
		model:    d.Model,
		hashes:   d.Hashes,
		vocab:    vocabulary{subject: d.Vocab.Subject},
		aliases:  aliases{han: d.Aliases.Han},
	}
	var errs [7]error
	local.idf, errs[0] = d.IDF.toMap()
	ix.vocab.stems, errs[1] = d.Vocab.Stems.toMap()
	ix.vocab.count, errs[2] = d.Vocab.Count.toMap()
	ix.vocab.byLength, errs[3] = d.Vocab.ByLength.toMap()
	ix.vocab.names, errs[4] = d.Vocab.Names.toMap()
	ix.vocab.qualifier, errs[5] = d.Vocab.Qualifier.toMap()
	ix.aliases.name, errs[6] = d.Aliases.Name.toMap()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	texts := make([]string, n)
	vecs := make([][]float32, n)
	all := make([]float32, d.Dims*n)
	for i, p := range d.Passages {
		vecs[i] = all[i*d.Dims : (i+1)*d.Dims : (i+1)*d.Dims]
		if len(d.Slots[i]) != len(d.Values[i]) {
			return nil, fmt.Errorf("read index: %w: passage %s has %d slots for %d values", ErrIndexFormat, p.ID, len(d.Slots[i]), len(d.Values[i]))
		}
		for j, slot := range d.Slots[i] {
			if slot < 0 || int(slot) >= d.Dims {
				return nil, fmt.Errorf("read index: %w: passage %s has slot %d of %d", ErrIndexFormat, p.ID, slot, d.Dims)
			}
			vecs[i][slot] = d.Values[i][j]
		}
		if _, dup := ix.byID[p.ID]; dup || p.ID == "" {
			return nil, fmt.Errorf("read index: %w: passage %d has a missing or duplicate id %q", ErrIndexFormat, i, p.ID)
		}
		ix.byID[p.ID] = i
		texts[i] = indexedText(p)
		if contentHash(texts[i]) != d.Hashes[i] {
			return nil, fmt.Errorf("read index: %w: passage %s does not have the text it was indexed with", ErrIndexFormat, p.ID)
		}
		ix.terms[i] = make(map[string]bool, len(d.Terms[i]))
		for _, t := range d.Terms[i] {
			ix.terms[i][t] = true
		}
	}
	for _, p := range d.Aliases.Pinyin {
		ix.aliases.pinyin = append(ix.aliases.pinyin, pinyinAlias{expr: p.Expr, re: lazily(p.Expr), name: p.Name, joined: p.Joined})
	}
	ix.aliases.isName = func(w string) bool { t, ok := ix.vocab.stems[w]; return ok && ix.vocab.names[t] }
	for _, e := range d.Entities {
		ix.entities = append(ix.entities, entity{words: e.Words, pairs: e.Pairs, telling: e.Telling})
	}
	ix.lex.names = ix.vocab.names
	if err := ix.store(ctx, texts, vecs); err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return ix, nil
}
