package discord

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMessageRunes is Discord's limit on the content of one message, in
// characters (code points).
const maxMessageRunes = 2000

var (
	// linkSpan matches what must never be cut in two: a Markdown link
	// "[text](url)", a URL in angle brackets, and a bare URL.
	linkSpan = regexp.MustCompile(`\[[^\]\n]*\]\(<?[^)\s]*>?\)|<https?://[^>\s]+>|https?://[^\s<>]+`)
	// sentenceEnd matches the end of a sentence and the blank after it;
	// closing quotes and brackets stay with their sentence.
	sentenceEnd = regexp.MustCompile(`[.!?…]["'’”)\]]*\s|[。！？]["'’”）」]*`)
)

// splitMessage splits text into pieces of at most limit characters, as
// Discord bounds its messages. Each cut is at the last paragraph
// break that fits, else the last line break, else the last sentence end,
// else the last space — never inside a word or a link. Only a word (or
// link) longer than limit on its own is cut inside, at the limit. Blanks
// around the cuts are dropped; an empty text gives no pieces.
func splitMessage(text string, limit int) []string {
	if limit < 1 {
		limit = maxMessageRunes
	}
	text = strings.TrimSpace(text)
	var out []string
	for utf8.RuneCountInString(text) > limit {
		cut := cutPoint(text, limit)
		if head := strings.TrimRightFunc(text[:cut], unicode.IsSpace); head != "" {
			out = append(out, head)
		}
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// cutPoint returns where to end the first piece of text: a byte offset
// after at most limit characters, and after at least one.
func cutPoint(text string, limit int) int {
	end := byteOffset(text, limit)
	window := text[:end]
	spans := linkSpan.FindAllStringIndex(text, -1)
	inLink := func(i int) bool {
		for _, s := range spans {
			if s[0] < i && i < s[1] {
				return true
			}
		}
		return false
	}
	// A break in the first quarter would leave a stub of a message; a
	// sentence or word boundary further on reads better.
	least := end / 4
	last := func(sep string) int {
		for i := strings.LastIndex(window, sep); i > 0; i = strings.LastIndex(window[:i], sep) {
			if i >= least && !inLink(i) {
				return i
			}
			if i < least {
				break
			}
		}
		return -1
	}
	if i := last("\n\n"); i > 0 {
		return i
	}
	if i := last("\n"); i > 0 {
		return i
	}
	ends := sentenceEnd.FindAllStringIndex(window, -1)
	for j := len(ends) - 1; j >= 0; j-- {
		// Cut after the punctuation, before the blank.
		i := ends[j][1]
		if r, size := utf8.DecodeLastRuneInString(window[:i]); unicode.IsSpace(r) {
			i -= size
		}
		if i < least {
			break
		}
		if !inLink(i) {
			return i
		}
	}
	for i := len(window); i > 0; {
		r, size := utf8.DecodeLastRuneInString(window[:i])
		i -= size
		if unicode.IsSpace(r) && i > 0 && !inLink(i) {
			return i
		}
	}
	// One word longer than the limit: a link is kept whole in the next
	// piece when something comes before it; anything else is cut.
	for _, s := range spans {
		if s[0] < end && end < s[1] && s[0] > 0 {
			return s[0]
		}
	}
	return end
}

// byteOffset returns the offset just after the first n characters of s
// (len(s) when s is shorter).
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// previewText is text as it can be shown while it is still being written:
// whole when it fits in limit characters, else its first piece marked as
// going on.
func previewText(text string, limit int) string {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	const more = " …"
	pieces := splitMessage(text, limit-utf8.RuneCountInString(more))
	if len(pieces) == 0 {
		return ""
	}
	return pieces[0] + more
}
