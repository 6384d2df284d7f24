package bot

import (
	"context"
	"errors"
	"fmt"
	"os"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// Loader builds what the answerer serves from a corpus source. It is kept
// by the caller so that a reload re-reads the same source the same way.
type Loader struct {
	// Dir is a folder of articles; empty means the embedded default corpus.
	Dir string
	// Embedder makes passage vectors; nil means the offline local embedder.
	// A remote one (retrieval.OpenAIEmbedder) is called for every passage
	// on each load, and a local index is built beside it as a fallback
	// (Library.Local).
	Embedder retrieval.Embedder
	// MaxChars bounds passages; 0 means the corpus default.
	MaxChars int
}

// Load reads the corpus and builds its index. Files that could not be read
// are reported in warn (a *corpus.LoadError) while the rest load; err is
// set only when nothing usable was loaded.
func (l Loader) Load(ctx context.Context) (lib *Library, warn error, err error) {
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
	lib = &Library{Corpus: c, Index: ix, Series: seriesName(l.Dir, c)}
	if l.Embedder != nil {
		// Milliseconds to build, and it keeps questions answered when
		// the remote embedder is down.
		if lib.Local, err = retrieval.Build(ctx, passages, nil); err != nil {
			return nil, warn, err
		}
	}
	return lib, warn, nil
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
