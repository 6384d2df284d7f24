// Package bot is the conversation: it turns questions into cited answers,
// runs the commands every transport offers (/ask, /summary, /parts, /reload,
// /help) and serves them in the terminal. The transports that need a client
// of their own live beside it: bot/discord adapts Discord, bot/llm the
// OpenAI-compatible language models behind the Chat seam. It imports
// neither: they import it.
package bot

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// DefaultMinCoverage is the share of a question's content (IDF-weighted) the
// best sentence must contain before the bot answers from it. Calibrated with
// `seriesbot eval` on testdata/questions.jsonl: below it, off-topic
// questions dominate; above it, paraphrased questions start being refused.
const DefaultMinCoverage = 0.45

// Turn is one earlier exchange of a conversation.
type Turn struct {
	Question string
	Answer   string
}

// Source is one passage an answer cites. The answer's [n] marker points at
// the n-th source; Rank is where retrieval placed it.
type Source struct {
	Rank    int     `json:"rank"`
	Title   string  `json:"title"`
	Part    int     `json:"part"`
	Section string  `json:"section"`
	URL     string  `json:"url"`
	Score   float64 `json:"score"`
	Text    string  `json:"text"`
	// Series names the part's series where its title may not (a corpus
	// of several series); kept out of the JSON, whose fields other tools
	// read as they are.
	Series string `json:"-"`
}

// Answer is the bot's reply to one question.
type Answer struct {
	Question string `json:"question"`
	// Text is the answer with [n] markers pointing into Sources.
	Text string `json:"answer"`
	// Grounded is false when the series does not cover the question and
	// the answer says so instead of quoting passages.
	Grounded bool     `json:"grounded"`
	Sources  []Source `json:"sources"`
	// Note tells the user something about how the answer was made, in one
	// line: that the language model was unavailable and the answer is
	// quoted from the series instead.
	Note string `json:"note,omitempty"`
	// SmallTalk marks the reply to a message that asks nothing of the
	// series ("hi", "thanks!", "what can you do?"): a line on what the
	// bot does, not a refusal.
	SmallTalk bool `json:"small_talk,omitempty"`
}

// smallTalkReply answers a greeting, thanks or a question about the bot.
func smallTalkReply(message, series string) string {
	if thanks.MatchString(stretched.ReplaceAllStringFunc(message, unstretch)) {
		return "Glad to help! Ask me anything else about " + series + ", or see /help for the commands."
	}
	return "Hi! I answer questions about " + series + ", quoting the articles and linking to the parts I quote. " +
		"Ask me something like “How much revenue did Alibaba Cloud make?”, or see /help for the commands."
}

var thanks = newLazyRegexp(`(?i)\b(?:thanks?|thx|ty|tysm|cheers|appreciated?)\b`)

// Answerer answers questions from the series. It is safe for concurrent use;
// Swap replaces what it serves without interrupting answers in flight.
type Answerer struct {
	snap atomic.Pointer[Snapshot]
	// MinCoverage overrides DefaultMinCoverage when positive.
	MinCoverage float64
	// MaxSentences bounds an extractive answer.
	MaxSentences int
	// LLM, when set, writes answers from the retrieved passages and
	// condenses follow-up questions. Without it (or when it fails)
	// answers are quoted from the passages.
	LLM Chat
	// Budget bounds the prompt of an LLM answer in estimated tokens; 0
	// means DefaultPromptBudget.
	Budget int
	// Log receives failures the user is shielded from; nil means
	// slog.Default().
	Log *slog.Logger
}

// NewAnswerer returns an Answerer serving snap.
func NewAnswerer(snap *Snapshot) *Answerer {
	a := &Answerer{MaxSentences: 3}
	a.snap.Store(snap)
	return a
}

// Swap makes the answerer serve snap and returns what it served before.
func (a *Answerer) Swap(snap *Snapshot) *Snapshot { return a.snap.Swap(snap) }

// Snapshot returns what the answerer serves now.
func (a *Answerer) Snapshot() *Snapshot { return a.snap.Load() }

func (a *Answerer) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

func (a *Answerer) minCoverage() float64 {
	if a.MinCoverage > 0 {
		return a.MinCoverage
	}
	return DefaultMinCoverage
}

// Answer retrieves passages for q and answers from them.
//
// Offline (no LLM) the answer is extractive: the sentences of those
// passages that best answer the question, each cited. With an LLM the
// model writes the answer from the passages, citing them; its text is
// passed to onPartial (if not nil) as it grows, each call with the whole
// text so far, so a transport can edit a message with it. When no sentence
// of the passages covers the question, the answer says the series does not
// cover it; the model is still asked then, unless no passage is plausible
// at all (plausible): it would only be tempted to guess.
//
// A failing model never fails the answer: the extractive one is returned
// with a Note saying the model was unavailable, and the error is logged.
// Answer returns an error only for a search that fails or ctx ending; q was
// checked by NewQuestion, so only the zero Question is refused
// (ErrEmptyQuestion).
func (a *Answerer) Answer(ctx context.Context, q Question, onPartial func(text string)) (Answer, error) {
	ans, err := a.answer(ctx, q, onPartial)
	// Offline, a question asking two things is answered part by part too;
	// a model reads the whole question against the passages.
	if err != nil || a.LLM != nil || ans.SmallTalk {
		return ans, err
	}
	return a.withParts(ctx, q, ans)
}

// answer is Answer for one question, however many things it asks.
func (a *Answerer) answer(ctx context.Context, q Question, onPartial func(text string)) (Answer, error) {
	if q.text == "" {
		return Answer{}, ErrEmptyQuestion
	}
	lib := a.snap.Load()
	if smallTalk(q.search) {
		return Answer{Question: q.text, Text: smallTalkReply(q.text, a.series(lib)), Sources: []Source{}, SmallTalk: true}, nil
	}
	// Offline, whatever sentence shares the most words with "should I buy
	// Alibaba stock?" would be quoted as its answer; the series analyses
	// the businesses and advises no one.
	if a.LLM == nil && asksAdvice.MatchString(q.search) {
		text := "The series gives no investment advice or share prices."
		if list := coverage(lib.Corpus); list != "" {
			text += " " + list
		}
		return Answer{Question: q.text, Text: text, Sources: []Source{}}, nil
	}
	if a.LLM == nil {
		compare := a.compare
		if len(q.History) > 0 {
			compare = a.compareMore
		}
		if ans, ok, err := compare(ctx, lib, q); err != nil || ok {
			return ans, err
		}
	}
	text, llmErr := a.searchText(ctx, lib, q)
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	kind := kindOf(q.search)
	// A question of another time ("and before that?") asks what the one
	// before it asked.
	e, shifted := eraOf(q)
	// sought is what the passages and sentences are matched against: the
	// question, without the years it names, which are no word to share
	// ("what did Alibaba buy before 2015?"). A model is asked text.
	sought := text
	switch {
	case shifted && e.followUp:
		kind = kindOf(text)
	case shifted && e.asked != "":
		sought = strings.Replace(text, e.asked, " ", 1)
	}
	// "Besides maps, what else…" asks for what else: a sentence need not
	// share what is set aside, nor a name it is only likened to ("like
	// TikTok").
	sought = lib.Index.Unliken(setAside(sought))
	ix, m, hits, err := a.ranked(ctx, lib, sought, kind, q)
	if err != nil {
		return Answer{}, err
	}
	if a.LLM != nil {
		hits = a.withSides(ctx, lib, q, text, hits)
	}
	ans := Answer{Question: q.text, Sources: []Source{}}
	var closest bool
	var unsaid []string
	var keep func(readSentence) bool
	switch {
	case shifted && e.followUp:
		keep = e.sameAs(ix, text, q.History[len(q.History)-1].Answer)
	case shifted:
		keep = e.holds
	}
	own := lib.Index.Unliken(q.search)
	ans.Text, ans.Sources, closest, unsaid = a.extract(lib, ix, m, sought, own, kind, hits, keep)
	ans.Grounded = len(ans.Sources) > 0 && !closest
	// The series may say what is asked, only of other years: it is told
	// so, which is not "it does not cover that". A question that named its
	// years is shown the closest fact of the others, one sentence; a
	// follow-up ("and before that?") was shown them by the answer before it.
	var otherYears string
	var otherSources []Source
	if shifted && len(ans.Sources) == 0 {
		if _, found, near, _ := a.extract(lib, ix, m, sought, own, kind, hits, nil); len(found) > 0 {
			otherYears, otherSources = e.nothing(), []Source{}
			if cands, _ := a.candidates(lib, ix, m, sought, kind, hits, nil); !e.followUp && !near && len(cands) > 0 {
				quoted, sources := a.quote(cands, hits, 1)
				otherYears, otherSources = otherYears+" The closest it states: "+quoted, sources
			}
		}
	}
	if !ans.Grounded {
		switch {
		case otherYears != "":
			ans.Text, ans.Sources = otherYears, otherSources
		case len(unsaid) > 0 && !closest:
			ans.Text, ans.Sources = notMentioned(lib.Corpus, q.Part, unsaid), []Source{}
		case !closest:
			ans.Text, ans.Sources = notCovered(lib.Corpus, q.Part), []Source{}
		}
		// Quoting needs the question's own words in one sentence; a model
		// can read a loosely worded question ("how much cash did the
		// cloud arm pull in") against the passages. It is asked when the
		// passages are close enough to be worth reading, and says itself
		// when they do not answer.
		if a.LLM == nil || !plausible(ix, sought, hits) {
			return ans, nil
		}
	}
	if a.LLM == nil {
		return ans, nil
	}
	if llmErr == nil {
		var written Answer
		written, llmErr = a.compose(ctx, lib, text, hits, onPartial)
		if llmErr == nil {
			written.Question = q.text
			return written, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	a.log().Warn("language model unavailable; answering with quotes from the series", "question", Clip(q.text, 80), "err", llmErr)
	ans.Note = unavailableNote(llmErr)
	return ans, nil
}

// Search retrieves the passages an answer to q would be drawn from, best
// first, as Answer searches for them: a follow-up read with its history,
// narrowed to q.Part, preferring passages of the kind of answer asked
// for, q.K of them (0: the index's default).
func (a *Answerer) Search(ctx context.Context, q Question) ([]retrieval.Hit, error) {
	if q.text == "" {
		return nil, ErrEmptyQuestion
	}
	lib := a.snap.Load()
	text, _ := a.searchText(ctx, lib, q) // a failed condensation searches the merge, as Answer does
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, _, hits, err := a.ranked(ctx, lib, text, kindOf(q.search), q)
	return hits, err
}

// search runs retrieval for text on lib's index, and on its local index
// when the index's own (remote) embedder fails.
func (a *Answerer) search(ctx context.Context, lib *Snapshot, text string, kind answerKind, q Question) (*retrieval.Index, []retrieval.Hit, error) {
	opt := searchOptions(lib, kind, q)
	hits, err := lib.Index.Search(ctx, text, opt)
	if err != nil && lib.Local != nil && ctx.Err() == nil {
		a.log().Warn("search failed; searching the local index instead", "embedder", lib.Index.Embedder(), "err", err)
		ix := lib.Local
		hits, err = ix.Search(ctx, text, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		return ix, hits, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	return lib.Index, hits, nil
}

// ranked searches for text as search does, and orders the hits by the
// sentence of each that best covers it (bySentence), read with m, the
// question's Matcher for extract, which it returns.
func (a *Answerer) ranked(ctx context.Context, lib *Snapshot, text string, kind answerKind, q Question) (*retrieval.Index, retrieval.Matcher, []retrieval.Hit, error) {
	ix, hits, err := a.search(ctx, lib, kind.unmarked(text), kind, q)
	if err != nil {
		return nil, retrieval.Matcher{}, nil, err
	}
	m := ix.Matcher(kind.unmarked(text))
	// A comparison is answered from a passage for each side, which no
	// one sentence covers.
	if _, _, _, ok := comparisonSides(text); !ok {
		hits = bySentence(lib, m, hits)
	}
	if a.LLM == nil {
		m = a.followedUp(ix, m, text, kind, q)
	}
	return ix, m, hits, nil
}

// followedUp returns m, which reads text, a follow-up merged offline with
// the question before it (withSubject), carrying other readings
// (Matcher.Or) for extract to read sentences with (betterReading): that
// question's names and the follow-up ("amap alibaba whats its main
// rival?"), and its rare names alone ("amap whats its main rival?"): not
// the name of half the series ("Alibaba"), which tells little of what "it"
// is and which a sentence answering the follow-up need not repeat. What the
// earlier question asked does not then weigh against what the follow-up
// asks. The passages are ranked as before.
func (a *Answerer) followedUp(ix *retrieval.Index, m retrieval.Matcher, text string, kind answerKind, q Question) retrieval.Matcher {
	earlier, ok := strings.CutSuffix(text, " "+q.search)
	if !ok || len(q.History) == 0 {
		return m
	}
	names := ix.Subjects(earlier)
	if len(names) == 0 && len(ix.Subjects(q.search)) == 0 {
		// One that named nothing ("what's stylized fact #1?") was about
		// what its answer named first; a follow-up naming its own subject
		// ("and the one for turkey?") is not.
		// A refusal quotes nothing, and what it lists is no subject.
		if first, _, quoted := strings.Cut(q.History[len(q.History)-1].Answer, " ["); quoted {
			names = ix.Subjects(first)
		}
	}
	if len(names) == 0 {
		return m
	}
	alt := ix.Matcher(kind.unmarked(strings.Join(names, " ") + " " + q.search))
	if rare := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !ix.Matcher(n).HasRareNames() }); len(rare) > 0 && len(rare) < len(names) {
		alt = alt.Or(ix.Matcher(kind.unmarked(strings.Join(rare, " ") + " " + q.search)))
	}
	return m.Or(alt)
}

// bySentence orders hits by the sentence of each that best covers the
// question m reads, scored as extract scores sentences: the passage that
// holds the answer comes first, for the quotes and for a model's prompt,
// even when its other sentences make it a weaker match as a whole.
func bySentence(lib *Snapshot, m retrieval.Matcher, hits []retrieval.Hit) []retrieval.Hit {
	score := make(map[string]float64, len(hits))
	for i, h := range hits {
		read := lib.passage(h.Passage)
		best := 0.0
		for _, s := range read.sentences {
			if c := m.MatchTerms(s.read.Terms, s.context).Coverage; c > best {
				best = c
			}
		}
		score[h.Passage.ID] = best + passageWeight*h.Coverage + rankWeight/float64(i+1)
	}
	out := slices.Clone(hits)
	slices.SortStableFunc(out, func(x, y retrieval.Hit) int { return cmp.Compare(score[y.Passage.ID], score[x.Passage.ID]) })
	return out
}

// plausible reports whether some hit could bear on the question, which is
// all the gate before a language model asks: the model reads the passages
// and says itself when they do not answer. A question has no plausible
// passage when no hit shares a word the series uses with it, when it is
// more made of words the series never uses than of its own (Foreign), or
// when it names something and no hit names any of it ("Pinduoduo's
// revenue": the series never names Pinduoduo).
func plausible(ix *retrieval.Index, question string, hits []retrieval.Hit) bool {
	m := ix.Matcher(question)
	for _, h := range hits {
		pm := m.MatchPassage(h.Passage)
		if pm.Matched > 0 && !pm.Foreign() && (pm.Names == 0 || pm.NamesMatched > 0) {
			return true
		}
	}
	return false
}

// searchOptions narrows retrieval as q asks, and prefers passages that can
// hold the kind of answer it wants.
func searchOptions(lib *Snapshot, kind answerKind, q Question) retrieval.Options {
	opt := retrieval.Options{K: q.K, Part: q.Part}
	if kind != kindAny {
		opt.Prefer = func(p corpus.Passage) bool { return lib.kinds(p).has(kind) }
	}
	return opt
}

// asksAdvice matches a question asking whether to buy, sell or hold a
// stock, or what it is worth: advice and prices, which a series of
// analyses does not give. General investing English, kept short.
var asksAdvice = newLazyRegexp(`(?i)\bshould (?:i|we|you|one) (?:buy|sell|short|hold|dump|invest in)\b(?:\s+[\w']+){0,3}?\s+(?:stocks?|shares?|baba|alibaba|equity)\b|\bshould (?:i|we|you|one) invest\b|\b(?:good|bad|smart|safe|wise) investment\b|\b(?:stocks?|shares?|baba)\b[^?.!]*\b(?:worth (?:buying|it)|good buy|buy or sell|sell or buy|undervalued|overvalued)\b|\b(?:price target|target price)\b`)

// notCovered says plainly that the series does not answer the question and
// lists what it does cover, so the user can rephrase or read on.
func notCovered(lib *corpus.Library, part int) string {
	head := "The series does not cover that."
	if part > 0 {
		head = fmt.Sprintf("Part %d of the series does not cover that.", part)
	}
	if list := coverage(lib); list != "" {
		return head + " " + list
	}
	return head
}

// notMentioned says that the series never uses the words a question asks
// about ("The series never mentions “dividend”."), and lists what it
// covers.
func notMentioned(lib *corpus.Library, part int, words []string) string {
	head := neverMentions(words)
	if part > 0 {
		head = fmt.Sprintf("Part %d of the series never mentions %s.", part, quoteWords(words))
	}
	if list := coverage(lib); list != "" {
		return head + " " + list
	}
	return head
}

func neverMentions(words []string) string {
	return "The series never mentions " + quoteWords(words) + "."
}

// quoteWords quotes words as a list of alternatives: “net” or “margin”.
func quoteWords(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "“" + w + "”"
	}
	return strings.Join(quoted, " or ")
}

// coverage lists what the series covers, part by part ("It covers:\n- Part
// 1 — …"), or "" for a corpus with nothing to list.
func coverage(lib *corpus.Library) string {
	var lines []string
	for _, p := range lib.Manifest.Parts {
		lines = append(lines, PartLine(p))
	}
	if len(lines) == 0 {
		// A corpus of articles without part numbers has no parts to list;
		// its articles are what it covers.
		for _, a := range lib.Articles {
			line := a.Title
			if a.URL != "" {
				line += " — " + a.URL
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "It covers:\n- " + strings.Join(lines, "\n- ")
}

// PartLine renders a part of the series for a listing: linked when its URL
// is known, described by its subject when its title is not.
func PartLine(p corpus.PartInfo) string {
	var b strings.Builder
	b.WriteString(partLabel(p.Series, p.Part, p.Title))
	switch {
	case p.Title != "":
		b.WriteString(p.Title)
	case p.About != "":
		fmt.Fprintf(&b, "%s (title not published)", p.About)
	default:
		b.WriteString("(title not known)")
	}
	if p.URL != "" {
		b.WriteString(" — ")
		b.WriteString(p.URL)
	} else {
		b.WriteString(" (no link available)")
	}
	return b.String()
}

// partLabel is how a part is named before its title: "Part 2 — ", or
// "JD Part 1 — " when the title does not say which series it belongs to,
// so that the parts of several series are told apart.
func partLabel(series string, part int, title string) string {
	if series != "" && !strings.Contains(strings.ToLower(title), strings.ToLower(series)) {
		return fmt.Sprintf("%s Part %d — ", series, part)
	}
	return fmt.Sprintf("Part %d — ", part)
}
