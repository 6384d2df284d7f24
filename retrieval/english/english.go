// Package english tells the ordinary words of English from everything
// else. A question word the corpus never uses is either one of them (a
// paraphrase: "owned", "bought") or not (a name the series never gives,
// "pinduoduo", or a typo, "clodu"); the word list of SCOWL, a maintained
// spelling dictionary, tells which. WordNet tells what its proper
// adjectives name ("Turkish": Turkey).
package english

import (
	_ "embed"
	"strings"

	sortedlines "seriesbot/retrieval/internal/lines"
)

// words are SCOWL's lower-case words, sorted, one a line (gen.go).
//
//go:embed words.txt
var words string

// common are SCOWL's most common words (its size 10), in the same form.
//
//go:embed common.txt
var common string

// proper holds WordNet's adjectives of proper nouns, lower-cased, each
// with the nouns it pertains to, tab-separated, sorted (genproper.go).
//
//go:embed proper.txt
var proper string

// ProperNouns returns the proper nouns adjective, lower-cased, pertains to
// ("turkish": turkey; "indian": american indian, india), lower-cased, or
// none. A question that asks about "the Turkish site" asks about what
// serves Turkey.
func ProperNouns(adjective string) []string {
	return lookup(proper, adjective)
}

// places holds the places WordNet names in one word, lower-cased, each
// with the places it lies in, nearest first, tab-separated, sorted
// (genproper.go).
//
//go:embed places.txt
var places string

// Regions returns the places place lies in, nearest first, lower-cased
// ("pakistan": asia, eurasia; "vietnam": indochina, indochinese peninsula,
// southeast asia, asia, eurasia), or none. A question about shopping in
// Pakistan is one about South Asia for a series that names only regions.
func Regions(place string) []string {
	return lookup(places, place)
}

// lookup returns the fields after key of the line of table that starts
// with it.
func lookup(table, key string) []string {
	k := strings.ToLower(key)
	if k == "" || strings.ContainsAny(k, "\t\n") {
		return nil
	}
	line, ok := sortedlines.Find(table, k, func(line string) string {
		k, _, _ := strings.Cut(line, "\t")
		return k
	})
	if !ok {
		return nil
	}
	return strings.Split(line, "\t")[1:]
}

// IsWord reports whether w, lower-cased, is a word English writes in
// lower case: "dividend", "called", "cheapest" are; "tencent", "ceo",
// "clodu" and "lol" are not (a name, an abbreviation English capitalises,
// a typo, chat). Words of one letter are not words here.
func IsWord(w string) bool {
	w = strings.ToLower(w)
	if len(w) < 2 {
		return false
	}
	return in(words, w)
}

// IsCommon reports whether w, lower-cased, is one of the four thousand or
// so most common words of English ("first", "came", "along"): a word
// that tells little about what a question is about, however rare it is
// in a small corpus.
func IsCommon(w string) bool {
	return in(common, strings.ToLower(w))
}

// in reports whether w is a line of lines, sorted lines each ending in a
// newline.
func in(lines, w string) bool {
	if w == "" || strings.IndexByte(w, '\n') >= 0 {
		return false
	}
	_, ok := sortedlines.Find(lines, w, sortedlines.Whole)
	return ok
}
