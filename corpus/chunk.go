package corpus

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxChars is the passage bound Chunk uses when given none: about a
// hundred words, enough to hold a fact with its context and small enough
// that several passages fit in a prompt.
const DefaultMaxChars = 700

// shortParagraph is the length under which a paragraph is merged with the
// next one: a one-line note ("The segment made 4% of revenue.") retrieves
// badly on its own and reads better with the paragraph it belongs to.
const shortParagraph = 120

// Chunk cuts an article into passages along its structure: every passage
// lies within one section, and within a section each paragraph is a passage,
// except that
//   - a paragraph shorter than shortParagraph runes is merged with the next
//     paragraph of the section while the result fits in maxChars;
//   - a paragraph longer than maxChars is split at sentence ends into pieces
//     of at most maxChars runes. A sentence is never cut: a single sentence
//     longer than maxChars is a passage of its own, over the bound.
//
// Lengths are counted in runes. maxChars ≤ 0 means DefaultMaxChars.
//
// IDs are "<series>-<part>-<section index>-<passage index>" ("alibaba-2-1-0"),
// lower-case, or "<source slug>-<section>-<passage>" when the part is not
// known. They stay the same as long as the article's text does.
func Chunk(a Article, maxChars int) []Passage {
	if maxChars <= 0 {
		maxChars = DefaultMaxChars
	}
	prefix := idPrefix(a)
	var out []Passage
	for si, s := range a.Sections {
		for pi, text := range chunkParagraphs(s.Paragraphs, maxChars) {
			out = append(out, Passage{
				ID:      prefix + "-" + strconv.Itoa(si) + "-" + strconv.Itoa(pi),
				Series:  a.Series,
				Part:    a.Part,
				Title:   a.Title,
				URL:     a.URL,
				Section: s.Heading,
				Segment: s.Segment,
				Text:    text,
			})
		}
	}
	return out
}

// idPrefix names the article in passage IDs.
func idPrefix(a Article) string {
	src := slug(a.Source)
	if src == "" {
		src = "article"
	}
	if a.Part <= 0 {
		return src
	}
	if s := slug(a.Series); s != "" {
		src = s
	}
	return src + "-" + strconv.Itoa(a.Part)
}

// chunkParagraphs applies Chunk's rules to the paragraphs of one section.
func chunkParagraphs(paras []string, maxChars int) []string {
	var out []string
	for i := 0; i < len(paras); i++ {
		p := paras[i]
		for i+1 < len(paras) && runeLen(p) < shortParagraph && runeLen(p)+1+runeLen(paras[i+1]) <= maxChars {
			i++
			p += " " + paras[i]
		}
		out = append(out, splitAtSentences(p, maxChars)...)
	}
	return out
}

// splitAtSentences packs the sentences of p greedily into pieces of at most
// maxChars runes.
func splitAtSentences(p string, maxChars int) []string {
	if runeLen(p) <= maxChars {
		return []string{p}
	}
	var out []string
	var cur strings.Builder
	n := 0
	for _, s := range Sentences(p) {
		sl := runeLen(s)
		if n > 0 && n+1+sl > maxChars {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(s)
		n += sl
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
