package corpus

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// frontMatter is what a Markdown article says about itself between its
// "---" lines. The format is a strict subset of YAML — flat "key: value"
// lines plus one indented map — parsed by hand so the domain package needs
// no YAML library and every mistake is reported with its line number
// instead of being guessed around.
type frontMatter struct {
	series, title, url, segment string
	part                        int
	// segments maps a section heading to the segment it covers.
	segments map[string]string
	// segmentLine remembers where each heading was declared, to report a
	// heading that matches no section.
	segmentLine map[string]int
}

const frontMatterFence = "---"

// parseFrontMatter reads the front matter that starts at lines[0] (the
// opening fence) and returns it with the index of the first body line.
func parseFrontMatter(lines []string) (frontMatter, int, error) {
	fm := frontMatter{segments: map[string]string{}, segmentLine: map[string]int{}}
	// Look for the closing fence first: without one, the first body line
	// would be reported as a bad key, which hides the real mistake.
	end := 0
	for i := 1; i < len(lines) && end == 0; i++ {
		if strings.TrimRightFunc(lines[i], unicode.IsSpace) == frontMatterFence {
			end = i
		}
	}
	if end == 0 {
		return fm, 0, fmt.Errorf("line 1: front matter is never closed (no %q line after it)", frontMatterFence)
	}
	seen := map[string]int{}
	inSegments := false
	for i := 1; i < end; i++ {
		n := i + 1 // 1-based line number, as an editor shows it
		line := strings.TrimRightFunc(lines[i], unicode.IsSpace)
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case line != strings.TrimLeftFunc(line, unicode.IsSpace):
			if !inSegments {
				return fm, 0, fmt.Errorf("line %d: unexpected indented line %q (only segments: takes indented entries)", n, trimmed)
			}
			if err := fm.addSegment(trimmed, n); err != nil {
				return fm, 0, err
			}
			continue
		}
		inSegments = false
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return fm, 0, fmt.Errorf("line %d: expected \"key: value\", got %q", n, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if prev, dup := seen[key]; dup {
			return fm, 0, fmt.Errorf("line %d: key %q already set on line %d", n, key, prev)
		}
		seen[key] = n
		if key == "segments" {
			if value != "" && value != "{}" {
				return fm, 0, fmt.Errorf("line %d: segments takes indented \"Heading: segment-id\" lines, not a value on the same line", n)
			}
			inSegments = true
			continue
		}
		v, err := unquote(value)
		if err != nil {
			return fm, 0, fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		switch key {
		case "series":
			fm.series = v
		case "title":
			fm.title = v
		case "segment":
			if err := checkSegmentID(v); err != nil {
				return fm, 0, fmt.Errorf("line %d: %w", n, err)
			}
			fm.segment = v
		case "url":
			if v != "" && !isHTTPURL(v) {
				return fm, 0, fmt.Errorf("line %d: url %q is not an http(s) URL", n, v)
			}
			fm.url = v
		case "part":
			p, err := strconv.Atoi(v)
			if err != nil {
				return fm, 0, fmt.Errorf("line %d: part %q is not a number", n, v)
			}
			if p < 1 {
				return fm, 0, fmt.Errorf("line %d: part %d must be 1 or more", n, p)
			}
			fm.part = p
		default:
			return fm, 0, fmt.Errorf("line %d: unknown key %q (known: series, part, title, url, segment, segments)", n, key)
		}
	}
	return fm, end + 1, nil
}

// addSegment parses one indented "Heading: segment-id" entry. The heading
// may be quoted when it contains a colon itself.
func (fm *frontMatter) addSegment(entry string, n int) error {
	var heading, rest string
	if strings.HasPrefix(entry, `"`) {
		q, err := strconv.QuotedPrefix(entry)
		if err != nil {
			return fmt.Errorf("line %d: segments: unterminated quoted heading %s", n, entry)
		}
		heading, _ = strconv.Unquote(q)
		rest = strings.TrimSpace(entry[len(q):])
		if !strings.HasPrefix(rest, ":") {
			return fmt.Errorf("line %d: segments: expected \"Heading: segment-id\", got %q", n, entry)
		}
		rest = rest[1:]
	} else {
		i := strings.LastIndex(entry, ":")
		if i < 0 {
			return fmt.Errorf("line %d: segments: expected \"Heading: segment-id\", got %q", n, entry)
		}
		heading, rest = strings.TrimSpace(entry[:i]), entry[i+1:]
	}
	id, err := unquote(strings.TrimSpace(rest))
	if err != nil {
		return fmt.Errorf("line %d: segments: %w", n, err)
	}
	if heading == "" {
		return fmt.Errorf("line %d: segments: empty heading", n)
	}
	if err := checkSegmentID(id); err != nil {
		return fmt.Errorf("line %d: segments: %q: %w", n, heading, err)
	}
	if prev, dup := fm.segmentLine[heading]; dup {
		return fmt.Errorf("line %d: segments: heading %q already mapped on line %d", n, heading, prev)
	}
	fm.segments[heading] = id
	fm.segmentLine[heading] = n
	return nil
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

// unquote returns a scalar value without its quotes. Double quotes follow
// Go/YAML escapes, single quotes YAML's rule (a quote is written twice); plain
// values are taken as they are (there are no inline comments).
func unquote(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, `"`):
		s, err := strconv.Unquote(v)
		if err != nil {
			return "", fmt.Errorf("bad double-quoted value %s", v)
		}
		return s, nil
	case strings.HasPrefix(v, "'"):
		if len(v) < 2 || !strings.HasSuffix(v, "'") {
			return "", fmt.Errorf("unterminated single-quoted value %s", v)
		}
		inner := v[1 : len(v)-1]
		if strings.Count(inner, "'") != 2*strings.Count(inner, "''") {
			return "", fmt.Errorf("bad single-quoted value %s (write '' for a quote)", v)
		}
		return strings.ReplaceAll(inner, "''", "'"), nil
	}
	return v, nil
}

// isHTTPURL accepts absolute http and https URLs only: a link the bot shows
// must open in a browser.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
