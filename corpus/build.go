package corpus

import (
	"strings"
	"unicode/utf8"
)

// IntroHeading is the heading given to the paragraphs before an article's
// first heading. Every passage then has a section to cite, and an article
// without headings still yields passages.
const IntroHeading = "Overview"

// sectionBuilder collects the sections of an article while a parser walks
// its source, so the three formats share one notion of "section" and
// "paragraph".
type sectionBuilder struct {
	sections []Section
	// introSegment is the segment of the intro section and, for Markdown,
	// of sections the front matter does not map.
	introSegment string
}

func (b *sectionBuilder) startSection(heading, segment string) {
	b.sections = append(b.sections, Section{Heading: heading, Segment: segment})
}

// addParagraph appends p, whitespace collapsed, to the current section.
func (b *sectionBuilder) addParagraph(p string) {
	p = collapseSpace(p)
	if p == "" {
		return
	}
	if len(b.sections) == 0 {
		b.startSection(IntroHeading, b.introSegment)
	}
	s := &b.sections[len(b.sections)-1]
	s.Paragraphs = append(s.Paragraphs, p)
}

// result returns the sections that have text. A heading with nothing under
// it (a template widget, a heading only followed by a sub-heading) gives
// nothing to cite, and dropping it here keeps section indexes — part of
// passage IDs — the same however the article is later used.
func (b *sectionBuilder) result() []Section {
	var out []Section
	for _, s := range b.sections {
		if len(s.Paragraphs) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// collapseSpace trims s and turns every run of whitespace (non-breaking
// spaces included) into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cleanInput makes outside bytes safe to work on line by line: valid UTF-8,
// no byte-order mark, "\n" line ends.
func cleanInput(data []byte) string {
	s := string(data)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// finishArticle completes an article every parser built: title-derived
// series and part, and the checks of Validate.
func finishArticle(a Article) (Article, error) {
	a.Title = collapseSpace(a.Title)
	fillFromTitle(&a)
	if len(a.Sections) == 0 {
		return Article{}, ErrNoText
	}
	if err := a.Validate(); err != nil {
		return Article{}, err
	}
	return a, nil
}
