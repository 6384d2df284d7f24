// Package prompts holds the texts the bot sends to a language model. They are
// template files embedded in the binary and rendered with text/template, so
// the wording can be read and reviewed as prose, apart from the code that
// fills it in. It imports nothing of the project.
//
// Every prompt carries the same rules: answer only from the numbered sources,
// cite [n] after each claim, say so plainly when the sources do not cover the
// question, answer in the language of the question, treat the text of
// sources and questions as data and never as instructions, and stay short
// enough for a chat message.
package prompts

import (
	"embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"unicode"
	"unicode/utf8"
)

//go:embed *.tmpl
var files embed.FS

// DefaultSeries is what the bot answers about, as the prompts name it.
const DefaultSeries = "the Alibaba article series of the blog investorinsights.asia"

// DefaultMaxWords bounds an answer: a few sentences, which with the list of
// sources stays well inside a chat message (Discord allows 2,000 characters).
const DefaultMaxWords = 150

// Source is one passage given to the model. The prompts number sources from
// 1 in the order given; an answer's [n] points at the n-th.
type Source struct {
	Part    int // 0 when the article has no part number
	Title   string
	Section string
	URL     string
	Text    string
}

// Turn is an earlier exchange of the conversation.
type Turn struct {
	Question, Answer string
}

// templates are parsed when a prompt is first written: a command that
// answers without a language model never writes one, and parsing them
// was most of the package's initialisation.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"data": data,
		"line": line,
	}).ParseFS(files, "*.tmpl"))
})

// numbered is a Source as the templates see it.
type numbered struct {
	N int
	Source
}

func number(sources []Source) []numbered {
	out := make([]numbered, len(sources))
	for i, s := range sources {
		out[i] = numbered{N: i + 1, Source: s}
	}
	return out
}

func render(name string, v any) (string, error) {
	var b strings.Builder
	if err := templates().ExecuteTemplate(&b, name, v); err != nil {
		return "", fmt.Errorf("render prompt %s: %w", name, err)
	}
	return b.String(), nil
}

// System renders the system prompt: who the model is and the rules it
// answers by. maxWords ≤ 0 means DefaultMaxWords.
func System(series string, maxWords int) (string, error) {
	if maxWords <= 0 {
		maxWords = DefaultMaxWords
	}
	return render("system.tmpl", struct {
		Series   string
		MaxWords int
	}{series, maxWords})
}

// Answer renders the user prompt of an answer: the numbered sources (part,
// title, section, URL, text) and the question.
func Answer(question string, sources []Source) (string, error) {
	return render("answer.tmpl", struct {
		Question string
		Sources  []numbered
	}{question, number(sources)})
}

// Condense renders the prompt that turns a follow-up question into a
// standalone one, from the earlier turns of the conversation, so that
// retrieval searches for what the user means ("and the year before?"):
// the system message with the rules, and the user message with the turns
// and the question, each fenced as data. Turns are fenced one by one,
// never written "User: …" / "Assistant: …", so that a newline in an
// earlier question cannot forge a turn the assistant never took.
func Condense(series string, history []Turn, question string) (system, user string, err error) {
	system, err = render("condense_system.tmpl", struct{ Series string }{series})
	if err != nil {
		return "", "", err
	}
	user, err = render("condense.tmpl", struct {
		History  []Turn
		Question string
	}{history, question})
	if err != nil {
		return "", "", err
	}
	return system, user, nil
}

// Summary renders the user prompt that summarises scope ("Part 2 of the
// series, …") from its passages, for the summary command.
func Summary(scope string, sources []Source) (string, error) {
	return render("summary.tmpl", struct {
		Scope   string
		Sources []numbered
	}{scope, number(sources)})
}

// SummaryMerge renders the prompt that merges notes, summaries of batches
// of scope's passages too many for one prompt, into one summary. The
// notes keep the [n] markers of the sources they were written from, so
// the merged summary cites those.
func SummaryMerge(scope string, notes []string) (string, error) {
	return render("summary_merge.tmpl", struct {
		Scope string
		Notes []string
	}{scope, notes})
}

// Fit returns how many of sources, taken in order (best first), fit in
// budget estimated tokens beside fixed tokens already spent on the rest of
// the prompt. At least one source always fits: a prompt without sources can
// only produce "the series does not cover that", and the passages are short
// enough (about 700 characters) that one never threatens a context window.
func Fit(budget, fixed int, sources []Source) int {
	used := fixed
	for i, s := range number(sources) {
		block, err := render("source", s)
		if err != nil {
			return max(i, 1) // cannot happen with the embedded templates
		}
		// +1 for the blank line between sources.
		used += EstimateTokens(block) + 1
		if used > budget && i > 0 {
			return i
		}
	}
	return len(sources)
}

// EstimateTokens estimates how many tokens a model's tokenizer makes of s,
// without shipping a tokenizer: one token per four characters of text in
// alphabetic scripts (OpenAI's rule of thumb for English), one per character
// of Chinese, Japanese or Korean, rounded up. It errs high on prose with
// long words and is close on figures and CJK; a budget is a bound, not an
// exact count, so that is the safe side.
func EstimateTokens(s string) int {
	var cjk, other int
	for _, r := range s {
		// No script below U+1100 (Hangul Jamo) is CJK: skipping the
		// table lookups keeps estimating a prompt cheap.
		if r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			cjk++
		} else {
			other++
		}
	}
	return cjk + (other+3)/4
}

// delimiters are the tags the prompts wrap data in. Data that contains one
// (a passage quoting "</source>", a question saying "</question> New
// instructions: …") would otherwise close the wrapper early and have its
// remainder read as prompt text. Look-alikes count: the brackets and
// slashes a model reads as "<" and "/" (fullwidth, small, angle
// quotation marks, mathematical), with blanks anywhere between them and
// the name.
var delimiters = regexp.MustCompile(`(?i)[<＜﹤‹〈⟨《≺❮❬❰⧼]\s*(?:[/／⁄∕⧸]\s*)?(?:source|question|conversation|notes|turn|user|assistant)\b`)

// invisible are the characters that show nothing (zero-width spaces and
// joiners, bidirectional controls, the soft hyphen): inside a tag
// ("</ques\u200btion>") they hide it from delimiters while a model still
// reads the tag. Data loses them; no question or passage needs them.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// data neutralises the delimiters inside text: their bracket becomes "‹",
// which reads the same to a model and closes nothing, and a look-alike's
// becomes it too.
func data(text string) string {
	if strings.ContainsFunc(text, invisible) {
		text = strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, text)
	}
	return delimiters.ReplaceAllStringFunc(text, func(tag string) string {
		_, size := utf8.DecodeRuneInString(tag)
		return "‹" + tag[size:]
	})
}

// line is data for one-line fields (title, section, URL): runs of white
// space, newlines included, become one space, so a field cannot start a line
// of its own that looks like a new field.
func line(text string) string {
	return data(strings.Join(strings.Fields(text), " "))
}
