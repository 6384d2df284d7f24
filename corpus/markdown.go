package corpus

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// ParseMarkdown reads an article written in Markdown, optionally opened by
// front matter (see frontMatter for the keys). name is the file name, kept
// as the article's Source and used for passage IDs when the part is not
// known.
//
// Title: the front matter's, else the first "# " heading, else the first
// non-empty line. "##" and deeper headings start sections; paragraphs before
// the first one form the IntroHeading section. Consecutive non-blank lines
// are one paragraph; each list item is a paragraph of its own; inline
// markup is stripped. A section's segment comes from the front matter's
// segments map, else from its segment key.
//
// Errors name the line (“line 3: part "two" is not a number”) but not the
// file: the caller knows the file and adds it, as Load does.
func ParseMarkdown(name string, data []byte) (Article, error) {
	lines := strings.Split(cleanInput(data), "\n")
	var fm frontMatter
	body := 0
	if strings.TrimRightFunc(lines[0], unicode.IsSpace) == frontMatterFence {
		var err error
		if fm, body, err = parseFrontMatter(lines); err != nil {
			return Article{}, err
		}
	}
	p := markdownParser{fm: fm, title: fm.title, b: sectionBuilder{introSegment: fm.segment}}
	p.titleFromFirstLine = fm.title == "" && !hasTitleHeading(lines[body:])
	for _, line := range lines[body:] {
		p.line(line)
	}
	p.flush()
	if err := p.checkSegments(); err != nil {
		return Article{}, err
	}
	return finishArticle(Article{
		Series:   fm.series,
		Part:     fm.part,
		Title:    p.title,
		URL:      fm.url,
		Source:   name,
		Sections: p.b.result(),
	})
}

// markdownParser is the state of one pass over a Markdown body.
type markdownParser struct {
	fm    frontMatter
	title string
	// titleFromFirstLine: no title anywhere else, so the first non-empty
	// line is the title.
	titleFromFirstLine bool
	b                  sectionBuilder
	para               []string // lines of the paragraph being read
	inFence, inComment bool
	usedSegments       map[string]bool
}

var (
	listMarker   = regexp.MustCompile(`^(?:[-*+]|\d{1,9}[.)])(?:\s+|$)`)
	thematicRule = regexp.MustCompile(`^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+)$`)
)

func (p *markdownParser) line(raw string) {
	t := strings.TrimSpace(raw)
	switch {
	case p.inComment:
		p.inComment = !strings.Contains(t, "-->")
		return
	case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
		p.flush()
		p.inFence = !p.inFence
		return
	case p.inFence:
		// Code is rare in an article; keep its text as paragraphs.
		if t == "" {
			p.flush()
		} else {
			p.para = append(p.para, t)
		}
		return
	case t == "":
		p.flush()
		return
	case strings.HasPrefix(t, "<!--"):
		p.flush()
		p.inComment = !strings.Contains(t[4:], "-->")
		return
	}
	if p.titleFromFirstLine {
		p.titleFromFirstLine = false
		if _, text, ok := atxHeading(t); ok {
			t = text
		} else if m := listMarker.FindString(t); m != "" {
			t = t[len(m):]
		}
		p.title = stripInline(t)
		return
	}
	if level, text, ok := atxHeading(t); ok {
		p.flush()
		p.heading(level, stripInline(text))
		return
	}
	if thematicRule.MatchString(t) {
		p.flush()
		return
	}
	if strings.HasPrefix(t, ">") {
		t = strings.TrimSpace(strings.TrimLeft(t, "> "))
		if t == "" {
			p.flush()
			return
		}
	}
	if m := listMarker.FindString(t); m != "" {
		p.flush()
		t = t[len(m):]
	}
	if t != "" {
		p.para = append(p.para, t)
	}
}

func (p *markdownParser) heading(level int, text string) {
	if text == "" {
		return
	}
	if level == 1 {
		if p.title == "" {
			p.title = text
			return
		}
		if strings.EqualFold(text, p.title) {
			return // the front matter's title repeated as "# Title"
		}
	}
	p.b.startSection(text, p.segmentFor(text))
}

func (p *markdownParser) flush() {
	if len(p.para) > 0 {
		p.b.addParagraph(stripInline(strings.Join(p.para, " ")))
		p.para = p.para[:0]
	}
}

// segmentFor returns the segment of the section headed h: the front
// matter's mapping (exact, else ignoring case), else the article's segment.
func (p *markdownParser) segmentFor(h string) string {
	key, ok := h, false
	if _, ok = p.fm.segments[h]; !ok {
		for k := range p.fm.segments {
			if strings.EqualFold(k, h) {
				key, ok = k, true
				break
			}
		}
	}
	if !ok {
		return p.fm.segment
	}
	if p.usedSegments == nil {
		p.usedSegments = map[string]bool{}
	}
	p.usedSegments[key] = true
	return p.fm.segments[key]
}

// checkSegments reports a front-matter heading that no section has: a
// typo there would otherwise silently leave a section in the wrong segment.
func (p *markdownParser) checkSegments() error {
	var missing []string
	for h := range p.fm.segments {
		if !p.usedSegments[h] {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Slice(missing, func(i, j int) bool { return p.fm.segmentLine[missing[i]] < p.fm.segmentLine[missing[j]] })
	h := missing[0]
	return fmt.Errorf("line %d: segments: no section is headed %q", p.fm.segmentLine[h], h)
}

// atxHeading parses "## Heading ##" lines: level 1–6, a space after the
// hashes, optional closing hashes.
func atxHeading(t string) (level int, text string, ok bool) {
	level = len(t) - len(strings.TrimLeft(t, "#"))
	if level == 0 || level > 6 {
		return 0, "", false
	}
	rest := t[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false // "#hashtag"
	}
	rest = strings.TrimSpace(rest)
	if closed := strings.TrimRight(rest, "#"); closed == "" || strings.HasSuffix(closed, " ") {
		rest = strings.TrimSpace(closed)
	}
	return level, rest, true
}

// hasTitleHeading reports whether a "# " heading appears outside code.
func hasTitleHeading(lines []string) bool {
	fence := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if level, text, ok := atxHeading(t); ok && !fence && level == 1 && text != "" {
			return true
		}
	}
	return false
}
