package bot

import (
	"context"
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
// without one (or when it fails, reported in err) the previous question is
// put before it, which brings back what "it" referred to.
func (a *Answerer) searchText(ctx context.Context, lib *Snapshot, q Question) (text string, err error) {
	var turns []prompts.Turn
	for _, t := range q.History {
		if strings.TrimSpace(t.Question) != "" {
			turns = append(turns, prompts.Turn{Question: strings.TrimSpace(t.Question), Answer: Clip(strings.TrimSpace(t.Answer), maxTurnAnswerRunes)})
		}
	}
	if len(turns) == 0 {
		return q.text, nil
	}
	merged := turns[len(turns)-1].Question + " " + q.text
	if a.LLM == nil {
		return merged, nil
	}
	turns = turns[max(0, len(turns)-maxHistoryTurns):]
	prompt, err := prompts.Condense(a.series(lib), turns, q.text)
	if err != nil {
		return merged, err
	}
	reply, err := a.LLM.Stream(ctx, []Message{{Role: RoleUser, Content: prompt}}, nil)
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

	var onDelta func(string)
	if onPartial != nil {
		var raw strings.Builder
		shown := ""
		onDelta = func(d string) {
			raw.WriteString(d)
			if p, _ := rewriteCitations(settled(raw.String()), n); p != shown {
				shown = p
				onPartial(p)
			}
		}
	}
	reply, err := a.LLM.Stream(ctx, messages, onDelta)
	if err != nil {
		return Answer{}, err
	}
	text, cited := rewriteCitations(reply, n)
	ans := Answer{Text: text, Sources: make([]Source, 0, len(cited))}
	for _, i := range cited {
		ans.Sources = append(ans.Sources, sourceOf(hits[i], i+1))
	}
	// An answer that cites nothing may be right, but nothing shows it
	// comes from the series.
	ans.Grounded = len(ans.Sources) > 0
	return ans, nil
}

// sourceOf is the cited source for hit, which retrieval ranked rank.
func sourceOf(h retrieval.Hit, rank int) Source {
	return Source{
		Rank:    rank,
		Title:   h.Passage.Title,
		Part:    h.Passage.Part,
		Section: h.Passage.Section,
		URL:     h.Passage.URL,
		Score:   h.Score,
		Text:    h.Passage.Text,
	}
}
