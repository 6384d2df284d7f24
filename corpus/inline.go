package corpus

import (
	"regexp"
	"strings"
)

// inlineRules strip the inline Markdown that a writer uses and a reader does
// not want quoted back: the bot shows passages as plain text, where "**" and
// "[text](url)" are noise. Order matters: images before links, code before
// emphasis.
var inlineRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`), "$1"},
	{regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`), "$1"},
	{regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`), "$1"},
	{regexp.MustCompile(`<(https?://[^>\s]+)>`), "$1"},
	{regexp.MustCompile("`+([^`]+)`+"), "$1"},
	{regexp.MustCompile(`\*\*([^*]+)\*\*`), "$1"},
	{regexp.MustCompile(`__([^_]+)__`), "$1"},
	{regexp.MustCompile(`~~([^~]+)~~`), "$1"},
	{regexp.MustCompile(`\*([^*\s](?:[^*]*[^*\s])?)\*`), "$1"},
	// _em_ only at word edges, so snake_case_names survive.
	{regexp.MustCompile(`(^|[^\p{L}\p{N}_])_([^_\s](?:[^_]*[^_\s])?)_($|[^\p{L}\p{N}_])`), "$1$2$3"},
}

// escaped matches a backslash escape. Escaped characters are hidden from
// inlineRules (as private-use runes) so that "\*" is never emphasis.
var escaped = regexp.MustCompile(`\\[\\` + "`" + `*_{}\[\]()#+\-.!>~|]`)

const escapeBase = 0xE000

// stripInline returns s without inline Markdown markup, whitespace
// collapsed.
func stripInline(s string) string {
	hidden := false
	s = escaped.ReplaceAllStringFunc(s, func(m string) string {
		hidden = true
		return string(rune(escapeBase + int(m[1])))
	})
	for _, r := range inlineRules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	if hidden {
		s = strings.Map(func(r rune) rune {
			if r >= escapeBase && r < escapeBase+0x80 {
				return r - escapeBase
			}
			return r
		}, s)
	}
	return collapseSpace(s)
}
