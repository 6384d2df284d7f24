package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// frontMatterSyntaxError is front matter that is not valid YAML, worded
// for the writer: the line is the file's, and the common slips are said
// in the terms of "key: value" lines rather than of the YAML grammar.
type frontMatterSyntaxError struct {
	line int
	msg  string
	err  error // yaml.v3's own error
}

func (e *frontMatterSyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (e *frontMatterSyntaxError) Unwrap() error { return e.err }

// yamlMessage splits yaml.v3's "yaml: line 3: problem" (the line is left
// out when yaml.v3 counts it as zero).
var yamlMessage = regexp.MustCompile(`(?s)^yaml: (?:line (\d+): )?(.*)$`)

// yamlParserProblems are the complaints of yaml.v3's parser, as opposed
// to its scanner. yaml.v3 v3.0.1 numbers the lines of the parser's from
// zero and the scanner's from one.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// unknownAnchor is yaml.v3's complaint about an alias to no anchor, which
// comes without a line.
var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// yamlSyntaxError rewords err, a syntax error of yaml.v3 about the front
// matter lines yamlLines, with the line of the file it is about.
func yamlSyntaxError(err error, yamlLines []string) error {
	if len(yamlLines) == 0 {
		return fmt.Errorf("line 1: front matter: %w", err)
	}
	if i, msg, ok := keyWithoutSpace(yamlLines); ok {
		return &frontMatterSyntaxError{line: i + yamlStart, msg: msg, err: err}
	}
	line, msg := "", err.Error()
	if m := yamlMessage.FindStringSubmatch(msg); m != nil {
		line, msg = m[1], m[2]
	}
	i := yamlLineIndex(line, msg, yamlLines)
	if j := tabIndented(yamlLines, i, msg); j >= 0 {
		return &frontMatterSyntaxError{line: j + yamlStart, msg: "indented with a tab (YAML indents with spaces)", err: err}
	}
	return &frontMatterSyntaxError{line: i + yamlStart, msg: explainYAMLProblem(msg, yamlLines, i), err: err}
}

// tabIndented returns the index of the tab-indented line that yaml.v3's
// problem msg about yamlLines[i] comes from, or -1. YAML forbids tabs in
// indentation, but says so only sometimes, and then about the value
// before the tab-indented line.
func tabIndented(yamlLines []string, i int, msg string) int {
	hasTab := func(l string) bool { return strings.ContainsRune(leadingSpace(l), '\t') }
	if hasTab(yamlLines[i]) {
		return i
	}
	if j := indexOfLine(yamlLines[i:], hasTab); j >= 0 && strings.Contains(msg, "tab character") {
		return i + j
	}
	return -1
}

// yamlLineIndex returns the index in yamlLines of the line yaml.v3's
// message is about.
func yamlLineIndex(line, msg string, yamlLines []string) int {
	i := 0 // no line number: yaml.v3 means its first line
	if n, err := strconv.Atoi(line); err == nil {
		i = n - 1
		if yamlParserProblems[msg] {
			i = n
		}
	} else if msg == "control characters are not allowed" {
		i = indexOfLine(yamlLines, func(l string) bool { return strings.IndexFunc(l, notYAMLChar) >= 0 })
	} else if a := unknownAnchor.FindStringSubmatch(msg); a != nil {
		i = indexOfLine(yamlLines, func(l string) bool { return strings.Contains(l, "*"+a[1]) })
	}
	return max(0, min(i, len(yamlLines)-1))
}

// indexOfLine returns the index of the first of lines that match, or -1.
func indexOfLine(lines []string, match func(string) bool) int {
	for i, l := range lines {
		if match(l) {
			return i
		}
	}
	return -1
}

// notYAMLChar reports the characters YAML does not allow in a document.
func notYAMLChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r >= 0x20 && r <= 0x7E, r == 0x85,
		r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return false
	}
	return true
}

// knownKeyNoSpace matches a known key with no space after its colon,
// which YAML reads as text ("title:Alibaba"), not as a key.
var knownKeyNoSpace = regexp.MustCompile(`^(series|part|title|url|segment|segments):[^\s]`)

// keyWithoutSpace finds the first line that sets a known key with no
// space after the colon. Such a line makes the front matter plain text to
// YAML, and what YAML then says does not point at it.
func keyWithoutSpace(yamlLines []string) (i int, msg string, ok bool) {
	for i, l := range yamlLines {
		if m := knownKeyNoSpace.FindStringSubmatch(l); m != nil {
			return i, fmt.Sprintf("put a space after %q (YAML reads %q as text, not as a key)", m[1]+":", strings.TrimSpace(l)), true
		}
	}
	return 0, "", false
}

// explainYAMLProblem words yaml.v3's problem msg about yamlLines[i]. A
// quote left open and a stray indented line are the slips a writer of
// "key: value" lines makes; YAML's own words for them ("found unexpected
// end of stream", "mapping values are not allowed in this context") do
// not say what to fix.
func explainYAMLProblem(msg string, yamlLines []string, i int) string {
	line := yamlLines[i]
	if leadingSpace(line) == "" {
		if key, value, ok := strings.Cut(line, ":"); ok {
			if s, ok := explainQuoted(strings.TrimSpace(key), strings.TrimSpace(value), msg); ok {
				return s
			}
		}
		if msg == "did not find expected <document start>" {
			return `text after a "..." line, which ends the YAML`
		}
		return msg
	}
	if ownerKey(yamlLines, i) != "segments" {
		return fmt.Sprintf("unexpected indented line %q (only segments: takes indented entries)", strings.TrimSpace(line))
	}
	if msg == "mapping values are not allowed in this context" {
		return fmt.Sprintf(`segments: %s (quote a heading that holds ": ", as in "Delivery: Vans": delivery)`, msg)
	}
	return msg
}

// explainQuoted words the problem msg with key's value, when that value
// is quoted.
func explainQuoted(key, value, msg string) (string, bool) {
	if value == "" || value[0] != '"' && value[0] != '\'' {
		return "", false
	}
	kind := "double"
	if value[0] == '\'' {
		kind = "single"
	}
	end := closingQuote(value)
	switch {
	case end < 0 && msg == "found unexpected end of stream" && kind == "double":
		return fmt.Sprintf("%s: bad double-quoted value %s (the quote is never closed)", key, value), true
	case end < 0 && msg == "found unexpected end of stream":
		return fmt.Sprintf("%s: unterminated single-quoted value %s (write '' for a quote inside)", key, value), true
	case end >= 0:
		if rest := strings.TrimSpace(value[end+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
			return fmt.Sprintf("%s: text %q after the closing quote (put the whole value inside the quotes)", key, rest), true
		}
	}
	if quotedScalarProblems[msg] {
		return fmt.Sprintf("%s: bad %s-quoted value %s: %s", key, kind, value, msg), true
	}
	return "", false
}

// quotedScalarProblems are yaml.v3's complaints about the inside of a
// quoted value.
var quotedScalarProblems = map[string]bool{
	"found unknown escape character":              true,
	"found invalid Unicode character escape code": true,
	"did not find expected hexdecimal number":     true,
	"found unexpected end of stream":              true,
	"found unexpected document indicator":         true,
}

// closingQuote returns the index of the quote that closes the quoted
// value v (which starts with its opening quote), or -1 when it is not
// closed on its line.
func closingQuote(v string) int {
	q := v[0]
	for i := 1; i < len(v); i++ {
		switch {
		case q == '"' && v[i] == '\\':
			i++ // an escaped character, maybe a quote
		case q == '\'' && v[i] == q && i+1 < len(v) && v[i+1] == q:
			i++ // '' is a quote inside single quotes
		case v[i] == q:
			return i
		}
	}
	return -1
}

// leadingSpace returns the indentation of line, or "" for a blank line.
func leadingSpace(line string) string {
	if strings.TrimSpace(line) == "" {
		return ""
	}
	return line[:len(line)-len(strings.TrimLeftFunc(line, unicode.IsSpace))]
}

// ownerKey returns the top-level key under which yamlLines[i] is indented.
func ownerKey(yamlLines []string, i int) string {
	for j := i - 1; j >= 0; j-- {
		l := yamlLines[j]
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") || leadingSpace(l) != "" {
			continue
		}
		key, _, _ := strings.Cut(l, ":")
		return strings.TrimSpace(key)
	}
	return ""
}
