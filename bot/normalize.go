package bot

import (
	"regexp"
	"strings"
	"unicode"
)

// What a chat message carries besides its question. People type questions
// in Discord the way they talk there: a mention in front, a greeting, a
// link, an emoji, "asking for a friend" behind. None of it says what they
// want to know, and all of it would count against the question when the
// bot measures how much of it a sentence of the series answers.
var (
	// discordSyntax is Discord's markup for mentions of users, roles and
	// channels, custom emoji and timestamps, and the two mass mentions.
	discordSyntax = regexp.MustCompile(`<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[a-zA-Z])?>|@everyone\b|@here\b`)
	// link is a URL, bare or in angle brackets as Discord writes it.
	link = regexp.MustCompile(`<?https?://[^\s>]+>?`)
	// handle is a name typed with an @ at the start ("@SeriesBot what
	// is…"), a mention Discord did not turn into markup.
	handle = regexp.MustCompile(`^@[\w.-]+[,:]?\s+`)
	// opener is a greeting, an announcement of a question or chatter at
	// the start of a message ("hey bot,", "quick q:", "ok so"), and closer
	// chatter or thanks at its end ("lol", "asking for a friend",
	// "thanks!"). Both are general chat English, kept short: a word missing
	// here is only a word more in the question, not a question lost.
	opener = regexp.MustCompile(`(?i)^(?:(?:hey|hi|hello|heya|hiya|yo|sup|gm|good (?:morning|afternoon|evening)|ok|okay|so|um+|uh+|hm+|oh|well|guys|folks|all|everyone|there|bot|seriesbot|quick q(?:uestion)?|q(?:uestion)?|random q(?:uestion)?|real quick|` + chatter + `)\b[\s,.:;!?-]*)+`)
	closer = regexp.MustCompile(`(?i)(?:[\s,.;:!?-]*\b(?:` + chatter + `|asking for a friend|just curious|curious)\b)+[\s.!?]*$`)
)

// chatter is what people add to a message in a chat without asking
// anything by it: laughter, slang, thanks.
const chatter = `lol|lmao|lmfao|rofl|bruh|bro|fr|ngl|tbh|imo|btw|pls|plz|please|thanks?(?: you)?(?: so much)?(?: in advance)?|thx|ty|tia|haha+|hehe+|xd`

// aboutTheBot matches what people ask a bot about itself rather than about
// the series: a short line of help answers it.
var aboutTheBot = regexp.MustCompile(`(?i)^(?:what (?:can|do) you do|who are you|what are you|what do you know(?: about)?|how (?:do|can) (?:i|we) use (?:you|this(?: bot)?|it)|how does (?:this|it) work|help(?: me)?|test(?:ing)?|ping)\??$`)

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
	t = handle.ReplaceAllString(t, "")
	asked := strings.Contains(t, "?")
	for {
		before := t
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
