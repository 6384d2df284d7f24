package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"seriesbot/retrieval"
)

// asksOtherTime is a follow-up that asks the question before it of another
// time: "and before that?", "what about after that?", "and earlier?".
// Read with the earlier question alone it is that question again, and its
// answer the same quotes; the answer is rather what the series says of
// the same thing from before (or after) the years the last answer gave.
// General English, kept short.
var asksOtherTime = regexp.MustCompile(`(?i)^(?:(?:and|also|what about|how about)\b[\s,]*)?(?:(?:in )?the (?:years?|time|period) )?(before|earlier|prior(?: to)?|after|later|since)(?: (?:that|then|this|it|those))?(?: (?:years?|time))?\??$`)

// yearIn finds the years of a text.
var yearIn = regexp.MustCompile(`\b(?:19|20)\d\d\b`)

// era is the time a follow-up asks about: before (or after) year.
type era struct {
	before bool
	year   int
}

// eraOf reads q as a question of another time than the answer before it:
// ok when it asks so and that answer gave a year, the earliest of them for
// "before", the latest for "after".
func eraOf(q Question) (e era, ok bool) {
	m := asksOtherTime.FindStringSubmatch(q.search)
	if m == nil || len(q.History) == 0 {
		return era{}, false
	}
	years := yearsOf(q.History[len(q.History)-1].Answer)
	if len(years) == 0 {
		return era{}, false
	}
	w := strings.ToLower(m[1])
	e.before = w == "before" || w == "earlier" || strings.HasPrefix(w, "prior")
	e.year = years[0]
	for _, y := range years {
		if e.before && y < e.year || !e.before && y > e.year {
			e.year = y
		}
	}
	return e, true
}

// sameAs returns what a sentence must be to answer question in the era,
// after answer: of a year of the era, and about what answer was (the words
// it shares with question). "And before that?" after Alibaba Cloud's
// revenue in 2021 asks for Alibaba Cloud's revenue, not any earlier
// figure of Alibaba's.
func (e era) sameAs(ix *retrieval.Index, question, answer string) func(sentence string) bool {
	asked := ix.Terms(question)
	var about []string
	for t := range ix.Terms(answer) {
		if asked[t] {
			about = append(about, t)
		}
	}
	return func(sentence string) bool {
		if !e.holds(sentence) {
			return false
		}
		says := ix.Terms(sentence)
		for _, t := range about {
			if !says[t] {
				return false
			}
		}
		return true
	}
}

// holds reports whether sentence speaks of a year of the era.
func (e era) holds(sentence string) bool {
	for _, y := range yearsOf(sentence) {
		if e.before && y < e.year || !e.before && y > e.year {
			return true
		}
	}
	return false
}

// nothing says that the series has nothing of the era to add.
func (e era) nothing() string {
	if e.before {
		return fmt.Sprintf("The series says nothing about that from before %d.", e.year)
	}
	return fmt.Sprintf("The series says nothing about that from after %d.", e.year)
}

func yearsOf(text string) []int {
	var out []int
	for _, s := range yearIn.FindAllString(text, -1) {
		y, _ := strconv.Atoi(s)
		out = append(out, y)
	}
	return out
}
