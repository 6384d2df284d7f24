package bot

import (
	"fmt"
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
var asksOtherTime = newLazyRegexp(`(?i)^(?:(?:and|also|what about|how about)\b[\s,]*)?(?:(?:in )?the (?:years?|time|period) )?(before|earlier|prior(?: to)?|after|later|since)(?: (?:that|then|this|it|those))?(?: (?:years?|time))?\??$`)

// inYears is a question that names its own time: "what did Alibaba buy
// before 2015?", "since 2014", "until 2016". Its answer is of those years,
// however many others the series gives the same words for.
var inYears = newLazyRegexp(`(?i)\b(before|prior to|after|since|until|till|up to)\s+((?:19|20)\d\d)\b`)

// inYear is a question that names the one year it asks of: "what was the
// operating margin in 2022?", "cloud revenue for fiscal 2021". Its answer
// states that year; a figure of other years is not one.
var inYear = newLazyRegexp(`(?i)\b(in|during|for)\s+(?:(?:the\s+)?fiscal\s+(?:year\s+)?|fy\s?)?((?:19|20)\d\d)\b`)

// yearIn finds the years of a text.
var yearIn = newLazyRegexp(`\b(?:19|20)\d\d\b`)

// era is the time a question asks about: before (or after) year, not
// counting it; followUp marks the time of a follow-up ("and before
// that?"), set by the answer before it.
type era struct {
	before   bool
	year     int
	exact    bool // the year itself, not before or after it
	followUp bool
	// said is how the answer puts an era the question named otherwise
	// than before or after a year ("from 2014 on"), and asked how the
	// question named it ("since 2014"): it is no word a sentence must
	// share.
	said, asked string
}

// within reports whether year y lies in the era.
func (e era) within(y int) bool {
	switch {
	case e.exact:
		return y == e.year
	case e.before:
		return y < e.year
	}
	return y > e.year
}

// eraOf reads the time q asks about: the years it names ("before 2015"),
// or, for a follow-up asking of another time than the answer before it,
// the years of that answer, the earliest for "before", the latest for
// "after". ok is false when it asks no time.
func eraOf(q Question) (e era, ok bool) {
	if m := inYears.FindStringSubmatch(q.search); m != nil {
		y, _ := strconv.Atoi(m[2])
		switch w := strings.ToLower(m[1]); w {
		case "before", "prior to":
			e = era{before: true, year: y}
		case "after":
			e = era{year: y}
		case "since":
			e = era{year: y - 1, said: "from " + m[2] + " on"}
		default: // until, till, up to
			e = era{before: true, year: y + 1, said: "up to " + m[2]}
		}
		e.asked = m[0]
		return e, true
	}
	if m := inYear.FindStringSubmatch(q.search); m != nil {
		y, _ := strconv.Atoi(m[2])
		return era{exact: true, year: y, said: "for " + m[2]}, true
	}
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
	e.year, e.followUp = years[0], true
	for _, y := range years {
		if e.within(y) {
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
func (e era) sameAs(ix *retrieval.Index, question, answer string) func(readSentence) bool {
	asked := ix.Terms(question)
	var about []string
	for t := range ix.Terms(answer) {
		if asked[t] {
			about = append(about, t)
		}
	}
	return func(s readSentence) bool {
		if !e.holds(s) {
			return false
		}
		for _, t := range about {
			if !s.read.Terms[t] {
				return false
			}
		}
		return true
	}
}

// holds reports whether s speaks of a year of the era.
func (e era) holds(s readSentence) bool {
	for _, y := range yearsOf(s.text) {
		if e.within(y) {
			return true
		}
	}
	return false
}

// nothing says that the series has nothing of the era to add.
func (e era) nothing() string {
	said := e.said
	if said == "" {
		said = fmt.Sprintf("from after %d", e.year)
		if e.before {
			said = fmt.Sprintf("from before %d", e.year)
		}
	}
	return "The series says nothing about that " + said + "."
}

func yearsOf(text string) []int {
	var out []int
	for _, s := range yearIn.FindAllString(text, -1) {
		y, _ := strconv.Atoi(s)
		out = append(out, y)
	}
	return out
}
