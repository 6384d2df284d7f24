package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"seriesbot/retrieval"
)

// A question may ask two things at once ("whats damai and when did alibaba
// get it", "what was Alibaba Pictures called before, and what is its stock
// code?"), which no one sentence of the series answers: each part is asked
// on its own, the second read after the first as a follow-up, and what each
// adds is quoted after the answer to the whole.
var (
	// secondQuestion opens the second part: "and" before a question word
	// or an auxiliary. "Which is bigger, cloud and digital media?" has
	// none.
	secondQuestion = newLazyRegexp(`(?i)(?:,\s*|\s+)(and)\s+(?:what|what's|whats|when|how|who|whos|which|where|why|was|is|are|were|did|does|do|has|have)\b`)
	// citedSentence is one quoted sentence of an offline answer and the
	// source it cites ("… in 2016 [1].").
	citedSentence = newLazyRegexp(`[^\[]*?\s\[(\d+)\][.!?。！？]?`)
)

// compoundParts returns the two questions a question asks, or nil when it
// asks one. A question ended by "?" and followed by another is two as well.
// The first must name something, or ask with minOwnTerms words of the
// series ("how much revenue" of "how much revenue and how much profit…"
// asks too little), and "between" before the "and" joins two things of one
// question ("the gap between revenue and what is reported").
func compoundParts(ix *retrieval.Index, question string) []string {
	var first, second string
	if loc := secondQuestion.FindStringSubmatchIndex(question); loc != nil && !between.MatchString(question[:loc[0]]) {
		first, second = strings.TrimRight(question[:loc[0]], " ,;"), strings.TrimSpace(question[loc[3]:])
	} else if i := strings.Index(question, "? "); i > 0 && whole.MatchString(question[i+2:]) {
		first, second = question[:i+1], strings.TrimSpace(question[i+2:])
	}
	if !whole.MatchString(first) || len(strings.Fields(second)) < 2 || len(ix.Subjects(first)) == 0 && ix.Matcher(first).Match("").Known < minOwnTerms {
		return nil
	}
	return []string{first, second}
}

// between joins two things a question asks about as one.
var between = newLazyRegexp(`(?i)\bbetween\b`)

// withParts adds to ans, the answer to a question asking two things, what
// the answer to each part alone adds: its best sentence, when the part is
// answered and the answer does not quote it yet. A question the series does
// not answer as a whole is not answered part by part: a part read as a
// follow-up ("how big is it?") is more often answered wrongly than the
// whole.
func (a *Answerer) withParts(ctx context.Context, q Question, ans Answer) (Answer, error) {
	if !ans.Grounded {
		return ans, nil
	}
	parts := compoundParts(a.snap.Load().Index, q.search)
	if parts == nil {
		return ans, nil
	}
	history := slices.Clone(q.History)
	for i, p := range parts {
		sub, err := NewQuestion(p)
		if err != nil {
			return ans, nil
		}
		sub.Part, sub.K, sub.History = q.Part, q.K, history
		// The second part is read after the first only when it needs to
		// be ("when did alibaba get it"): one that stands alone is asked
		// as it is.
		if i > 0 && standsAlone(a.snap.Load().Index, p) {
			sub.History = q.History
		}
		got, err := a.answer(ctx, sub, nil)
		if err != nil {
			// The answer to the whole stands; what a part would add is lost.
			return ans, nil
		}
		history = append(history, Turn{Question: p, Answer: got.Text})
		if got.Grounded {
			ans = addBest(ans, got)
		}
	}
	return ans, nil
}

// addBest appends to ans the best sentence of more, its first, when ans
// does not quote it, its citation renumbered into ans's sources.
func addBest(ans, more Answer) Answer {
	for _, m := range citedSentence.FindAllStringSubmatch(more.Text, 1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > len(more.Sources) {
			return ans
		}
		marker := " [" + m[1] + "]"
		sentence := strings.TrimSpace(strings.Replace(m[0], marker, "", 1))
		if strings.Contains(ans.Text, strings.TrimRight(sentence, ".!?。！？")) {
			return ans
		}
		src := more.Sources[n-1]
		k := slices.IndexFunc(ans.Sources, func(s Source) bool { return s.URL == src.URL && s.Section == src.Section && s.Text == src.Text })
		if k < 0 {
			ans.Sources = append(ans.Sources, src)
			k = len(ans.Sources) - 1
		}
		ans.Text += " " + strings.Replace(strings.TrimSpace(m[0]), marker, " ["+strconv.Itoa(k+1)+"]", 1)
		return ans
	}
	return ans
}
