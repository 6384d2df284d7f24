package bot

import (
	"slices"
	"strings"
)

// linkish finds, leftmost first, what of a model's reply can be or hide a
// link: inline code (group 1), shown by Discord and Markdown as written
// and so left alone; a masked link "[label](url)" (label in group 2, URL
// in group 3), also with the URL in angle brackets, which Discord accepts
// too; and a bare URL of any scheme (group 4), which chat clients make
// clickable (https, http, and app schemes such as steam://).
var linkish = newLazyRegexp("(`[^`\\n]*`)" +
	`|\[([^\[\]\n]*)\]\(\s*<?([^()<>\s]*)>?\s*\)` +
	`|((?i:[a-z][a-z0-9+.\-]*)://[^\s<>()\x60\[\]]+)`)

// sanitizeLinks keeps the links of a model's reply that point at one of
// allowed (the URLs of the sources it cites) and makes every other masked
// link or URL plain text. A model reads passages and questions written by
// others, and either can ask it to plant a link: a masked one,
// "[1](https://evil.example/login)", reads as a citation and opens
// anything.
//
// A masked link becomes its label, without brackets (a "[1]" left
// standing would read as a citation), and its URL; a URL is put in inline
// code. Inline code is what Discord and Markdown show as written, never as
// a link, while the reader can still see, copy and judge the address:
// angle brackets would only turn the preview off, and escaping dots or
// slashes still leaves a link in some clients. An allowed URL is matched
// exactly, after the punctuation that ends a sentence is trimmed.
func sanitizeLinks(text string, allowed []string) string {
	// A link taken out can join the brackets around it into a new one
	// ("[]([]())" leaves "[]()"), so the text is read again until nothing
	// changes. Each pass that changes it takes out a "](" or puts a URL in
	// code, which no later pass undoes: the passes are few.
	for range len(text) + 1 {
		out := sanitizeOnce(text, allowed)
		if out == text {
			break
		}
		text = out
	}
	return text
}

// sanitizeOnce is one pass of sanitizeLinks.
func sanitizeOnce(text string, allowed []string) string {
	if !strings.Contains(text, "://") && !strings.Contains(text, "](") {
		return text
	}
	ok := func(u string) bool { return u != "" && slices.Contains(allowed, u) }
	var b strings.Builder
	b.Grow(len(text) + 16)
	last := 0
	for _, m := range linkish.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(strayTicks.Replace(text[last:m[0]]))
		last = m[1]
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		switch {
		case m[2] >= 0: // inline code
			b.WriteString(group(1))
		case m[4] >= 0: // masked link
			label, u := group(2), group(3)
			if ok(u) {
				b.WriteString("[" + label + "](" + u + ")")
				continue
			}
			label = sanitizeLinks(strings.Trim(label, " []"), allowed)
			switch {
			case !strings.Contains(u, "://"):
				// Not an address a client opens ("[see](here)"): the
				// label says what the text meant.
				b.WriteString(label)
			case label == "":
				b.WriteString(asCode(u))
			default:
				b.WriteString(label + " (" + asCode(u) + ")")
			}
		default: // bare URL
			raw := group(4)
			u := strings.TrimRight(raw, ".,;:!?'\"")
			if ok(u) {
				b.WriteString(u)
			} else {
				b.WriteString(asCode(u))
			}
			b.WriteString(raw[len(u):])
		}
	}
	b.WriteString(strayTicks.Replace(text[last:]))
	return b.String()
}

// strayTicks replaces a backtick that opens no inline code with a look-alike
// (U+02CB), so that it cannot pair with the backticks put around an
// address and turn the address back into text outside code.
var strayTicks = strings.NewReplacer("`", "ˋ")

// asCode writes u as inline code. A bare URL linkish finds holds no
// backtick, but the URL of a masked link may: it is replaced as a stray
// one is, so that nothing closes the span early and leaves the rest of
// the address outside code.
func asCode(u string) string { return "`" + strayTicks.Replace(u) + "`" }

// leakWindow is how much of a rule of the prompt a reply must repeat word
// for word to be taken as leaking it: long enough that no answer about
// the series matches by chance, short enough to catch a rule quoted in
// part.
const leakWindow = 48

// leaksInstructions reports whether reply repeats one of the rules of
// system (a line of the prompt) word for word, ignoring case, spacing and
// the rule's number: what a model does when a question or a passage asks
// it to reveal its prompt. Such a reply is not posted.
func leaksInstructions(reply, system string) bool {
	return promptRules(system).leakedBy(reply)
}

// rules are the beginnings of a prompt's lines, leakWindow long, as
// leaksInstructions compares them: read once per answer, checked against
// each partial reply.
type rules []string

func promptRules(system string) rules {
	var out rules
	for l := range strings.Lines(system) {
		l = strings.TrimLeft(flatText(l), "0123456789. ")
		if len(l) >= leakWindow {
			out = append(out, l[:leakWindow])
		}
	}
	return out
}

func (r rules) leakedBy(reply string) bool {
	flat := flatText(reply)
	for _, rule := range r {
		if strings.Contains(flat, rule) {
			return true
		}
	}
	return false
}

// flatText is s in lower case with its runs of white space made one space.
func flatText(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
