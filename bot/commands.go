package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"seriesbot/corpus"
)

// Names of the commands and of their options, the same on every transport.
const (
	CommandAsk     = "ask"
	CommandSummary = "summary"
	CommandParts   = "parts"
	CommandReload  = "reload"
	CommandHelp    = "help"

	OptionQuestion = "question"
	OptionPart     = "part"
	OptionSegment  = "segment"
)

// Limits of command definitions (Discord's, which are the tightest of the
// transports).
const (
	maxChoices    = 25
	maxChoiceName = 100
)

// OptionType is the kind of value an option takes.
type OptionType int

const (
	OptionText OptionType = iota + 1
	OptionInteger
)

// Choice is one value an option may take: Name is what the user sees,
// Value what the handler gets ("2", "cloud").
type Choice struct {
	Name  string
	Value string
}

// Option is a named argument of a command.
type Option struct {
	Name        string
	Description string
	Type        OptionType
	Required    bool
	// MaxLength bounds a text option, in characters (0: no bound).
	MaxLength int
	// Choices, when there are any, are the only values allowed.
	Choices []Choice
}

// Command is one command as every transport offers it: Discord registers
// it as a slash command, the terminal parses it from a line.
type Command struct {
	Name        string
	Description string
	Options     []Option
	// Admin commands may only be run by those who administer the bot: on
	// Discord, members who can manage the server (or are listed as
	// admins); the terminal's user always can.
	Admin bool
	// Private replies are shown only to the user who ran the command.
	Private bool
}

// CommandSet returns the commands for the corpus lib, with the choices of
// their options taken from it: the parts it has text for, and the
// segments its sections are tagged with, named as its manifest names
// them. /summary is left out of a corpus without segments.
func CommandSet(lib *corpus.Library) []Command {
	ask := Command{
		Name:        CommandAsk,
		Description: "Ask a question about the series; the answer cites the parts it comes from",
		Options: []Option{
			{Name: OptionQuestion, Description: "What you want to know", Type: OptionText, Required: true, MaxLength: MaxQuestionRunes},
			{Name: OptionPart, Description: "Only search this part of the series", Type: OptionInteger, Choices: partChoices(lib)},
		},
	}
	cmds := []Command{ask}
	if sum, ok := summaryCommand(lib); ok {
		cmds = append(cmds, sum)
	}
	return append(cmds,
		Command{Name: CommandParts, Description: "The parts of the series, with links"},
		Command{Name: CommandReload, Description: "Reload the articles and rebuild the index (admins only)", Admin: true, Private: true},
		Command{Name: CommandHelp, Description: "How to use this bot", Private: true},
	)
}

// partChoices lists the parts lib has text for, by number and title. A
// series of more than 25 parts takes the number as typed instead.
func partChoices(lib *corpus.Library) []Choice {
	parts := textParts(lib)
	if len(parts) > maxChoices {
		return nil
	}
	var out []Choice
	for _, n := range parts {
		name := fmt.Sprintf("Part %d", n)
		if p, ok := lib.Part(n); ok && p.Title != "" {
			name += " — " + p.Title
		}
		out = append(out, Choice{Name: Clip(name, maxChoiceName), Value: strconv.Itoa(n)})
	}
	return out
}

// Invocation is one use of a command, parsed from whichever transport.
type Invocation struct {
	Command string
	// Question is /ask's, checked; its Part is the part option (0: all
	// parts) and its History the earlier turns of a conversation (a
	// thread), for follow-up questions.
	Question Question
	Segment  string // a segment id
}

// Link is a labelled address a reply points to: Discord shows it as a link
// button, the terminal has it in the text already.
type Link struct {
	Label string
	URL   string
}

// Reply is what a command answers, before a transport renders it.
type Reply struct {
	// Text is the body; an answer's [n] markers point into Sources.
	Text string
	// Note is one line on how an answer was made (the language model was
	// unavailable), shown before it.
	Note    string
	Sources []Source
	// Links are the parts the reply points to, each once, in order.
	Links []Link
	// Private replies are shown only to the user who asked.
	Private bool
	// Feedback invites the user to say whether the answer helped.
	Feedback bool
	// Image is a picture to show with the reply (a summary's chart).
	Image *Image
	// Reloaded is set when the reply is to a reload that swapped in a new
	// library: a transport may have to refresh what it built from the
	// old one (Discord's command choices).
	Reloaded bool
}

// Commands runs the commands for every transport, so a question asked in
// the terminal is answered exactly as on Discord.
type Commands struct {
	Answerer *Answerer
	// Loader re-reads the corpus for /reload; nil means reloading is not
	// available.
	Loader *Loader
	// K is how many passages to retrieve for a question; 0 means the
	// default.
	K int
	// Log receives failures the user is shielded from; nil means
	// slog.Default().
	Log *slog.Logger
	// Charts draws the charts of summaries; nil sends them without one.
	Charts ChartRenderer
	// OnReload, when set, is told of each reload that ran: whether it
	// swapped in a new library (for the operating metrics).
	OnReload func(ok bool)

	reloading sync.Mutex

	summarizerOnce sync.Once
	summarizer     *Summarizer
}

func (c *Commands) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

// Set returns the commands for what the answerer serves now.
func (c *Commands) Set() []Command { return CommandSet(c.Answerer.Snapshot().Corpus) }

// Run runs inv and returns its reply. An answer's text is passed to
// onPartial (when not nil) as it is written, as Answerer.Answer does.
// Failures become replies that say what went wrong; the details are
// logged.
func (c *Commands) Run(ctx context.Context, inv Invocation, onPartial func(text string)) Reply {
	switch inv.Command {
	case CommandAsk:
		return c.ask(ctx, inv, onPartial)
	case CommandSummary:
		return c.summary(ctx, inv, onPartial)
	case CommandParts:
		return c.parts()
	case CommandReload:
		return c.reload(ctx)
	case CommandHelp:
		return c.Help("")
	}
	return Reply{Text: fmt.Sprintf("There is no command /%s. /help lists the commands.", inv.Command), Private: true}
}

func (c *Commands) ask(ctx context.Context, inv Invocation, onPartial func(string)) Reply {
	q := inv.Question
	if q.K == 0 {
		q.K = c.K
	}
	ans, err := c.Answerer.Answer(ctx, q, onPartial)
	if err != nil {
		if errors.Is(err, ErrEmptyQuestion) {
			return Reply{Text: "Your question is empty: write what you want to know about the series.", Private: true}
		}
		return c.failed(ctx, "answer a question", err)
	}
	r := AnswerReply(ans)
	if ans.SmallTalk {
		return r
	}
	r.Feedback = true
	if len(ans.Sources) > 0 {
		r.Links = sourceLinks(ans.Sources)
	} else {
		// The refusal lists the parts; point at them too.
		r.Links = partLinks(c.Answerer.Snapshot().Corpus)
	}
	return r
}

// AnswerReply is ans as a reply: its text, note and sources.
func AnswerReply(ans Answer) Reply {
	return Reply{Text: ans.Text, Note: ans.Note, Sources: ans.Sources}
}

// failed turns an error of a command into a reply, logging it.
func (c *Commands) failed(ctx context.Context, doing string, err error) Reply {
	if ctx.Err() != nil {
		c.log().Warn("command interrupted", "doing", doing, "err", err)
		return Reply{Text: "The answer took too long and was given up. Please try again.", Private: true}
	}
	c.log().Error("command failed", "doing", doing, "err", err)
	return Reply{Text: "Something went wrong while answering. Please try again in a moment.", Private: true}
}

// sourceLinks links each part the sources cite, once, in citation order.
// A source without a URL is never linked.
func sourceLinks(sources []Source) []Link {
	var out []Link
	for _, s := range sources {
		if s.URL == "" || slices.ContainsFunc(out, func(l Link) bool { return l.URL == s.URL }) {
			continue
		}
		label := Clip(s.Title, 80)
		if s.Part > 0 {
			label = fmt.Sprintf("Part %d", s.Part)
		}
		out = append(out, Link{Label: label, URL: s.URL})
	}
	return out
}

// partLinks links every part of lib's series that has a URL.
func partLinks(lib *corpus.Library) []Link {
	var out []Link
	for _, p := range lib.Manifest.Parts {
		if p.URL != "" && !slices.ContainsFunc(out, func(l Link) bool { return l.URL == p.URL }) {
			out = append(out, Link{Label: fmt.Sprintf("Part %d", p.Part), URL: p.URL})
		}
	}
	return out
}

func (c *Commands) parts() Reply {
	lib := c.Answerer.Snapshot().Corpus
	var b strings.Builder
	n := len(lib.Manifest.Parts)
	var series []string
	for _, p := range lib.Manifest.Parts {
		if p.Series != "" && !slices.Contains(series, p.Series) {
			series = append(series, p.Series)
		}
	}
	switch {
	case len(series) > 1:
		fmt.Fprintf(&b, "The corpus has %d series, %d parts in all:", len(series), n)
	case lib.Manifest.Series != "":
		fmt.Fprintf(&b, "The %s series has %d part%s:", lib.Manifest.Series, n, plural(n))
	default:
		fmt.Fprintf(&b, "The series has %d part%s:", n, plural(n))
	}
	for _, p := range lib.Manifest.Parts {
		b.WriteString("\n- ")
		b.WriteString(PartLine(p))
	}
	return Reply{Text: b.String(), Links: partLinks(lib)}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// reload re-reads the corpus the way it was first read, builds the index
// beside the one being served, reusing its vectors, and swaps it in:
// questions asked meanwhile are answered from the old one. A failed
// reload leaves it serving. With a store, the new index is saved as a new
// version, which the other processes of a shard set swap in (Follow).
func (c *Commands) reload(ctx context.Context) Reply {
	if c.Loader == nil {
		return Reply{Text: "Reloading is not available here.", Private: true}
	}
	if !c.reloading.TryLock() {
		return Reply{Text: "A reload is already running; its result will show when it ends.", Private: true}
	}
	defer c.reloading.Unlock()
	lib, rep, err := c.Loader.Update(ctx, c.Answerer.Snapshot())
	if lib == nil {
		c.log().Error("reload failed; still serving the previous corpus", "dir", c.Loader.Dir, "err", err)
		c.reloaded(false)
		return Reply{Text: fmt.Sprintf("The reload failed, so the bot still answers from the corpus it had: %v\n%s", err, rep.Text()), Private: true}
	}
	old := c.Answerer.Swap(lib)
	c.reloaded(true)
	c.log().Info("corpus reloaded", "dir", c.Loader.Dir, "passages", lib.Index.Len(), "embedded", rep.Embedded, "version", lib.Version, "took_ms", rep.TookMS)
	text := describeReload(old, lib, float64(rep.TookMS)/1000) + "\n" + rep.Text()
	if err != nil { // built and served, but not saved
		c.log().Error("the reloaded index could not be saved; other processes keep the one before", "store", c.Loader.Store, "err", err)
		text += "\nNot saved, so other shards keep the index they have: " + Clip(err.Error(), 300)
	}
	return Reply{Text: text, Private: true, Reloaded: true}
}

func (c *Commands) reloaded(ok bool) {
	if c.OnReload != nil {
		c.OnReload(ok)
	}
}

// partDigest sums up what a part has to answer from, to tell whether a
// reload changed it.
type partDigest struct {
	passages int
	text     string
}

func digest(lib *Snapshot) map[int]partDigest {
	out := map[int]partDigest{}
	for _, p := range lib.Index.Passages() {
		d := out[p.Part]
		d.passages++
		d.text += p.Title + "\x00" + p.URL + "\x00" + p.Section + "\x00" + p.Text + "\x00"
		out[p.Part] = d
	}
	return out
}

// describeReload says what a reload changed, part by part.
func describeReload(old, lib *Snapshot, seconds float64) string {
	before, after := digest(old), digest(lib)
	var changed, added, removed, same []string
	for _, n := range sortedKeys(after) {
		b, had := before[n]
		a := after[n]
		switch {
		case !had:
			added = append(added, fmt.Sprintf("%s (%d passages)", partName(n), a.passages))
		case b.text != a.text:
			changed = append(changed, fmt.Sprintf("%s (%d passages, before %d)", partName(n), a.passages, b.passages))
		default:
			same = append(same, partName(n))
		}
	}
	for _, n := range sortedKeys(before) {
		if _, ok := after[n]; !ok {
			removed = append(removed, partName(n))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Reloaded in %.1f s: %d passages (before: %d).", seconds, lib.Index.Len(), old.Index.Len())
	if len(changed)+len(added)+len(removed) == 0 {
		b.WriteString(" Nothing changed.")
	}
	for _, l := range []struct {
		label string
		items []string
	}{{"Changed", changed}, {"Added", added}, {"Removed", removed}, {"Unchanged", same}} {
		if len(l.items) > 0 {
			fmt.Fprintf(&b, "\n%s: %s.", l.label, strings.Join(l.items, ", "))
		}
	}
	oldSegs, newSegs := old.Corpus.Segments(), lib.Corpus.Segments()
	if !slices.Equal(oldSegs, newSegs) {
		fmt.Fprintf(&b, "\nSegments: %s (before: %s).", strings.Join(newSegs, ", "), strings.Join(oldSegs, ", "))
	}
	return b.String()
}

func partName(n int) string {
	if n == 0 {
		return "unnumbered articles"
	}
	return fmt.Sprintf("Part %d", n)
}

func sortedKeys(m map[int]partDigest) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Help lists the commands, with their options and choices, followed by
// note (what is particular to the transport).
func (c *Commands) Help(note string) Reply {
	return Reply{Text: HelpText(c.Set(), note), Private: true}
}

// HelpText renders cmds for a user: one line of usage and purpose each,
// and the values of options that have choices.
func HelpText(cmds []Command, note string) string {
	var b strings.Builder
	b.WriteString("Ask about the series and get answers that cite the parts they come from.\n")
	for _, cmd := range cmds {
		fmt.Fprintf(&b, "\n/%s", cmd.Name)
		for _, o := range cmd.Options {
			if o.Required {
				fmt.Fprintf(&b, " %s:<%s>", o.Name, o.Name)
			} else {
				fmt.Fprintf(&b, " [%s:<%s>]", o.Name, o.Name)
			}
		}
		fmt.Fprintf(&b, " — %s", cmd.Description)
		for _, o := range cmd.Options {
			if len(o.Choices) == 0 {
				continue
			}
			var vals []string
			for _, ch := range o.Choices {
				if ch.Name == ch.Value || o.Type == OptionInteger {
					vals = append(vals, ch.Value)
				} else {
					vals = append(vals, fmt.Sprintf("%s (%s)", ch.Value, ch.Name))
				}
			}
			fmt.Fprintf(&b, "\n    %s: %s", o.Name, strings.Join(vals, ", "))
		}
	}
	if note != "" {
		b.WriteString("\n\n")
		b.WriteString(note)
	}
	return b.String()
}

// NewInvocation checks the option values given to cmd (by option name,
// as text) and makes them an Invocation. A value of an option with
// choices may be the choice's value or its name, in any case. A question
// that cannot be asked is reported by NewQuestion's *QuestionError, whose
// message is for the user as it is.
func NewInvocation(cmd Command, values map[string]string) (Invocation, error) {
	inv := Invocation{Command: cmd.Name}
	for _, o := range cmd.Options {
		v, given := values[o.Name]
		v = strings.TrimSpace(v)
		if !given || v == "" {
			if o.Required {
				return Invocation{}, fmt.Errorf("/%s needs %s:<%s>%s", cmd.Name, o.Name, o.Name, choicesHint(o))
			}
			continue
		}
		if len(o.Choices) > 0 {
			i := slices.IndexFunc(o.Choices, func(c Choice) bool { return strings.EqualFold(c.Value, v) || strings.EqualFold(c.Name, v) })
			if i < 0 {
				return Invocation{}, fmt.Errorf("/%s %s:%s is not one of the choices%s", cmd.Name, o.Name, v, choicesHint(o))
			}
			v = o.Choices[i].Value
		}
		if o.Type == OptionInteger {
			if _, err := strconv.Atoi(v); err != nil {
				return Invocation{}, fmt.Errorf("/%s %s:%s is not a whole number", cmd.Name, o.Name, v)
			}
		}
		switch o.Name {
		case OptionQuestion:
			q, err := NewQuestion(v)
			if err != nil {
				return Invocation{}, err
			}
			q.Part, q.History = inv.Question.Part, inv.Question.History
			inv.Question = q
		case OptionPart:
			inv.Question.Part, _ = strconv.Atoi(v)
		case OptionSegment:
			inv.Segment = v
		}
	}
	if cmd.Name == CommandSummary && inv.Segment == "" && inv.Question.Part == 0 {
		// Refused here, so a transport can say so privately before it
		// shows that an answer is coming.
		return Invocation{}, &InvocationError{msg: fmt.Sprintf("/summary needs segment:<segment> or part:<part>%s", choicesHint(cmd.Options[0]))}
	}
	return inv, nil
}

// InvocationError is a command asked without what it needs (a /summary
// with neither segment nor part): the user's to complete, and told so
// privately, not a fault of the bot or of its registered commands.
type InvocationError struct{ msg string }

func (e *InvocationError) Error() string { return e.msg }

func choicesHint(o Option) string {
	if len(o.Choices) == 0 {
		return ""
	}
	vals := make([]string, len(o.Choices))
	for i, c := range o.Choices {
		vals[i] = c.Value
	}
	return " (one of " + strings.Join(vals, ", ") + ")"
}

// FindCommand returns the command of cmds called name.
func FindCommand(cmds []Command, name string) (Command, bool) {
	i := slices.IndexFunc(cmds, func(c Command) bool { return strings.EqualFold(c.Name, name) })
	if i < 0 {
		return Command{}, false
	}
	return cmds[i], true
}
