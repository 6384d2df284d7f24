package corpus

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// tree writes the kinds of n and its descendants, and the text of its
// text nodes, in one line.
func tree(b *strings.Builder, n ast.Node, src []byte) {
	b.WriteString(n.Kind().String())
	if t, ok := n.(*ast.Text); ok {
		b.WriteString("«" + string(t.Segment.Value(src)) + "»")
	}
	if n.HasChildren() {
		b.WriteString("(")
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			tree(b, c, src)
			b.WriteString(" ")
		}
		b.WriteString(")")
	}
}

// The reader's strikethrough reads every text as goldmark's extension,
// which this test alone imports, does.
func TestStrikethroughAsGoldmarksExtension(t *testing.T) {
	theirs := goldmark.New(goldmark.WithExtensions(extension.Strikethrough)).Parser()
	struck := 0
	for _, in := range []string{
		"~~gone~~", "~one~", "~~~three~~~", "a ~~b~~ c ~~d", "~~**bold** and *em*~~", "x~~y~~z",
		"~~a~~~b~~", "~~ spaced ~~", "`~~code~~`", "~~[link](https://example.com)~~", "\\~~escaped~~",
		"~~open\nacross lines~~", "RMB~5 billion, ~~RMB6 billion~~", "~~a ~b~ c~~", "~",
	} {
		src := []byte(in)
		var want, got strings.Builder
		tree(&want, theirs.Parse(text.NewReader(src)), src)
		tree(&got, markdown.Parse(text.NewReader(src)), src)
		if got.String() != want.String() {
			t.Errorf("%q reads as\n%s\nwant, as goldmark's extension reads it,\n%s", in, got.String(), want.String())
		}
		if strings.Contains(got.String(), "Strikethrough") {
			struck++
		}
	}
	if struck < 5 {
		t.Errorf("only %d texts were read with a strikethrough", struck)
	}
}
