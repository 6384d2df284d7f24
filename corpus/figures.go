package corpus

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Figure is a number an article states, listed in its front matter under
// "figures:". Charts are drawn from these and never from numbers parsed
// out of prose: a writer can get a regular expression's reading of "from
// 38% in 2017 to 59%" wrong without anyone noticing, but a figure listed
// here is checked against the text when the article is loaded.
type Figure struct {
	// Label names what the figure is of ("Cloud computing", "2017").
	Label string
	// Measure is what the figure measures ("share of revenue"). Figures
	// of one measure and unit compare, and are charted together; a figure
	// without one is stated but never charted.
	Measure string
	Value   float64
	// Unit is how the text writes the figure around its value: "%"
	// ("8%"), a currency code and a scale ("RMB billion": "RMB60
	// billion"), or words after it ("million customers": "4 million
	// customers").
	Unit string
	// Year the figure is for; 0 when it is not tied to one.
	Year int
	// Section is the heading of the section that states the figure, and
	// Segment that section's segment.
	Section string
	Segment string
	// Line is where the figure is listed in its file.
	Line int
}

// figureKeys are the keys of one figure, in the order errors list them.
const figureKeys = "label, measure, value, unit, year, section"

// ValueText is the value as the text writes it: "7.5", "60".
func (f Figure) ValueText() string { return strconv.FormatFloat(f.Value, 'f', -1, 64) }

// currencyUnit matches a unit written before the value ("RMB", "US$").
var currencyUnit = regexp.MustCompile(`^(RMB|US\$|HK\$|\$|USD|HKD|CNY)\s*(.*)$`)

// Stated is the figure as the text writes it: "8%", "RMB60 billion",
// "4 million customers".
func (f Figure) Stated() string {
	v := f.ValueText()
	switch m := currencyUnit.FindStringSubmatch(f.Unit); {
	case f.Unit == "%":
		return v + "%"
	case m != nil && m[2] != "":
		return m[1] + v + " " + m[2]
	case m != nil:
		return m[1] + v
	case f.Unit == "":
		return v
	}
	return v + " " + f.Unit
}

// numberWords are how the text may spell a small whole value ("more than
// one billion consumers").
var numberWords = []string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// StatedIn reports whether sentence states f: its value with its unit, as
// a number of its own (8% is not stated by "38%"), and its year.
func (f Figure) StatedIn(sentence string) bool {
	forms := []string{f.Stated()}
	if f.Value == math.Trunc(f.Value) && f.Value >= 1 && int(f.Value) < len(numberWords) {
		forms = append(forms, strings.Replace(f.Stated(), f.ValueText(), numberWords[int(f.Value)], 1))
	}
	found := false
	for _, form := range forms {
		if standsIn(sentence, form, isFigureBoundary) {
			found = true
			break
		}
	}
	if !found || f.Year == 0 {
		return found
	}
	return standsIn(sentence, strconv.Itoa(f.Year), isDigit)
}

// standsIn reports whether form stands in s, in any case, with no byte
// before or after it that stop says continues it. Forms in ASCII (all a
// series' units and values so far) are looked up directly; others, whose
// case folding may change their length, with an expression.
func standsIn(s, form string, stop func(b byte, after bool) bool) bool {
	if !isASCII(form) {
		return compiled(`(?i)(?:^|[^\w.,])` + regexp.QuoteMeta(form) + `(?:$|[^\w])`).MatchString(s)
	}
	lower, form := asciiLower(s), asciiLower(form)
	for i := 0; ; i++ {
		j := strings.Index(lower[i:], form)
		if j < 0 {
			return false
		}
		i += j
		end := i + len(form)
		if (i == 0 || !stop(lower[i-1], false)) && (end == len(lower) || !stop(lower[end], true)) {
			return true
		}
	}
}

// isFigureBoundary tells what continues a figure: a letter, digit or
// underscore on either side, and a point or comma before it ("8%" is not
// stated by "3.8%" or "1,8%").
func isFigureBoundary(b byte, after bool) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || !after && (b == '.' || b == ',')
}

// isDigit tells what continues a year: 2021 is not stated by 12021.
func isDigit(b byte, _ bool) bool { return '0' <= b && b <= '9' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower lowers the ASCII letters of s alone, so that its bytes stay
// where they were.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// statedForms holds the expressions standsIn matches with, compiled once:
// a summary checks every figure of its scope against every sentence.
var statedForms sync.Map // string → *regexp.Regexp

func compiled(expr string) *regexp.Regexp {
	if re, ok := statedForms.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(expr)
	statedForms.Store(expr, re)
	return re
}

// setFigures reads v, the list of the figures key k.
func (fm *frontMatter) setFigures(k, v *yaml.Node) error {
	v = resolveAlias(v)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.SequenceNode:
		return fmt.Errorf("line %d: figures: expected a list of \"- label: …\" entries, got %s", fileLine(k), kindName(v))
	}
	for _, item := range v.Content {
		f, err := readFigure(resolveAlias(item))
		if err != nil {
			return err
		}
		fm.figures = append(fm.figures, f)
	}
	return nil
}

// readFigure reads one entry of figures.
func readFigure(m *yaml.Node) (Figure, error) {
	f := Figure{Line: fileLine(m)}
	if m.Kind != yaml.MappingNode {
		return f, fmt.Errorf("line %d: figures: expected \"label: …\" lines (%s), got %s", f.Line, figureKeys, kindName(m))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		n := fileLine(k)
		if prev, dup := seen[k.Value]; dup {
			return f, fmt.Errorf("line %d: figures: key %q already set on line %d", n, k.Value, prev)
		}
		seen[k.Value] = n
		s, err := scalarText(v)
		if err != nil {
			return f, fmt.Errorf("line %d: figures: %s: %w", n, k.Value, err)
		}
		s = strings.TrimSpace(s)
		switch k.Value {
		case "label":
			f.Label = s
		case "measure":
			f.Measure = s
		case "unit":
			f.Unit = s
		case "section":
			f.Section = s
		case "value":
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return f, fmt.Errorf("line %d: figures: value %q is not a number", n, s)
			}
			f.Value = x
		case "year":
			y, err := strconv.Atoi(s)
			if err != nil || y < 1000 || y > 9999 {
				return f, fmt.Errorf("line %d: figures: year %q is not a year like 2021", n, s)
			}
			f.Year = y
		default:
			return f, fmt.Errorf("line %d: figures: unknown key %q (known: %s)", n, k.Value, figureKeys)
		}
	}
	for _, req := range []struct{ key, val string }{{"label", f.Label}, {"section", f.Section}} {
		if req.val == "" {
			return f, fmt.Errorf("line %d: figures: %q has no %s", f.Line, f.Label, req.key)
		}
	}
	if _, ok := seen["value"]; !ok {
		return f, fmt.Errorf("line %d: figures: %q has no value", f.Line, f.Label)
	}
	return f, nil
}

// checkFigures finds the section of each figure and checks that one of its
// sentences states it, returning the figures with their segments. A figure
// the text does not state is an error at the figure's line: a chart must
// show only what a reader can find in the article.
func checkFigures(figures []Figure, sections []Section) ([]Figure, error) {
	var out []Figure
	for _, f := range figures {
		i := -1
		for j, s := range sections {
			if strings.EqualFold(s.Heading, f.Section) {
				i = j
				break
			}
		}
		if i < 0 {
			return nil, fmt.Errorf("line %d: figures: %q: no section is headed %q", f.Line, f.Label, f.Section)
		}
		stated := false
		for _, p := range sections[i].Paragraphs {
			for _, s := range Sentences(p) {
				if f.StatedIn(s) {
					stated = true
				}
			}
		}
		if !stated {
			what := f.Stated()
			if f.Year > 0 {
				what += fmt.Sprintf(" for %d", f.Year)
			}
			return nil, fmt.Errorf("line %d: figures: %q: no sentence of section %q states %s", f.Line, f.Label, sections[i].Heading, what)
		}
		f.Section, f.Segment = sections[i].Heading, sections[i].Segment
		out = append(out, f)
	}
	return out, nil
}
