package corpus

import (
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// strikethrough reads "~~text~~" as goldmark's extension.Strikethrough
// does, with the parser API goldmark gives extensions. That package
// itself is not imported: initialising it compiles its Linkify
// expressions, repeats of up to 256 characters, which was 0.8 ms of every
// start of the program, for an extension this reader never uses.
type strikethrough struct{}

// Trigger implements parser.InlineParser.
func (strikethrough) Trigger() []byte { return []byte{'~'} }

// Parse implements parser.InlineParser: a run of one or two tildes is a
// delimiter, and a longer run is text, as in GitHub Flavored Markdown.
func (s strikethrough) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	node := parser.ScanDelimiter(line, before, 1, s)
	if node == nil || node.OriginalLength > 2 || before == '~' {
		return nil
	}
	node.Segment = segment.WithStop(segment.Start + node.OriginalLength)
	block.Advance(node.OriginalLength)
	pc.PushDelimiter(node)
	return node
}

// CloseBlock implements parser.InlineParser.
func (strikethrough) CloseBlock(ast.Node, parser.Context) {}

// IsDelimiter implements parser.DelimiterProcessor.
func (strikethrough) IsDelimiter(b byte) bool { return b == '~' }

// CanOpenCloser implements parser.DelimiterProcessor.
func (strikethrough) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

// OnMatch implements parser.DelimiterProcessor.
func (strikethrough) OnMatch(int) ast.Node { return extast.NewStrikethrough() }
