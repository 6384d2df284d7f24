package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence. The list is
// short on purpose: it covers what business writing about companies uses
// ("Alibaba Group Holding Ltd.", "e.g. Taobao", "the U.S. market"). A
// sentence that really ends with one of them ("…, Ltd. The Group…") stays
// joined to the next one; a passage that is one sentence too long is a
// smaller harm than a citation cut in half.
var abbreviations = map[string]bool{
	"e.g.": true, "i.e.": true, "etc.": true, "vs.": true, "cf.": true,
	"inc.": true, "ltd.": true, "co.": true, "corp.": true, "plc.": true,
	"mr.": true, "mrs.": true, "ms.": true, "dr.": true, "prof.": true,
	"st.": true, "jr.": true, "sr.": true, "no.": true, "nos.": true,
	"approx.": true, "est.": true, "fig.": true, "vol.": true, "p.": true,
	"pp.": true, "jan.": true, "feb.": true, "mar.": true, "apr.": true,
	"jun.": true, "jul.": true, "aug.": true, "sep.": true, "sept.": true,
	"oct.": true, "nov.": true, "dec.": true, "u.s.": true, "u.k.": true,
	"u.s.a.": true, "a.m.": true, "p.m.": true,
}

// Sentences splits text into sentences for the chunker and for extractive
// answers. It splits after '.', '!' or '?' (plus any closing quotes or
// brackets) when whitespace and a plausible sentence start follow (an
// upper-case letter, a digit, a quote or bracket, or a CJK character), and
// always after the Chinese full stops 。！？. It does not split after the
// abbreviations above, after single-letter initials ("J. Ma"), or inside
// numbers ("7.5", "9988.HK") since no whitespace follows the period there.
//
// The pieces are cut from text as they are, only trimmed: joined together
// they hold every non-space character of text, in order. Empty pieces are
// never returned.
func Sentences(text string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isCJKTerminal(r):
			end := skipClosers(text, i+size, true)
			add(text[start:end])
			start, i = end, end
		case r == '.' || r == '!' || r == '?':
			end := skipClosers(text, i, false)
			if endsSentence(text, i, end) {
				add(text[start:end])
				start = end
			}
			i = end
		default:
			i += size
		}
	}
	add(text[start:])
	return out
}

func isCJKTerminal(r rune) bool { return r == '。' || r == '！' || r == '？' }

// skipClosers returns the offset after a run of terminal punctuation starting
// at i (unless cjk, where the terminal was already consumed) and any closing
// quotes or brackets that belong to the sentence.
func skipClosers(text string, i int, cjk bool) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !cjk && (r == '.' || r == '!' || r == '?') || isCJKTerminal(r) || isCloser(r) {
			i += size
			continue
		}
		break
	}
	return i
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '”', '’', '»', '」', '』', '）', '】':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '“', '‘', '«', '「', '『', '（', '【':
		return true
	}
	return false
}

// endsSentence reports whether the punctuation run text[dot:end] ends a
// sentence.
func endsSentence(text string, dot, end int) bool {
	if end == len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[end:])
	if !unicode.IsSpace(r) {
		return false // "7.5", "9988.HK", "U.S.-listed"
	}
	next := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
	if next == "" {
		return true
	}
	r, _ = utf8.DecodeRuneInString(next)
	if !(unicode.IsUpper(r) || unicode.IsDigit(r) || isOpener(r) || isCJK(r)) {
		return false
	}
	// "!" and "?" always end a sentence, and so does an ellipsis; a single
	// period does unless it closes an abbreviation.
	if punct := text[dot:end]; strings.ContainsAny(punct, "!?。！？") || strings.Count(punct, ".") > 1 {
		return true
	}
	return !isAbbreviation(wordBefore(text, dot) + ".")
}

// wordBefore returns the word that ends at offset i, without leading
// brackets or quotes.
func wordBefore(text string, i int) string {
	w := text[:i]
	if j := strings.LastIndexFunc(w, unicode.IsSpace); j >= 0 {
		_, size := utf8.DecodeRuneInString(w[j:])
		w = w[j+size:]
	}
	return strings.TrimLeftFunc(w, isOpener)
}

// isAbbreviation reports whether word (with its final period) is a known
// abbreviation, an initial ("J.") or a dotted acronym ("U.S.", "S.A.").
func isAbbreviation(word string) bool {
	if abbreviations[strings.ToLower(word)] {
		return true
	}
	body := strings.TrimSuffix(word, ".")
	if r, size := utf8.DecodeRuneInString(body); size == len(body) && size > 0 && unicode.IsUpper(r) {
		return true // an initial
	}
	// dotted acronyms: single letters separated by periods
	parts := strings.Split(body, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		r, size := utf8.DecodeRuneInString(p)
		if size != len(p) || size == 0 || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
