package corpus

import (
	"errors"
	"fmt"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skippedElements never hold article text: code, styling, the page
// template's navigation and widgets.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Noscript: true,
	atom.Svg: true, atom.Button: true, atom.Template: true, atom.Iframe: true,
	atom.Select: true, atom.Textarea: true, atom.Dialog: true,
}

// templateHints are fragments of class and id values that mark template
// widgets. Site builders name their widgets this way even when they do not
// use the semantic elements above.
var templateHints = []string{
	"nav", "menu", "footer", "header", "subscribe", "comment", "share",
	"sidebar", "cookie", "newsletter", "related", "social", "breadcrumb",
	"popup", "modal", "banner", "signup", "login",
}

// paragraphElements hold one paragraph each; headingElements start a
// section. h1 is the title; a later h1 that is not the title starts a
// section too.
var (
	paragraphElements = map[atom.Atom]bool{atom.P: true, atom.Li: true, atom.Blockquote: true, atom.Dd: true, atom.Dt: true, atom.Figcaption: true, atom.Pre: true}
	headingElements   = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true}
)

// ParseHTML reads an article from a blog page, saved or fetched. The
// article body is found by readability's scoring (go-readability, a port
// of the reader view of Firefox): the page template — navigation, header,
// sidebars, share and subscribe widgets, comments — scores low and is left
// out whatever the site builder names its elements. What readability keeps
// is then walked for sections: <h2>/<h3> start one (their text is what
// answers cite), <p>, <li> and <blockquote> are paragraphs, as is loose
// text between blocks; template lines readability cannot tell from text
// ("Writer's picture", "top of page", subscribe prompts, the series
// navigation — see isBoilerplate) are dropped, and reading stops at a
// "Comments" heading.
//
// Title: an <h1> of the article (the first <article>, else <main>), else
// the page's <title> without a " | Site name" suffix. The URL is the
// page's canonical link or og:url, when it is an absolute http(s) URL; a
// page that names neither has no URL (a manifest may give it).
//
// A page that opens <html> and never closes its <body> or <html> is
// refused as cut off: a half-written file or a truncated download would
// otherwise be served as a shorter article.
func ParseHTML(name string, data []byte) (Article, error) {
	text := cleanInput(data)
	if isCutOff(text) {
		return Article{}, errCutOff
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return Article{}, fmt.Errorf("parse html: %w", err)
	}
	root := first(doc, atom.Article, true)
	if root == nil {
		root = first(doc, atom.Main, true)
	}
	title := htmlTitle(doc, root)
	url := canonicalURL(doc)
	dropTemplate(doc, title)
	content, err := readableContent(doc)
	if err != nil {
		return Article{}, err
	}
	w := htmlWalker{title: title}
	if content != nil {
		w.walk(content, true)
	}
	w.flush()
	return finishArticle(Article{
		Title:    w.title,
		URL:      url,
		Source:   name,
		Sections: w.b.result(),
	})
}

// dropTemplate removes from doc what is known to be template before
// readability scores it: template elements (see isTemplate) and the
// title's <h1>. Other <h1> and <h2> become <h3>, because readability
// drops the first <h1>/<h2> that shares most of its words with the page
// title — and a section heading often does ("Innovation Initiatives" in
// "Alibaba Cloud, Digital Media, and Innovation Initiatives").
func dropTemplate(doc *html.Node, title string) {
	titleDropped := false
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type != html.ElementNode:
			case isTemplate(c):
				n.RemoveChild(c)
			case c.DataAtom == atom.H1 && !titleDropped && strings.EqualFold(collapseSpace(textOf(c)), title):
				n.RemoveChild(c)
				titleDropped = true
			default:
				if c.DataAtom == atom.H1 || c.DataAtom == atom.H2 {
					c.DataAtom, c.Data = atom.H3, "h3"
				}
				visit(c)
			}
			c = next
		}
	}
	visit(doc)
}

// errCutOff is a page that ends before its markup does.
var errCutOff = errors.New("the page is cut off (it ends before </body> or </html>): half-written or truncated")

// isCutOff reports a document that opens <html> but closes neither <body>
// nor <html>. HTML lets both end tags be left out, but a page saved or
// served whole by a site builder always has them.
func isCutOff(text string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(lower, "<html") && !strings.Contains(lower, "</body") && !strings.Contains(lower, "</html")
}

// maxPageElements bounds the elements of a page readability scores. A
// blog post has a few thousand; readability's passes grow faster than the
// page, and a five-megabyte list of 400,000 items takes seconds.
const maxPageElements = 50_000

// readableContent returns the article body readability finds in doc (which
// it changes), or nil when it finds none.
func readableContent(doc *html.Node) (*html.Node, error) {
	p := readability.NewParser()
	p.MaxElemsToParse = maxPageElements
	art, err := p.ParseAndMutate(doc, nil)
	if err != nil {
		if strings.Contains(err.Error(), "too large") {
			return nil, fmt.Errorf("the page has over %d elements: not a blog post", maxPageElements)
		}
		return nil, nil // nothing readable: ErrNoText below
	}
	return art.Node, nil
}

// htmlWalker collects sections and paragraphs from the article body.
type htmlWalker struct {
	title     string
	titleSeen bool // the title's h1 was met in the body and not made a section
	b         sectionBuilder
	text      strings.Builder // text of the paragraph being read
	// skipSection is set under a heading that is itself template
	// ("Comments", "Recent Posts"): what follows it is not article text.
	skipSection bool
}

func (w *htmlWalker) walk(n *html.Node, isRoot bool) {
	switch n.Type {
	case html.TextNode:
		// No space added: inline markup may split a word ("<b>Ali</b>baba").
		w.text.WriteString(n.Data)
		return
	case html.ElementNode:
		if !isRoot && isTemplate(n) {
			return
		}
		switch {
		case headingElements[n.DataAtom]:
			w.flush()
			w.heading(n)
			return
		case n.DataAtom == atom.Br:
			w.text.WriteByte(' ')
			return
		case paragraphElements[n.DataAtom] || isBlock(n.DataAtom):
			// Blocks end the loose text before them; nested blocks
			// (a <p> in an <li>) end their parent's text the same way.
			w.flush()
			defer w.flush()
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, false)
	}
}

func (w *htmlWalker) heading(n *html.Node) {
	text := collapseSpace(textOf(n))
	switch {
	case text == "":
	case n.DataAtom == atom.H1 && !w.titleSeen && strings.EqualFold(text, w.title):
		w.titleSeen = true
	case isBoilerplate(text) || endsArticle(text):
		w.skipSection = true
	default:
		w.skipSection = false
		w.b.startSection(text, "")
	}
}

func (w *htmlWalker) flush() {
	p := collapseSpace(w.text.String())
	w.text.Reset()
	if p == "" || w.skipSection || isBoilerplate(p) {
		return
	}
	w.b.addParagraph(p)
}

// isBlock lists the layout elements whose edges separate paragraphs of
// loose text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Ul, atom.Ol,
		atom.Dl, atom.Table, atom.Tr, atom.Td, atom.Th, atom.Figure, atom.Hr,
		atom.H4, atom.H5, atom.H6, atom.Address, atom.Details, atom.Summary:
		return true
	}
	return false
}

// isTemplate reports whether n is page template rather than article.
func isTemplate(n *html.Node) bool {
	if skippedElements[n.DataAtom] {
		return true
	}
	if n.Type == html.ElementNode && n.Namespace != "" {
		return true // inline SVG and MathML content
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" && a.Key != "role" {
			continue
		}
		v := strings.ToLower(a.Val)
		if a.Key == "role" && (v == "navigation" || v == "banner" || v == "contentinfo" || v == "complementary") {
			return true
		}
		for _, h := range templateHints {
			if strings.Contains(v, h) {
				return true
			}
		}
	}
	return strings.EqualFold(attr(n, "aria-hidden"), "true") || hasAttr(n, "hidden")
}

// first returns the first element a in n's tree (outside template parts
// when outsideTemplate is set).
func first(n *html.Node, a atom.Atom, outsideTemplate bool) *html.Node {
	if n.Type == html.ElementNode {
		if n.DataAtom == a {
			return n
		}
		if outsideTemplate && isTemplate(n) {
			return nil
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := first(c, a, outsideTemplate); f != nil {
			return f
		}
	}
	return nil
}

// htmlTitle finds the article's title: an h1 in the article body (outside
// template, then anywhere in it — a post often wraps its h1 in a <header>),
// else the page title. The body's h1 is looked at anywhere only when the
// body is an <article> or <main>: in a whole <body>, an h1 inside the
// header is the site's name.
func htmlTitle(doc, root *html.Node) string {
	if root != nil {
		if h := first(root, atom.H1, true); h != nil && root != h {
			if t := collapseSpace(textOf(h)); t != "" {
				return t
			}
		}
		if root.DataAtom != atom.Body {
			if h := first(root, atom.H1, false); h != nil {
				if t := collapseSpace(textOf(h)); t != "" {
					return t
				}
			}
		}
	}
	if t := first(doc, atom.Title, false); t != nil {
		title := collapseSpace(textOf(t))
		if i := strings.LastIndex(title, " | "); i > 0 {
			title = strings.TrimSpace(title[:i])
		}
		return title
	}
	return ""
}

// canonicalURL returns the page's own address as it declares it — its
// canonical link, else its og:url — or "" when it declares none (or only a
// relative one, which cannot be resolved without knowing where the page
// was saved from).
func canonicalURL(doc *html.Node) string {
	var canonical, og string
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Link && hasToken(attr(n, "rel"), "canonical"):
				if u := strings.TrimSpace(attr(n, "href")); canonical == "" && isHTTPURL(u) {
					canonical = u
				}
			case n.DataAtom == atom.Meta && attr(n, "property") == "og:url":
				if u := strings.TrimSpace(attr(n, "content")); og == "" && isHTTPURL(u) {
					og = u
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	if canonical != "" {
		return canonical
	}
	return og
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Br || isBlock(n.DataAtom) || paragraphElements[n.DataAtom]) {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasToken(list, token string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}
