package corpus

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown reads CommonMark, plus "~~strikethrough~~", which writers use
// and a hand-written reader would get wrong around setext headings,
// nested brackets and code spans. goldmark's parser holds no state
// between documents, so one serves every call.
var markdown = goldmark.New(goldmark.WithParserOptions(
	// The priority goldmark's extension.Strikethrough registers with.
	parser.WithInlineParsers(util.Prioritized(strikethrough{}, 500)),
)).Parser()

// ParseMarkdown reads an article written in Markdown, optionally opened by
// front matter (see frontMatter for the keys). name is the file name, kept
// as the article's Source and used for passage IDs when the part is not
// known.
//
// Title: the front matter's, else the first level-1 heading ("# Title" or
// "Title" underlined with "="), else the first non-empty line. Deeper
// headings start sections; paragraphs before the first one form the
// IntroHeading section. Each paragraph, list item and paragraph of a block
// quote is a paragraph; code is kept as text; HTML and rules are dropped;
// inline markup is reduced to its text. A section's segment comes from the
// front matter's segments map, else from its segment key.
//
// Errors name the line (“line 3: part "two" is not a number”) but not the
// file: the caller knows the file and adds it, as Load does.
func ParseMarkdown(name string, data []byte) (Article, error) {
	return parseMarkdown(name, data, "")
}

// parseMarkdown is ParseMarkdown for a file whose title is known from
// elsewhere (corpus.yaml): when the file gives none, in its front matter
// or as a heading, its first line is text, not the title.
func parseMarkdown(name string, data []byte, knownTitle string) (Article, error) {
	lines := strings.Split(cleanInput(data), "\n")
	var fm frontMatter
	body := 0
	if strings.TrimRightFunc(lines[0], unicode.IsSpace) == frontMatterFence {
		var err error
		if fm, body, err = parseFrontMatter(lines); err != nil {
			return Article{}, err
		}
	}
	src := []byte(strings.Join(lines[body:], "\n"))
	doc := markdown.Parse(text.NewReader(src))
	p := markdownParser{src: src, fm: fm, title: fm.title, b: sectionBuilder{introSegment: fm.segment}}
	p.titleFromFirstLine = fm.title == "" && !hasTitleHeading(doc, src)
	if p.titleFromFirstLine && knownTitle != "" {
		p.title, p.titleFromFirstLine = knownTitle, false
	}
	p.block(doc)
	if err := p.checkSegments(); err != nil {
		return Article{}, err
	}
	sections := p.b.result()
	figures, err := checkFigures(fm.figures, sections)
	if err != nil {
		return Article{}, err
	}
	return finishArticle(Article{
		Series:   fm.series,
		Part:     fm.part,
		Title:    p.title,
		URL:      fm.url,
		Source:   name,
		Sections: sections,
		Figures:  figures,
	})
}

// markdownParser is the state of one walk over a Markdown body.
type markdownParser struct {
	src   []byte // the body, which the AST's segments point into
	fm    frontMatter
	title string
	// titleFromFirstLine: no title anywhere else, so the first non-empty
	// line is the title.
	titleFromFirstLine bool
	b                  sectionBuilder
	usedSegments       map[string]bool
}

// block reads block n and the blocks inside it.
func (p *markdownParser) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		// Only the article's own headings make sections: one inside a
		// quote or a list item is part of what is quoted or listed.
		if n.Parent().Kind() == ast.KindDocument {
			p.heading(n.Level, inlineText(n, p.src))
		} else {
			p.paragraph(inlineLines(n, p.src))
		}
	case *ast.Paragraph, *ast.TextBlock:
		p.paragraph(inlineLines(n, p.src))
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		p.code(n)
	case *ast.HTMLBlock, *ast.ThematicBreak:
		// Markup only: nothing a reader would quote.
	default:
		// The document, lists, list items, block quotes.
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c)
		}
	}
}

func (p *markdownParser) heading(level int, text string) {
	if text == "" {
		return
	}
	if p.titleFromFirstLine {
		p.titleFromFirstLine = false
		p.title = text
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

// paragraph adds the paragraph made of lines, unless its first line is the
// article's title.
func (p *markdownParser) paragraph(lines []string) {
	if p.titleFromFirstLine {
		for i, l := range lines {
			if l = collapseSpace(l); l != "" {
				p.titleFromFirstLine = false
				p.title = l
				lines = lines[i+1:]
				break
			}
		}
	}
	p.b.addParagraph(strings.Join(lines, " "))
}

// code keeps the text of a code block: code is rare in an article, and
// when there is some, it is quoted as written. A blank line inside it
// ends a paragraph, as in prose.
func (p *markdownParser) code(n ast.Node) {
	var para []string
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		if t := strings.TrimSpace(string(seg.Value(p.src))); t != "" {
			para = append(para, t)
			continue
		}
		p.b.addParagraph(strings.Join(para, " "))
		para = para[:0]
	}
	p.b.addParagraph(strings.Join(para, " "))
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

// hasTitleHeading reports whether the article has a level-1 heading of its
// own (not one inside a quote or a list), which is then its title.
func hasTitleHeading(doc ast.Node, src []byte) bool {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok && h.Level == 1 && inlineText(h, src) != "" {
			return true
		}
	}
	return false
}
