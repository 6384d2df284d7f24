package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"seriesbot/prompts"
	"seriesbot/retrieval"
)

// DefaultPromptBudget bounds the prompt of an answer, in tokens as
// prompts.EstimateTokens counts them: the rules, the question and five
// passages of the series take about 1,500, so the default leaves room for
// a larger --k before passages are dropped (worst first), while keeping a
// call cheap and quick.
const DefaultPromptBudget = 2500

// What of a conversation the follow-up condensation sees: the latest turns,
// answers cut short. An answer's first sentences say what it was about;
// older turns rarely decide what "it" means.
const (
	maxHistoryTurns    = 4
	maxTurnAnswerRunes = 600
)

func (a *Answerer) series(lib *Snapshot) string {
	if lib.Series != "" {
		return lib.Series
	}
	return prompts.DefaultSeries
}

func (a *Answerer) budget() int {
	if a.Budget > 0 {
		return a.Budget
	}
	return DefaultPromptBudget
}

// searchText is what retrieval looks for: the question itself, or for a
// follow-up ("when was it launched?") a question that stands on its own.
// With a language model the follow-up is rewritten from the conversation;
// without one (or when it fails, reported in err) it is read with the
// latest earlier question that names something (withSubject).
func (a *Answerer) searchText(ctx context.Context, lib *Snapshot, q Question) (text string, err error) {
	var turns []prompts.Turn
	for _, t := range q.History {
		if strings.TrimSpace(t.Question) != "" {
			turns = append(turns, prompts.Turn{Question: strings.TrimSpace(t.Question), Answer: Clip(strings.TrimSpace(t.Answer), maxTurnAnswerRunes)})
		}
	}
	if len(turns) == 0 {
		return q.search, nil
	}
	merged := withSubject(lib.Index, q.search, turns)
	if a.LLM == nil {
		return merged, nil
	}
	turns = turns[max(0, len(turns)-maxHistoryTurns):]
	system, prompt, err := prompts.Condense(a.series(lib), turns, q.search)
	if err != nil {
		return merged, err
	}
	reply, err := a.LLM.Stream(ctx, []Message{{Role: RoleSystem, Content: system}, {Role: RoleUser, Content: prompt}}, nil)
	if err != nil {
		return merged, err
	}
	standalone := cleanStandalone(reply)
	if _, err := NewQuestion(standalone); err != nil {
		// Nothing usable came back; the merge is still a fair search.
		a.log().Warn("the condensed question is unusable; searching with the previous question merged in", "reply", Clip(reply, 200))
		return merged, nil
	}
	a.log().Debug("condensed a follow-up question", "question", q.text, "standalone", standalone)
	return standalone, nil
}

// withSubject reads a follow-up offline. A question that names something
// and points back at nothing ("When was Taobao launched?") is a new one,
// read as it is. One that names nothing ("and how many customers?") or
// points back ("how does it rank in China?") is about what the
// conversation was about: it is read after the latest earlier question
// that stands alone that way, or that named what it asked about as a
// follow-up ("what about DingTalk?", read with the conversation before
// it), or after the one before it when none does.
//
// A follow-up that opens as one ("and", "what about") and names something new
// ("what about Turkey?" after "which platform does Alibaba run in
// Southeast Asia?") asks the earlier question of that instead: the
// earlier question's names are left out of the merge.
func withSubject(ix *retrieval.Index, question string, turns []prompts.Turn) string {
	// The first question of a conversation has nothing before it to be
	// read with, however much it reads like a follow-up ("what about
	// DingTalk?" to open a thread).
	if len(turns) == 0 || standsAlone(ix, question) {
		return question
	}
	own := ix.Subjects(question)
	swap := len(own) > 0 && !pronoun.MatchString(question)
	for i := len(turns) - 1; i >= 0; i-- {
		earlier := searchable(turns[i].Question)
		switch {
		case standsAlone(ix, earlier):
		case len(ix.Subjects(earlier)) > 0:
			// A follow-up that named its subject ("what about DingTalk?")
			// is what "it" now means, read with the conversation before it.
			earlier = withSubject(ix, earlier, turns[:i])
		default:
			continue
		}
		if swap {
			earlier = without(earlier, ix.Subjects(earlier), own)
		}
		// "And when was it launched?" asks for a date: the one the
		// question before it named ("… in fiscal 2021?") is no part of it.
		if kindOf(question) == kindTime {
			// That is, the year of a figure; one that names the subject
			// ("what did alibaba add in 2003?" then "when was it spun
			// off?") stays.
			if kindOf(earlier) == kindNumber {
				earlier = datesNamed.ReplaceAllString(earlier, " ")
			}
		}
		return earlier + " " + question
	}
	return searchable(turns[len(turns)-1].Question) + " " + question
}

// datesNamed finds the years a question names, fiscal or not.
var datesNamed = newLazyRegexp(`(?i)\b(?:(?:in|of|for|during)\s+)?(?:(?:fiscal|financial)\s+(?:year\s+)?)?(?:19|20)\d\d\b|\bfy\s?'?\d{2}(?:\d{2})?\b`)

// without is text without the words of names that are not in keep.
func without(text string, names, keep []string) string {
	var drop []string
	for _, n := range names {
		if !slices.Contains(keep, n) {
			drop = append(drop, strings.ToLower(n))
		}
	}
	if len(drop) == 0 {
		return text
	}
	words := strings.Fields(text)
	out := words[:0]
	for _, w := range words {
		bare := strings.ToLower(strings.Trim(w, `.,;:!?"“”()`))
		bare = strings.TrimSuffix(strings.TrimSuffix(bare, "'s"), "’s")
		if !slices.Contains(drop, bare) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// pronoun matches the words by which a question refers to what was said
// before it, and followUp the openings of a follow-up ("and …", "what
// about …"); whole, a question that asks by itself after such an opening
// ("and how much revenue did Alibaba Cloud make?"), by a question word
// or an auxiliary in front, contractions typed without an apostrophe too
// ("whats"). General English, kept short.
var (
	pronoun  = newLazyRegexp(`(?i)\b(?:it|its|it's|they|them|their|theirs|this|that|these|those|he|she|his|her|there|then|same)\b`)
	followUp = newLazyRegexp(`(?i)^(?:and|also|so|what about|how about)\b[\s,]*`)
	whole    = newLazyRegexp(`(?i)^(?:how|what(?:'s|’s|s)?|when|where|which|who(?:'s|’s|s)?|whom|whose|why|is|are|was|were|do|does|did|has|have|had|can|could|will|would)\b`)
)

// standsAlone reports whether a question can be understood without the
// conversation before it: it names something, refers back to nothing, and
// asks by itself after any opening of a follow-up.
//
// A question that names nothing stands alone too when it asks in full
// ("what's stylized fact #1 in the financial overview part?") with at
// least minOwnTerms words the series uses: it has a subject of its own,
// though not a name. "What's the growth rate" has too few to be more than
// a follow-up.
func standsAlone(ix *retrieval.Index, question string) bool {
	if pronoun.MatchString(question) {
		return false
	}
	// The words that only ask for a kind of answer ("which year") are no
	// subject of its own.
	if len(ix.Subjects(question)) == 0 && !(whole.MatchString(question) && ix.Matcher(kindOf(question).unmarked(question)).Match("").Known >= minOwnTerms) {
		return false
	}
	if loc := followUp.FindStringIndex(question); loc != nil {
		return whole.MatchString(question[loc[1]:])
	}
	return true
}

// minOwnTerms is how many words the series uses a question naming nothing
// must ask with to stand alone.
const minOwnTerms = 3

// cleanStandalone takes the question out of a condensation reply, which
// models sometimes quote or introduce ("Standalone question: …").
func cleanStandalone(reply string) string {
	for l := range strings.Lines(reply) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if head, rest, ok := strings.Cut(l, ":"); ok && strings.Contains(strings.ToLower(head), "question") {
			l = strings.TrimSpace(rest)
		}
		return strings.Trim(l, "\"'“”「」 ")
	}
	return ""
}

// errLeakedInstructions: the model quoted its prompt, as a question or a
// passage may ask it to.
var errLeakedInstructions = errors.New("the reply repeats a rule of the system prompt")

// compose has the language model answer question from hits (best first, as
// many as fit the prompt budget), streams the settled text of the answer to
// onPartial, and checks the citations of the result.
func (a *Answerer) compose(ctx context.Context, lib *Snapshot, question string, hits []retrieval.Hit, onPartial func(string)) (Answer, error) {
	system, err := prompts.System(a.series(lib), 0)
	if err != nil {
		return Answer{}, err
	}
	srcs := make([]prompts.Source, len(hits))
	for i, h := range hits {
		srcs[i] = prompts.Source{Part: h.Passage.Part, Title: h.Passage.Title, Section: h.Passage.Section, URL: h.Passage.URL, Text: h.Passage.Text}
	}
	bare, err := prompts.Answer(question, nil)
	if err != nil {
		return Answer{}, err
	}
	n := prompts.Fit(a.budget(), prompts.EstimateTokens(system)+prompts.EstimateTokens(bare), srcs)
	user, err := prompts.Answer(question, srcs[:n])
	if err != nil {
		return Answer{}, err
	}
	messages := []Message{
		{Role: RoleSystem, Content: system},
		{Role: RoleUser, Content: user},
	}

	// Links are made plain before citations are read, so that a planted
	// "[1](https://evil.example)" is no citation; those to a source given
	// but not cited go once the citations are known.
	given := make([]string, n)
	for i, s := range srcs[:n] {
		given[i] = s.URL
	}
	var onDelta func(string)
	if onPartial != nil {
		var raw strings.Builder
		shown := ""
		leaked := false
		rules := promptRules(system)
		onDelta = func(d string) {
			raw.WriteString(d)
			if leaked = leaked || rules.leakedBy(raw.String()); leaked {
				return // the reply will not be posted; show no more of it
			}
			if p, _ := rewriteCitations(sanitizeLinks(settled(raw.String()), given), n); p != shown {
				shown = p
				onPartial(p)
			}
		}
	}
	reply, err := a.LLM.Stream(ctx, messages, onDelta)
	if err != nil {
		return Answer{}, err
	}
	if leaksInstructions(reply, system) {
		return Answer{}, &ChatError{Reason: "its answer repeated the bot's instructions", Err: errLeakedInstructions}
	}
	text, cited := rewriteCitations(sanitizeLinks(reply, given), n)
	ans := Answer{Sources: make([]Source, 0, len(cited))}
	citedURLs := make([]string, 0, len(cited))
	for _, i := range cited {
		ans.Sources = append(ans.Sources, sourceOf(hits[i], i+1))
		citedURLs = append(citedURLs, hits[i].Passage.URL)
	}
	ans.Text = sanitizeLinks(text, citedURLs)
	// An answer that cites nothing may be right, but nothing shows it
	// comes from the series: the model said the passages do not answer,
	// or could not show they do. Its reply stands, with the parts the
	// series has, as a refusal would list them.
	ans.Grounded = len(ans.Sources) > 0
	if !ans.Grounded {
		ans.Text = strings.TrimSpace(ans.Text) + "\n\n" + coverage(lib.Corpus)
	}
	return ans, nil
}

// sourceOf is the cited source for hit, which retrieval ranked rank.
func sourceOf(h retrieval.Hit, rank int) Source {
	return Source{
		Rank:    rank,
		Title:   h.Passage.Title,
		Series:  h.Passage.Series,
		Part:    h.Passage.Part,
		Section: h.Passage.Section,
		URL:     h.Passage.URL,
		Score:   h.Score,
		Text:    h.Passage.Text,
	}
}
