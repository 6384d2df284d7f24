package bot

import (
	"context"
	"regexp"
	"strings"

	"seriesbot/retrieval"
)

// A comparison asks about two things at once ("which segment is bigger,
// cloud or digital media?"). No one sentence of the series answers it:
// each side is looked up on its own and its fact quoted.
var (
	comparative = regexp.MustCompile(`(?i)\b(?:bigger|larger|smaller|higher|lower|greater|more|less|better|worse|faster|slower|older|newer|earlier|later)\b`)
	// versus separates the sides; "than" only after a comparative.
	versus = regexp.MustCompile(`(?i)\s+(?:or|vs\.?|versus|than)\s+`)
	// sideEnd ends a side: punctuation.
	sideEnd = regexp.MustCompile(`[,;:?!.]`)
	// askingWords open a question before what it is about.
	askingWords = regexp.MustCompile(`(?i)^(?:(?:which|what|who|is|was|are|were|does|did|do|has|have|had)\b\s*)+`)
)

// comparisonSides returns the two things question compares and the rest of
// it (what they are compared on), or ok false when it compares nothing.
func comparisonSides(question string) (a, b, rest string, ok bool) {
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
	switch {
	case strings.TrimSpace(a) != "":
		rest = left[:start] + " " + rest
	case cmpLoc[0] <= len(left):
		a = askingWords.ReplaceAllString(strings.TrimSpace(left[:cmpLoc[0]]), "")
		rest = left[cmpLoc[0]:] + " " + rest
	}
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
	type side struct {
		cands []candidate
		hits  []retrieval.Hit
	}
	var sides [2]side
	for i, name := range []string{sideA, sideB} {
		// Retrieval reads the side with what it is compared on; a
		// sentence need only be about the side and give a figure.
		ix, hits, err := a.search(ctx, lib, name+" "+rest, kindAmount, q)
		if err != nil {
			return Answer{}, false, err
		}
		cands, _ := a.candidates(lib, ix, ix.Matcher(name), name, kindAmount, hits)
		if len(cands) == 0 {
			return Answer{}, false, nil
		}
		sides[i] = side{cands, hits}
	}
	// The two figures should measure the same thing: a share against a
	// share, a sum against a sum.
	var best [2]candidate
	bestScore := -1.0
	for _, x := range sides[0].cands {
		for _, y := range sides[1].cands {
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
		return Answer{}, false, nil
	}
	ans := Answer{Question: q.text, Grounded: true, Sources: []Source{}}
	texts := make([]string, 2)
	for i, c := range best {
		ans.Sources = append(ans.Sources, sourceOf(sides[i].hits[c.hit], c.hit+1))
		texts[i] = cite(c.text, i+1)
	}
	ans.Text = strings.Join(texts, " ")
	return ans, true, nil
}

// sameUnitBonus prefers two figures of one unit over two better matches
// that cannot be compared.
const sameUnitBonus = 0.5

var units = regexp.MustCompile(`(?i)%|percent|RMB|\$|trillion|billion|million`)

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
