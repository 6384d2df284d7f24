package retrieval

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hbollon/go-edlib"

	"seriesbot/retrieval/english"
)

// vocabulary is what the corpus says about its own words: the words it
// uses, how often, and which of them it writes as names. A question is
// read against it, so that a word the series never uses is either a typo
// of one it does ("dingtlak"), or a sign that the question is about
// something else.
type vocabulary struct {
	// stems maps each word the corpus uses, lower-cased as written, to
	// its term; count is how often it occurs.
	stems map[string]string
	count map[string]int
	// byLength lists the words by length, most frequent first, for the
	// near-word search.
	byLength map[int][]string
	// names are the terms the corpus writes capitalised inside a sentence
	// at least twice as often as in lower case: "Youku", "Alibaba", "Ant"
	// (of Ant Group), not "Cloud" (of Alibaba Cloud, but also of cloud
	// computing). A question typed in lower case names them all the same.
	names map[string]bool
	// subject is the name the corpus writes most often, as written in
	// lower case: what the series is about ("alibaba").
	subject string
	// qualifier maps a term the corpus only ever writes after one other
	// word, at least minQualified times, onto that word: "incom" onto
	// "oper" (the series writes operating income, never income alone).
	// A question that puts another word there ("net income") asks for
	// something the series does not give.
	qualifier map[string]string
}

// minQualified is how often a term must follow the same word, and only
// it, for that word to be its qualifier.
const minQualified = 3

// inflected matches words that are verbs, adverbs or plurals by their
// ending.
var inflected = regexp.MustCompile(`(?:ed|ing|ly|[^s]s)$`)

// replaceWords replaces each word of s, a letter followed by letters and
// digits, by what f makes of it: what an expression of \p{L}[\p{L}\p{N}]*
// would find, without compiling the Unicode tables it needs (a third of
// a millisecond at every start).
func replaceWords(s string, f func(string) string) string {
	var b strings.Builder
	last := 0 // s[last:] is not copied yet
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += n
			continue
		}
		end := i + n
		for end < len(s) {
			r, n := utf8.DecodeRuneInString(s[end:])
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				break
			}
			end += n
		}
		b.WriteString(s[last:i])
		b.WriteString(f(s[i:end]))
		i, last = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// learnVocabulary learns the vocabulary of the corpus's texts, analysed.
func learnVocabulary(texts [][]term) vocabulary {
	v := vocabulary{stems: map[string]string{}, count: map[string]int{}, byLength: map[int][]string{}, names: map[string]bool{}}
	proper, initial, lower := map[string]int{}, map[string]int{}, map[string]int{}
	verbal := map[string]bool{} // terms written with an inflection at a sentence start
	heads, pairs := map[string]int{}, map[string]map[string]int{}
	for _, text := range texts {
		for _, t := range text {
			if !t.content {
				if before, head, ok := strings.Cut(t.text, " "); ok {
					if pairs[head] == nil {
						pairs[head] = map[string]int{}
					}
					pairs[head][before]++
				}
				continue
			}
			heads[t.text]++
			if t.han || t.surface == "" {
				continue
			}
			if _, ok := v.stems[t.surface]; !ok {
				v.stems[t.surface] = t.text
				n := len([]rune(t.surface))
				v.byLength[n] = append(v.byLength[n], t.surface)
			}
			v.count[t.surface]++
			switch {
			case t.proper:
				proper[t.text]++
			case t.capital:
				initial[t.text]++
				verbal[t.text] = verbal[t.text] || inflected.MatchString(t.surface)
			default:
				lower[t.text]++
			}
		}
	}
	for t, n := range proper {
		if n >= 2*lower[t] {
			v.names[t] = true
		}
	}
	// A word the corpus only ever writes capitalised, at the start of its
	// sentences ("Trendyol is Alibaba's platform…"), is a name too,
	// unless it reads like an inflected word ("Ranked by revenue, …").
	for t, n := range initial {
		if n > 0 && proper[t] == 0 && lower[t] == 0 && !verbal[t] {
			v.names[t] = true
		}
	}
	for w, n := range v.count {
		if t := v.stems[w]; v.names[t] && t == w && (n > v.count[v.subject] || n == v.count[v.subject] && w < v.subject) {
			v.subject = w
		}
	}
	v.qualifier = map[string]string{}
	for head, before := range pairs {
		for w, n := range before {
			if n == heads[head] && n >= minQualified && !v.names[w] {
				v.qualifier[head] = w
			}
		}
	}
	for _, ws := range v.byLength {
		slices.SortFunc(ws, func(a, b string) int {
			if v.count[a] != v.count[b] {
				return v.count[b] - v.count[a]
			}
			return strings.Compare(a, b)
		})
	}
	return v
}

// maxTypos is how far a word may be from a word of the corpus to be read
// as a typo of it (edits: a letter added, dropped, changed, or two
// swapped). Short words are left alone: at three letters one edit reaches
// too many other words.
func maxTypos(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// near returns the corpus word closest to w within maxTypos of it, the most
// frequent one on a tie, or "" when there is none.
func (v vocabulary) near(w string) string {
	n := len([]rune(w))
	limit := maxTypos(n)
	if limit == 0 {
		return ""
	}
	best, bestDist := "", limit+1
	for l := n - limit; l <= n+limit; l++ {
		for _, c := range v.byLength[l] {
			if d := edlib.OSADamerauLevenshteinDistance(w, c); d < bestDist {
				best, bestDist = c, d
			}
		}
	}
	return best
}

// clipped returns the corpus word w is a contraction of, as English
// shortens a word to its first letter and consonants, ending as it ends
// ("mgmt": management, "intl": international, "mkt": market, "grp":
// group), the most frequent when several are; or "". A contraction keeps
// at least three consonants: "aws" or "ceo" is an acronym, of words the
// series may never use, not a word of it shortened.
func (v vocabulary) clipped(w string) string {
	n := len(w)
	if n < 3 || n > maxClipped || !isASCIIWord(w) || strings.ContainsAny(w[1:], "aeiouy") {
		return ""
	}
	if consonants := n - strings.Count("aeiouy", w[:1]); consonants < 3 {
		return ""
	}
	best := ""
	for l, words := range v.byLength {
		if l < n+minClipped {
			continue
		}
		for _, c := range words { // most frequent first
			if c[0] == w[0] && c[len(c)-1] == w[n-1] && isSubsequence(w, c) {
				// byLength is a map: ties are broken by the word, so that the
				// same question is always read the same way.
				if best == "" || v.count[c] > v.count[best] || v.count[c] == v.count[best] && (len(c) < len(best) || len(c) == len(best) && c < best) {
					best = c
				}
				break
			}
		}
	}
	return best
}

// subjectClipped returns the name of what the series is about (the name
// it writes most often, "alibaba") when w, no word of the corpus or of
// English, begins or ends it and leaves out two letters or more ("baba",
// as chat and the ticker clip it), or "". Other names are not read so:
// "ent" ends Tencent, and is entertainment.
func (v vocabulary) subjectClipped(w string) string {
	if v.subject == "" || len(w) < minShortened || len(v.subject) < len(w)+minClipped {
		return ""
	}
	if strings.HasPrefix(v.subject, w) || strings.HasSuffix(v.subject, w) {
		return v.subject
	}
	return ""
}

// minShortened is the shortest clipping subjectClipped reads: "baba";
// "ali" and "aba" are as often names or words of their own.
const minShortened = 4

// acronym reports whether t, a word of three or four letters the corpus
// never uses and no word of English, names something the way "aws" and
// "ipo" do, rather than shortening a word: one without a vowel is a
// contraction ("fwd", "grp", "smbs"), and one that begins or lies inside
// a word of the corpus is a clipping of it ("ent", "digi", "baba" of
// Alibaba).
func (v vocabulary) acronym(t term) bool {
	w := t.surface
	if len(w) < 3 || len(w) >= minForeignLen || t.han || t.typo || !isASCIIWord(w) || !strings.ContainsAny(w, "aeiou") || english.IsWord(w) {
		return false
	}
	for c := range v.stems {
		if strings.Contains(c, w) {
			return false
		}
	}
	return true
}

// maxClipped is the longest contraction clipped reads, and minClipped how
// many letters it must leave out.
const (
	maxClipped = 5
	minClipped = 2
)

// isSubsequence reports whether the letters of w appear in c in order.
func isSubsequence(w, c string) bool {
	i := 0
	for j := 0; j < len(c) && i < len(w); j++ {
		if c[j] == w[i] {
			i++
		}
	}
	return i == len(w)
}

// minRelative is the shortest word of the corpus that a longer word
// beginning with it is read as (relative).
const minRelative = 6

// relative returns the longest word of at least minRelative letters that
// w begins with and whose term the corpus uses, or "": a word the corpus
// never uses is often a derivation of one it does ("percentage" of
// "percent"), which the stemmer, undoing inflections only, does not see.
func relative(w string, known func(term string) bool) string {
	for n := len(w) - 1; n >= minRelative; n-- {
		if p := w[:n]; derivational[w[n:]] && known(termOf(p)) {
			return p
		}
	}
	return ""
}

// derivational are the endings that make a word of another without
// changing what it is about ("percent-age", "invest-or"); what else
// follows a word's letters makes another word ("invest-igate",
// "custom-ary").
var derivational = setOf("age", "al", "ally", "ly", "ment", "ments", "ness", "ity", "ities", "ion", "ions", "ation", "ations", "er", "ers", "or", "ors", "ship", "ships", "ive", "ives")

// correct rewrites the words of question whose terms the corpus never uses
// (known tells) but that are a typo away from a word it does, and returns
// the terms it read as typos: a match through one counts for less than an
// exact one. Words written with a digit, and stop words, are left as they
// are.
func (v vocabulary) correct(question string, known func(term string) bool) (string, map[string]bool) {
	var fuzzy map[string]bool
	out := replaceWords(question, func(w string) string {
		lw := strings.ToLower(w)
		if isStopWord(lw) || strings.IndexFunc(lw, unicode.IsDigit) >= 0 || !isASCIIWord(lw) {
			return w
		}
		if _, ok := v.stems[lw]; ok || known(termOf(lw)) {
			return w
		}
		c := relative(lw, known)
		// A word of English is what it says, not a typo of the corpus
		// word it is an edit away from: "call" is not "mall".
		if c == "" && !english.IsWord(lw) {
			c = v.region(lw, known)
			if c == "" {
				c = v.near(lw)
			}
			if c == "" {
				c = v.clipped(lw)
			}
			if c == "" {
				c = v.subjectClipped(lw)
			}
		}
		if c == "" {
			return w
		}
		if fuzzy == nil {
			fuzzy = map[string]bool{}
		}
		for _, cw := range strings.Fields(c) {
			fuzzy[termOf(cw)] = true
		}
		return c
	})
	return out, fuzzy
}

// region is the nearest place the corpus names that w, a place it does not
// name, lies in ("pakistan": asia; "vietnam": southeast asia), or "". A
// region must be a name of the corpus, not a common word that is also one
// ("south"), so that a place is read only as a region the series writes
// about.
func (v vocabulary) region(w string, known func(term string) bool) string {
	for _, r := range english.Regions(place(w)) {
		named, all := false, true
		for _, rw := range strings.Fields(r) {
			t := termOf(rw)
			if !known(t) {
				all = false
				break
			}
			named = named || v.names[t] && !english.IsCommon(rw)
		}
		if all && named {
			return r
		}
	}
	return ""
}

// place is the place a proper adjective names, when it names one in a
// word ("turkish": turkey, "chinese": china), and w otherwise: "serving
// Turkey" answers "the Turkish site", and "Chinese wholesalers" a question
// about China.
func place(w string) string {
	for _, n := range english.ProperNouns(w) {
		if !strings.Contains(n, " ") {
			return n
		}
	}
	return w
}
