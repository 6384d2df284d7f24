package bot

import (
	"context"
	"strings"

	"seriesbot/retrieval"
)

// A comparison asks about two things at once ("which segment is bigger,
// cloud or digital media?"). No one sentence of the series answers it:
// each side is looked up on its own and its fact quoted.
var (
	comparative = newLazyRegexp(`(?i)\b(?:bigger|larger|smaller|higher|lower|greater|more|less|better|worse|faster|slower|older|newer|earlier|later)\b`)
	// versus separates the sides; "than" only after a comparative.
	versus = newLazyRegexp(`(?i)\s+(?:or|vs\.?|versus|than)\s+`)
	// separatorWords are what versus cannot match without.
	separatorWords = []string{" or ", " vs", " than "}
	// sideEnd ends a side: punctuation.
	sideEnd = newLazyRegexp(`[,;:?!.]`)
	// askingWords open a question before what it is about.
	askingWords = newLazyRegexp(`(?i)^(?:(?:which|what|who|is|was|are|were|does|did|do|has|have|had)\b\s*)+`)
)

// comparisonSides returns the two things question compares and the rest of
// it (what they are compared on), or ok false when it compares nothing.
func comparisonSides(question string) (a, b, rest string, ok bool) {
	// What versus needs, looked for before the expressions' cost.
	if !containsAny(strings.ToLower(question), separatorWords) {
		return "", "", "", false
	}
	cmpLoc := comparative.FindStringIndex(question)
	if cmpLoc == nil {
		return "", "", "", false
	}
	sep := versus.FindStringIndex(question)
	if sep == nil {
		return "", "", "", false
	}
	left, right := question[:sep[0]], question[sep[1]:]
	if i := sideEnd.FindStringIndex(right); i != nil {
		b, rest = right[:i[0]], right[i[1]:]
	} else {
		b = right
	}
	// Side a is what stands between the last break (punctuation or the
	// comparative word) and the separator; when nothing does ("is Alibaba
	// Cloud bigger than DingTalk?"), what stands before the comparative.
	start := 0
	if i := strings.LastIndexAny(left, ",;:"); i >= 0 {
		start = i + 1
	}
	if cmpLoc[1] <= len(left) && cmpLoc[1] > start {
		start = cmpLoc[1]
	}
	a = left[start:]
	// "Does X make more money than Y?": what stands between the
	// comparative and "than" is what is measured, and X the side.
	if measured := strings.Fields(a); len(measured) > 0 && len(measured) <= maxMeasure && start == cmpLoc[1] && strings.EqualFold(strings.TrimSpace(question[sep[0]:sep[1]]), "than") &&
		!measurePreposition[strings.ToLower(measured[0])] && !asksWhichOne.MatchString(question) {
		if before := askingWords.ReplaceAllString(strings.TrimSpace(left[:cmpLoc[0]]), ""); before != "" {
			a, rest = before, a+" "+rest
			return finishSides(a, b, rest)
		}
	}
	switch {
	case strings.TrimSpace(a) != "":
		rest = left[:start] + " " + rest
	case cmpLoc[0] <= len(left):
		a = askingWords.ReplaceAllString(strings.TrimSpace(left[:cmpLoc[0]]), "")
		rest = left[cmpLoc[0]:] + " " + rest
	}
	return finishSides(a, b, rest)
}

// measurePreposition opens a side, not a measure ("more on cloud than on
// media"), and asksWhichOne a question whose side is what it asks for
// ("what makes more money than cloud?").
var (
	measurePreposition = map[string]bool{"on": true, "in": true, "from": true, "for": true, "at": true, "with": true, "to": true}
	asksWhichOne       = newLazyRegexp(`(?i)^\s*(?:what|which|who)\b`)
)

// maxMeasure is how many words between a comparative and "than" are read as
// what is measured ("more money than"), not as a side.
const maxMeasure = 2

// finishSides trims the sides of a comparison and what else it asks, and
// reports whether they make one.
func finishSides(a, b, rest string) (string, string, string, bool) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" || strings.EqualFold(a, b) || comparative.FindString(a) == a || comparative.FindString(b) == b {
		return "", "", "", false
	}
	return a, b, strings.Join(strings.Fields(askingWords.ReplaceAllString(strings.TrimSpace(rest), "")), " "), true
}

// compare answers a comparison offline with the figure the series gives
// for each side. It reports false when either side has none: the question
// is then answered as any other.
func (a *Answerer) compare(ctx context.Context, lib *Snapshot, q Question) (Answer, bool, error) {
	sideA, sideB, rest, ok := comparisonSides(q.search)
	if !ok {
		return Answer{}, false, nil
	}
	facts, ok, err := a.sideFacts(ctx, lib, q, [2]string{sideA, sideB}, rest)
	if err != nil || !ok {
		return Answer{}, false, err
	}
	ans := Answer{Question: q.text, Grounded: true, Sources: []Source{}}
	texts := make([]string, 2)
	for i, f := range facts {
		ans.Sources = append(ans.Sources, sourceOf(f.hits[f.hit], f.hit+1))
		texts[i] = cite(f.text, i+1)
	}
	ans.Text = strings.Join(texts, " ")
	return ans, true, nil
}

// compareMore answers offline a follow-up that brings one more side into
// the comparison before it ("which is bigger, cloud or digital media?"
// then "and innovation initiatives?") with that side's figure, on what the
// two were compared. It reports false when q is no such follow-up or the
// side has no figure: it is then answered as any follow-up.
func (a *Answerer) compareMore(ctx context.Context, lib *Snapshot, q Question) (Answer, bool, error) {
	side, ok := oneMoreSide(q.search)
	if !ok {
		return Answer{}, false, nil
	}
	// The comparison is the latest earlier question that is one, past the
	// follow-ups that brought in more sides ("and Ant Group?").
	var rest string
	compared := false
	for i := len(q.History) - 1; i >= 0; i-- {
		earlier := searchable(q.History[i].Question)
		_, _, rest, compared = comparisonSides(earlier)
		if _, more := oneMoreSide(earlier); compared || !more {
			break
		}
	}
	if !compared {
		return Answer{}, false, nil
	}
	ix, h, err := a.search(ctx, lib, side+" "+rest, kindAmount, q)
	if err != nil {
		return Answer{}, false, err
	}
	c, _ := a.candidates(lib, ix, ix.Matcher(side), side, kindAmount, h, nil)
	if len(c) == 0 {
		return Answer{}, false, nil
	}
	best := bestOf(c)
	return Answer{Question: q.text, Grounded: true, Text: cite(best.text, 1), Sources: []Source{sourceOf(h[best.hit], best.hit+1)}}, true, nil
}

// oneMoreSide returns what a follow-up that only names something ("and
// innovation initiatives?", "what about Ant Group") names, or false.
func oneMoreSide(question string) (string, bool) {
	loc := followUp.FindStringIndex(question)
	if loc == nil {
		return "", false
	}
	side := strings.TrimRight(strings.TrimSpace(question[loc[1]:]), "?")
	if side == "" || whole.MatchString(side) || pronoun.MatchString(side) {
		return "", false
	}
	return side, true
}

// sideFact is the sentence that gives one side's figure, among the hits
// of that side's search.
type sideFact struct {
	candidate
	hits []retrieval.Hit
}

// sideFacts looks each side up on its own, read with what the two are
// compared on (rest), and picks the sentence giving each one's figure: of
// one unit when it can, a share against a share, a sum against a sum. It
// reports false when a side has no figure.
func (a *Answerer) sideFacts(ctx context.Context, lib *Snapshot, q Question, sides [2]string, rest string) ([2]sideFact, bool, error) {
	var cands [2][]candidate
	var hits [2][]retrieval.Hit
	for i, name := range sides {
		// A sentence need only be about the side and give a figure.
		ix, h, err := a.search(ctx, lib, name+" "+rest, kindAmount, q)
		if err != nil {
			return [2]sideFact{}, false, err
		}
		c, _ := a.candidates(lib, ix, ix.Matcher(name), name, kindAmount, h, nil)
		if len(c) == 0 {
			return [2]sideFact{}, false, nil
		}
		cands[i], hits[i] = c, h
	}
	var best [2]candidate
	bestScore := -1.0
	for _, x := range cands[0] {
		for _, y := range cands[1] {
			if x.text == y.text {
				continue // one sentence for both sides compares nothing
			}
			s := x.score + y.score
			if u := unitOf(x.text); u != "" && u == unitOf(y.text) {
				s += sameUnitBonus
			}
			if s > bestScore {
				best, bestScore = [2]candidate{x, y}, s
			}
		}
	}
	if bestScore < 0 {
		return [2]sideFact{}, false, nil
	}
	return [2]sideFact{{best[0], hits[0]}, {best[1], hits[1]}}, true, nil
}

// sameUnitBonus prefers two figures of one unit over two better matches
// that cannot be compared.
const sameUnitBonus = 0.5

var units = newLazyRegexp(`(?i)%|percent|RMB|\$|trillion|billion|million`)

// unitOf is the unit of the first amount in sentence ("%", "rmb", …).
func unitOf(sentence string) string {
	loc := hasAmount.FindStringIndex(sentence)
	if loc == nil {
		return ""
	}
	u := strings.ToLower(units.FindString(sentence[loc[0]:loc[1]]))
	if u == "percent" {
		u = "%"
	}
	return u
}

// withSides makes sure the passages a model reads for a comparison hold
// both sides: one search for the whole question ("which is bigger, cloud
// or digital media?") finds the side its words lean to, and the model
// cannot compare what it was not sent. The passages of the two figures
// compare would quote come first, then hits, as many as hits had. text is
// what was searched for (q read with its conversation).
//
// A side that cannot be looked up leaves hits as they are: the passages
// found for the whole question still serve.
func (a *Answerer) withSides(ctx context.Context, lib *Snapshot, q Question, text string, hits []retrieval.Hit) []retrieval.Hit {
	sideA, sideB, rest, ok := comparisonSides(text)
	if !ok || len(hits) == 0 {
		return hits
	}
	facts, ok, err := a.sideFacts(ctx, lib, q, [2]string{sideA, sideB}, rest)
	if err != nil && ctx.Err() == nil {
		a.log().Warn("could not look up the sides of a comparison", "question", Clip(q.text, 80), "err", err)
	}
	if err != nil || !ok {
		return hits
	}
	out := make([]retrieval.Hit, 0, len(hits))
	seen := make(map[string]bool, len(hits))
	for _, h := range append([]retrieval.Hit{facts[0].hits[facts[0].hit], facts[1].hits[facts[1].hit]}, hits...) {
		if len(out) == len(hits) {
			break
		}
		if !seen[h.Passage.ID] {
			seen[h.Passage.ID] = true
			out = append(out, h)
		}
	}
	return out
}
