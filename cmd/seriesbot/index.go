package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"seriesbot/bot"
)

// runIndex reads the corpus, indexes what changed and saves the index in
// the data directory, for serve (and every shard on the same directory)
// to serve. It is the same load as /reload's; it exits 1 when no index
// could be written.
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	var lf libraryFlags
	fs.StringVar(&lf.corpus, "corpus", "", "index the series in `PATH`, a corpus.yaml manifest or a folder of articles, instead of the embedded series (default $"+envCorpus+")")
	var sf storeFlags
	sf.register(fs, defaultDataDir)
	var model llmFlags
	model.register(fs)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("index: unexpected argument %q", pos[0])
	}
	if err := model.check(); err != nil {
		return err
	}
	lf.corpus = corpusPath(lf.corpus)
	setup, err := model.resolve()
	if err != nil {
		return err
	}
	store, err := lf.openStore(ctx, &sf)
	if err != nil {
		return err
	}
	defer store.Close()
	if *asJSON {
		lf.progress = progress(stderr, stderr) // stdout holds the report alone
	} else {
		lf.progress = progress(stdout, stderr)
	}

	snap, rep, err := lf.loader(setup.embedder(model.timeout), log).Update(ctx, nil)
	if err != nil && !errors.Is(err, bot.ErrNotSaved) {
		rep.Errors = append(rep.Errors, bot.SourceError{Source: cmp.Or(lf.corpus, "the embedded series"), Error: err.Error()})
	}
	if *asJSON {
		b, jerr := json.Marshal(rep)
		if jerr != nil {
			return fmt.Errorf("encode report: %w", jerr)
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintln(stdout, rep.Text())
		switch {
		case err != nil:
		case rep.Saved:
			fmt.Fprintf(stdout, "Saved index version %s in %s.\n", snap.Version, store)
		default:
			fmt.Fprintf(stdout, "The index in %s is up to date (version %s).\n", store, snap.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("index: nothing was written to %s: %w", store, err)
	}
	return nil
}
