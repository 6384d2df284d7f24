package bot

import (
	"strings"
)

// answerKind is what a question asks for, read from its question words.
// An extractive answer that quotes a sentence without a number to "how
// much…?" is wrong however many words it shares with the question.
type answerKind int

const (
	kindAny answerKind = iota
	kindNumber
	kindTime
	kindPerson
	// kindAmount is a measured quantity (a share, a sum, a count in
	// millions): what a comparison of two businesses needs, where "two
	// businesses" is no answer.
	kindAmount
	// kindRank is a place in an order ("the third biggest"): what 排第几
	// and "what rank" ask for, and what a count does not give.
	kindRank
	// kindFormerName is what something was called before ("what was Amap
	// called before?"): a sentence that says what it is called now does
	// not give it.
	kindFormerName
	// kindRival is what stands beside something in its market ("who is
	// DingTalk's main rival?"): the series says so by naming the two side
	// by side ("…alongside Tencent's WeChat for Business"), not by the
	// word "rival", which no sentence needs to share.
	kindRival
	// kindPurpose is what something is for ("what's the point of
	// Alibaba's media businesses?"): a sentence that states an aim.
	kindPurpose
	// kindDuration is how long something took ("how long did Alibaba
	// Cloud take to catch on?"): a stretch of time, not a date.
	kindDuration
	// kindLayout is how something is laid out ("how is the financial
	// overview structured?"): a sentence that says how it is arranged.
	kindLayout
	// kindFuture is what is to come ("will Alibaba's cost of revenue keep
	// going up?"): a sentence that says what is expected or planned. The
	// series states facts of the past and what Alibaba says it expects; a
	// past fact answers no question of the future.
	kindFuture
	// kindChineseName is what something is called in Chinese ("what's
	// the chinese name of alibaba group?"): the series gives it in
	// brackets after the English name, "Alibaba Group (阿里巴巴集团)", and
	// never with the words "Chinese name".
	kindChineseName
	// kindListing is where something trades ("alibaba pictures ticker?",
	// "is it listed anywhere"): the series gives it as an exchange and a
	// code, "HKEX: 1060", which no sentence words as a ticker.
	kindListing
)

var (
	// rankAsked asks for a place in an order; whole words, so that "what
	// places" is not "what place".
	rankAsked   = newLazyRegexp(`(?i)第几|排名|排行|\b(?:what|which) (?:rank|place|position)\b|\b(?:how|where) (?:does|do|did) (?:it|they) rank\b`)
	timeWords   = []string{"when ", "what year", "which year", "what yr", "which yr", "what date", "how long ago", "什么时候", "哪一年", "哪年", "何时", "哪一天"}
	numberWords = []string{"how much", "how many", "number of", "how big", "how large", "what share", "what percentage", "what percent", "what proportion", "what portion", "what rate", "what pace", "多少", "几", "比例", "占比"}
	// personWords ask for the person behind something: "who founded
	// Alibaba?" is not answered by what Alibaba was founded as.
	personWords = newLazyRegexp(`(?i)\bwho(?:'s|’s|s)?\s+(?:(?:was|were|is|are|will|would)\s+)?(?:the\s+)?(?:founded|found|started|created|set up|co-?founded|runs?|ran|leads?|led|heads?|headed|manages?|chairs?|founders?|ceo|chief executive|chair(?:man|woman|person)?|president|boss|owner|invented)\b|谁(?:创立|创办|创建|领导|是.*(?:CEO|创始人|董事长))`)
	// hasPerson finds where a sentence names a person: by a title, or as
	// the one who did something ("founded by …").
	hasPerson = newLazyRegexp(`(?i)\b(?:founder|co-founder|ceo|chief executive|chairman|chairwoman|chairperson|president|mr|ms|mrs|dr)\b\.?|\b(?:founded|started|created|set up|led|run|headed|co-founded) by [A-Z]`)
	hasAmount = newLazyRegexp(`\d+(?:\.\d+)?\s*(?:%|percent|million|billion|trillion)|RMB\s?\d|\$\s?\d`)
	hasRank   = newLazyRegexp(`(?i)\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|largest|biggest|leading|number one|no\. ?1|\d+(?:st|nd|rd|th))\b`)
	hasYear   = newLazyRegexp(`\b(19|20)\d\d\b|(19|20)\d\d年|January|February|March|April|May|June|July|August|September|October|November|December`)
	// A count or an amount: a figure that is not just a year, a
	// percentage, or a number word. "How many users…?" is not answered by
	// "in March 2021".
	// formerAsked asks for an earlier name; hasFormerName gives one.
	formerAsked = newLazyRegexp(`(?i)\b(?:(?:former|old|previous|original|earlier) name|used to (?:be )?(?:called|named|known as)|used to go by|(?:called|named|known as|go by|went by) (?:before|previously|originally|at first|earlier)|(?:previously|formerly|originally) (?:called|named|known as))\b`)
	// rivalAsked asks for a rival, with the word that picks the one meant
	// ("main", "biggest"), which says which, not what; or for a peer
	// ("what is DingTalk comparable to?", "Alibaba's version of Zoom"),
	// which the series names the same way, side by side.
	rivalAsked = newLazyRegexp(`(?i)\b(?:(?:main|major|biggest|big|chief|top|closest|nearest|fiercest|primary|key|largest|leading|direct)\s+)?(?:rivals?|rivalry|competitors?|competition|compet(?:e|es|ed|ing)|contenders?|challengers?)\b|\b(?:similar|comparable|akin|analogous) to\b|\b(?:equivalents?|counterparts?)(?:\s+(?:of|to))?\b|\balternatives? to\b|\b(?:ahead of|in front of|outranks?|outranked)\b|(?:'s|’s|\b(?:a|an|its|their))\s+(?:own\s+)?version of\b|竞争对手|对手|竞品`)
	// hasRival sets something beside another of its kind: side by side,
	// ahead or behind, or one of the few that lead.
	hasRival = newLazyRegexp(`(?i)\b(?:alongside|along with|together with|rivals?|compet\w*|same category as|trailing|behind|ahead of|versus|vs)\b|\b(?:two|three|four|five) (?:\w+ )?(?:leading|largest|biggest|main|major|top|most)\b|\b(?:are|were) the (?:two|three|four|five)\b`)
	// purposeAsked asks what something is for, by the nouns that name an
	// aim; "why" asks for reasons of every kind and is asksWhy's.
	purposeAsked = newLazyRegexp(`(?i)\bwhat(?:'s|’s|s| is| was| are| were)?\s+(?:the\s+|their\s+|its\s+)?(?:stated\s+|whole\s+|real\s+|actual\s+)?(?:point|goal|aim|purpose|objective|rationale)\b(?:\s+(?:of|behind|for|with))?|\b(?:goal|aim|purpose|objective|rationale)\s+(?:of|behind)\b|\bwhat do they say the (?:point|goal|aim|purpose) is\b|目的|目标`)
	// hasPurpose states an aim.
	hasPurpose = newLazyRegexp(`(?i)\b(?:purpose|aims?|goals?|objectives?|in order to|so as to|meant to|designed to|intended to|set up to|mission)\b`)
	// durationAsked asks how long, with the words that only say so;
	// "how long ago" asks for a date (timeWords).
	durationAsked = newLazyRegexp(`(?i)\bhow long\b(?:\s+(?:did|does|do|will|would|has|had|is|was)\b)?(?:\s+it\b)?(?:\s+(?:take|took)\b)?|多久|多长时间`)
	// hasDuration gives a stretch of time.
	hasDuration = newLazyRegexp(`(?i)\bdecades?\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|several|many|few)\s+(?:years?|months?|weeks?|days?)\b`)
	// layoutAsked asks how something is arranged.
	layoutAsked = newLazyRegexp(`(?i)\b(?:laid out|lays? out|laying out|structured|organi[sz]ed|arranged|set out|broken down|split up)\b|\b(?:structure|layout|format)\b(?:\s+of\b)?`)
	// layoutNamed names a layout outright; the verbs of layoutAsked ask
	// for one only after "how" ("what findings are set out" asks what).
	layoutNamed = newLazyRegexp(`(?i)\b(?:structure|layout|format) of (?:the |this |that )?(?:part|article|series|overview|post|section)`)
	// layoutHow asks how something is, not how many or how much.
	layoutHow = newLazyRegexp(`(?i)^\s*how (?:is|are|was|were|does|do|did)\b`)
	// hasLayout says how something is arranged.
	hasLayout = newLazyRegexp(`(?i)\b(?:sets? out|lays? out|laid out|structured|organi[sz]ed|arranged|divided into|split into|numbered|each followed by|in (?:two|three|four|five|six) (?:parts|sections))\b`)
	// futureAsked asks what is to come.
	futureAsked = newLazyRegexp(`(?i)\b(?:will|going to|gonna|going forward|going fwd|next (?:fiscal |financial )?year|in the future|from now on|expected to|plans? to|planning to|forecasts?|outlook|projections?|projected)\b|将来|未来|今后|明年|预测|预期`)
	// futureAux only marks the future.
	futureAux = newLazyRegexp(`(?i)\b(?:going to|gonna)\b`)
	// hasFuture says what is expected, planned or to come.
	hasFuture = newLazyRegexp(`(?i)\b(?:expects?|expected|plans?|planning|will|going forward|future|looks? ahead|keep (?:growing|rising|going)|go on|continues? to|intends?|forecasts?)\b`)
	// chineseNameAsked asks what something is called in Chinese.
	chineseNameAsked = newLazyRegexp(`(?i)\bchinese\s+(?:name|characters|for)\b|\b(?:name|called|written|say)\s+in\s+chinese\b|中文名|中文名字|汉字`)
	// listingAsked asks where something trades, by the words that only
	// ask that.
	listingAsked = newLazyRegexp(`(?i)\b(?:tickers?|stock (?:code|symbol)s?|listed|listing|trades? under|traded under)\b|股票代码`)
	// codeAsked asks for the code outright, which a question may ask for as
	// it asks for a figure (股票代码是多少: "how much is the stock code").
	codeAsked = newLazyRegexp(`(?i)\b(?:tickers?|stock (?:code|symbol)s?)\b|股票代码`)
	// hasListing gives an exchange and a code.
	hasListing = newLazyRegexp(`\b[A-Z]{2,8}: ?[A-Z0-9]{1,6}\b`)
	// hasChineseName gives a name in Chinese, in brackets.
	hasChineseName = newLazyRegexp(`[(（]\p{Han}`)
	hasFormerName  = newLazyRegexp(`(?i)\b(?:known as|used to be|under the name|formerly|renamed|new name|previously called|originally called)\b`)
	hasNumber      = newLazyRegexp(`\d+(\.\d+)?\s*(%|percent|million|billion|trillion)|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|trillion)\b|RMB\s?\d|\$\s?\d|\b([02-9]\d{0,2}|1\d{0,2}|\d{5,})\b`)
)

// kindSet holds the kinds of answer a text can give, one bit each.
type kindSet uint16

// kindsOf reads which kinds of answer text can give.
func kindsOf(text string) kindSet {
	var s kindSet
	for _, k := range []answerKind{kindNumber, kindTime, kindPerson, kindAmount, kindRank, kindFormerName, kindRival, kindPurpose, kindDuration, kindLayout, kindFuture, kindChineseName, kindListing} {
		if k.fits(text) {
			s |= 1 << k
		}
	}
	return s
}

// has reports whether s holds kind k; every text can give kindAny.
func (s kindSet) has(k answerKind) bool { return k == kindAny || s&(1<<k) != 0 }

func kindOf(question string) answerKind {
	if personWords.MatchString(question) {
		return kindPerson
	}
	if purposeAsked.MatchString(question) {
		return kindPurpose
	}
	q := strings.ToLower(question) + " "
	if rankAsked.MatchString(q) {
		return kindRank
	}
	if formerAsked.MatchString(q) {
		return kindFormerName
	}
	for _, w := range timeWords {
		if strings.Contains(q, w) {
			return kindTime
		}
	}
	if durationAsked.MatchString(q) {
		return kindDuration
	}
	// "When did Taobao get its Chinese name" asks for a date.
	if chineseNameAsked.MatchString(q) {
		return kindChineseName
	}
	// A stock code is asked for as a figure is (股票代码是多少), and is
	// none; "what percentage of it is listed" asks for a figure.
	if codeAsked.MatchString(q) {
		return kindListing
	}
	for _, w := range numberWords {
		if strings.Contains(q, w) {
			return kindNumber
		}
	}
	if listingAsked.MatchString(q) {
		return kindListing
	}
	// A rival, a layout and the future are asked after any date, figure
	// or rank: "how many competitors…" asks for a count.
	if rivalAsked.MatchString(question) {
		return kindRival
	}
	if (layoutHow.MatchString(q) || layoutNamed.MatchString(q)) && layoutAsked.MatchString(q) {
		return kindLayout
	}
	if futureAsked.MatchString(q) {
		return kindFuture
	}
	return kindAny
}

// fits reports whether sentence can answer a question of kind k. The
// expressions are costly on long text; what they all need (a digit, a
// letter of a month or number word) is looked for first.
func (k answerKind) fits(sentence string) bool {
	digit := strings.ContainsAny(sentence, "0123456789")
	switch k {
	case kindTime:
		return (digit || containsAny(sentence, months)) && hasYear.MatchString(sentence)
	case kindNumber:
		// "Number one" is a rank, not a count: "how many units did
		// T-Mall Genie sell?" is not answered by its being China's number
		// one smart speaker.
		lower := strings.ToLower(sentence)
		if strings.Contains(lower, "number one") {
			sentence = numberOne.ReplaceAllString(sentence, "")
			lower = strings.ToLower(sentence)
		}
		return (digit || containsAny(lower, numberNames)) && hasNumber.MatchString(sentence)
	case kindPerson:
		return containsAny(strings.ToLower(sentence), personClues) && hasPerson.MatchString(sentence)
	case kindAmount:
		return digit && hasAmount.MatchString(sentence)
	case kindRank:
		return (digit || containsAny(strings.ToLower(sentence), rankClues)) && hasRank.MatchString(sentence)
	case kindFormerName:
		return containsAny(strings.ToLower(sentence), formerClues) && hasFormerName.MatchString(sentence)
	}
	if w, ok := wordedKinds[k]; ok {
		return containsAny(strings.ToLower(sentence), w.clues) && w.has.MatchString(sentence)
	}
	return true
}

// worded is a kind of answer that words alone give (an aim, a rival, a
// stretch of time): the clues a sentence cannot give it without, the
// expression that finds it, the words of a question that only ask for it,
// and what to say when the series does not give it.
type worded struct {
	clues    []string
	has      *lazyRegexp
	asked    *lazyRegexp
	notGiven string
}

var wordedKinds = map[answerKind]worded{
	kindRival:    {rivalClues, hasRival, rivalAsked, "The series names no rival for that."},
	kindPurpose:  {purposeClues, hasPurpose, purposeAsked, "The series states no aim for that."},
	kindDuration: {durationClues, hasDuration, durationAsked, "The series does not say how long."},
	kindLayout:   {layoutClues, hasLayout, layoutAsked, "The series does not say how that is laid out."},
	// Only the auxiliaries of the future are left out: "next year" and
	// "going forward" say which future, as a year would.
	kindFuture:      {futureClues, hasFuture, futureAux, "The series makes no forecast of that."},
	kindChineseName: {[]string{"(", "（"}, hasChineseName, chineseNameAsked, "The series gives no Chinese name for that."},
	kindListing:     {[]string{":"}, hasListing, listingAsked, "The series gives no stock code for that."},
}

var numberOne = newLazyRegexp(`(?i)\bnumber one\b`)

// What the expressions of fits cannot match without.
var (
	months        = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	numberNames   = []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred", "thousand", "million", "billion", "trillion"}
	rankClues     = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "top", "largest", "biggest", "leading", "number one", "no."}
	formerClues   = []string{"known", "used to", "name", "formerly", "previously", "originally"}
	futureClues   = []string{"expect", "plan", "will", "forward", "future", "ahead", "keep", "go on", "continue", "intend", "forecast"}
	layoutClues   = []string{"set", "lay", "laid", "structured", "organi", "arranged", "divided", "split", "numbered", "followed", "parts", "sections"}
	durationClues = []string{"decade", "year", "month", "week", "day"}
	purposeClues  = []string{"purpose", "aim", "goal", "objective", "order to", "as to", "meant", "designed", "intended", "set up", "mission"}
	rivalClues    = []string{"along", "together", "rival", "compet", "category", "trailing", "behind", "ahead", "versus", "vs", "two", "three", "four", "five"}
	personClues   = []string{"founder", "ceo", "chief executive", "chair", "president", "mr", "ms", "dr", " by "}
)

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// timeAsked is how a question asks for a date: the answer holds a year,
// not the word "year".
var timeAsked = newLazyRegexp(`(?i)\bhow long ago\b|\b(?:in\s+|on\s+)?(?:what|which)\s+(?:year|yr|date|month|day)\b|在?(?:哪一年|哪年|哪一天|哪天|什么时候|何时)`)

// unmarked is question without the words that only ask for an answer of
// kind k ("what year did Taobao go live" is about Taobao going live), so
// that a sentence is not asked to share them.
func (k answerKind) unmarked(question string) string {
	switch k {
	case kindTime:
		return timeAsked.ReplaceAllString(question, " ")
	case kindFormerName:
		return nameAsked.ReplaceAllString(formerAsked.ReplaceAllString(question, " "), " ")
	}
	if w, ok := wordedKinds[k]; ok {
		return w.asked.ReplaceAllString(question, " ")
	}
	// "What's the name of Alibaba's site in Turkey?" asks for a name,
	// which the answer gives without the word: "Trendyol is…".
	return nameOf.ReplaceAllString(question, " ")
}

// nameOf asks for the name of something.
var nameOf = newLazyRegexp(`(?i)\bthe names? of\b`)

// nameAsked is what is left of how a question asks for an earlier name
// once formerAsked is taken out ("… go by what name").
var nameAsked = newLazyRegexp(`(?i)\b(?:what|which) name\b|\bname\b`)

// notGiven says plainly that the series does not give the kind of answer
// asked for.
func (k answerKind) notGiven() string {
	switch k {
	case kindTime:
		return "The series gives no date for that."
	case kindNumber, kindAmount:
		return "The series gives no figure for that."
	case kindRank:
		return "The series gives no rank for that."
	case kindPerson:
		return "The series does not say who."
	case kindFormerName:
		return "The series gives no earlier name for that."
	}
	if w, ok := wordedKinds[k]; ok {
		return w.notGiven
	}
	return "The series does not say."
}
