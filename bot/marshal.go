package bot

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// snapshotFormat numbers the layout of snapshotData.
const snapshotFormat = 1

// snapshotData is a Snapshot as MarshalBinary writes it. The library is
// JSON, which writes maps in the order of their keys, so that the same
// snapshot is always the same bytes.
type snapshotData struct {
	Format      int
	Series      string
	Fingerprint string
	Library     []byte
	Index       []byte
	// Kinds are the kinds of answer each sentence of each passage of the
	// index holds, in its order: a search that prefers a kind weighs
	// every passage by them, and reading them was most of a first answer.
	Kinds [][]kindSet
}

// MarshalBinary writes the snapshot down, for UnmarshalSnapshot to serve
// without reading the corpus or indexing it again. Only a snapshot of the
// local embedder is written (see retrieval.Index.MarshalBinary), of
// passages of the default length (Loader.MaxChars unset).
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	if s.Local != nil {
		return nil, fmt.Errorf("write snapshot: it is indexed with %s, which is not written whole", s.Index.Embedder())
	}
	if err := holdsPassages(s.Index, s.Corpus); err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	ix, err := s.Index.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	lib, err := json.Marshal(s.Corpus)
	if err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	var buf bytes.Buffer
	d := snapshotData{Format: snapshotFormat, Series: s.Series, Fingerprint: s.fingerprint, Library: lib, Index: ix}
	for _, p := range s.Index.Passages() {
		d.Kinds = append(d.Kinds, sentenceKinds(p))
	}
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		return nil, fmt.Errorf("write snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalSnapshot reads a snapshot MarshalBinary wrote. Its index must
// hold the library's passages, exactly: data that does not is an error
// wrapping retrieval.ErrIndexFormat.
func UnmarshalSnapshot(ctx context.Context, data []byte) (*Snapshot, error) {
	var d snapshotData
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&d); err != nil {
		return nil, fmt.Errorf("read snapshot: %w: %w", retrieval.ErrIndexFormat, err)
	}
	if d.Format != snapshotFormat {
		return nil, fmt.Errorf("read snapshot: %w: format %d, not %d", retrieval.ErrIndexFormat, d.Format, snapshotFormat)
	}
	var lib corpus.Library
	if err := json.Unmarshal(d.Library, &lib); err != nil {
		return nil, fmt.Errorf("read snapshot: %w: library: %w", retrieval.ErrIndexFormat, err)
	}
	ix, err := retrieval.UnmarshalIndex(ctx, d.Index)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	if err := holdsPassages(ix, &lib); err != nil {
		return nil, fmt.Errorf("read snapshot: %w: %w", retrieval.ErrIndexFormat, err)
	}
	if len(d.Kinds) != ix.Len() {
		return nil, fmt.Errorf("read snapshot: %w: the kinds of answer of %d passages for %d", retrieval.ErrIndexFormat, len(d.Kinds), ix.Len())
	}
	snap := &Snapshot{Corpus: &lib, Index: ix, Series: d.Series, fingerprint: d.Fingerprint,
		kindsRead: make(map[string]kindSet, ix.Len()), sentenceKinds: make(map[string][]kindSet, ix.Len())}
	for i, p := range ix.Passages() {
		var k kindSet
		for _, s := range d.Kinds[i] {
			k |= s
		}
		snap.kindsRead[p.ID], snap.sentenceKinds[p.ID] = k, d.Kinds[i]
	}
	return snap, nil
}

// holdsPassages checks that ix holds the passages of lib, of the default
// length, and no others.
func holdsPassages(ix *retrieval.Index, lib *corpus.Library) error {
	passages := lib.Passages(0)
	if len(passages) != ix.Len() {
		return fmt.Errorf("an index of %d passages for a library of %d", ix.Len(), len(passages))
	}
	for i, p := range ix.Passages() {
		if p != passages[i] {
			return fmt.Errorf("the index holds passage %s as the library does not", p.ID)
		}
	}
	return nil
}
