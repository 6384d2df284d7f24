package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"seriesbot/corpus"
)

// SourceReport is what reading the corpus met: pages fetched (a reader
// that fetches fills Fetched) and the sources that could not be read.
type SourceReport struct {
	Fetched FetchCounts
	// Errors names each source that failed and why; each is an article
	// not read this time.
	Errors []SourceError
	// Stale names the sources among Errors whose article from before is
	// served in their place.
	Stale []string
	// warn is the corpus's own error for the skipped files, for Load.
	warn error
}

// FetchCounts count the pages a reload fetched.
type FetchCounts struct {
	OK          int `json:"ok"`
	NotModified int `json:"not_modified"`
	Failed      int `json:"failed"`
}

// SourceError is one source that could not be used, by name.
type SourceError struct {
	Source string `json:"source"`
	Error  string `json:"error"`
}

// ArticleCounts compare the articles of a load with those served or
// stored before it, each by the hash of its content.
type ArticleCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
	// Failed counts the sources that could not be read this time.
	Failed int `json:"failed"`
}

// Report is what a load or reload did. `seriesbot index --json` prints it
// as it is; /reload, in Discord and in the terminal, shows Text.
type Report struct {
	Articles ArticleCounts `json:"articles"`
	Passages int           `json:"passages"`
	// Embedded counts the passages the index's embedder made vectors for;
	// the others kept theirs. The local embedder is fitted on the whole
	// corpus, so with it any change embeds every passage again, offline
	// and in milliseconds.
	Embedded int           `json:"embedded"`
	Fetched  FetchCounts   `json:"fetched"`
	Errors   []SourceError `json:"errors"`
	TookMS   int64         `json:"took_ms"`
	// Saved is set when a new version was written to the store.
	Saved bool `json:"-"`
	// Stale names the sources among Errors whose article from before is
	// still served (counted as failed, not as unchanged).
	Stale []string `json:"-"`

	warn error
}

// Text is the report for a person, one line per subject.
func (r Report) Text() string {
	var b strings.Builder
	a := r.Articles
	fmt.Fprintf(&b, "Articles: %d added, %d changed, %d removed, %d unchanged, %d failed.\n", a.Added, a.Changed, a.Removed, a.Unchanged, a.Failed)
	fmt.Fprintf(&b, "Passages: %d, of which %d embedded now.\n", r.Passages, r.Embedded)
	if f := r.Fetched; f != (FetchCounts{}) {
		fmt.Fprintf(&b, "Pages: %d fetched, %d not modified, %d failed.\n", f.OK, f.NotModified, f.Failed)
	}
	for _, e := range r.Errors {
		what := "Skipped"
		if slices.Contains(r.Stale, e.Source) {
			what = "Kept as it was (not read again)"
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", what, e.Source, Clip(e.Error, 300))
	}
	fmt.Fprintf(&b, "Took %s.", (time.Duration(r.TookMS) * time.Millisecond).String())
	return b.String()
}

// diff counts the articles of next against those of prev (nil: all are
// added). The articles of the stale sources are prev's, kept because their
// source failed: they are counted as failed, not as unchanged.
func (c *ArticleCounts) diff(prev, next *corpus.Library, stale []string) {
	before := map[string]string{}
	if prev != nil {
		for _, a := range prev.Articles {
			before[articleKey(a)] = articleHash(a)
		}
	}
	seen := map[string]bool{}
	for _, a := range next.Articles {
		k := articleKey(a)
		seen[k] = true
		if slices.Contains(stale, a.Source) {
			continue
		}
		switch h, had := before[k]; {
		case !had:
			c.Added++
		case h != articleHash(a):
			c.Changed++
		default:
			c.Unchanged++
		}
	}
	for k := range before {
		if !seen[k] {
			c.Removed++
		}
	}
}

// articleKey is what an article is from one load to the next: its part of
// its series, or its source when it has no part number.
func articleKey(a corpus.Article) string {
	if a.Part > 0 {
		return "part\x00" + a.Series + "\x00" + strconv.Itoa(a.Part)
	}
	return "source\x00" + a.Source
}

// articleHash hashes everything of an article that answers show.
func articleHash(a corpus.Article) string {
	h := sha256.New()
	_ = json.NewEncoder(h).Encode(a) // plain data: it always encodes
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Follow keeps this process on the store's current index: at each tick it
// swaps in a version another process has saved since, then calls swapped
// (when set), for what depends on the corpus outside the answerer: the
// command choices a transport registered. It never runs beside a reload,
// which saves its own version. It returns when ctx ends.
func (c *Commands) Follow(ctx context.Context, ticks <-chan time.Time, swapped func()) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticks:
			if c.catchUp(ctx) && swapped != nil {
				swapped()
			}
		}
	}
}

// catchUp swaps in the store's current version if it is new, and reports
// whether it did; a reload that is running will do better.
func (c *Commands) catchUp(ctx context.Context) bool {
	if c.Loader == nil || c.Loader.Store == nil || !c.reloading.TryLock() {
		return false
	}
	defer c.reloading.Unlock()
	old := c.Answerer.Snapshot()
	snap, err := c.Loader.Latest(ctx, old)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			c.log().Warn("the index another process saved cannot be read; still serving the one we have", "store", c.Loader.Store, "version", old.Version, "err", err)
		}
	case snap != nil:
		c.Answerer.Swap(snap)
		c.log().Info("serving the index another process saved", "store", c.Loader.Store, "version", snap.Version, "before", old.Version, "passages", snap.Index.Len())
		return true
	}
	return false
}
