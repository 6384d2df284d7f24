package bot

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"seriesbot/retrieval"
)

// Weights of the sentence score: what the sentence itself covers of the
// question dominates; the passage it sits in and its rank break ties, so a
// sentence from the best passage wins over an equally good one elsewhere.
const (
	passageWeight = 0.3
	rankWeight    = 0.05
	// keepRatio: further sentences must score at least this share of the
	// best one, or the answer would pad with loosely related text.
	keepRatio = 0.75
	// metaPenalty and factBonus adjust a sentence's score for what kind of
	// statement it is; see extract.
	metaPenalty  = 0.3
	factBonus    = 0.2
	subjectBonus = 0.1
	// addsBonus lifts, for a question setting something aside ("besides
	// maps, what else…"), a sentence that adds to what was said ("Amap
	// also … offers ride-hailing").
	addsBonus = 0.2
)

// sharedWanted is how many of its words a sentence must share with the
// question: two, of a question the series has two words of, or the one
// name a question asks about, when no more than one other word of it is
// missing ("where does Trendyol operate?" against "Trendyol … serving
// Turkey").
func sharedWanted(m retrieval.Match) int {
	if m.Names > 0 && m.NamesMatched == m.Names && m.Known-m.Matched <= 1 {
		return 1
	}
	return min(2, m.Known)
}

// leadWord is the word a sentence opens on, past an opening phrase ("In
// fiscal 2021,") or "The": where its subject stands.
func leadWord(sentence string) string {
	lower := strings.ToLower(sentence)
	if first, _, _ := strings.Cut(lower, " "); leadWords[first] {
		if head, rest, ok := strings.Cut(lower, ","); ok && len(strings.Fields(head)) <= 5 {
			lower = rest
		}
	}
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if leadWords[w] || unicode.IsDigit([]rune(w)[0]) {
			continue
		}
		return w
	}
	return ""
}

// leadWords open a sentence before its subject.
var leadWords = map[string]bool{"the": true, "a": true, "an": true, "in": true, "on": true, "at": true, "as": true, "by": true, "since": true, "from": true, "during": true, "over": true, "of": true}

// Sentences and questions about the series itself: a sentence that says
// what a part presents ("Part 3 of the series gives a financial
// overview"), and a question that names a part or the series.
var (
	presentsTheSeries  = newLazyRegexp(`(?i)\b(?:part \d+|the (?:\w+ )?series|this article)\b(?: of the (?:\w+ )?series)?,? (?:introduces|covers|gives|offers|looks|takes|completes|returns|discusses|treats|turns|leaves|describes|explains|reviews|begins|ends|presents|is about|deals)\b`)
	asksAboutTheSeries = newLazyRegexp(`(?i)\bpart \d+\b|\bseries\b|\barticles?\b`)
	// namesAPart finds where a question names a part of the series by
	// its subject: "the financial part", "the cloud article"; not "part
	// 3", nor "part of" (namesPart).
	namesAPart = newLazyRegexp(`(?i)\b(?:the|that|this)\s+(?:[\w-]+\s+){1,2}?(?:part|article|post|chapter|instal+ment)\b(?:\s+(?:of|\d))?`)
)

// namesPart reports whether question names a part of the series by its
// subject (namesAPart).
func namesPart(question string) bool {
	loc := namesAPart.FindStringSubmatch(question)
	return loc != nil && !strings.HasSuffix(loc[0], " of") && !unicode.IsDigit(rune(loc[0][len(loc[0])-1]))
}

// extract picks the sentences of hits that best answer question, which q
// reads (ix.Matcher of kind.unmarked(question)), and cites each. It
// returns no sources when no sentence covers enough of the question: the
// decision is taken per sentence, not per passage, because a
// passage can hold every word of "Tencent's revenue in 2021" in three
// different sentences without saying anything about Tencent's revenue.
//
// When sentences cover the question but none holds the kind of answer it
// asks for ("Who founded Alibaba?" against "Alibaba was set up in
// 1999…"), closest is set and the text says so before quoting them: the
// series does not answer, and this is what it does say. So it is when what
// the question asks about is a word the series never uses (unsaid: the
// “dividend” of "does Alibaba pay a dividend?"): no sentence can say it,
// however much of the rest of the question it shares.
//
// keep, when set, says which sentences may be quoted at all: those of the
// time a follow-up asks about (era.holds).
//
// own is the question as its asker typed it (searchable), without the
// conversation a follow-up is read with: what it asks about is its own, not
// the earlier question's ("is Alibaba a monopoly?" then "and when was Taobao
// launched?").
func (a *Answerer) extract(lib *Snapshot, ix *retrieval.Index, q retrieval.Matcher, question, own string, kind answerKind, hits []retrieval.Hit, keep func(readSentence) bool) (text string, sources []Source, closest bool, unsaid []string) {
	// A question about the series itself ("a good summary of Part 2")
	// asks for what the series says, whatever its words.
	if !asksAboutTheSeries.MatchString(own) {
		mine := q
		if own != question {
			mine = ix.Matcher(kind.unmarked(own))
		}
		unsaid = mine.Unsaid()
	}
	cands, near, named := a.candidatesAt(lib, ix, q, question, kind, hits, keep, besides.MatchString(own))
	// A question asking for no figure or date about something the series
	// names by a rare name may be answered by a sentence that gives all
	// its names, however it words the rest: "Trendyol is Alibaba's
	// e-commerce platform serving Turkey" for "what's Alibaba's Turkish
	// online shopping site called". Such sentences are taken only when no
	// sentence covering the question gives all its names, so that they
	// never crowd out one that does.
	if len(named) > 0 && !slices.ContainsFunc(cands, func(c candidate) bool { return c.named }) {
		cands = append(cands, named...)
	}
	if len(cands) > 0 && len(unsaid) == 0 {
		if text, sources, ok := a.list(lib, ix, question, hits, cands); ok {
			return text, sources, false, nil
		}
		if asksWhy.MatchString(own) {
			cands = explaining(ix, q, cands)
		}
		if text, sources, ok := a.explain(lib, q, question, hits, cands); ok {
			return text, sources, false, nil
		}
		text, sources = a.quote(cands, hits, a.maxSentences())
		return text, sources, false, nil
	}
	if len(cands) == 0 && len(near) > 0 && len(unsaid) == 0 {
		if pair, ok := continued(lib, ix, q, hits, near, kind, own, keep); ok {
			text, sources = a.quote(pair, hits, len(pair))
			return text, sources, false, nil
		}
	}
	head := kind.notGiven()
	if len(unsaid) > 0 {
		near = append(cands, near...)
		head = neverMentions(unsaid)
	}
	if len(near) > 0 {
		text, sources = a.quote(near, hits, 1)
		return head + " The closest it states: " + text, sources, true, unsaid
	}
	return "", nil, false, unsaid
}

// candidates scores the sentences of hits that could answer question:
// cands hold the kind of answer asked for, near cover the question without
// holding it.
func (a *Answerer) candidates(lib *Snapshot, ix *retrieval.Index, q retrieval.Matcher, question string, kind answerKind, hits []retrieval.Hit, keep func(readSentence) bool) (cands, near []candidate) {
	cands, near, _ = a.candidatesAt(lib, ix, q, question, kind, hits, keep, false)
	return cands, near
}

// candidatesAt is candidates, and named: for a question asking for no
// figure or date (kindAny) that gives a rare name, the sentences that give
// all its names and reach only namedCoverage of the coverage asked.
//
// aside says the question sets something aside ("besides maps"): a
// sentence that adds to what the series says is preferred.
func (a *Answerer) candidatesAt(lib *Snapshot, ix *retrieval.Index, q retrieval.Matcher, question string, kind answerKind, hits []retrieval.Hit, keep func(readSentence) bool, aside bool) (cands, near, named []candidate) {
	relax := kind == kindAny && q.HasRareNames()
	subjects := ix.Subjects(question)
	asksAboutSeries := asksAboutTheSeries.MatchString(question)
	asksName := asksWhich.MatchString(question)
	// "How does the financial part lay out its findings?" names Part 3 by
	// its subject, which its title gives and its sentences leave implicit.
	namesPart := namesPart(question)
	for i, h := range hits {
		// A passage that names none of the names in the question is about
		// something else: "Tencent's revenue in 2021" is not answered by
		// Alibaba Cloud's revenue in 2021.
		if pm := q.MatchPassage(h.Passage); pm.Names > 0 && pm.NamesMatched == 0 {
			continue
		}
		read := lib.passage(h.Passage)
		for j, s := range read.sentences {
			if keep != nil && !keep(s) {
				continue
			}
			// The heading is context the sentence leaves implicit.
			context := s.context
			if namesPart {
				context = maps.Clone(s.context)
				if context == nil {
					context = retrieval.TermSet{}
				}
				maps.Copy(context, read.title)
			}
			m := q.MatchTerms(s.read.Terms, context)
			if am, ok := betterReading(q, s, context, kind); ok && am.Coverage > m.Coverage {
				m = am
			}
			// One word of a longer question is a coincidence, not an
			// answer: "Tencent's revenue in 2021" against a sentence that
			// only names Tencent. Words the series never uses cannot be
			// shared, and do not count.
			if m.Matched == 0 || m.Matched < sharedWanted(m) || m.Foreign() {
				continue
			}
			// Every quoted sentence, not only the best, must cover enough of
			// the question and be about one of its names: "How many
			// customers does Alibaba Cloud serve?" is not answered by how
			// many consumers Ant Group serves.
			allNamed := relax && m.Names > 0 && m.NamesMatched == m.Names && !s.presents && q.NamesRare(s.read.Terms, s.context)
			below := m.Coverage < a.minCoverage()
			if below && !(allNamed && m.Coverage >= namedCoverage*a.minCoverage()) || m.Names > 0 && m.NamesMatched == 0 {
				continue
			}
			// A sentence opening on the name asked for names the rest in
			// passing, when it names all the question names: "what does
			// Tencent run in South Asia" is not answered by Daraz.
			if q.InPassing(s.read) && !(asksName && m.NamesMatched == m.Names && answersWhich(ix, s.lead, subjects)) || q.Lacks(s.read.Terms, s.context) || q.AboutAnother(s.read) {
				continue
			}
			c := candidate{hit: i, sentence: j, text: s.text, score: m.Coverage + passageWeight*h.Coverage + rankWeight/float64(i+1), named: allNamed}
			// A sentence about the series itself ("Part 1 of the series
			// introduces…") says what is covered, not what is so: it
			// answers only a question about the series.
			if s.presents && !asksAboutSeries {
				c.score -= metaPenalty
			}
			// A sentence that opens on what the question is about is
			// about it; one that names it in passing is about something
			// else ("Taobao, Alibaba's marketplace, was added in 2003"
			// for "who founded Alibaba?").
			if aside && adds.MatchString(s.text) {
				c.score += addsBonus
			}
			if slices.Contains(subjects, s.lead) {
				c.score += subjectBonus
			}
			// A sentence that cannot be the kind of answer asked for is
			// not an answer, however many words it shares: at most the
			// closest thing to one, and a fact (a date, a figure) is
			// closer than a description.
			if !s.kinds.has(kind) && !(kind == kindPerson && doneByOther(s.text, subjects)) {
				if s.kinds.has(kindTime) || s.kinds.has(kindNumber) {
					c.score += factBonus
				}
				near = append(near, c)
				continue
			}
			if below {
				named = append(named, c)
				continue
			}
			cands = append(cands, c)
		}
	}
	return cands, near, named
}

// betterReading measures s with the other readings of a follow-up
// (Answerer.followedUp), and returns the best that s answers as such: s
// opens on one of the names that reading gives, and shares with it a word
// besides its names, unless the kind of answer asked for (a rival, a date)
// is what s must give. A sentence naming the subject in passing, or one
// sharing only its name with an off-topic follow-up ("what's the weather
// there?"), is no answer.
func betterReading(q retrieval.Matcher, s readSentence, context retrieval.TermSet, kind answerKind) (retrieval.Match, bool) {
	if _, ok := q.Alternative(); !ok {
		return retrieval.Match{}, false
	}
	var best retrieval.Match
	found := false
	for alt, ok := q.Alternative(); ok; alt, ok = alt.Alternative() {
		am := alt.MatchTerms(s.read.Terms, context)
		if !alt.OpensOn(s.read) || kind == kindAny && am.Matched <= am.NamesMatched {
			continue
		}
		if !found || am.Coverage > best.Coverage {
			best, found = am, true
		}
	}
	return best, found
}

// besides sets aside what a question says it knows already ("besides
// maps, what else can you do in Amap?"): up to four words after it, to the
// punctuation or the question word that follows (which stay).
var besides = newLazyRegexp(`(?i)\b(?:besides|apart from|aside from|other than|except for|in addition to)\s+[^\s,?!.]+(?:\s+[^\s,?!.]+){0,3}?(\s*[,?!.]|\s*$|\s+(?:what|whats|what's|which|who|how|does|do|did|can|could|is|are|name)\b)`)

// adds marks a sentence that adds to what was said.
var adds = newLazyRegexp(`(?i)\b(?:also|as well|another|further|in addition|besides)\b`)

// setAside returns question without what it sets aside, which no sentence
// needs to share: the answer is what else there is.
func setAside(question string) string {
	loc := besides.FindStringSubmatchIndex(question)
	if loc == nil {
		return question
	}
	return question[:loc[0]] + question[loc[2]:]
}

// continued finds the answer in the sentence after the closest one, when
// it goes on about the same subject and holds the kind of answer asked
// for: "Part 3 of the Alibaba series gives a financial overview of
// Alibaba Group. Part 3 sets out its findings as numbered "stylized
// facts" …" for "how is the financial overview laid out?", where the
// second sentence shares none of the question's words but its subject.
// The closest sentence must be about what the question names, when it
// names something: "how many daily users does Microsoft Teams have" is not
// answered by what the sentence after one naming Teams in passing says of
// DingTalk. It returns the two, in order.
//
// The sentence after is held to what every quoted sentence is: of the time
// asked (keep), and not about another name.
func continued(lib *Snapshot, ix *retrieval.Index, q retrieval.Matcher, hits []retrieval.Hit, near []candidate, kind answerKind, question string, keep func(readSentence) bool) ([]candidate, bool) {
	if kind == kindAny {
		return nil, false
	}
	best := bestOf(near)
	sentences := lib.passage(hits[best.hit].Passage).sentences
	if best.sentence+1 >= len(sentences) {
		return nil, false
	}
	this, next := sentences[best.sentence], sentences[best.sentence+1]
	if this.lead == "" || next.lead != this.lead || !next.kinds.has(kind) || keep != nil && !keep(next) || q.AboutAnother(next.read) {
		return nil, false
	}
	if subjects := names(ix, question); len(subjects) > 0 && !slices.Contains(subjects, this.lead) {
		return nil, false
	}
	after := candidate{hit: best.hit, sentence: best.sentence + 1, text: next.text, score: best.score}
	return []candidate{best, after}, true
}

// doneBy is a relative clause saying who did something to the name before
// it: "iQIYI, which Baidu founded". It is no part of what the index marks
// as naming a person (kindPerson), so that a question of who founded one
// business is not steered to every passage where another says who
// founded a third.
var doneBy = newLazyRegexp(`([^\s,]+),? (?:which|whom) [A-Z][^\s,]*(?: [A-Z][^\s,]*)* (?:co-)?(?:founded|started|created|set up|launched|built)\b`)

// doneByOther reports whether sentence says, in a relative clause, who did
// something to one of subjects.
func doneByOther(sentence string, subjects []string) bool {
	if !strings.Contains(sentence, "which ") && !strings.Contains(sentence, "whom ") {
		return false
	}
	for _, m := range doneBy.FindAllStringSubmatch(sentence, -1) {
		if slices.ContainsFunc(subjects, func(s string) bool { return strings.EqualFold(s, m[1]) }) {
			return true
		}
	}
	return false
}

// answersWhich reports whether a sentence opening on lead names, as its
// subject, one thing the question asking which does not: what it goes on
// to say of the question's names is what makes it the one asked for, not
// a mention in passing ("Lazada is Alibaba's e-commerce platform for
// shoppers in Southeast Asia" for "which site serves southeast asia").
func answersWhich(ix *retrieval.Index, lead string, subjects []string) bool {
	if lead == "" || slices.Contains(subjects, lead) {
		return false
	}
	named := ix.Subjects(lead)
	return len(named) == 1 && !slices.ContainsFunc(subjects, func(s string) bool { return strings.EqualFold(s, named[0]) })
}

// namedCoverage is the share of the usual coverage a sentence naming all
// the question's names must reach, when no sentence covering the question
// names them all (candidatesAt).
const namedCoverage = 0.75

// bestOf is the candidate that scores highest.
func bestOf(cands []candidate) candidate {
	return slices.MaxFunc(cands, func(x, y candidate) int { return cmp.Compare(x.score, y.score) })
}

type candidate struct {
	hit, sentence int // the sentence-th sentence of the hit-th hit
	text          string
	score         float64
	// named marks a sentence that gives every name of the question, a
	// rare one among them, and is not about the series itself.
	named bool
}

// asksWhich matches a question that asks for things by name: which ones,
// where, what something runs or did ("what does Alibaba run in South
// Asia?" is answered by "Daraz is…", "what platforms does it run" by
// their names), the one for something, what it is called.
var asksWhich = newLazyRegexp(`(?i)\b(?:which|where)\b|\bwhat (?:are|were|r) the\b|\bwhat\s+(?:[\w-]+\s+){0,3}?(?:does|do|did)\b|\bthe ones? (?:for|in|that|which|serving)\b|\b(?:called|named)\W*$`)

// list answers a question asking for things by name ("which platforms
// does Alibaba run outside China?") when the sentence that best covers it
// names none of them ("Alibaba runs e-commerce platforms in markets outside
// China.") and the sentences after it in its passage do, one each ("Lazada
// is … Southeast Asia. Daraz is …"): the best sentence and those, up to
// maxSentences of them after it, cited. It reports false otherwise.
func (a *Answerer) list(lib *Snapshot, ix *retrieval.Index, question string, hits []retrieval.Hit, cands []candidate) (string, []Source, bool) {
	if !asksWhich.MatchString(question) {
		return "", nil, false
	}
	best := bestOf(cands)
	asked := nameTerms(ix, question)
	if namesOther(nameTerms(ix, best.text), asked) {
		return "", nil, false
	}
	read := lib.passage(hits[best.hit].Passage)
	texts := []string{cite(best.text, 1)}
	for _, s := range read.sentences[best.sentence+1:] {
		if len(texts) > a.maxSentences() || !namesOther(nameTerms(ix, s.text), asked) {
			break
		}
		texts = append(texts, cite(s.text, 1))
	}
	if len(texts) == 1 {
		return "", nil, false
	}
	return strings.Join(texts, " "), []Source{sourceOf(hits[best.hit], best.hit+1)}, true
}

// asksWhy matches a question that asks for a reason, and gaveReason a
// sentence that gives one.
var (
	asksWhy    = newLazyRegexp(`(?i)\bwhy\b|\bhow come\b|\bwhat (?:caused|causes|made|makes|drove|drives)\b|为什么|为何`)
	gaveReason = newLazyRegexp(`(?i)\b(?:because|since|due to|owing to|thanks to|as a result|so that|in order to|to serve|by solving|down to|driven by|caused by|attribut(?:es|ed) (?:it |this )?to|blames?)\b`)
)

// explain answers a question asking why ("why have Alibaba's profits been
// uneven?") when the sentence that best covers it states what is to be
// explained and no reason ("operating income has moved less smoothly than
// revenue"), and the sentence after it in its passage goes on about the
// question ("… held back because cost of revenue climbed from 38% to
// 59%"): the two, cited. It reports false otherwise.
func (a *Answerer) explain(lib *Snapshot, q retrieval.Matcher, question string, hits []retrieval.Hit, cands []candidate) (string, []Source, bool) {
	if !asksWhy.MatchString(question) {
		return "", nil, false
	}
	best := bestOf(cands)
	read := lib.passage(hits[best.hit].Passage)
	if gaveReason.MatchString(best.text) || best.sentence+1 >= len(read.sentences) {
		return "", nil, false
	}
	next := read.sentences[best.sentence+1]
	if q.MatchTerms(next.read.Terms, nil).Matched == 0 {
		return "", nil, false
	}
	return cite(best.text, 1) + " " + cite(next.text, 1), []Source{sourceOf(hits[best.hit], best.hit+1)}, true
}

// explaining narrows cands, for a question asking why, to the sentences
// that give a reason for what is asked about (more of the question stands
// before the words that give the reason than after them: "management puts
// the higher cost of revenue down to logistics"), when some do; and drops
// those that name it as the reason for something else ("operating income was held back because cost
// of revenue climbed" does not say why cost of revenue climbed). It keeps
// cands when that would leave none.
func explaining(ix *retrieval.Index, q retrieval.Matcher, cands []candidate) []candidate {
	var reasons, others []candidate
	for _, c := range cands {
		loc := gaveReason.FindStringIndex(c.text)
		if loc == nil {
			others = append(others, c)
			continue
		}
		// What is explained is what the question is more about.
		if q.MatchTerms(ix.Terms(c.text[:loc[0]]), nil).Coverage >= q.MatchTerms(ix.Terms(c.text[loc[1]:]), nil).Coverage {
			reasons = append(reasons, c)
		}
	}
	switch {
	case len(reasons) > 0:
		return reasons
	case len(others) > 0:
		return others
	}
	return cands
}

// names are the names text gives, lower-cased.
func names(ix *retrieval.Index, text string) []string {
	var out []string
	for _, s := range ix.Subjects(text) {
		out = append(out, strings.ToLower(s))
	}
	return out
}

// nameTerms returns the names of text as terms, so that "alibabas" and
// "Alibaba's" are one name.
func nameTerms(ix *retrieval.Index, text string) []string {
	var out []string
	for _, s := range ix.Subjects(text) {
		for t := range ix.Terms(s) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// namesOther reports whether have holds a name asked does not.
func namesOther(have, asked []string) bool {
	for _, h := range have {
		if !slices.Contains(asked, h) {
			return true
		}
	}
	return false
}

func (a *Answerer) maxSentences() int {
	if a.MaxSentences > 0 {
		return a.MaxSentences
	}
	return 3
}

// quote cites the best of cands, up to maxN of them and only those close
// to the best, in one text with their sources.
func (a *Answerer) quote(cands []candidate, hits []retrieval.Hit, maxN int) (string, []Source) {
	slices.SortStableFunc(cands, func(x, y candidate) int { return cmp.Compare(y.score, x.score) })
	var chosen []candidate
	seen := make(map[string]bool)
	for _, c := range cands {
		if len(chosen) == maxN || c.score < keepRatio*cands[0].score {
			break
		}
		if seen[c.text] {
			continue
		}
		seen[c.text] = true
		chosen = append(chosen, c)
	}

	var sources []Source
	numOf := make(map[int]int) // hit index → citation number
	var b strings.Builder
	for _, c := range chosen {
		n, ok := numOf[c.hit]
		if !ok {
			h := hits[c.hit]
			n = len(sources) + 1
			numOf[c.hit] = n
			sources = append(sources, sourceOf(h, c.hit+1))
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(cite(c.text, n))
	}
	return b.String(), sources
}

// cite puts the marker [n] inside the sentence's final punctuation:
// "… revenue [1]." reads better than "… revenue. [1]".
func cite(sentence string, n int) string {
	marker := "[" + strconv.Itoa(n) + "]"
	s := strings.TrimRight(sentence, " ")
	for _, p := range []string{".", "!", "?", "。", "！", "？"} {
		if strings.HasSuffix(s, p) {
			return strings.TrimSuffix(s, p) + " " + marker + p
		}
	}
	return s + " " + marker
}
