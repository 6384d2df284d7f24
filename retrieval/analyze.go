package retrieval

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// term is one feature of a text: a stemmed word, a pair of adjacent words or
// a CJK character bigram, with the weight it carries in the local embedder.
type term struct {
	text   string
	weight float64
	// content marks the terms that say what a text is about (words and CJK
	// bigrams, not pairs); coverage of a question is measured over these.
	content bool
	// proper marks a word written with a capital inside a sentence: a name.
	// A name the series never mentions is the strongest sign that a
	// question is about something else.
	proper bool
	// capital marks a word written with a capital anywhere, at the start
	// of a sentence too. A question often starts with the name it is about
	// ("Pinduoduo revenue 2021"): if the corpus never uses the word, it is
	// read as a name.
	capital bool
	// han marks Chinese character terms. Bigrams cut across word boundaries,
	// so one the corpus never uses says little about the question.
	han bool
	// hanWord marks a bigram of a short run that stands alone between
	// function words, digits or punctuation (腾讯 of 腾讯2021年的营收, 拼多
	// of 拼多多是什么平台), and is no word of the lexicon: of a word, not a
	// piece of a longer run, so one the corpus never uses is of a name it
	// never gives.
	hanWord bool
	// surface is the word as written, lower-cased, before stemming.
	surface string
	// possessor marks a word followed by "'s": the name of what owns
	// something.
	possessor bool
	// typo marks a question's term read as a typo of a corpus word.
	typo bool
	// common marks a question's word that is one of the most common of
	// English (english.IsCommon), and foreign one that is neither the
	// corpus's nor English (foreignWord): both looked up once per question.
	common, foreign bool
	// owned marks a word of what something has: the words after an
	// owner ("Alibaba's net income") or after "a" or "an" ("does
	// Alibaba pay a dividend?"), up to the next word that is not a
	// content word. It is what such a question asks about.
	owned bool
	// article marks an owned word that follows "a" or "an" rather than an
	// owner, or "how many" (then counted is set too).
	article, counted bool
	// concept marks a term a Chinese word of the lexicon stands for
	// (平台: platform): a common word, not a name the question gives.
	concept bool
}

// analyze turns text into terms. Index and query go through the same path,
// so whatever normalisation it does (case, stems, synonyms) is symmetric.
//
// English words are lower-cased, stop words dropped, stemmed and mapped onto
// a small domain thesaurus so that "sales" meets "revenue" and "started"
// meets "founded". Chinese has no spaces: Han runs are cut at function words
// (是, 什么, 的 …) and the pieces become overlapping character bigrams
// (钉钉是什么 → 钉钉), which is what makes 钉钉是什么？ find the DingTalk
// passage; thesaurus hits inside a run (收入 → revenue) let a Chinese
// question meet English text.
func analyze(text string) []term {
	a := analyzer{sentenceStart: true}
	// NFKC folds full-width letters and digits (ＤｉｎｇＴａｌｋ, ２０２１)
	// into the ordinary ones the corpus uses.
	runes := []rune(replacePhrases(domainsAsNames(norm.NFKC.String(text))))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case unicode.Is(unicode.Han, r):
			a.flushWord()
			a.han = append(a.han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			a.flushHan()
			class := 1
			if unicode.IsDigit(r) {
				class = 2
			}
			// RMB60 and 60 should meet: split where letters meet digits.
			if a.class != 0 && class != a.class {
				a.flushWord()
			}
			a.word = append(a.word, r)
			a.class = class
		case (r == '.' || r == ',') && a.class == 2 && i+1 < len(runes) && unicode.IsDigit(runes[i+1]):
			// Keep 8.12 and 7.5 whole; drop thousands separators.
			if r == '.' {
				a.word = append(a.word, r)
			}
		case r == '\'' || r == '’':
			// Possessives: "Alibaba's" is "Alibaba", and what owns
			// something is an entity ("pinduoduo's revenue"), however it
			// is written.
			possessive := i+1 < len(runes) && (runes[i+1] == 's' || runes[i+1] == 'S') && (i+2 >= len(runes) || !unicode.IsLetter(runes[i+2]))
			// After a stop word the 's is "is" or "has" ("what's",
			// "who's", "it's"): nothing owns what follows.
			if possessive && stopWords[strings.ToLower(string(a.word))] {
				a.flushWord()
				i++
				continue
			}
			a.flushWord()
			if possessive {
				if n := len(a.out); n > 0 && a.out[n-1].content && a.out[n-1].surface != "" {
					a.out[n-1].possessor = true
				} else if n > 1 && a.out[n-2].content && a.out[n-2].surface != "" {
					a.out[n-2].possessor = true // a word pair follows the word
				}
				a.owned, a.article = maxOwned, false
				i++
			}
		case r == '%':
			// "8%" and "a share of" should meet.
			a.flushWord()
			a.flushHan()
			a.out = append(a.out, term{text: "percent", weight: 1, content: true})
		default:
			a.flushWord()
			a.flushHan()
			switch r {
			case ' ', '-', '/', '(', ')', '"', '“', '”':
			case '.', '!', '?', ':', '。', '！', '？':
				a.prev = ""
				a.sentenceStart = true
				a.owned = 0
			default:
				a.prev = "" // punctuation ends a phrase: no pair across it
				a.owned = 0
			}
		}
	}
	a.flushWord()
	a.flushHan()
	return a.out
}

// domain is a company named by its web address ("jd.com").
var domain = regexp.MustCompile(`(?i)\b([a-z][a-z0-9-]*)\.(?:com|cn|net|org|io|hk|co|jp)\b`)

// domainsAsNames writes a company named by its web address as one
// capitalised word, so that it is read as the name it is, however it was
// typed ("jd.com" is Jdcom).
func domainsAsNames(text string) string {
	if !strings.Contains(text, ".") || !hasDomainEnding(text) {
		return text
	}
	return domain.ReplaceAllStringFunc(text, func(m string) string {
		w := strings.ReplaceAll(m, ".", "")
		return strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
	})
}

// hasDomainEnding looks for what domain needs, a dot and a known ending,
// without the cost of the expression on every sentence.
func hasDomainEnding(text string) bool {
	for i := strings.IndexByte(text, '.'); i >= 0 && i+2 < len(text); {
		if c := text[i+1] | 0x20; c == 'c' || c == 'n' || c == 'o' || c == 'i' || c == 'h' || c == 'j' {
			if j := i + 1; j < len(text) && text[j] != ' ' {
				return true
			}
		}
		next := strings.IndexByte(text[i+1:], '.')
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false
}

type analyzer struct {
	out           []term
	word, han     []rune
	class         int    // of the word being read: 0 none, 1 letters, 2 digits
	prev          string // previous content word, for word pairs
	sentenceStart bool
	// owned counts the words still to be marked owned (term.owned), and
	// article says an article, not an owner, began them.
	owned   int
	article bool
	// counted says "how many" began them.
	counted bool
	// last is the word before, stop word or not: "how" of "how many".
	last string
}

// plural reports whether w, lower-cased, reads as a plural noun by its
// ending: an s that is not of "ss", "us" or "is" ("costs", not "business",
// "status" or "analysis").
func plural(w string) bool {
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is")
}

// maxCounted is how many words after "how many" are what it counts, to
// the first plural: "how many daily active users".
const maxCounted = 3

// maxOwned is how many words after an owner or an article are what it has:
// "Alibaba's net income" has two, and a longer run is rarely one thing.
const maxOwned = 2

// innerCapital reports whether a word has a capital after its first letter
// and a lower-case letter somewhere: "iQIYI", "DingTalk", "IaaS", not
// "GMV", which a heading or a shout writes as any word.
func innerCapital(word []rune) bool {
	upper, lower := false, false
	for i, r := range word {
		switch {
		case unicode.IsUpper(r) && i > 0:
			upper = true
		case unicode.IsLower(r):
			lower = true
		}
	}
	return upper && lower
}

func (a *analyzer) flushWord() {
	if len(a.word) == 0 {
		a.class = 0
		return
	}
	first := a.word[0]
	w := strings.ToLower(string(a.word))
	// Numbers count as names: a year or figure the series never gives
	// ("2030") is as telling as a company it never names.
	// A capital inside a word makes a name wherever it stands ("iQIYI",
	// "DingTalk"), first in a sentence or not.
	inner := innerCapital(a.word)
	proper := unicode.IsDigit(first) || (unicode.IsUpper(first) && !a.sentenceStart || inner) && !nameSuffixes[w]
	a.word, a.class, a.sentenceStart = a.word[:0], 0, false
	// What "how many" counts is what the question asks about, as what an
	// owner has is: "how many employees does Alibaba have" asks for a
	// count of employees, which a series that never mentions them cannot
	// give. ("How much" measures an amount, which a question words as it
	// likes: "how much cash did the cloud arm pull in".)
	counted := w == "many" && a.last == "how"
	a.last = w
	if selectors[w] && !inner {
		return // what it picks is still what an owner has: "Alibaba's main business"
	}
	if isStopWord(w) {
		a.prev = ""
		a.owned, a.counted = 0, false
		switch {
		case w == "a" || w == "an":
			a.owned, a.article = maxOwned, true
		case counted:
			a.owned, a.article, a.counted = maxCounted, true, true
		}
		return
	}
	s := termOf(w)
	a.out = append(a.out, term{text: s, weight: 1, content: true, proper: proper, capital: unicode.IsUpper(first) && !nameSuffixes[w], surface: w, owned: a.owned > 0, article: a.owned > 0 && a.article, counted: a.owned > 0 && a.counted})
	a.owned = max(0, a.owned-1)
	// A plural ends what is owned: it is the head of its phrase, and what
	// follows it is what is said of it ("Alibaba's costs gone up").
	if plural(w) {
		a.owned = 0
	}
	if counted {
		a.owned, a.article, a.counted = maxCounted, true, true
	}
	if a.prev != "" {
		a.out = append(a.out, term{text: a.prev + " " + s, weight: 0.5})
	}
	a.prev = s
}

// maxHanWord is the longest run of Han characters standing alone that is
// read as a word: the names of companies and their products are two to
// four characters long (腾讯, 拼多多, 中国移动).
const maxHanWord = 4

func (a *analyzer) flushHan() {
	if len(a.han) == 0 {
		return
	}
	a.prev, a.sentenceStart = "", false
	run := a.han
	a.han = a.han[:0]
	for _, c := range hanConcepts(run) {
		a.out = append(a.out, term{text: c, weight: 1, content: true, concept: true})
	}
	for _, piece := range splitHanStops(run) {
		if len(piece) == 1 {
			a.out = append(a.out, term{text: string(piece), weight: 0.5, content: true, han: true})
		}
		for i := 0; i+1 < len(piece); i++ {
			w := string(piece[i : i+2])
			_, concept := hanLexicon[w]
			a.out = append(a.out, term{text: w, weight: 1, content: true, han: true, hanWord: len(piece) <= maxHanWord && !concept})
		}
	}
}

// termOf is the term a lower-case word is read as: its stem, or the stem
// the corpus uses for it (canonical), of the place it names when it is a
// proper adjective (place).
func termOf(w string) string {
	if t, ok := terms.Load(w); ok {
		return t.(string)
	}
	t := canonical(stem(place(w)))
	if terms.size.Add(1) <= maxTermsCached {
		terms.Store(w, t)
	}
	return t
}

// terms caches termOf: a corpus repeats a few thousand words tens of
// thousands of times, and stemming them is most of what analysing it
// costs. What a word's term is depends on the word alone, so the cache
// never goes stale; it stops growing at maxTermsCached words, as questions
// may bring any number of new ones.
var terms struct {
	sync.Map
	size atomic.Int64
}

// maxTermsCached is far more distinct words than a series of articles
// uses, and a few megabytes at most.
const maxTermsCached = 1 << 16

// stem reduces an English word to the stem it shares with its inflections
// and derivations ("operations", "operating" and "operator" all meet), with
// the Snowball English stemmer. The domain thesaurus (synonyms, hanLexicon)
// is written in the terms of lightStem, which only strips inflections: a
// word that reaches one of its terms that way keeps that term, so "sales"
// still meets "revenue" and "closed" still meets "ended"; every other word
// gets its Snowball stem. Either way the stem depends on the word alone,
// so questions and passages are stemmed alike. Short words, and words
// written with anything but a to z (names in other scripts, figures), are
// left as they are.
func stem(w string) string {
	if len(w) <= 3 || !isASCIIWord(w) {
		return w
	}
	if l := lightStem(w); thesaurusTerms[l] {
		return l
	}
	return english.Stem(w, true)
}

// thesaurusTerms are the stems the thesaurus maps from and onto.
var thesaurusTerms = func() map[string]bool {
	m := make(map[string]bool, 2*len(synonyms)+len(hanLexicon))
	for from, to := range synonyms {
		m[from], m[to] = true, true
	}
	for _, to := range hanLexicon {
		for _, t := range strings.Fields(to) {
			m[t] = true
		}
	}
	return m
}()

// lightStem is a light English stemmer: it conflates the inflections that
// matter for matching questions to prose (plurals, -ing, -ed, -er, a final
// e or y) and leaves everything else alone. It is the stemmer the
// thesaurus is written for.
func lightStem(w string) string {
	if len(w) <= 3 || !isASCIIWord(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ed"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 && hasVowel(w[:len(w)-len(suf)]) {
			w = undouble(w[:len(w)-len(suf)])
			break
		}
	}
	if strings.HasSuffix(w, "ly") && len(w) > 5 {
		w = w[:len(w)-2]
	}
	if strings.HasSuffix(w, "er") && len(w) > 5 {
		w = w[:len(w)-2]
	}
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "y") && len(w) > 3 {
		w = w[:len(w)-1] + "i"
	}
	return w
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}
