package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"seriesbot/bot"
	"seriesbot/corpus"
	"seriesbot/corpus/fetch"
	"seriesbot/retrieval"
)

// maxK bounds --k: more passages than this is never a better answer, only
// a slower one.
const maxK = 50

type libraryFlags struct {
	corpus string
	k      int
	// Set from storeFlags by the commands that keep an index: where it
	// is kept, whether a failed source fails the load, and how progress
	// is shown (nil: not at all).
	store    *retrieval.Store
	strict   bool
	progress func(stage string, done, total int)
	// allowPrivate lets pages be fetched from private addresses;
	// pageCache, when set, keeps fetched pages so an unchanged one costs
	// a 304.
	allowPrivate bool
	pageCache    string
	// fresh builds the index from the series even when the snapshot kept
	// with the program (bot.DefaultSnapshot) is what would be built: eval
	// measures the code it runs, not what it was built from.
	fresh bool
}

func (f *libraryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.corpus, "corpus", "", "load the series from `PATH`, a corpus.yaml manifest or a folder of articles (Markdown with front matter, HTML or text pages), instead of the embedded series (default $"+envCorpus+")")
	fs.IntVar(&f.k, "k", 5, "number of passages to retrieve (1-50)")
}

// envCorpus names the corpus when --corpus is not given.
const envCorpus = "SERIESBOT_CORPUS"

// corpusPath is the corpus --corpus names, else $SERIESBOT_CORPUS; empty
// means the embedded series.
func corpusPath(flagValue string) string {
	v, _ := setting(flagValue, "corpus", envCorpus)
	return v
}

func (f *libraryFlags) check() error {
	f.corpus = corpusPath(f.corpus)
	if f.k < 1 || f.k > maxK {
		return usagef("--k %d: must be between 1 and %d", f.k, maxK)
	}
	return nil
}

// openStore opens the store sf names for the loads of f; the caller
// closes it.
func (f *libraryFlags) openStore(ctx context.Context, sf *storeFlags) (*retrieval.Store, error) {
	s, err := sf.open(ctx)
	f.store, f.strict, f.allowPrivate = s, sf.strict, sf.allowPrivate
	if s != nil {
		f.pageCache = sf.pageCache()
	}
	return s, err
}

// openAndLoad opens the store sf names and loads what the flags name,
// from it when it holds the index: the snapshot to serve, and the func
// that closes the store.
func (f *libraryFlags) openAndLoad(ctx context.Context, sf *storeFlags, emb retrieval.Embedder, log *slog.Logger) (*bot.Snapshot, func(), error) {
	store, err := f.openStore(ctx, sf)
	if err != nil {
		return nil, nil, err
	}
	closeStore := func() {
		if store != nil {
			store.Close()
		}
	}
	snap, err := f.loadWith(ctx, emb, log)
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return snap, closeStore, nil
}

// loader reads the corpus of the flags and indexes it with emb.
func (f *libraryFlags) loader(emb retrieval.Embedder, log *slog.Logger) *bot.Loader {
	return &bot.Loader{Dir: f.corpus, Read: f.read, Embedder: emb, Store: f.store, Strict: f.strict, Progress: f.progress, Log: log}
}

// read reads the corpus of the flags: its files, and the pages its
// manifest lists by URL. A source that cannot be read keeps the article
// previous had for it, unless the load is strict.
func (f *libraryFlags) read(ctx context.Context, previous *corpus.Library) (*corpus.Library, bot.SourceReport, error) {
	opts := fetch.Options{
		AllowPrivate: f.allowPrivate,
		CacheDir:     f.pageCache,
		Previous:     previous,
		Strict:       f.strict,
	}
	if f.progress != nil {
		opts.Progress = func(done, total int, _ string) { f.progress("reading", done, total) }
	}
	lib, rep, err := fetch.Load(ctx, f.corpus, opts)
	src := bot.SourceReport{Fetched: bot.FetchCounts{OK: rep.Fetched.OK, NotModified: rep.Fetched.NotModified, Failed: rep.Fetched.Failed}, Stale: rep.Stale}
	for _, e := range rep.Errors {
		src.Errors = append(src.Errors, bot.SourceError{Source: e.Source, Error: e.Error})
	}
	if err != nil {
		return nil, src, err // it names the corpus
	}
	return lib, src, nil
}

// load builds what the bot serves with emb (nil for the local embedder),
// from the store when it holds the index, reporting skipped corpus files
// without stopping. An index that cannot be saved is served all the same.
func (f *libraryFlags) load(ctx context.Context, emb retrieval.Embedder, log *slog.Logger) (*bot.Snapshot, error) {
	// The answerer's expressions compile on another core meanwhile.
	go bot.Warm()
	if f.corpus == "" && emb == nil && f.store == nil && !f.fresh {
		// The embedded series with the local embedder is what the program
		// was built with: read, not built again.
		snap, err := bot.DefaultSnapshot(ctx)
		if err == nil {
			return snap, nil
		}
		log.Warn("the index kept with the program cannot be read; building it", "err", err)
	}
	release := holdGC()
	lib, rep, err := f.loader(emb, log).Update(ctx, nil)
	release()
	switch {
	case errors.Is(err, bot.ErrNotSaved):
		log.Warn("the index could not be saved; it is served from memory", "store", f.store, "err", err)
	case err != nil:
		return nil, err
	}
	if rep.Articles.Failed > 0 {
		log.Warn("some corpus files were skipped", "dir", f.corpus, "err", joinSourceErrors(rep.Errors))
	}
	return lib, nil
}

// joinSourceErrors lists the sources that failed, for a log line.
func joinSourceErrors(errs []bot.SourceError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Source + ": " + e.Error
	}
	return strings.Join(parts, "; ")
}

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	var lf libraryFlags
	lf.register(fs)
	var sf storeFlags
	sf.register(fs, "")
	var model llmFlags
	model.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	part := fs.Int("part", 0, "only use passages of part `N` of the series")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := lf.check(); err != nil {
		return err
	}
	if err := model.check(); err != nil {
		return err
	}
	if *part < 0 {
		return usagef("--part %d: must be a part number (1, 2, …)", *part)
	}
	text := strings.TrimSpace(strings.Join(pos, " "))
	if text == "" {
		return usagef("ask: no question given (pass it as an argument, or - to read questions from standard input)")
	}
	var question bot.Question
	if text != "-" {
		if question, err = bot.NewQuestion(text); err != nil {
			return usagef("ask: %v", err)
		}
	}

	setup, err := model.resolve()
	if err != nil {
		return err
	}
	if text != "-" {
		// One question allocates little beyond the load, and the process
		// ends after it: a collection started as the load's hold ends
		// would only slow the answer down.
		defer holdGC()()
	}
	snap, closeStore, err := lf.openAndLoad(ctx, &sf, setup.embedder(model.timeout), log)
	if err != nil {
		return err
	}
	defer closeStore()
	if *part > 0 && !hasPart(snap, *part) {
		return usagef("--part %d: %s", *part, partsHint(snap))
	}
	a := bot.NewAnswerer(snap)
	a.LLM = setup.chat(model.timeout)
	a.Budget = model.budget
	a.Log = log
	out := answerPrinter{text: bot.NewPrinter(stdout), w: stdout, json: *asJSON}
	// The model's text is printed as it comes; JSON waits for the answer.
	var onPartial func(string)
	if a.LLM != nil && !*asJSON {
		onPartial = out.text.Partial
	}
	ask := func(q bot.Question) (bot.Answer, error) {
		q.Part, q.K = *part, lf.k
		return a.Answer(ctx, q, onPartial)
	}

	if text != "-" {
		ans, err := ask(question)
		if err != nil {
			return err
		}
		return out.print(ans, nil)
	}

	lines := bot.ReadLines(ctx, stdin, bot.MaxLineBytes)
	failed := 0
	for {
		var l bot.Line
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok = <-lines:
		}
		if !ok {
			// The reader also stops when ctx ends, closing lines: an
			// interrupt is not the end of the input.
			if err := ctx.Err(); err != nil {
				return err
			}
			break
		}
		if l.Err != nil {
			return fmt.Errorf("read questions from standard input: %w", l.Err)
		}
		if strings.TrimSpace(l.Text) == "" && !l.TooLong {
			continue
		}
		var ans bot.Answer
		q, err := l.Question()
		if err == nil {
			ans, err = ask(q)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failed++
			shown := bot.Clip(strings.TrimSpace(l.Text), 60)
			if !*asJSON {
				fmt.Fprintf(stderr, "seriesbot: %q: %v\n", shown, err)
			}
			ans = bot.Answer{Question: bot.Clip(strings.TrimSpace(l.Text), 200)}
		}
		if err := out.print(ans, err); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d question(s) could not be answered", failed)
	}
	return nil
}

// answerPrinter writes answers one after another: as text through the
// terminal's printer, or as JSON lines.
type answerPrinter struct {
	text *bot.Printer
	w    io.Writer
	json bool
}

// jsonAnswer is the --json line; Error is set only for a question that
// could not be answered, so a batch keeps one line per question.
type jsonAnswer struct {
	bot.Answer
	Error string `json:"error,omitempty"`
}

func (p *answerPrinter) print(a bot.Answer, answerErr error) error {
	if p.json {
		line := jsonAnswer{Answer: a}
		if line.Sources == nil {
			line.Sources = []bot.Source{}
		}
		if answerErr != nil {
			line.Error = answerErr.Error()
		}
		b, err := json.Marshal(line)
		if err != nil {
			return fmt.Errorf("encode answer: %w", err)
		}
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	}
	if answerErr != nil {
		return p.text.Abandon() // the error is reported on stderr
	}
	return p.text.Print(bot.AnswerReply(a))
}

func hasPart(snap *bot.Snapshot, part int) bool {
	for _, p := range snap.Index.Passages() {
		if p.Part == part {
			return true
		}
	}
	return false
}

func partsHint(snap *bot.Snapshot) string {
	seen := map[int]bool{}
	var parts []string
	for _, p := range snap.Index.Passages() {
		if p.Part > 0 && !seen[p.Part] {
			seen[p.Part] = true
			parts = append(parts, fmt.Sprint(p.Part))
		}
	}
	if len(parts) == 0 {
		return "the corpus has no numbered parts"
	}
	return "the corpus has text for parts " + strings.Join(parts, ", ")
}
