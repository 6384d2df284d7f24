package corpus

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The blog is built on a site builder whose template leaves the same
// leftovers around every article, in text renderings and HTML alike. They
// are filtered by line because they come as lines: a leftover glued into a
// real paragraph is not one of them.

// boilerplateLines are whole lines (compared lower-case, trimmed, without
// trailing ':' or '…') that belong to the template.
var boilerplateLines = map[string]bool{
	"top of page": true, "bottom of page": true,
	"comments": true, "comment": true, "commentaires": true, "commentaire": true,
	"leave a comment": true, "write a comment": true, "add a comment": true,
	"glossary": true, "recent posts": true, "related posts": true, "see all": true,
	"share": true, "share this post": true, "log in": true, "sign up": true,
	"log in to like": true, "post not marked as liked": true, "subscribe": true,
	"back to top": true, "read more": true, "skip to content": true, "menu": true,
}

// boilerplatePatterns are compiled the first time an HTML or text page is
// read: the embedded series is Markdown, which needs none of them.
var boilerplatePatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`^writer['’]?s picture`),
		regexp.MustCompile(`click here to subscribe|subscribe (?:now|here|to (?:our|the) (?:blog|newsletter|updates))|stay tuned for (?:future )?updates`),
		// "Alibaba Series Roadmap": a graphic on the page, a bare label in text.
		regexp.MustCompile(`^[\p{L}\p{N} .&'’-]{1,40} series roadmap$`),
		regexp.MustCompile(`^\d+ (?:min|minute)s? read$`),
		regexp.MustCompile(`^\d+ (?:comments?|commentaires?|views?|likes?)$`),
		regexp.MustCompile(`^updated: `),
		// post dates the template prints under the author: "Dec 20, 2021"
		regexp.MustCompile(`^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(?:, \d{4})?$`),
	}
})

// isBoilerplate reports whether line is template text rather than article
// text. Lines that are only whitespace (non-breaking spaces included) count
// as boilerplate too.
func isBoilerplate(line string) bool {
	line = collapseSpace(line)
	if line == "" {
		return true
	}
	if boilerplateLines[strings.TrimRight(strings.ToLower(line), ":…. ")] || isSeriesLink(line) {
		return true
	}
	l := strings.TrimRight(strings.ToLower(line), ":… ")
	for _, re := range boilerplatePatterns() {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// endsArticle reports whether line starts the readers' comments: nothing
// after it is the author's text.
func endsArticle(line string) bool {
	switch strings.ToLower(strings.TrimRight(collapseSpace(line), ":")) {
	case "comments", "commentaires", "bottom of page":
		return true
	}
	return false
}

// isSeriesLink recognises the navigation between the blog's series:
// "Alibaba Series", "Ant Group Series", "JD Series" — two to four
// capitalised words, the last being "Series", and nothing else on the line.
func isSeriesLink(line string) bool {
	words := strings.Fields(line)
	if len(words) < 2 || len(words) > 4 || words[len(words)-1] != "Series" {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
