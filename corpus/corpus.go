// Package corpus is the domain of seriesbot: the articles of a company-analysis
// series, their sections and the passages retrieval works on. It imports
// nothing of the application so every other package can depend on it.
package corpus

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// ErrNoText is reported for a source that holds no paragraph to answer
// from — an empty file, or a page that is all template.
var ErrNoText = errors.New("no text")

// Article is one part of a series, as loaded from a file.
type Article struct {
	Series string // e.g. "Alibaba"
	Part   int    // 1-based part number; 0 when the source did not say
	Title  string
	// URL of the published part. Empty when it is not known: such a part is
	// listed but never linked, because an invented link is worse than none.
	URL      string
	Source   string // file name the article was loaded from
	Sections []Section
	// Figures are the numbers the front matter lists, each checked
	// against the text of its section.
	Figures []Figure
}

// Section is a run of paragraphs under one heading.
type Section struct {
	Heading string
	// Segment is the business segment the section covers (e.g. "cloud"),
	// taken from the front matter. It lets /summary and filters work on
	// segments without guessing from headings.
	Segment    string
	Paragraphs []string
}

// Passage is the unit of retrieval: a piece of one section small enough to
// quote, carrying everything needed to cite it.
type Passage struct {
	ID      string // stable across loads of the same text, e.g. "alibaba-2-3-1"
	Series  string
	Part    int
	Title   string
	URL     string
	Section string
	Segment string
	Text    string
}

// Validate reports what makes an article unusable for answering.
func (a Article) Validate() error {
	var errs []error
	if strings.TrimSpace(a.Title) == "" {
		errs = append(errs, errors.New("missing title"))
	}
	if a.Part < 0 {
		errs = append(errs, fmt.Errorf("part %d is negative", a.Part))
	}
	if a.URL != "" && !isHTTPURL(a.URL) {
		errs = append(errs, fmt.Errorf("url %q is not an http(s) URL", a.URL))
	}
	n := 0
	for _, s := range a.Sections {
		n += len(s.Paragraphs)
	}
	if n == 0 {
		errs = append(errs, ErrNoText)
	}
	return errors.Join(errs...)
}

// isHTTPURL accepts absolute http and https URLs only: a link the bot shows
// must open in a browser.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkSegmentID keeps segment ids usable as command arguments and filter
// values: one word, no spaces.
func checkSegmentID(id string) error {
	if id == "" {
		return fmt.Errorf("empty segment id")
	}
	if strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || r == ':' || r == '"' }) >= 0 {
		return fmt.Errorf("segment id %q must be one word (like \"digital-media\")", id)
	}
	return nil
}
