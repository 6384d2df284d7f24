package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// terminalNote ends /help in the terminal.
const terminalNote = `Any line that does not start with / is asked as a question.
Examples: /ask part:2 How much revenue did Alibaba Cloud make? · /summary cloud · /parts
/quit (or end of input) leaves.`

// maxTerminalTurns is how much of the conversation in the terminal is kept
// for follow-ups, as a Discord thread's recent messages are.
const maxTerminalTurns = 10

// MaxLineBytes bounds what is kept of one line of input: far more than the
// longest question allowed, so a longer line is reported as too long rather
// than read into memory whole.
const MaxLineBytes = 64 * 1024

// Terminal serves the commands on a text stream, one line each: what
// `seriesbot chat` runs, so that everything the Discord bot does can be
// tried without a token.
type Terminal struct {
	Commands *Commands
	In       io.Reader
	Out      io.Writer
	// Prompt is printed before each line is read; empty for none (input
	// piped from a file).
	Prompt string
	// ChartDir is where the charts of summaries are written, a file each,
	// whose name is printed after the summary; empty means they are not
	// shown (a terminal shows no picture).
	ChartDir string
}

// Run answers lines until the input ends, /quit, or ctx ends (even while
// waiting for a line: an interrupt need not wait for Enter).
func (t *Terminal) Run(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop() // ends the reader when Run returns first
	lines := ReadLines(ctx, t.In, MaxLineBytes)
	out := NewPrinter(t.Out)
	var history []Turn
	for {
		if t.Prompt != "" {
			fmt.Fprint(t.Out, t.Prompt)
		}
		var l Line
		select {
		case <-ctx.Done():
			return ctx.Err()
		case next, ok := <-lines:
			if !ok {
				// The reader also stops when ctx ends, closing lines:
				// an interrupt is not the end of the input.
				return ctx.Err()
			}
			l = next
		}
		if l.Err != nil {
			return fmt.Errorf("read standard input: %w", l.Err)
		}
		line := strings.TrimSpace(l.Text)
		switch strings.ToLower(line) {
		case "":
			if !l.TooLong {
				continue
			}
		case "/quit", "/exit":
			return nil
		}
		var reply Reply
		inv, err := ParseLine(t.Commands.Set(), line)
		var qe *QuestionError
		switch {
		case l.TooLong:
			reply = Reply{Text: l.tooLong().Error(), Private: true}
		case errors.As(err, &qe):
			reply = Reply{Text: qe.Error(), Private: true}
		case err != nil:
			reply = Reply{Text: err.Error() + ". /help lists the commands.", Private: true}
		case inv.Command == CommandHelp:
			reply = t.Commands.Help(terminalNote)
		case inv.Command == CommandAsk:
			// The terminal is one conversation, as a Discord thread is:
			// "and how many customers?" follows the question before it.
			inv.Question.History = history
			reply = t.Commands.Run(ctx, inv, out.Partial)
			history = append(history, Turn{Question: inv.Question.Text(), Answer: reply.Text})
			history = history[max(0, len(history)-maxTerminalTurns):]
		default:
			reply = t.Commands.Run(ctx, inv, out.Partial)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := out.Print(reply); err != nil {
			return err
		}
		if reply.Image != nil && t.ChartDir != "" {
			if err := t.writeChart(reply.Image); err != nil {
				return err
			}
		}
	}
}

// writeChart writes a summary's chart to a new file in ChartDir and says
// where. A chart that cannot be written is reported in its place: the
// summary itself was printed.
func (t *Terminal) writeChart(img *Image) error {
	name, err := writeNewFile(t.ChartDir, "seriesbot-*-"+img.Name, img.PNG)
	if err != nil {
		_, err = fmt.Fprintf(t.Out, "(The chart could not be written: %v)\n", err)
		return err
	}
	_, err = fmt.Fprintf(t.Out, "Chart: %s\n", name)
	return err
}

// writeNewFile writes data to a new file in dir named after pattern (as
// os.CreateTemp names it) and returns its name.
func writeNewFile(dir, pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// Line is one line of input, or the error that ended reading.
type Line struct {
	Text string
	// TooLong marks a line longer than ReadLines' limit: Text holds its
	// beginning only.
	TooLong bool
	Err     error
}

// Question checks the line as a question, as NewQuestion does.
func (l Line) Question() (Question, error) {
	if l.TooLong {
		return Question{}, l.tooLong()
	}
	return NewQuestion(l.Text)
}

func (l Line) tooLong() error {
	return &QuestionError{Kind: ErrQuestionTooLong,
		msg: fmt.Sprintf("Your question is far longer than the %s characters questions are limited to. Please shorten it and ask again.",
			thousands(MaxQuestionRunes))}
}

// ReadLines reads r line by line in a goroutine of its own, so that ctx
// ending is noticed while a read waits for input (the goroutine then ends
// once its read returns). A line longer than max bytes is delivered
// truncated and marked TooLong, and reading goes on with the next line; a
// read error is delivered last. The channel is closed when r ends, or when
// ctx ends: a caller tells the two apart by ctx.Err.
func ReadLines(ctx context.Context, r io.Reader, max int) <-chan Line {
	out := make(chan Line)
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
				case out <- Line{Text: strings.TrimRight(string(buf), "\r\n"), TooLong: tooLong}:
				case <-ctx.Done():
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				select {
				case out <- Line{Err: err}:
				case <-ctx.Done():
				}
				return
			}
		}
	}()
	return out
}

// optionToken is "name:value" inside a command line.
var optionToken = newLazyRegexp(`^([a-z][-_a-z0-9]*):(.*)$`)

// ParseLine reads one line typed in the terminal. "/name …" runs a
// command: options are written "name:value" as on Discord, and the rest of
// the line is the command's first required text option (the question of
// /ask, the segment of /summary), "name:" optional. Any other line asks a
// question; one that cannot be asked is reported by a *QuestionError.
func ParseLine(cmds []Command, line string) (Invocation, error) {
	line = strings.TrimSpace(line)
	rest, isCommand := strings.CutPrefix(line, "/")
	if !isCommand {
		q, err := NewQuestion(line)
		if err != nil {
			return Invocation{}, err
		}
		return Invocation{Command: CommandAsk, Question: q}, nil
	}
	name, rest, _ := strings.Cut(rest, " ")
	cmd, ok := FindCommand(cmds, name)
	if !ok {
		return Invocation{}, fmt.Errorf("unknown command /%s", name)
	}
	free := freeTextOption(cmd)
	values := map[string]string{}
	var words []string
	for _, w := range strings.Fields(rest) {
		if m := optionToken.FindStringSubmatch(w); m != nil && m[1] != free && hasOption(cmd, m[1]) {
			values[m[1]] = m[2]
			continue
		}
		words = append(words, w)
	}
	if text := strings.Join(words, " "); free != "" {
		values[free] = strings.TrimPrefix(text, free+":")
	} else if text != "" {
		return Invocation{}, fmt.Errorf("/%s takes no text (got %q)", cmd.Name, Clip(text, 40))
	}
	return NewInvocation(cmd, values)
}

// freeTextOption is the option the words of a command line fill: the
// first required text option, else the first text option (/summary's
// segment, which part:N may stand in for).
func freeTextOption(cmd Command) string {
	first := ""
	for _, o := range cmd.Options {
		if o.Type != OptionText {
			continue
		}
		if o.Required {
			return o.Name
		}
		if first == "" {
			first = o.Name
		}
	}
	return first
}

func hasOption(cmd Command, name string) bool {
	for _, o := range cmd.Options {
		if o.Name == name {
			return true
		}
	}
	return false
}

// Printer writes replies to a terminal one after another, separated by a
// blank line. A reply may be streamed: Partial prints it as it grows, and
// Print then adds only what is missing. `seriesbot chat` and `seriesbot
// ask` print through it.
type Printer struct {
	w       io.Writer
	replies int
	shown   string // text of the current reply printed so far
}

// NewPrinter returns a Printer writing to w.
func NewPrinter(w io.Writer) *Printer { return &Printer{w: w} }

func (p *Printer) begin() {
	if p.shown == "" && p.replies > 0 {
		fmt.Fprintln(p.w)
	}
}

// Partial prints the part of a growing reply not printed yet; each text
// extends the one before (Answerer holds back what could still change).
func (p *Printer) Partial(text string) {
	rest, ok := strings.CutPrefix(text, p.shown)
	if !ok || rest == "" {
		return
	}
	p.begin()
	if _, err := io.WriteString(p.w, rest); err == nil {
		p.shown = text
	}
}

// Print prints r whole, or what of it streaming has not printed yet.
func (p *Printer) Print(r Reply) error {
	shown := p.shown
	p.begin()
	p.shown = ""
	p.replies++
	var err error
	switch rest, ok := strings.CutPrefix(r.Text, shown); {
	case shown == "":
		_, err = fmt.Fprintf(p.w, "%s\n", FormatText(Answer{Text: r.Text, Note: r.Note, Sources: r.Sources}))
	case ok && r.Note == "":
		_, err = fmt.Fprintf(p.w, "%s%s\n", rest, FormatSources(r.Sources))
	default:
		// The model failed mid-answer: the note and the quoted answer
		// follow what was streamed.
		_, err = fmt.Fprintf(p.w, "\n\n%s\n", FormatText(Answer{Text: r.Text, Note: r.Note, Sources: r.Sources}))
	}
	return err
}

// Abandon ends a reply that began streaming but will not be printed (its
// question failed, and the failure is reported elsewhere): the line is
// ended, and the next reply starts after a blank line.
func (p *Printer) Abandon() error {
	if p.shown == "" {
		return nil
	}
	p.shown = ""
	p.replies++
	_, err := fmt.Fprintln(p.w)
	return err
}
