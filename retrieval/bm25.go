package retrieval

import (
	"container/heap"
	"math"
	"slices"
	"unicode"

	"seriesbot/retrieval/english"
)

// bm25 is an inverted index scored with Okapi BM25. It scores only the
// documents that share a term with the question, so its cost follows the
// postings of the question's terms rather than the size of the corpus.
type bm25 struct {
	k1, b    float64
	postings map[string][]posting
	docLen   []float32
	avgLen   float64
	// names are the terms the corpus writes as names (vocabulary.names).
	names map[string]bool
	// commonCap is the most a common English word weighs (commonShare).
	commonCap float64
}

type posting struct {
	doc int32
	tf  float32
}

type scored struct {
	doc   int
	score float64
}

func newBM25(docs [][]string) *bm25 {
	x := &bm25{k1: 1.2, b: 0.75, postings: make(map[string][]posting), docLen: make([]float32, len(docs))}
	var total float64
	for i, terms := range docs {
		x.docLen[i] = float32(len(terms))
		total += float64(len(terms))
		counts := make(map[string]int, len(terms))
		for _, t := range terms {
			counts[t]++
		}
		keys := make([]string, 0, len(counts))
		for t := range counts {
			keys = append(keys, t)
		}
		slices.Sort(keys)
		for _, t := range keys {
			x.postings[t] = append(x.postings[t], posting{doc: int32(i), tf: float32(counts[t])})
		}
	}
	if len(docs) > 0 {
		x.avgLen = total / float64(len(docs))
	}
	x.commonCap = idf(float64(len(docs)), commonShare*float64(len(docs)))
	return x
}

func (x *bm25) idf(t string) float64 {
	return idf(float64(len(x.docLen)), float64(len(x.postings[t])))
}

// search returns up to limit documents by descending score, keeping only
// those allow accepts (nil allows all).
func (x *bm25) search(terms []string, allow func(doc int) bool, limit int) []scored {
	if len(x.docLen) == 0 || limit <= 0 {
		return nil
	}
	// A dense accumulator beats a map here: a common question word touches
	// most of a large corpus.
	acc := make([]float64, len(x.docLen))
	touched := make([]int32, 0, 64)
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		ps := x.postings[t]
		if len(ps) == 0 {
			continue
		}
		w := x.idf(t)
		for _, p := range ps {
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			norm := x.k1 * (1 - x.b + x.b*float64(x.docLen[p.doc])/x.avgLen)
			tf := float64(p.tf)
			acc[p.doc] += w * tf * (x.k1 + 1) / (tf + norm)
		}
	}
	// Keep the best limit documents in a min-heap instead of sorting all.
	h := make(topK, 0, limit+1)
	for _, d := range touched {
		if allow != nil && !allow(int(d)) {
			continue
		}
		c := scored{doc: int(d), score: acc[d]}
		if len(h) < limit {
			heap.Push(&h, c)
		} else if better(c, h[0]) {
			h[0] = c
			heap.Fix(&h, 0)
		}
	}
	out := []scored(h)
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// better orders by score, then by corpus order so ties are stable.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// topK is a min-heap of the best documents so far: its root is the worst
// one kept, the one a better candidate replaces.
type topK []scored

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return better(h[j], h[i]) }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Match says how much of a question a text contains.
type Match struct {
	// Coverage is the share of the question's weight found in the text,
	// each term weighted by its IDF, 0..1.
	Coverage float64
	// Matched of Terms distinct question terms are in the text.
	Matched, Terms int
	// NamesMatched of Names names in the question (words capitalised
	// inside it, "Tencent", "DingTalk"; or words the corpus writes as
	// names, however the question writes them) are in the text.
	NamesMatched, Names int
	// Known of the Terms are terms the corpus uses, and Unknown are words
	// it never uses that are not names: a paraphrase, slang, or another
	// topic. No sentence can share them; a question made more of them than
	// of words the series uses is about something else ("who won the world
	// cup?").
	Known, Unknown int
	// KnownNames of the Names are names the corpus uses.
	KnownNames int
}

// Foreign reports whether the question is more made of words the series
// never uses than of words it does, and names nothing the series names. A
// question about something the series names is about the series, however
// it is worded: "ok so what is DingTalk, my boss mentioned it".
func (m Match) Foreign() bool { return m.Unknown > m.Known && m.KnownNames == 0 }

// foreignWord reports whether t, a word the corpus never uses, is no word
// of English either: a name typed in lower case ("pinduoduo", "meituan"),
// which says the question is about something the series does not cover.
// Shorter words are vocabulary.acronym's to read: chat shorthand is as
// often no English word either ("fwd", "ent"), and read as names, all
// words of three or four letters cost more answers than they refused
// off-topic questions on the question sets written apart from the code
// (BENCHMARKS.md).
func foreignWord(t term) bool {
	return len(t.surface) >= minForeignLen && !t.han && !t.typo && isASCIIWord(t.surface) && !english.IsWord(t.surface)
}

// minForeignLen is the length from which a word that is neither the
// corpus's nor English is read as a name.
const minForeignLen = 5

// commonShare caps the weight of a common English word at that of a word
// in this share of the passages: in a corpus of a few dozen passages
// "came" or "first" can be as rare as a name, and count for as much, when
// it says little of what a question is about.
const commonShare = 0.1

// typoWeight is what a match through a typo ("dingtlak") counts for
// against an exact one.
const typoWeight = 0.8

// contextWeight is what a question word found only in a text's context
// (its section heading) counts for.
const contextWeight = 0.5

// isName reports whether t names something: capitalised inside the
// question, or capitalised at its start (or an owner, a Chinese word, a
// word of no English) and unknown to the corpus, so no ordinary word; or a
// word the corpus writes as a name. Figures are not names here.
func (x *bm25) isName(t term) bool {
	known := len(x.postings[t.text]) > 0
	return (t.proper || (t.capital || t.possessor || t.hanWord || t.foreign) && !known || x.names[t.text]) && !unicode.IsDigit(rune(t.text[0]))
}

// match measures how much of question doc contains. A term the corpus
// never uses weighs twice the rarest term when it is a name or a number
// ("Tencent", "pinduoduo's", "2030"), a quarter of it when it is an
// ordinary word, and little when it is a Chinese bigram: a missing name
// means the question is about something else, a missing word is more
// often a paraphrase ("owned", "called") or chat, and a missing bigram is
// often no word at all.
func (x *bm25) match(question []term, doc, context map[string]bool) Match {
	var have, total float64
	var m Match
	seen := make(map[string]bool, len(question))
	maxIDF := idf(float64(len(x.docLen)), 0)
	for _, t := range question {
		if !t.content || seen[t.text] {
			continue
		}
		seen[t.text] = true
		var w float64
		switch {
		case len(x.postings[t.text]) > 0:
			w = x.idf(t.text)
			if t.common {
				w = min(w, x.commonCap)
			}
		case t.han && !t.hanWord:
			w = maxIDF / 8
		case t.proper || t.capital || t.possessor || t.hanWord || t.foreign:
			w = 2 * maxIDF
		default:
			w = maxIDF / 4
		}
		total += w
		m.Terms++
		// A name: capitalised inside the question, or capitalised at its
		// start and unknown to the corpus (so not an ordinary word).
		known := len(x.postings[t.text]) > 0
		name := x.isName(t)
		if name {
			m.Names++
			if known {
				m.KnownNames++
			}
		}
		switch {
		case known:
			m.Known++
		case !name && !t.han:
			m.Unknown++
		}
		if t.typo {
			w *= typoWeight
		}
		if !doc[t.text] && context[t.text] {
			have += contextWeight * w
			m.Matched++
		}
		if doc[t.text] {
			have += w
			m.Matched++
			if name {
				m.NamesMatched++
			}
		}
	}
	if total > 0 && !math.IsNaN(total) {
		m.Coverage = have / total
	}
	return m
}
