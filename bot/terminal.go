package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// terminalNote ends /help in the terminal.
const terminalNote = `Any line that does not start with / is asked as a question.
Examples: /ask part:2 How much revenue did Alibaba Cloud make? · /summary cloud · /parts
/quit (or end of input) leaves.`

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
}

// Run answers lines until the input ends, /quit, or ctx ends (even while
// waiting for a line: an interrupt need not wait for Enter).
func (t *Terminal) Run(ctx context.Context) error {
	done := make(chan struct{})
	defer close(done)
	lines, readErr := readLines(t.In, done)
	out := &terminalPrinter{w: t.Out}
	for {
		if t.Prompt != "" {
			fmt.Fprint(t.Out, t.Prompt)
		}
		var line string
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("read standard input: %w", err)
				}
				return nil
			}
			line = strings.TrimSpace(l)
		}
		switch strings.ToLower(line) {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		}
		var reply Reply
		switch inv, err := ParseLine(t.Commands.Set(), line); {
		case err != nil:
			reply = Reply{Text: err.Error() + ". /help lists the commands.", Private: true}
		case inv.Command == CommandHelp:
			reply = t.Commands.Help(terminalNote)
		default:
			reply = t.Commands.Run(ctx, inv, out.partial)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := out.print(reply); err != nil {
			return err
		}
	}
}

// readLines reads r line by line in a goroutine of its own, until r ends
// or done is closed (a read already blocked keeps it until the process
// ends); errs gets the read's error (or nil) once lines is closed.
func readLines(r io.Reader, done <-chan struct{}) (lines <-chan string, errs <-chan error) {
	out, errc := make(chan string), make(chan error, 1)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case out <- sc.Text():
			case <-done:
				return
			}
		}
		errc <- sc.Err()
	}()
	return out, errc
}

// optionToken is "name:value" inside a command line.
var optionToken = regexp.MustCompile(`^([a-z][-_a-z0-9]*):(.*)$`)

// ParseLine reads one line typed in the terminal. "/name …" runs a
// command: options are written "name:value" as on Discord, and the rest of
// the line is the command's first required text option (the question of
// /ask, the segment of /summary), "name:" optional. Any other line asks a
// question.
func ParseLine(cmds []Command, line string) (Invocation, error) {
	line = strings.TrimSpace(line)
	rest, isCommand := strings.CutPrefix(line, "/")
	if !isCommand {
		return Invocation{Command: CommandAsk, Question: line}, nil
	}
	name, rest, _ := strings.Cut(rest, " ")
	cmd, ok := FindCommand(cmds, name)
	if !ok {
		return Invocation{}, fmt.Errorf("unknown command /%s", name)
	}
	free := ""
	for _, o := range cmd.Options {
		if o.Required && o.Type == OptionText {
			free = o.Name
			break
		}
	}
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
		return Invocation{}, fmt.Errorf("/%s takes no text (got %q)", cmd.Name, clip(text, 40))
	}
	return NewInvocation(cmd, values)
}

func hasOption(cmd Command, name string) bool {
	for _, o := range cmd.Options {
		if o.Name == name {
			return true
		}
	}
	return false
}

// terminalPrinter writes replies one after another, separated by a blank
// line. An answer may be streamed: partial prints it as it grows, and
// print then adds only what is missing.
type terminalPrinter struct {
	w       io.Writer
	replies int
	shown   string // text of the current reply printed so far
}

func (p *terminalPrinter) begin() {
	if p.shown == "" && p.replies > 0 {
		fmt.Fprintln(p.w)
	}
}

// partial prints the part of a growing answer not printed yet; each text
// extends the one before.
func (p *terminalPrinter) partial(text string) {
	rest, ok := strings.CutPrefix(text, p.shown)
	if !ok || rest == "" {
		return
	}
	p.begin()
	if _, err := io.WriteString(p.w, rest); err == nil {
		p.shown = text
	}
}

func (p *terminalPrinter) print(r Reply) error {
	shown := p.shown
	p.begin()
	p.shown = ""
	p.replies++
	whole := Answer{Text: r.Text, Note: r.Note, Sources: r.Sources}
	var err error
	switch rest, ok := strings.CutPrefix(r.Text, shown); {
	case shown == "":
		_, err = fmt.Fprintf(p.w, "%s\n", FormatText(whole))
	case ok && r.Note == "":
		_, err = fmt.Fprintf(p.w, "%s%s\n", rest, FormatSources(whole))
	default:
		// The model failed mid-answer: the note and the quoted answer
		// follow what was streamed.
		_, err = fmt.Fprintf(p.w, "\n\n%s\n", FormatText(whole))
	}
	return err
}
