package bot

import (
	"context"
	"errors"
	"fmt"
	"os"

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
