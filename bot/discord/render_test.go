package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

func TestSourcesEmbedStaysWithinDiscordsLimits(t *testing.T) {
	var sources []bot.Source
	for i := range 40 {
		sources = append(sources, bot.Source{Part: i + 1, Title: strings.Repeat("Long [title] *with* markup ", 20), Section: "Section", URL: fmt.Sprintf("https://example.com/part-(%d)", i+1)})
	}
	e := sourcesEmbed(sources)
	n := utf8.RuneCountInString(e.Description)
	if n > maxEmbedDescription || n+utf8.RuneCountInString(e.Title) > 6000 {
		t.Fatalf("description of %d characters", n)
	}
	if !strings.Contains(e.Description, "more") || !strings.HasPrefix(e.Description, `\[1\] [Part 1 — Long \[title\] \*with\* markup`) {
		t.Errorf("description starts %q…", e.Description[:80])
	}
	// A parenthesis in a URL would end the Markdown link early.
	if !strings.Contains(e.Description, "](https://example.com/part-%281%29)") {
		t.Errorf("URL not escaped: %q", e.Description[:400])
	}
	// A source without a URL is named, not linked.
	if got := sourceEntry(3, bot.Source{Part: 4, Title: "The future"}); got != `\[3\] Part 4 — The future` {
		t.Errorf("entry = %q", got)
	}
}

func TestRenderReply(t *testing.T) {
	var links []bot.Link
	for i := range 7 {
		links = append(links, bot.Link{Label: fmt.Sprintf("Part %d", i+1), URL: fmt.Sprintf("https://example.com/%d", i+1)})
	}
	links = append(links, bot.Link{Label: "Part 8"}) // no URL: never a button
	msgs := renderReply(bot.Reply{Text: "Answer [1].", Note: "The model was unavailable.", Sources: []bot.Source{{Part: 1, Title: "T", URL: "https://example.com/1"}}, Links: links, Feedback: true}, "42")
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.Content != "*The model was unavailable.*\n\nAnswer [1]." || len(m.Embeds) != 1 {
		t.Errorf("message = %+v", m)
	}
	if len(m.Components) != 2 {
		t.Fatalf("%d rows", len(m.Components))
	}
	linkRow := m.Components[0].(discordgo.ActionsRow).Components
	if len(linkRow) != 5 {
		t.Errorf("%d link buttons, want at most five", len(linkRow))
	}
	fb := m.Components[1].(discordgo.ActionsRow).Components
	if fb[0].(discordgo.Button).CustomID != "fb:up:42" || fb[1].(discordgo.Button).CustomID != "fb:down:42" {
		t.Errorf("feedback row = %+v", fb)
	}
	// Without feedback or links there are no rows; an empty reply still
	// says something.
	if msgs := renderReply(bot.Reply{}, "42"); msgs[0].Content == "" || len(msgs[0].Components) != 0 {
		t.Errorf("empty reply = %+v", msgs)
	}
}

func TestQuietLinks(t *testing.T) {
	tests := map[string]string{
		"see https://x.io/a.":                 "see <https://x.io/a>.",
		"(https://x.io/a)":                    "(https://x.io/a)",
		"<https://x.io/a>":                    "<https://x.io/a>",
		"[Part 2](https://x.io/a)":            "[Part 2](https://x.io/a)",
		"a https://x.io/a_(b) c":              "a <https://x.io/a_(b)> c",
		"two https://a.io and http://b.io":    "two <https://a.io> and <http://b.io>",
		"code `https://evil.example/x` stays": "code `https://evil.example/x` stays",
	}
	for in, want := range tests {
		if got := quietLinks(in); got != want {
			t.Errorf("quietLinks(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFeedback(t *testing.T) {
	for id, want := range map[string]string{"fb:up:42": "up 42 true", "fb:down:42": "down 42 true", "fb:meh:42": "  false", "fb:up:": "  false", "other": "  false"} {
		vote, answered, ok := parseFeedback(id)
		if got := fmt.Sprint(vote, " ", answered, " ", ok); got != want {
			t.Errorf("parseFeedback(%q) = %q, want %q", id, got, want)
		}
	}
}

// FuzzParseFeedback: a custom_id comes back from Discord as the bot wrote
// it, or as anyone crafting an interaction wrote it; only the bot's own
// form is read, and it reads back to what was written.
func FuzzParseFeedback(f *testing.F) {
	for _, s := range []string{"fb:up:42", "fb:down:1400000000000000001", "fb:meh:42", "fb:up:", "fb::", "other", "fb:up:4:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		vote, answered, ok := parseFeedback(id)
		if !ok {
			return
		}
		if (vote != "up" && vote != "down") || answered == "" || feedbackPrefix+vote+":"+answered != id {
			t.Fatalf("parseFeedback(%q) = %q, %q", id, vote, answered)
		}
	})
}
