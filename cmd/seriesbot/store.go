package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"seriesbot/retrieval"
)

// Environment of the index on disk.
const (
	envDataDir   = "SERIESBOT_DATA_DIR"
	envIndexPoll = "SERIESBOT_INDEX_POLL"
)

// defaultDataDir is where serve and index keep the index unless told;
// a one-off ask or chat keeps it in memory unless given one.
const defaultDataDir = "./data"

// defaultIndexPoll is how often serve looks for an index another shard
// saved.
const defaultIndexPoll = 30 * time.Second

// storeFlags say where the index is kept and how the corpus is read.
type storeFlags struct {
	dataDir      string
	strict       bool
	allowPrivate bool
	// fallback is the data directory when neither the flag nor the
	// environment gives one; empty keeps the index in memory.
	fallback string
	// warn, when set, receives the failure to open the fallback, and the
	// index is kept in memory: a bot started where ./data cannot be
	// made (a read-only working directory) still serves.
	warn *slog.Logger
}

func (f *storeFlags) register(fs *flag.FlagSet, fallback string) {
	f.fallback = fallback
	def := "default $" + envDataDir
	if fallback != "" {
		def += ", else " + fallback
	} else {
		def += ", else none: the index is built in memory"
	}
	fs.StringVar(&f.dataDir, "data-dir", "", "keep the index in `DIR`, or in a bucket URL (file:///path, mem://), and serve it from there ("+def+")")
	fs.BoolVar(&f.strict, "strict", false, "fail when any article cannot be read, instead of serving the others")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "allow fetching articles from private, loopback and link-local addresses")
}

// open opens the store the flags name, or returns nil for none.
func (f *storeFlags) open(ctx context.Context) (*retrieval.Store, error) {
	where, name := setting(f.dataDir, "data-dir", envDataDir)
	if where == "" {
		where, name = f.fallback, "the default data directory"
	}
	if where == "" {
		return nil, nil
	}
	s, err := retrieval.OpenStore(ctx, where)
	if err != nil && where == f.fallback && f.warn != nil {
		f.warn.Warn("the default data directory cannot be used; the index is kept in memory (set --data-dir or $"+envDataDir+")", "dir", where, "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// pageCache is where fetched pages are kept between loads: a "pages"
// folder in a data directory on disk, none for a bucket (the pages are
// then fetched whole again; the index itself is still shared).
func (f *storeFlags) pageCache() string {
	where, _ := setting(f.dataDir, "data-dir", envDataDir)
	if where == "" {
		where = f.fallback
	}
	if where == "" || strings.Contains(where, "://") {
		return ""
	}
	return filepath.Join(where, "pages")
}

// indexPoll reads --index-poll and its environment variable: 0 or off
// turns following other shards off.
func indexPoll(flagValue string) (time.Duration, error) {
	v, name := setting(flagValue, "index-poll", envIndexPoll)
	switch strings.ToLower(v) {
	case "":
		return defaultIndexPoll, nil
	case "0", "off":
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, usagef("%s %q: want a duration such as 30s or 2m, or off", name, v)
	}
	return d, nil
}

// logProgress logs how a load advances, at debug level: the log of a
// server is for operators, and the load's result is logged anyway.
func logProgress(log *slog.Logger) func(stage string, done, total int) {
	return func(stage string, done, total int) {
		log.Debug("loading the corpus", "stage", stage, "done", done, "total", total)
	}
}

// progress shows how a load advances: a bar per stage on a terminal,
// else a line per step on log.
func progress(out io.Writer, log io.Writer) func(stage string, done, total int) {
	if !isTerminal(out) {
		return func(stage string, done, total int) {
			fmt.Fprintf(log, "seriesbot: %s %d/%d\n", stage, done, total)
		}
	}
	var mu sync.Mutex
	bars := map[string]*progressbar.ProgressBar{}
	return func(stage string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		bar, ok := bars[stage]
		if !ok {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(out),
				progressbar.OptionSetDescription(stage),
				progressbar.OptionShowCount(),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
			)
			bars[stage] = bar
		}
		_ = bar.Set(done)
	}
}
