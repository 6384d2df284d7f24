package corpus

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// inlineLines returns the plain text of the inline content of block n, one
// string per source line. The bot shows passages as plain text, where "**"
// and "[text](url)" are noise, so only what a reader of the rendered page
// sees is kept: the text of emphasis and links, the alt text of images,
// the address of autolinks, code as written; raw HTML is dropped. The
// lines stay apart because the first line of an article may be its title.
func inlineLines(n ast.Node, src []byte) []string {
	w := inlineWriter{src: src}
	w.children(n)
	return append(w.lines, w.cur.String())
}

// inlineText is the plain text of n's inline content on one line.
func inlineText(n ast.Node, src []byte) string {
	return collapseSpace(strings.Join(inlineLines(n, src), " "))
}

type inlineWriter struct {
	src   []byte
	lines []string
	cur   strings.Builder
}

func (w *inlineWriter) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.node(c)
	}
}

func (w *inlineWriter) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(w.src)
		if n.IsRaw() {
			w.cur.Write(v)
		} else {
			w.cur.WriteString(resolveText(v))
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			w.lines = append(w.lines, w.cur.String())
			w.cur.Reset()
		}
	case *ast.String:
		if n.IsRaw() || n.IsCode() {
			w.cur.Write(n.Value)
		} else {
			w.cur.WriteString(resolveText(n.Value))
		}
	case *ast.CodeSpan:
		// A code span is quoted as written, "*" and "\" included; a line
		// break inside it is a space, as when it is rendered.
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				w.cur.WriteString(strings.ReplaceAll(string(t.Segment.Value(w.src)), "\n", " "))
			}
		}
	case *ast.AutoLink:
		w.cur.Write(n.Label(w.src))
	case *ast.RawHTML:
		// A tag is markup, not text; the text between tags is kept.
	default:
		// Emphasis, links, images, strikethrough: their text is their
		// children's.
		w.children(n)
	}
}

// charRef matches an HTML character reference, named or numeric.
var charRef = regexp.MustCompile(`^&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});`)

// resolveText returns raw Markdown text as a reader sees it: "\*" is "*"
// and "&amp;" is "&". Both are resolved in one pass, so that "\&amp;" stays
// "&amp;" and "&amp;amp;" becomes "&amp;", as CommonMark has it.
func resolveText(raw []byte) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && util.IsPunct(raw[i+1]):
			i++
			b.WriteByte(raw[i])
			continue
		case c == '&':
			if ref := charRef.Find(raw[i:]); ref != nil {
				b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(ref)))
				i += len(ref) - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
