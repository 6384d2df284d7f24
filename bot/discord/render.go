package discord

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

// Discord's limits on what a message shows (besides maxMessageRunes).
const (
	maxEmbedDescription = 4096
	maxButtonsInRow     = 5
	maxButtonLabel      = 80
	// maxSourceEntry bounds one line of the sources embed, so a long title
	// cannot crowd the others out.
	maxSourceEntry = 300
)

// Feedback buttons carry "fb:up:<id>" or "fb:down:<id>", id being the
// interaction or message that was answered.
const feedbackPrefix = "fb:"

// noMentions lets nothing in a message ping anyone: not a user's
// "@everyone" quoted in a question, not a name a model wrote. It goes on
// every message and edit the bot sends.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// discordMessage is one message of a reply as Discord shows it.
type discordMessage struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Image is uploaded with the message, which shows it in an embed.
	Image *bot.Image
}

// files are what the message uploads (discordgo sends them as files[n] of
// a multipart body), and attachments the entries that name them, id n.
func (m discordMessage) files() ([]*discordgo.File, []*discordgo.MessageAttachment) {
	if m.Image == nil {
		return nil, nil
	}
	return []*discordgo.File{{Name: m.Image.Name, ContentType: "image/png", Reader: bytes.NewReader(m.Image.PNG)}},
		[]*discordgo.MessageAttachment{{ID: "0", Filename: m.Image.Name}}
}

// renderReply lays r out as Discord messages: the text split at 2,000
// characters, and under the last piece the sources as an embed, link
// buttons to the parts, and (with feedbackFor) 👍/👎 buttons.
func renderReply(r bot.Reply, feedbackFor string) []discordMessage {
	body := r.Text
	if r.Note != "" {
		body = "*" + r.Note + "*\n\n" + body
	}
	var msgs []discordMessage
	for _, piece := range splitMessage(quietLinks(body), maxMessageRunes) {
		msgs = append(msgs, discordMessage{Content: piece})
	}
	if len(msgs) == 0 {
		msgs = []discordMessage{{Content: "(no answer)"}}
	}
	last := &msgs[len(msgs)-1]
	last.Embeds = []*discordgo.MessageEmbed{}
	if len(r.Sources) > 0 {
		last.Embeds = append(last.Embeds, sourcesEmbed(r.Sources))
	}
	if r.Image != nil {
		// The embed shows the file uploaded with the same message.
		last.Image = r.Image
		last.Embeds = append(last.Embeds, &discordgo.MessageEmbed{
			Description: bot.Clip(r.Image.Alt, maxEmbedDescription),
			Image:       &discordgo.MessageEmbedImage{URL: "attachment://" + r.Image.Name},
		})
	}
	last.Components = replyComponents(r, feedbackFor)
	return msgs
}

// bareURL finds URLs in text that Discord would unfurl into a preview.
var bareURL = regexp.MustCompile("https?://[^\\s<>`]+")

// quietLinks puts bare URLs in angle brackets: Discord still links them
// but shows no preview, which for three parts of a series would bury the
// answer. URLs already in brackets, in a Markdown link or in inline code
// (where the answerer puts addresses it will not link) stay as they are;
// trailing punctuation stays outside.
func quietLinks(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range bareURL.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		if start > 0 && (text[start-1] == '<' || text[start-1] == '(' || text[start-1] == '`') {
			continue
		}
		url := strings.TrimRight(text[start:end], ".,;:!?'\"")
		if strings.HasSuffix(url, ")") && strings.Count(url, "(") < strings.Count(url, ")") {
			url = strings.TrimSuffix(url, ")")
		}
		b.WriteString(text[last:start])
		b.WriteString("<" + url + ">")
		last = start + len(url)
	}
	b.WriteString(text[last:])
	return b.String()
}

// sourcesEmbed lists the sources, each linked to its part when the part's
// URL is known, within the embed's limits.
func sourcesEmbed(sources []bot.Source) *discordgo.MessageEmbed {
	var b strings.Builder
	for i, s := range sources {
		entry := sourceEntry(i+1, s)
		more := fmt.Sprintf("\n…and %d more", len(sources)-i)
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(entry)+utf8.RuneCountInString(more)+1 > maxEmbedDescription {
			b.WriteString(more)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(entry)
	}
	return &discordgo.MessageEmbed{Title: "Sources", Description: b.String()}
}

// sourceEntry is one line of the sources embed:
// "\[1\] [Part 2 — title (section)](url)".
func sourceEntry(n int, s bot.Source) string {
	label := bot.Clip(bot.SourceLabel(s), maxSourceEntry)
	marker := fmt.Sprintf(`\[%d\] `, n)
	if s.URL == "" {
		return marker + escapeMarkdown(label)
	}
	return marker + "[" + escapeMarkdown(label) + "](" + escapeLinkURL(s.URL) + ")"
}

var markdownSpecial = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `~`, `\~`, `|`, `\|`, `[`, `\[`, `]`, `\]`)

// escapeMarkdown keeps a title from being read as formatting, or from
// ending the Markdown link it labels early.
func escapeMarkdown(s string) string { return markdownSpecial.Replace(s) }

// escapeLinkURL keeps a URL from ending its Markdown link early.
func escapeLinkURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u)
}

// replyComponents are the rows of buttons under a reply: one link button
// per part it points to (up to five), and the feedback buttons.
func replyComponents(r bot.Reply, feedbackFor string) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	var links []discordgo.MessageComponent
	for _, l := range r.Links {
		if l.URL == "" || len(links) == maxButtonsInRow {
			continue
		}
		links = append(links, discordgo.Button{Label: bot.Clip(l.Label, maxButtonLabel), Style: discordgo.LinkButton, URL: l.URL})
	}
	if len(links) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: links})
	}
	if r.Feedback && feedbackFor != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + "up:" + feedbackFor},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + "down:" + feedbackFor},
		}})
	}
	return rows
}

// parseFeedback reads a feedback button's custom_id.
func parseFeedback(customID string) (vote, answered string, ok bool) {
	rest, found := strings.CutPrefix(customID, feedbackPrefix)
	if !found {
		return "", "", false
	}
	vote, answered, found = strings.Cut(rest, ":")
	if !found || (vote != "up" && vote != "down") || answered == "" {
		return "", "", false
	}
	return vote, answered, true
}
