package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"seriesbot/corpus"
	"seriesbot/prompts"
)

// Scope is what a summary covers: one segment of the series, or one part
// as a whole.
type Scope struct {
	// Value is what a user types: the segment id ("cloud") or "part-2".
	Value string
	// Name is what a user reads: "Cloud computing", "Part 2 — …".
	Name string
	// Segment is set for a segment, Part for a part.
	Segment string
	Part    int
}

// partScopePrefix starts the value of a part's scope: "part-2" types
// the same in a chat line, on a command line and as a Discord choice.
const partScopePrefix = "part-"

// Scopes lists what lib can summarise: its segments in first-seen order,
// then its parts in order.
func Scopes(lib *corpus.Library) []Scope {
	var out []Scope
	for _, id := range lib.Segments() {
		out = append(out, Scope{Value: id, Name: segmentName(lib, id), Segment: id})
	}
	for _, n := range textParts(lib) {
		name := fmt.Sprintf("Part %d", n)
		if p, ok := lib.Part(n); ok && p.Title != "" {
			name += " — " + p.Title
		}
		out = append(out, Scope{Value: partScopePrefix + strconv.Itoa(n), Name: name, Part: n})
	}
	return out
}

// textParts are the part numbers lib has text for, in order.
func textParts(lib *corpus.Library) []int {
	var parts []int
	for _, a := range lib.Articles {
		if a.Part > 0 && !slices.Contains(parts, a.Part) {
			parts = append(parts, a.Part)
		}
	}
	slices.Sort(parts)
	return parts
}

// partValue reads "part-2", "part:2", "part 2" and "Part 2".
var partValue = newLazyRegexp(`(?i)^part\s*[-: ]?\s*(\d+)$`)

// UnknownScopeError is a summary asked for something the corpus has no
// segment or part for. Its message lists the valid values.
type UnknownScopeError struct {
	Asked string
	Valid []Scope
}

func (e *UnknownScopeError) Error() string {
	return fmt.Sprintf("there is no segment %q. %s", e.Asked, scopesHint(e.Valid))
}

// ResolveScope finds what s names among lib's scopes: a segment by id or
// name, a part as "part-2" (or "part:2", "Part 2"), ignoring case.
func ResolveScope(lib *corpus.Library, s string) (Scope, error) {
	s = strings.TrimSpace(s)
	scopes := Scopes(lib)
	if m := partValue.FindStringSubmatch(s); m != nil {
		s = partScopePrefix + m[1]
	}
	for _, sc := range scopes {
		if strings.EqualFold(sc.Value, s) || strings.EqualFold(sc.Name, s) {
			return sc, nil
		}
	}
	return Scope{}, &UnknownScopeError{Asked: s, Valid: scopes}
}

func scopesHint(scopes []Scope) string {
	if len(scopes) == 0 {
		return "This corpus has no segments."
	}
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = fmt.Sprintf("%s (%s)", sc.Value, sc.Name)
	}
	return "The segments are: " + strings.Join(names, ", ") + "."
}

// summaryCommand is /summary for lib, or false for a corpus without
// segments. Its segment option takes parts too ("part-2"), so that they
// can be typed in a chat line; its part option is Discord's /summary
// part:2.
func summaryCommand(lib *corpus.Library) (Command, bool) {
	if len(lib.Segments()) == 0 {
		return Command{}, false
	}
	var choices []Choice
	if scopes := Scopes(lib); len(scopes) <= maxChoices {
		for _, sc := range scopes {
			choices = append(choices, Choice{Name: Clip(sc.Name, maxChoiceName), Value: sc.Value})
		}
	}
	return Command{
		Name:        CommandSummary,
		Description: "The key facts of a business segment or of a part of the series, cited",
		Options: []Option{
			{Name: OptionSegment, Description: "The business segment (or part-N for a whole part)", Type: OptionText, Choices: choices},
			{Name: OptionPart, Description: "Summarise this part of the series as a whole", Type: OptionInteger, Choices: partChoices(lib)},
		},
	}, true
}

// segmentName is how the manifest names segment id, or the id itself.
func segmentName(lib *corpus.Library, id string) string {
	return cmp.Or(strings.TrimSpace(lib.Manifest.Segments[id]), id)
}

// Summary is what the series says about a scope.
type Summary struct {
	Scope Scope
	// Text is a lead line, then one bullet per business or group of
	// facts, each with the [n] of its source.
	Text string
	// Grounded is false when nothing in the corpus covers the scope.
	Grounded bool
	// Sources are the sections quoted, one per (part, section).
	Sources []Source
	// Note says in one line how the summary was made when the language
	// model failed.
	Note string
	// Chart is the figures of the scope that compare, nil when none do.
	Chart *Chart
	// Image is Chart drawn, when a ChartRenderer drew it.
	Image *Image
}

// Chart is a bar chart of figures of one measure, drawn from the front
// matter's figures and never from numbers read in prose.
type Chart struct {
	Title string // "Share of Alibaba's revenue in 2021"
	Unit  string // "%"
	Bars  []Bar
}

// Bar is one figure of a chart; Scoped marks the figures of the scope
// summarised among those it is compared with.
type Bar struct {
	Label  string
	Value  float64
	Scoped bool
}

// Image is a picture attached to a reply: Discord uploads it with the
// message and shows it in an embed, the command line writes it to a file.
type Image struct {
	Name string // a file name, "chart.png"
	PNG  []byte
	// Alt describes the picture for those who cannot see it.
	Alt string
}

// ChartRenderer draws a chart as a PNG image. bot/chart draws with
// gonum/plot; a transport without pictures leaves it nil.
type ChartRenderer func(Chart) ([]byte, error)

// ChartFile is the name a summary's chart is attached under.
const ChartFile = "chart.png"

// Bounds of an offline summary: it fits one Discord message (2,000
// characters) with the note, and no quoted sentence crowds out the rest.
const (
	maxSummaryRunes    = 1700
	maxSectionRunes    = 750
	maxSummarySentence = 400
)

// Summarizer writes summaries of segments and parts, and keeps them: a
// summary is the same until the corpus or the model changes, so it is
// made once per (scope, snapshot, model) and answered at once after that.
// The zero value is ready once Answerer is set; it is safe for concurrent
// use.
type Summarizer struct {
	Answerer *Answerer
	// Charts draws the charts of summaries; nil leaves them undrawn.
	Charts ChartRenderer

	cache summaryCache
}

// Summarize summarises scope (a value ResolveScope reads) from what the
// answerer serves. With a language model, its text is passed to onPartial
// (when not nil) as it is written; a failing model gives the offline
// summary with a Note. Errors are an *UnknownScopeError, or ctx's.
func (s *Summarizer) Summarize(ctx context.Context, scope string, onPartial func(string)) (Summary, error) {
	snap := s.Answerer.Snapshot()
	sc, err := ResolveScope(snap.Corpus, scope)
	if err != nil {
		return Summary{}, err
	}
	model := chatName(s.Answerer.LLM)
	if sum, ok := s.cache.get(snap, model, sc.Value); ok {
		return sum, nil
	}
	sum := offlineSummary(snap, sc)
	if s.Answerer.LLM != nil && sum.Grounded {
		written, err := s.written(ctx, snap, sc, onPartial)
		switch {
		case err == nil:
			written.Chart = sum.Chart
			sum = written
		case ctx.Err() != nil:
			return Summary{}, ctx.Err()
		default:
			s.Answerer.log().Warn("language model unavailable; summarising with quotes from the series", "scope", sc.Value, "err", err)
			sum.Note = unavailableNote(err)
		}
	}
	if sum.Chart != nil && s.Charts != nil {
		png, err := s.Charts(*sum.Chart)
		if err != nil {
			s.Answerer.log().Error("could not draw a summary's chart", "scope", sc.Value, "err", err)
		} else {
			sum.Image = &Image{Name: ChartFile, PNG: png, Alt: chartAlt(*sum.Chart)}
		}
	}
	if sum.Note == "" {
		// A summary written without the model because it failed is
		// not kept: the next one tries the model again.
		s.cache.put(snap, model, sc.Value, sum)
	}
	return sum, nil
}

// chatName tells models apart in the cache: the model's name when the
// client gives one, else its type.
func chatName(c Chat) string {
	if c == nil {
		return ""
	}
	if n, ok := c.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", c)
}

// chartAlt describes a chart in words: "Share of … : Cloud computing 8%, …".
func chartAlt(c Chart) string {
	parts := make([]string, len(c.Bars))
	for i, b := range c.Bars {
		parts[i] = b.Label + " " + corpus.Figure{Value: b.Value, Unit: c.Unit}.Stated()
	}
	return Clip(c.Title+": "+strings.Join(parts, ", "), 1000)
}

// summaryCache keeps the summaries of one snapshot: a reload swaps in a
// new snapshot, and the first summary kept for it drops the old ones.
type summaryCache struct {
	mu   sync.Mutex
	snap *Snapshot
	byID map[string]Summary
}

func (c *summaryCache) get(snap *Snapshot, model, scope string) (Summary, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap {
		return Summary{}, false
	}
	sum, ok := c.byID[model+"\x00"+scope]
	return sum, ok
}

func (c *summaryCache) put(snap *Snapshot, model, scope string, sum Summary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap {
		c.snap, c.byID = snap, map[string]Summary{}
	}
	c.byID[model+"\x00"+scope] = sum
}

// holds reports whether passage p belongs to sc.
func (sc Scope) holds(p corpus.Passage) bool {
	if sc.Part > 0 {
		return p.Part == sc.Part
	}
	return p.Segment == sc.Segment
}

// figuresOf returns the front-matter figures of sc, in series order.
func figuresOf(lib *corpus.Library, sc Scope) []corpus.Figure {
	var out []corpus.Figure
	for _, a := range lib.Articles {
		for _, f := range a.Figures {
			if sc.Part > 0 && a.Part == sc.Part || sc.Part == 0 && f.Segment == sc.Segment {
				out = append(out, f)
			}
		}
	}
	return out
}

// chartOf returns the chart of sc: the first measure of its figures that
// the corpus gives more than one figure of (in the same unit), with all of
// them, so a segment's share of revenue is shown beside the others'.
func chartOf(lib *corpus.Library, sc Scope) *Chart {
	var all []corpus.Figure
	for _, a := range lib.Articles {
		all = append(all, a.Figures...)
	}
	for _, f := range figuresOf(lib, sc) {
		if f.Measure == "" {
			continue
		}
		c := &Chart{Title: upperFirst(f.Measure), Unit: f.Unit}
		for _, g := range all {
			if strings.EqualFold(g.Measure, f.Measure) && g.Unit == f.Unit {
				scoped := slices.Contains(figuresOf(lib, sc), g)
				c.Bars = append(c.Bars, Bar{Label: g.Label, Value: g.Value, Scoped: scoped})
			}
		}
		if len(c.Bars) > 1 {
			return c
		}
	}
	return nil
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// written has the language model summarise sc: map-reduce over its
// passages, each call bounded by the prompt budget. When every passage
// fits one prompt that call is the summary; otherwise each batch is
// summarised, and the notes are merged by one more call. Citations are
// checked as an answer's are, and then point at one source per (part,
// section). A summary that cites nothing is an error: it cannot be shown
// to come from the series.
func (s *Summarizer) written(ctx context.Context, snap *Snapshot, sc Scope, onPartial func(string)) (Summary, error) {
	a := s.Answerer
	var passages []corpus.Passage
	var srcs []prompts.Source
	for _, p := range snap.Index.Passages() {
		if sc.holds(p) {
			passages = append(passages, p)
			srcs = append(srcs, prompts.Source{Part: p.Part, Title: p.Title, Section: p.Section, URL: p.URL, Text: p.Text})
		}
	}
	system, err := prompts.System(a.series(snap), 0)
	if err != nil {
		return Summary{}, err
	}
	scope := scopeWords(snap, sc)
	bare, err := prompts.Summary(scope, nil)
	if err != nil {
		return Summary{}, err
	}
	fixed := prompts.EstimateTokens(system) + prompts.EstimateTokens(bare)
	var batches [][2]int // [from, to) of srcs
	for from := 0; from < len(srcs); {
		n := prompts.Fit(a.budget(), fixed, srcs[from:])
		batches = append(batches, [2]int{from, from + n})
		from += n
	}
	// Links in the model's text survive only when they point at a part
	// of the series; any other is shown as plain text, as in answers.
	given := make([]string, len(srcs))
	for i, src := range srcs {
		given[i] = src.URL
	}
	call := func(user string, n int, stream func(string)) (string, error) {
		var onDelta func(string)
		if stream != nil {
			var raw strings.Builder
			shown := ""
			onDelta = func(d string) {
				raw.WriteString(d)
				p, cited := rewriteCitations(sanitizeLinks(settled(raw.String()), given), n)
				if p = bySection(p, cited, passages, nil); p != shown {
					shown = p
					stream(p)
				}
			}
		}
		reply, err := a.LLM.Stream(ctx, []Message{{Role: RoleSystem, Content: system}, {Role: RoleUser, Content: user}}, onDelta)
		if err == nil && leaksInstructions(reply, system) {
			return "", &ChatError{Reason: "its summary repeated the bot's instructions", Err: errLeakedInstructions}
		}
		return reply, err
	}

	var reply string
	if len(batches) == 1 {
		user, err := prompts.Summary(scope, srcs)
		if err != nil {
			return Summary{}, err
		}
		if reply, err = call(user, len(srcs), onPartial); err != nil {
			return Summary{}, err
		}
	} else {
		// Map: each batch's notes cite its sources by their numbers
		// among all of the scope's, so the merge keeps them.
		var notes []string
		for _, b := range batches {
			user, err := prompts.Summary(scope, srcs[b[0]:b[1]])
			if err != nil {
				return Summary{}, err
			}
			note, err := call(user, b[1]-b[0], nil)
			if err != nil {
				return Summary{}, err
			}
			notes = append(notes, offsetCitations(note, b[1]-b[0], b[0]))
		}
		user, err := prompts.SummaryMerge(scope, notes)
		if err != nil {
			return Summary{}, err
		}
		if reply, err = call(user, len(srcs), onPartial); err != nil {
			return Summary{}, err
		}
	}
	text, cited := rewriteCitations(sanitizeLinks(reply, given), len(srcs))
	if len(cited) == 0 {
		return Summary{}, &ChatError{Reason: "its summary cited no source", Err: errors.New("no [n] marker points at a passage sent")}
	}
	var sources []Source
	text = bySection(text, cited, passages, &sources)
	return Summary{Scope: sc, Text: text, Grounded: true, Sources: sources}, nil
}

// offsetCitations renumbers the [k] markers of a batch's note (k in 1..n)
// to k+offset, the numbers of the same sources among all of them;
// markers outside 1..n are dropped, as rewriteCitations drops them.
func offsetCitations(note string, n, offset int) string {
	text, cited := rewriteCitations(note, n)
	return citeMarker.ReplaceAllStringFunc(text, func(m string) string {
		k, _ := strconv.Atoi(strings.Trim(m, "[] "))
		return "[" + strconv.Itoa(cited[k-1]+1+offset) + "]"
	})
}

// bySection rewrites the markers of text, which point at passages through
// cited (as rewriteCitations returns them), to point at one source per
// (part, section), numbered in the order first cited; a marker repeated
// next to itself is written once. With sources, it appends those sources.
func bySection(text string, cited []int, passages []corpus.Passage, sources *[]Source) string {
	type key struct {
		part    int
		section string
	}
	number := map[key]int{}
	var texts []*strings.Builder
	for _, i := range cited {
		p := passages[i]
		k := key{p.Part, p.Section}
		n, ok := number[k]
		if !ok {
			n = len(number) + 1
			number[k] = n
			texts = append(texts, &strings.Builder{})
			if sources != nil {
				*sources = append(*sources, Source{Rank: n, Title: p.Title, Series: p.Series, Part: p.Part, Section: p.Section, URL: p.URL})
			}
		}
		b := texts[n-1]
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p.Text)
	}
	if sources != nil {
		for i := range *sources {
			(*sources)[i].Text = texts[i].String()
		}
	}
	out := citeMarker.ReplaceAllStringFunc(text, func(m string) string {
		k, _ := strconv.Atoi(strings.Trim(m, "[] "))
		p := passages[cited[k-1]]
		return "[" + strconv.Itoa(number[key{p.Part, p.Section}]) + "]"
	})
	for _, n := range number {
		m := "[" + strconv.Itoa(n) + "]"
		for strings.Contains(out, m+m) {
			out = strings.ReplaceAll(out, m+m, m)
		}
	}
	return out
}

// scopeWords is how the summary prompt names sc: "the Cloud computing
// segment of …", "Part 2 of …".
func scopeWords(snap *Snapshot, sc Scope) string {
	series := prompts.DefaultSeries
	if snap.Series != "" {
		series = snap.Series
	}
	if sc.Part > 0 {
		return fmt.Sprintf("Part %d of %s", sc.Part, series)
	}
	return fmt.Sprintf("what %s says about %s", series, sc.Name)
}

// summary runs /summary: segment (or part, when no segment is given).
func (c *Commands) summary(ctx context.Context, inv Invocation, onPartial func(string)) Reply {
	scope := inv.Segment
	if scope == "" && inv.Question.Part > 0 {
		scope = partScopePrefix + strconv.Itoa(inv.Question.Part)
	}
	lib := c.Answerer.Snapshot().Corpus
	if strings.TrimSpace(scope) == "" {
		return Reply{Text: "/summary needs segment:<segment> or part:<part>. " + scopesHint(Scopes(lib)), Private: true}
	}
	c.summarizerOnce.Do(func() { c.summarizer = &Summarizer{Answerer: c.Answerer, Charts: c.Charts} })
	sum, err := c.summarizer.Summarize(ctx, scope, onPartial)
	var ue *UnknownScopeError
	switch {
	case errors.As(err, &ue):
		return Reply{Text: upperFirst(ue.Error()), Private: true}
	case err != nil:
		return c.failed(ctx, "summarise "+scope, err)
	case !sum.Grounded:
		return Reply{Text: sum.Text, Private: true}
	}
	return SummaryReply(sum)
}

// SummaryReply is sum as a reply: its text, note, sources, a link to
// each part it cites, and its chart.
func SummaryReply(sum Summary) Reply {
	return Reply{Text: sum.Text, Note: sum.Note, Sources: sum.Sources, Links: sourceLinks(sum.Sources), Feedback: true, Image: sum.Image}
}
