package discord

import (
	"fmt"
	"testing"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

func TestHistoryTurns(t *testing.T) {
	const me = "1"
	msg := func(author string, isBot bool, content string) *discordgo.Message {
		return &discordgo.Message{Author: &discordgo.User{ID: author, Bot: isBot}, Content: content}
	}
	msgs := []*discordgo.Message{
		msg(me, true, "DingTalk is a workplace app [1]."),
		msg(me, true, "(continued)"),
		msg("2", false, "<@1> who made it?"),
		msg("3", true, "another bot"),
		msg(me, true, "Alibaba [1]."),
		msg("2", false, "unanswered"),
	}
	got := historyTurns("What is DingTalk?", msgs, me, "")
	want := []bot.Turn{
		{Question: "What is DingTalk?", Answer: "DingTalk is a workplace app [1].\n(continued)"},
		{Question: "who made it?", Answer: "Alibaba [1]."},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("turns = %q, want %q", got, want)
	}
	if got := historyTurns("", msgs[2:], me, ""); len(got) != 1 || got[0].Question != "who made it?" {
		t.Errorf("without the starter: %q", got)
	}
}

func TestStripMention(t *testing.T) {
	for in, want := range map[string]string{
		"<@1> What is DingTalk?":       "What is DingTalk?",
		"What is <@!1> DingTalk?":      "What is DingTalk?",
		"<@1> ask <@2> about DingTalk": "ask <@2> about DingTalk",
		"<@1>":                         "",
		"<@&9> What is DingTalk?":      "What is DingTalk?",
		"<@&8> what is <@&9> DingTalk": "<@&8> what is DingTalk",
	} {
		if got := stripMention(in, "1", "9"); got != want {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}
