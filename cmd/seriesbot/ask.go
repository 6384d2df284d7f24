package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"seriesbot/bot"
	"seriesbot/retrieval"
)

// maxK bounds --k: more passages than this is never a better answer, only
// a slower one.
const maxK = 50

type libraryFlags struct {
	corpus string
	k      int
}

func (f *libraryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.corpus, "corpus", "", "load the articles in `DIR` (Markdown with front matter, HTML or text pages) instead of the embedded series")
	fs.IntVar(&f.k, "k", 5, "number of passages to retrieve (1-50)")
}

func (f *libraryFlags) check() error {
	if f.k < 1 || f.k > maxK {
		return usagef("--k %d: must be between 1 and %d", f.k, maxK)
	}
	return nil
}

// load builds the library with emb (nil for the local embedder), reporting
// skipped corpus files without stopping.
func (f *libraryFlags) load(ctx context.Context, emb retrieval.Embedder, log *slog.Logger) (*bot.Library, error) {
	lib, warn, err := bot.Loader{Dir: f.corpus, Embedder: emb}.Load(ctx)
	if err != nil {
		return nil, err
	}
	if warn != nil {
		log.Warn("some corpus files were skipped", "dir", f.corpus, "err", warn)
	}
	return lib, nil
}

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	var lf libraryFlags
	lf.register(fs)
	var llm llmFlags
	llm.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	part := fs.Int("part", 0, "only use passages of part `N` of the series")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := lf.check(); err != nil {
		return err
	}
	if err := llm.check(); err != nil {
		return err
	}
	if *part < 0 {
		return usagef("--part %d: must be a part number (1, 2, …)", *part)
	}
	question := strings.TrimSpace(strings.Join(pos, " "))
	if question == "" {
		return usagef("ask: no question given (pass it as an argument, or - to read questions from standard input)")
	}
	if question != "-" {
		if err := bot.CheckQuestion(question); err != nil {
			return usagef("ask: %v", err)
		}
	}

	setup, err := llm.resolve()
	if err != nil {
		return err
	}
	lib, err := lf.loadWith(ctx, setup.embedder(llm.timeout), log)
	if err != nil {
		return err
	}
	if *part > 0 && !hasPart(lib, *part) {
		return usagef("--part %d: %s", *part, partsHint(lib))
	}
	a := bot.NewAnswerer(lib)
	a.LLM = setup.chat(llm.timeout)
	a.Budget = llm.budget
	a.Log = log
	out := answerPrinter{w: stdout, json: *asJSON}
	// The model's text is printed as it comes; JSON waits for the answer.
	var onPartial func(string)
	if a.LLM != nil && !*asJSON {
		onPartial = out.partial
	}

	if question != "-" {
		ans, err := a.Answer(ctx, bot.Question{Text: question, Part: *part, K: lf.k}, onPartial)
		if err != nil {
			return err
		}
		return out.print(ans, nil)
	}

	lines := readLines(ctx, stdin, maxLineBytes)
	failed := 0
	for {
		var l line
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok = <-lines:
		}
		if !ok {
			break
		}
		if l.err != nil {
			return fmt.Errorf("read questions from standard input: %w", l.err)
		}
		q := strings.TrimSpace(l.text)
		if q == "" && !l.tooLong {
			continue
		}
		var ans bot.Answer
		var err error
		if l.tooLong {
			err = bot.ErrQuestionTooLong
		} else {
			ans, err = a.Answer(ctx, bot.Question{Text: q, Part: *part, K: lf.k}, onPartial)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failed++
			if !*asJSON {
				fmt.Fprintf(stderr, "seriesbot: %q: %v\n", truncate(q, 60), err)
			}
			ans = bot.Answer{Question: truncate(q, 200)}
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

// maxLineBytes bounds what is kept of one line of standard input: far more
// than the longest question allowed, so a longer line is reported as too
// long rather than read into memory whole.
const maxLineBytes = 64 * 1024

// line is one line of standard input, or the error that ended reading.
type line struct {
	text    string
	tooLong bool
	err     error
}

// readLines reads r line by line in the background, so that a signal is
// noticed while waiting for input. A line longer than max is delivered
// truncated and marked, and reading goes on with the next line.
func readLines(ctx context.Context, r io.Reader, max int) <-chan line {
	out := make(chan line)
	go func() {
		defer close(out)
		br := bufio.NewReaderSize(r, 4096)
		for {
			var buf []byte
			tooLong := false
			var err error
			for {
				var chunk []byte
				chunk, err = br.ReadSlice('\n')
				if len(buf)+len(chunk) <= max {
					buf = append(buf, chunk...)
				} else {
					tooLong = true
				}
				if err != bufio.ErrBufferFull {
					break
				}
			}
			if len(buf) > 0 || tooLong {
				select {
				case out <- line{text: strings.TrimRight(string(buf), "\r\n"), tooLong: tooLong}:
				case <-ctx.Done():
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				select {
				case out <- line{err: err}:
				case <-ctx.Done():
				}
				return
			}
		}
	}()
	return out
}

// answerPrinter writes answers one after another, as text or JSON lines.
// Text may be streamed: partial prints an answer as it grows, and print
// then adds only what is missing.
type answerPrinter struct {
	w     io.Writer
	json  bool
	count int    // answers begun
	shown string // text of the current answer printed so far
	began bool   // the current answer has begun printing
}

// jsonAnswer is the --json line; Error is set only for a question that
// could not be answered, so a batch keeps one line per question.
type jsonAnswer struct {
	bot.Answer
	Error string `json:"error,omitempty"`
}

// begin separates an answer from the one before it by a blank line.
func (p *answerPrinter) begin() error {
	if p.began {
		return nil
	}
	p.began = true
	p.count++
	if p.count > 1 && !p.json {
		_, err := fmt.Fprintln(p.w)
		return err
	}
	return nil
}

// partial prints the part of a growing answer not printed yet. Each text
// extends the one before (bot.Answerer holds back what could still change).
func (p *answerPrinter) partial(text string) {
	rest, ok := strings.CutPrefix(text, p.shown)
	if !ok || rest == "" {
		return
	}
	if p.begin() != nil {
		return
	}
	if _, err := io.WriteString(p.w, rest); err == nil {
		p.shown = text
	}
}

func (p *answerPrinter) print(a bot.Answer, answerErr error) error {
	shown := p.shown
	p.shown = ""
	defer func() { p.began = false }()
	if err := p.begin(); err != nil {
		return err
	}
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
		if shown != "" {
			_, err := fmt.Fprintln(p.w)
			return err
		}
		return nil // reported on stderr
	}
	var err error
	switch rest, ok := strings.CutPrefix(a.Text, shown); {
	case shown == "":
		_, err = fmt.Fprintf(p.w, "%s\n", bot.FormatText(a))
	case ok && a.Note == "":
		// The streamed text was the answer: finish it, then its sources.
		_, err = fmt.Fprintf(p.w, "%s%s\n", rest, bot.FormatSources(a))
	default:
		// The model failed mid-answer: its note and the quoted answer
		// follow what was streamed.
		_, err = fmt.Fprintf(p.w, "\n\n%s\n", bot.FormatText(a))
	}
	return err
}

func hasPart(lib *bot.Library, part int) bool {
	for _, p := range lib.Index.Passages() {
		if p.Part == part {
			return true
		}
	}
	return false
}

func partsHint(lib *bot.Library) string {
	seen := map[int]bool{}
	var parts []string
	for _, p := range lib.Index.Passages() {
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

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
