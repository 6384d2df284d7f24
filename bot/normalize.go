package bot

import (
	"strings"
	"unicode"

	"seriesbot/retrieval/english"
)

// What a chat message carries besides its question. People type questions
// in Discord the way they talk there: a mention in front, a greeting, a
// link, an emoji, "asking for a friend" behind. None of it says what they
// want to know, and all of it would count against the question when the
// bot measures how much of it a sentence of the series answers.
var (
	// discordSyntax is Discord's markup for mentions of users, roles and
	// channels, custom emoji and timestamps, and the two mass mentions.
	discordSyntax = newLazyRegexp(`<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[a-zA-Z])?>|@everyone\b|@here\b`)
	// link is a URL, bare or in angle brackets as Discord writes it.
	link = newLazyRegexp(`<?https?://[^\s>]+>?|\bwww\.[^\s>]+`)
	// handle is a name typed with an @ at the start ("@SeriesBot what
	// is…"), a mention Discord did not turn into markup.
	handle = newLazyRegexp(`^@[\w.-]+[,:]?\s+`)
	// opener is a greeting, an announcement of a question or chatter at
	// the start of a message ("hey bot,", "quick q:", "ok so"), and closer
	// chatter or thanks at its end ("lol", "asking for a friend",
	// "thanks!"). Both are general chat English, kept short: a word missing
	// here is only a word more in the question, not a question lost.
	opener = newLazyRegexp(`(?i)^(?:(?:hey|hi|hello|heya|hiya|yo|sup|gm|good (?:morning|afternoon|evening)|ok|okay|so|um+|uh+|hm+|oh|well|guys|folks|all|everyone|there|bot|seriesbot|quick q(?:uestion)?|q(?:uestion)?|random q(?:uestion)?|real quick|` + chatter + `)\b[\s,.:;!?-]*)+`)
	closer = newLazyRegexp(`(?i)(?:[\s,.;:!?-]*\b(?:` + chatter + `|asking for a friend|just curious|curious)\b)+[\s.!?]*$`)
)

// chatter is what people add to a message in a chat without asking
// anything by it: laughter, slang, thanks.
const chatter = `lol+|lmao+|lmfao|rofl|bruh|bro|fr|ngl|tbh|imo|btw|pls|plz|please|thanks?(?: (?:you|u))?(?: so much)?(?: in advance)?|thx|ty|tysm|tia|haha+|hehe+|xd`

// stretched is a word with a letter typed three times or more in a row
// ("whaaat", "hiii", "lmaooo"): chat stretches words so, English never
// writes them so.
var stretched = newLazyRegexp(`(?i)\b\pL*(?:a{3,}|b{3,}|c{3,}|d{3,}|e{3,}|f{3,}|g{3,}|h{3,}|i{3,}|j{3,}|k{3,}|l{3,}|m{3,}|n{3,}|o{3,}|p{3,}|q{3,}|r{3,}|s{3,}|t{3,}|u{3,}|v{3,}|w{3,}|x{3,}|y{3,}|z{3,})\pL*\b`)

// unstretch writes a stretched word as it is spelt: each stretched letter
// once, or twice where only twice makes an English word ("sooo" is "so",
// "whaaat" is "what", "yelll" is "yell").
func unstretch(w string) string {
	// A word English writes so ("iii") and one in capitals (Part III,
	// "XXX") are not stretched.
	if english.IsWord(w) || strings.ToUpper(w) == w {
		return w
	}
	one, two := collapseRuns(w, 1), collapseRuns(w, 2)
	if !english.IsWord(one) && english.IsWord(two) {
		return two
	}
	return one
}

// collapseRuns shortens every run of three or more of a letter to n.
func collapseRuns(w string, n int) string {
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && unicode.ToLower(rs[j]) == unicode.ToLower(rs[i]) {
			j++
		}
		k := j - i
		if k >= 3 {
			k = n
		}
		b.WriteString(string(rs[i : i+k]))
		i = j
	}
	return b.String()
}

// aboutTheBot matches what people ask a bot about itself rather than about
// the series: a short line of help answers it.
var aboutTheBot = newLazyRegexp(`(?i)^(?:what (?:can|do) you do|who are you|what are you|what do you know(?: about)?|how (?:do|can) (?:i|we) use (?:you|this(?: bot)?|it)|how does (?:this|it) work|help(?: me)?|test(?:ing)?|ping)\??$`)

// smallTalk reports whether a message's question (as searchable reads it)
// asks nothing of the series: a greeting, thanks, or a question about the
// bot itself.
func smallTalk(search string) bool {
	return search == "" || aboutTheBot.MatchString(search)
}

// searchable is the question in a message, as retrieval should read it:
// without Discord's markup, links, emoji and the chat around the question.
// It may be empty: a message of only a greeting or thanks asks nothing.
func searchable(text string) string {
	t := discordSyntax.ReplaceAllString(text, " ")
	t = link.ReplaceAllString(t, " ")
	t = strings.Map(func(r rune) rune {
		// Emoji and pictographs (So), and the joiners and variation
		// selectors that build them.
		if unicode.Is(unicode.So, r) || r == '\u200d' || unicode.Is(unicode.Variation_Selector, r) {
			return ' '
		}
		return r
	}, t)
	t = strings.Join(strings.Fields(t), " ")
	t = stretched.ReplaceAllStringFunc(t, unstretch)
	asked := strings.Contains(t, "?")
	for {
		before := t
		t = handle.ReplaceAllString(t, "")
		t = strings.TrimSpace(opener.ReplaceAllString(t, ""))
		t = strings.TrimSpace(closer.ReplaceAllString(t, ""))
		if t == before {
			break
		}
	}
	// "??" and "!!!" say the asker is keen, not what they ask; one
	// question mark tells a question from a statement.
	t = strings.TrimRightFunc(t, func(r rune) bool { return r == '?' || r == '!' || r == '.' || unicode.IsSpace(r) })
	if asked && t != "" {
		t += "?"
	}
	return t
}
