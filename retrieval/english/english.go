// Package english tells the ordinary words of English from everything
// else. A question word the corpus never uses is either one of them (a
// paraphrase: "owned", "bought") or not (a name the series never gives,
// "pinduoduo", or a typo, "clodu"); the word list of SCOWL, a maintained
// spelling dictionary, tells which.
package english

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// words are SCOWL's lower-case words, sorted, one a line (gen.go).
//
//go:embed words.txt
var words string

// common are SCOWL's most common words (its size 10), in the same form.
//
//go:embed common.txt
var common string

// list and commonList are words and common split, made on first use so
// that a process that never asks does not pay for it.
var (
	list       = sync.OnceValue(func() []string { return lines(words) })
	commonList = sync.OnceValue(func() []string { return lines(common) })
)

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// IsWord reports whether w, lower-cased, is a word English writes in
// lower case: "dividend", "called", "cheapest" are; "tencent", "ceo",
// "clodu" and "lol" are not (a name, an abbreviation English capitalises,
// a typo, chat). Words of one letter are not words here.
func IsWord(w string) bool {
	w = strings.ToLower(w)
	if len(w) < 2 {
		return false
	}
	return in(list(), w)
}

// IsCommon reports whether w, lower-cased, is one of the four thousand or
// so most common words of English ("first", "came", "along"): a word
// that tells little about what a question is about, however rare it is
// in a small corpus.
func IsCommon(w string) bool {
	return in(commonList(), strings.ToLower(w))
}

func in(l []string, w string) bool {
	i := sort.SearchStrings(l, w)
	return i < len(l) && l[i] == w
}
