package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"seriesbot/corpus"
)

// A summary quoted from the series picks sentences by what they carry,
// not by where they stand: a sentence earns its place with the names,
// amounts and dates it adds to those already chosen. A sentence that adds
// nothing (it repeats, or only introduces) is left out.
const (
	gainName   = 2
	gainAmount = 2
	gainDate   = 1
	// gainEvent is a date of something happening to a business (it was
	// launched, bought, renamed): what a reader asks first.
	gainEvent = 2
	// minGain is what a sentence must add to be quoted: one new name or
	// amount, or two new dates.
	minGain = 2
)

var (
	// summaryYear finds the dates a sentence gives: years and months.
	summaryYear = newLazyRegexp(`\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b`)
	// mentionsPart finds a sentence pointing at a part of the series
	// ("…, which Part 2 describes"): with nothing else to give, it only
	// introduces.
	mentionsPart = newLazyRegexp(`\b[Pp]art \d+\b`)
	// eventVerb finds a sentence telling of an event in a business's life.
	eventVerb = newLazyRegexp(`(?i)\b(?:launched|founded|set up|started|began|begun|created|established|added|acquired|acquisitions?|bought|purchased|merged|renamed|spun off|listed|shifted|moved|took it private|taken private|opened|closed)\b`)
)

// summarySentence is a sentence of the scope, with what it carries.
type summarySentence struct {
	passage int // index among the scope's passages
	text    string
	names   []string // lower-case
	amounts []string
	dates   []string
	event   bool // its dates are of events (see eventVerb)
	figure  bool // states a front-matter figure of the scope
	intro   bool // only introduces: what a part covers
	opening bool // the first sentence of its section that says something
}

// offlineSummary quotes the series on sc: a lead line saying what sc is,
// then one bullet per passage quoted, in series order, each citing its
// (part, section). Every figure the front matter gives for sc is quoted;
// the other sentences are chosen greedily by the names, amounts and dates
// they add, within maxSummaryRunes.
func offlineSummary(snap *Snapshot, sc Scope) Summary {
	lib := snap.Corpus
	sum := Summary{Scope: sc, Chart: chartOf(lib, sc)}
	var passages []corpus.Passage
	for _, p := range snap.Index.Passages() {
		if sc.holds(p) {
			passages = append(passages, p)
		}
	}
	sents := readScope(snap, passages, figuresOf(lib, sc))
	if len(sents) == 0 {
		sum.Text = fmt.Sprintf("The series has no passages on %s.", sc.Name)
		return sum
	}
	sum.Grounded = true

	budget := summaryBudget(passages)
	chosen := make([]bool, len(sents))
	seen := map[string]bool{}
	used := 0
	take := func(i int) {
		chosen[i] = true
		used += utf8.RuneCountInString(sents[i].text) + 1
		for _, k := range sents[i].keys() {
			seen[k] = true
		}
	}
	lead := -1
	var leadText string
	if sc.Part > 0 {
		leadText = partLead(lib, sc.Part, passages)
	} else {
		for i, s := range sents {
			if s.opening && passages[s.passage].Section != corpus.IntroHeading {
				lead = i
				break
			}
		}
		if lead < 0 {
			for i, s := range sents {
				if !s.intro {
					lead = i
					break
				}
			}
		}
		if lead >= 0 {
			take(lead)
		}
	}
	used += utf8.RuneCountInString(leadText)
	for i, s := range sents {
		if s.figure && !chosen[i] {
			take(i)
		}
	}
	for {
		best, bestGain := -1, minGain-1
		for i, s := range sents {
			if chosen[i] || s.intro || used+utf8.RuneCountInString(s.text) > budget {
				continue
			}
			if g := s.gain(seen); g > bestGain {
				best, bestGain = i, g
			}
		}
		if best < 0 {
			break
		}
		take(best)
	}
	// Every section of the scope is a group of facts of its own: one
	// that nothing was chosen from (its facts carry no name or figure
	// new to the summary) still gets its opening sentence.
	quoted := map[string]bool{}
	for i, s := range sents {
		if chosen[i] {
			quoted[sectionKey(passages[s.passage])] = true
		}
	}
	for i, s := range sents {
		if k := sectionKey(passages[s.passage]); s.opening && !quoted[k] && used+utf8.RuneCountInString(s.text) <= budget {
			quoted[k] = true
			take(i)
		}
	}

	// Sources: one per (part, section), numbered in the order quoted.
	type key struct {
		part    int
		section string
	}
	number := map[key]int{}
	source := func(pi int) int {
		p := passages[pi]
		k := key{p.Part, p.Section}
		if n, ok := number[k]; ok {
			if !strings.Contains(sum.Sources[n-1].Text, p.Text) {
				sum.Sources[n-1].Text += "\n\n" + p.Text
			}
			return n
		}
		n := len(sum.Sources) + 1
		number[k] = n
		sum.Sources = append(sum.Sources, Source{Rank: n, Title: p.Title, Series: p.Series, Part: p.Part, Section: p.Section, URL: p.URL, Text: p.Text})
		return n
	}
	var b strings.Builder
	b.WriteString(sc.Name + " — ")
	if lead >= 0 {
		b.WriteString(cite(Clip(sents[lead].text, maxSummarySentence), source(sents[lead].passage)))
	} else {
		b.WriteString(leadText)
	}
	var bullet []string
	flush := func(pi int) {
		if len(bullet) == 0 {
			return
		}
		last := len(bullet) - 1
		bullet[last] = cite(bullet[last], source(pi))
		b.WriteString("\n- " + strings.Join(bullet, " "))
		bullet = bullet[:0]
	}
	current := -1
	for i, s := range sents {
		if !chosen[i] || i == lead {
			continue
		}
		if s.passage != current {
			flush(current)
			current = s.passage
		}
		bullet = append(bullet, Clip(s.text, maxSummarySentence))
	}
	flush(current)
	sum.Text = b.String()
	return sum
}

// summaryBudget bounds a summary of passages, in characters: one Discord
// message for a segment, about a short paragraph per section for a part
// that covers several, which then takes two messages rather than leave out
// whole businesses.
func summaryBudget(passages []corpus.Passage) int {
	sections := map[string]bool{}
	for _, p := range passages {
		if p.Section != corpus.IntroHeading {
			sections[sectionKey(p)] = true
		}
	}
	return max(maxSummaryRunes, maxSectionRunes*len(sections))
}

// sectionKey is the (part, section) of p, which a summary cites once.
func sectionKey(p corpus.Passage) string { return fmt.Sprint(p.Part) + "\x00" + p.Section }

// readScope reads the sentences of passages, in order.
func readScope(snap *Snapshot, passages []corpus.Passage, figures []corpus.Figure) []summarySentence {
	var out []summarySentence
	opened := map[string]bool{}
	for pi, p := range passages {
		for _, rs := range snap.passage(p).sentences {
			s := summarySentence{passage: pi, text: rs.text, amounts: hasAmount.FindAllString(rs.text, -1), event: eventVerb.MatchString(rs.text)}
			for _, n := range snap.Index.Subjects(rs.text) {
				s.names = append(s.names, strings.ToLower(n))
			}
			// A date is news once for each thing it is said of: the
			// year one business was bought is not the year of another.
			subject := ""
			if len(s.names) > 0 {
				subject = s.names[0]
			}
			for _, d := range summaryYear.FindAllString(rs.text, -1) {
				s.dates = append(s.dates, d+"|"+subject)
			}
			for _, f := range figures {
				s.figure = s.figure || f.StatedIn(rs.text)
			}
			// The paragraphs before an article's first heading introduce
			// it (what it covers, the conventions it follows); a figure
			// or an amount there is still worth quoting.
			opening := p.Section == corpus.IntroHeading && len(s.amounts) == 0
			s.intro = !s.figure && (opening || rs.presents || mentionsPart.MatchString(rs.text) && len(s.amounts) == 0)
			section := sectionKey(p)
			if !s.intro && !opened[section] {
				opened[section], s.opening = true, true
			}
			out = append(out, s)
		}
	}
	return out
}

// keys are what s carries, as the coverage of a summary counts it.
func (s summarySentence) keys() []string {
	var out []string
	for _, n := range s.names {
		out = append(out, "n:"+n)
	}
	for _, a := range s.amounts {
		out = append(out, "a:"+strings.ToLower(a))
	}
	for _, d := range s.dates {
		out = append(out, "d:"+d)
	}
	return out
}

// gain is what s adds to a summary that already carries seen.
func (s summarySentence) gain(seen map[string]bool) int {
	g := 0
	for _, k := range s.keys() {
		if seen[k] {
			continue
		}
		switch k[0] {
		case 'n':
			g += gainName
		case 'a':
			g += gainAmount
		case 'd':
			if s.event {
				g += gainEvent
			} else {
				g += gainDate
			}
		}
	}
	return g
}

// partLead says what part n is: its title and the sections quoted.
func partLead(lib *corpus.Library, n int, passages []corpus.Passage) string {
	var sections []string
	for _, p := range passages {
		if p.Section != corpus.IntroHeading && (len(sections) == 0 || sections[len(sections)-1] != p.Section) {
			sections = append(sections, p.Section)
		}
	}
	var lead []string
	if p, ok := lib.Part(n); ok && p.About != "" {
		lead = append(lead, "on "+p.About)
	}
	if len(sections) > 0 {
		lead = append(lead, "its sections: "+joinAnd(sections))
	}
	if len(lead) == 0 {
		return fmt.Sprintf("Part %d of the series.", n)
	}
	return upperFirst(strings.Join(lead, "; ")) + "."
}

// joinAnd joins items as a sentence lists them: "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
