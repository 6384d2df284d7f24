package bot

import (
	"slices"
	"strconv"
	"strings"
)

var (
	// citeMarker is a citation as models write it: "[3]", "[1, 4]";
	// "[2][5]" is two. It starts with a literal "[", which lets the
	// regexp skip from bracket to bracket.
	citeMarker = newLazyRegexp(`\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]`)
	citeNumber = newLazyRegexp(`\d+`)
	// openMarker is a citation still being streamed: "[", "[1", "[1, ".
	openMarker = newLazyRegexp(`\[\s*(?:\d+(?:\s*[,;]\s*\d*)*)?\s*$`)
)

// rewriteCitations holds a model's answer to the sources it was given: a
// marker [k] with k outside 1..n points at nothing and is removed (with the
// blanks before it); the sources cited are renumbered 1, 2, … in the order
// they are first cited and the markers rewritten to match, so that the
// answer's [n] is the n-th source listed under it. "[3, 1]" becomes
// "[1][2]": every citation has the one form, [n], that transports link.
// cited holds, for each new number, the index (from 0) of the source it
// stands for among the n given.
func rewriteCitations(text string, n int) (out string, cited []int) {
	renum := make(map[int]int) // given number → new number
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, loc := range citeMarker.FindAllStringIndex(text, -1) {
		b.WriteString(text[last:loc[0]])
		last = loc[1]
		var nums []int
		for _, f := range citeNumber.FindAllString(text[loc[0]:loc[1]], -1) {
			k, err := strconv.Atoi(f)
			if err != nil || k < 1 || k > n {
				continue
			}
			nk, ok := renum[k]
			if !ok {
				cited = append(cited, k-1)
				nk = len(cited)
				renum[k] = nk
			}
			if !slices.Contains(nums, nk) {
				nums = append(nums, nk)
			}
		}
		if len(nums) == 0 {
			// "… the moon [9]." reads "… the moon."
			trimmed := strings.TrimRight(b.String(), " \t")
			b.Reset()
			b.WriteString(trimmed)
			continue
		}
		slices.Sort(nums)
		for _, k := range nums {
			b.WriteString("[" + strconv.Itoa(k) + "]")
		}
	}
	b.WriteString(text[last:])
	return strings.TrimSpace(b.String()), cited
}

// settled is the part of a reply still streaming that can be shown: a
// citation not yet closed ("… revenue [1") and trailing blanks are held
// back, because the rest of the reply decides how they are rewritten. With
// it, rewriteCitations of each partial text is a prefix of the next one and
// of the final answer, so a transport can print or edit it as it grows.
func settled(partial string) string {
	if loc := openMarker.FindStringIndex(partial); loc != nil {
		partial = partial[:loc[0]]
	}
	return strings.TrimRight(partial, " \t\r\n")
}
