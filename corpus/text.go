package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextHeading is the longest line ParseText takes for a heading. The
// series' headings are a few words ("Digital Media and Entertainment");
// sixty characters leaves room without catching short paragraphs.
const maxTextHeading = 60

// ParseText reads an article from a page rendered to plain text, the form
// in which users paste or save the blog's pages. Such text has lost its
// markup, so structure is inferred:
//
//   - template leftovers ("top of page", "Writer's picture…", subscribe
//     prompts, the series navigation, …) and blank lines are dropped, and
//     reading stops at the readers' comments;
//   - the first remaining line is the title (its "Alibaba (Part 2): …" form
//     gives series and part);
//   - a short line that starts upper-case, does not end like a sentence and
//     is followed by a paragraph is a section heading;
//   - every other line is a paragraph — renderers put one paragraph per
//     line — except that a line starting lower-case right after a line that
//     does not end a sentence continues it (text wrapped at a fixed width).
//
// The text carries no URL; Load takes it from the manifest.
func ParseText(name string, data []byte) (Article, error) {
	lines := textLines(cleanInput(data))
	if len(lines) == 0 {
		return Article{}, ErrNoText
	}
	b := sectionBuilder{}
	body := lines[1:]
	for i, l := range body {
		if isTextHeading(l) && i+1 < len(body) && !isTextHeading(body[i+1]) {
			b.startSection(l, "")
			continue
		}
		b.addParagraph(l)
	}
	return finishArticle(Article{Title: lines[0], Source: name, Sections: b.result()})
}

// textLines returns the article's lines without template leftovers, with
// wrapped lines joined back.
func textLines(text string) []string {
	var kept []string
	joinable := false // the previous raw line was kept, so a wrap may continue it
	for _, raw := range strings.Split(text, "\n") {
		if endsArticle(raw) {
			break
		}
		if isBoilerplate(raw) {
			joinable = false
			continue
		}
		l := collapseSpace(raw)
		if joinable && continuesLine(kept[len(kept)-1], l) {
			kept[len(kept)-1] += " " + l
		} else {
			kept = append(kept, l)
		}
		joinable = true
	}
	return kept
}

// continuesLine reports whether next reads as the wrapped rest of prev.
func continuesLine(prev, next string) bool {
	r, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(r) && !endsLikeSentence(prev)
}

// isTextHeading reports whether l looks like a heading on its own.
func isTextHeading(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	return unicode.IsUpper(r) &&
		utf8.RuneCountInString(l) <= maxTextHeading &&
		len(strings.Fields(l)) <= 10 &&
		!endsLikeSentence(l) &&
		!strings.HasSuffix(l, ",")
}

// endsLikeSentence reports whether s ends with sentence punctuation,
// possibly followed by closing quotes or brackets.
func endsLikeSentence(s string) bool {
	s = strings.TrimRightFunc(s, isCloser)
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '.', '!', '?', ':', ';', '…', '。', '！', '？', '：', '；':
		return true
	}
	return false
}
