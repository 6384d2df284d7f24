package bot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// Snapshot is what the answerer serves: the corpus and the index built over
// it, swapped together on reload so they never disagree.
type Snapshot struct {
	Corpus *corpus.Library
	// Index is searched with the embedder it was built with, which it
	// holds: vectors of two models are never compared.
	Index *retrieval.Index
	// Local indexes the same passages with the local embedder when Index
	// uses a remote one, so that a question is still answered when the
	// remote embedder fails. Nil otherwise.
	Local *retrieval.Index
	// Series is what the prompts call the corpus; empty means
	// prompts.DefaultSeries.
	Series string

	// read holds what answering needs of each passage, by ID, read once
	// (see readPassages): a question is answered in a fraction of a
	// millisecond because its sentences are not analysed again for it.
	readOnce sync.Once
	read     map[string]*readPassage
}

// readPassage is a passage as answering reads it: its sentences with their
// terms and the kinds of answer each can hold, its heading's terms, and
// the kinds of answer the whole passage holds.
type readPassage struct {
	heading   retrieval.TermSet
	sentences []readSentence
	kinds     kindSet
}

type readSentence struct {
	text  string
	terms retrieval.TermSet
	kinds kindSet
	// presents marks a sentence that says what a part of the series
	// presents; lead is its first word past an opening phrase, where its
	// subject stands (see opensWith).
	presents bool
	lead     string
}

// passage returns what answering needs of p, read when the snapshot was
// first used, or now for a passage the index does not hold.
func (s *Snapshot) passage(p corpus.Passage) *readPassage {
	s.readAll()
	if r, ok := s.read[p.ID]; ok {
		return r
	}
	return readOne(s.Index, p)
}

// readAll reads the passages, once.
func (s *Snapshot) readAll() { s.readOnce.Do(func() { s.read = readPassages(s.Index) }) }

// readPassages reads every passage of ix. Local, when there is one, holds
// the same passages.
func readPassages(ix *retrieval.Index) map[string]*readPassage {
	out := make(map[string]*readPassage, ix.Len())
	for _, p := range ix.Passages() {
		out[p.ID] = readOne(ix, p)
	}
	return out
}

func readOne(ix *retrieval.Index, p corpus.Passage) *readPassage {
	r := &readPassage{heading: ix.Terms(p.Section)}
	for _, s := range corpus.Sentences(p.Text) {
		rs := readSentence{
			text:     s,
			terms:    ix.Terms(s),
			kinds:    kindsOf(s),
			presents: presentsTheSeries.MatchString(s),
			lead:     leadWord(s),
		}
		r.kinds |= rs.kinds
		r.sentences = append(r.sentences, rs)
	}
	return r
}

// Loader builds what the answerer serves from a corpus source. It is kept
// by the caller so that a reload re-reads the same source the same way.
type Loader struct {
	// Dir is a folder of articles; empty means the embedded default corpus.
	Dir string
	// Embedder makes passage vectors; nil means the offline local embedder.
	// A remote one (bot/llm's) is called for every passage on each load,
	// and a local index is built beside it as a fallback (Snapshot.Local).
	Embedder retrieval.Embedder
	// MaxChars bounds passages; 0 means the corpus default.
	MaxChars int
}

// Load reads the corpus and builds its index. Files that could not be read
// are reported in warn (a *corpus.LoadError) while the rest load; err is
// set only when nothing usable was loaded.
func (l Loader) Load(ctx context.Context) (snap *Snapshot, warn error, err error) {
	var c *corpus.Library
	if l.Dir == "" {
		c = corpus.Default()
	} else {
		st, statErr := os.Stat(l.Dir)
		if statErr != nil {
			return nil, nil, fmt.Errorf("corpus %s: %w", l.Dir, statErr)
		}
		if !st.IsDir() {
			return nil, nil, fmt.Errorf("corpus %s: not a directory", l.Dir)
		}
		c, err = corpus.Load(os.DirFS(l.Dir))
		var le *corpus.LoadError
		if errors.As(err, &le) && c != nil {
			warn, err = err, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("corpus %s: %w", l.Dir, err)
		}
	}
	passages := c.Passages(l.MaxChars)
	ix, err := retrieval.Build(ctx, passages, l.Embedder)
	if err != nil {
		return nil, warn, err
	}
	snap = &Snapshot{Corpus: c, Index: ix, Series: seriesName(l.Dir, c)}
	if l.Embedder != nil {
		// Milliseconds to build, and it keeps questions answered when
		// the remote embedder is down.
		if snap.Local, err = retrieval.Build(ctx, passages, nil); err != nil {
			return nil, warn, err
		}
	}
	snap.readAll() // now, not on the first question
	return snap, warn, nil
}

// seriesName is what the prompts call a corpus: empty (the default) for the
// embedded series, else the series its manifest or articles name.
func seriesName(dir string, c *corpus.Library) string {
	switch {
	case dir == "":
		return ""
	case c.Manifest.Series != "":
		return "the " + c.Manifest.Series + " article series"
	}
	return "an article series"
}
