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

// list is words split, made on first use so that a process that never
// asks does not pay for it.
var list = sync.OnceValue(func() []string {
	return strings.Split(strings.TrimSuffix(words, "\n"), "\n")
})

// IsWord reports whether w, lower-cased, is a word English writes in
// lower case: "dividend", "called", "cheapest" are; "tencent", "ceo",
// "clodu" and "lol" are not (a name, an abbreviation English capitalises,
// a typo, chat). Words of one letter are not words here.
func IsWord(w string) bool {
	w = strings.ToLower(w)
	if len(w) < 2 {
		return false
	}
	l := list()
	i := sort.SearchStrings(l, w)
	return i < len(l) && l[i] == w
}
