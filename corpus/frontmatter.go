package corpus

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// frontMatter is what a Markdown article says about itself in the YAML
// block between its "---" lines. It is read as a YAML tree rather than
// decoded into a struct so that every mistake — an unknown key, a key set
// twice, a part that is not a number — is reported at its line, which
// decoding into Go values would lose or let through.
type frontMatter struct {
	series, title, url, segment string
	part                        int
	// segments maps a section heading to the segment it covers.
	segments map[string]string
	// segmentLine remembers where each heading was declared, to report a
	// heading that matches no section.
	segmentLine map[string]int
	// figures are the numbers the article states (see Figure), checked
	// against its sections once they are read.
	figures []Figure
}

const frontMatterFence = "---"

// frontMatterKeys are the keys a front matter may set, in the order an
// "unknown key" error lists them.
const frontMatterKeys = "series, part, title, url, segment, segments, figures"

// parseFrontMatter reads the front matter that starts at lines[0] (the
// opening fence) and returns it with the index of the first body line.
func parseFrontMatter(lines []string) (frontMatter, int, error) {
	fm := frontMatter{segments: map[string]string{}, segmentLine: map[string]int{}}
	// Look for the closing fence first: without one, the body would be
	// read as YAML and its first line reported as a bad key, which hides
	// the real mistake.
	end := 0
	for i := 1; i < len(lines) && end == 0; i++ {
		if strings.TrimRightFunc(lines[i], unicode.IsSpace) == frontMatterFence {
			end = i
		}
	}
	if end == 0 {
		return fm, 0, fmt.Errorf("line 1: front matter is never closed (no %q line after it)", frontMatterFence)
	}
	root, err := decodeFrontMatter(lines[1:end])
	if err != nil {
		return fm, 0, err
	}
	if root != nil {
		if err := fm.read(root); err != nil {
			return fm, 0, err
		}
	}
	return fm, end + 1, nil
}

// yamlStart is the line of the file, as an editor numbers it, where the
// YAML starts: the one after the opening fence. Errors name lines of the
// file, which is what the writer has open.
const yamlStart = 2

// fileLine is the line of the file that holds n.
func fileLine(n *yaml.Node) int { return n.Line - 1 + yamlStart }

// decodeFrontMatter parses the YAML between the fences and returns its
// top-level mapping, or nil when there is nothing but blank lines and
// comments.
func decodeFrontMatter(yamlLines []string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(yamlLines, "\n")))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if err != nil && !errors.Is(err, io.EOF) {
		if quoted, ok := quoteColonValues(yamlLines); ok {
			dec = yaml.NewDecoder(strings.NewReader(strings.Join(quoted, "\n")))
			err = dec.Decode(&doc)
		}
	}
	if errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, yamlSyntaxError(err, yamlLines)
	}
	// A "..." line ends the YAML document, and what follows it would be
	// silently dropped.
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		i := indexOfLine(yamlLines, func(l string) bool { return strings.HasPrefix(l, "...") })
		return nil, fmt.Errorf("line %d: \"...\" ends the YAML, and the lines after it would be lost", i+yamlStart)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := resolveAlias(doc.Content[0])
	switch {
	case root.Kind == yaml.MappingNode:
		return root, nil
	case isNull(root):
		return nil, nil
	case root.Kind == yaml.ScalarNode:
		if i, msg, ok := keyWithoutSpace(yamlLines); ok {
			return nil, fmt.Errorf("line %d: %s", i+yamlStart, msg)
		}
		return nil, fmt.Errorf("line %d: expected \"key: value\", got %q", fileLine(root), root.Value)
	}
	return nil, fmt.Errorf("line %d: expected \"key: value\" lines, got %s", fileLine(root), kindName(root))
}

// keyLine matches a top-level "key: value" line.
var keyLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*:[ \t]+)(.*)$`)

// quoteColonValues returns yamlLines with the plain values that hold a
// colon YAML would take for a second key ("title: Alibaba (Part 2):
// Cloud") single-quoted, and whether there were any. The series' titles
// all read "Series (Part n): Subject" and writers leave them unquoted, as
// they would in any "key: value" list; the whole rest of the line is the
// one reading that makes sense. It is tried only on front matter that is
// not valid YAML as written, so it never changes the meaning of valid
// YAML.
func quoteColonValues(yamlLines []string) ([]string, bool) {
	var out []string
	for i, l := range yamlLines {
		m := keyLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		value, comment := cutComment(m[2])
		if value == "" || strings.ContainsRune("\"'[{|>&*!%@`", rune(value[0])) ||
			!strings.Contains(value, ": ") && !strings.Contains(value, ":\t") && !strings.HasSuffix(value, ":") {
			continue
		}
		if out == nil {
			out = append([]string(nil), yamlLines...)
		}
		out[i] = m[1] + "'" + strings.ReplaceAll(value, "'", "''") + "'" + comment
	}
	return out, out != nil
}

// cutComment splits a plain YAML value, which follows a space, from the
// comment after it, which starts with a "#" after a space.
func cutComment(v string) (value, comment string) {
	for i := 0; i < len(v); i++ {
		if v[i] == '#' && (i == 0 || v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimRight(v[:i], " \t"), " " + v[i:]
		}
	}
	return strings.TrimRight(v, " \t"), ""
}

// read takes each key of the front matter's mapping in turn.
func (fm *frontMatter) read(m *yaml.Node) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		n := fileLine(k)
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: expected a key (one of %s), got %s", n, frontMatterKeys, kindName(k))
		}
		if prev, dup := seen[k.Value]; dup {
			return fmt.Errorf("line %d: key %q already set on line %d", n, k.Value, prev)
		}
		seen[k.Value] = n
		if err := fm.set(k, v); err != nil {
			return err
		}
	}
	return nil
}

// set checks and stores the value v of key k. Errors about the value
// name the line of the value, which may come after the key's.
func (fm *frontMatter) set(k, v *yaml.Node) error {
	key := k.Value
	switch key {
	case "series", "title", "url", "segment", "part":
	case "segments":
		return fm.setSegments(k, v)
	case "figures":
		return fm.setFigures(k, v)
	default:
		return fmt.Errorf("line %d: unknown key %q (known: %s)", fileLine(k), key, frontMatterKeys)
	}
	n := fileLine(v)
	s, err := scalarText(v)
	if err != nil {
		return fmt.Errorf("line %d: %s: %w", n, key, err)
	}
	switch key {
	case "series":
		fm.series = s
	case "title":
		fm.title = s
	case "segment":
		if err := checkSegmentID(s); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		fm.segment = s
	case "url":
		if s != "" && !isHTTPURL(s) {
			return fmt.Errorf("line %d: url %q is not an http(s) URL", n, s)
		}
		fm.url = s
	case "part":
		p, err := strconv.Atoi(s)
		if err != nil {
			if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
				return fmt.Errorf("line %d: part %q is not a whole number", n, s)
			}
			return fmt.Errorf("line %d: part %q is not a number", n, s)
		}
		if p < 1 {
			return fmt.Errorf("line %d: part %d must be 1 or more", n, p)
		}
		fm.part = p
	}
	return nil
}

// setSegments reads v, the "Heading: segment-id" mapping of the segments
// key k.
func (fm *frontMatter) setSegments(k, v *yaml.Node) error {
	n := fileLine(v)
	v = resolveAlias(v)
	switch {
	case isNull(v):
		return nil
	case v.Kind == yaml.ScalarNode && n == fileLine(k):
		return fmt.Errorf("line %d: segments takes indented \"Heading: segment-id\" lines, not a value on the same line", n)
	case v.Kind == yaml.ScalarNode:
		return fmt.Errorf("line %d: segments: expected \"Heading: segment-id\", got %q", n, v.Value)
	case v.Kind != yaml.MappingNode:
		return fmt.Errorf("line %d: segments: expected \"Heading: segment-id\" lines, got %s", n, kindName(v))
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		if err := fm.addSegment(v.Content[i], v.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// addSegment records one "Heading: segment-id" entry of segments.
func (fm *frontMatter) addSegment(k, v *yaml.Node) error {
	n := fileLine(k)
	if k.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: segments: expected a heading, got %s", n, kindName(k))
	}
	heading := strings.TrimSpace(k.Value)
	if heading == "" {
		return fmt.Errorf("line %d: segments: empty heading", n)
	}
	id, err := scalarText(v)
	if err == nil {
		err = checkSegmentID(id)
	}
	if err != nil {
		return fmt.Errorf("line %d: segments: %q: %w", n, heading, err)
	}
	if prev, dup := fm.segmentLine[heading]; dup {
		return fmt.Errorf("line %d: segments: heading %q already mapped on line %d", n, heading, prev)
	}
	fm.segments[heading] = id
	fm.segmentLine[heading] = n
	return nil
}

// scalarText returns the text of a one-value node; an empty or null value
// ("title:", "title: ~") is the empty string, as the key not being set.
func scalarText(v *yaml.Node) (string, error) {
	v = resolveAlias(v)
	switch {
	case isNull(v):
		return "", nil
	case v.Kind == yaml.ScalarNode:
		return v.Value, nil
	}
	return "", fmt.Errorf("expected one value, got %s", kindName(v))
}

func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

// resolveAlias returns the node an alias ("*name") stands for, so an
// anchored value reads the same wherever it is used.
func resolveAlias(v *yaml.Node) *yaml.Node {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		return v.Alias
	}
	return v
}

// kindName words a node kind for an error message.
func kindName(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return strconv.Quote(v.Value)
}
