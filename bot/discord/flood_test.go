package discord

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"seriesbot/internal/discordtest"
)

// TestDiscordFloodsAreBounded: the per-user limiter decides before
// anything is posted or fetched. One user's flood — 20 follow-ups in a
// thread, 15 questions that would only be refused (empty, too long,
// wordless) — gets as many replies as the allowance lets through, one
// "slow down" and nothing more; the thread's history is read only for
// the follow-ups answered.
func TestDiscordFloodsAreBounded(t *testing.T) {
	t.Parallel()
	frozen := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	const burst = 3
	b := startBotWith(t, nil, Config{Mentions: true, Rate: Rate{N: 1, Per: time.Minute, Burst: burst}}, func(d *Bot) {
		d.now = func() time.Time { return frozen }
	})
	flooder := discordtest.DefaultUser()
	other := discordtest.User{ID: "1400000000000000004", Username: "other"}

	// Another user starts a thread; the flooder floods it.
	q := b.message(t, b.srv.ChannelID(), other, "What is DingTalk?", true)
	starter, _ := b.srv.Message(q.ID)
	thread := starter.ThreadID
	if thread == "" {
		t.Fatal("no thread")
	}
	historyReads := func() int {
		n := 0
		for _, r := range b.srv.Requests() {
			if r.Method == http.MethodGet && r.Path == "/channels/"+thread+"/messages" {
				n++
			}
		}
		return n
	}
	for range 20 {
		b.message(t, thread, flooder, "And when was it launched?", false)
	}
	posted := b.botMessages(thread)[1:] // after the first answer
	if len(posted) != burst+1 || !strings.HasPrefix(posted[burst].Content, "Slow down") {
		t.Errorf("20 follow-ups got %d posts, want %d answers and one slow down: %q", len(posted), burst, contents(posted))
	}
	if n := historyReads(); n != burst {
		t.Errorf("the history was read %d times for %d follow-ups answered", n, burst)
	}

	// Refusals count too: in a fresh channel, a fresh user's 15 unaskable
	// questions get their allowance of refusals and one slow down.
	third := discordtest.User{ID: "1400000000000000005", Username: "third"}
	unaskable := []string{"", strings.Repeat("revenue ", 200), "???"}
	for i := range 15 {
		b.message(t, b.srv.ChannelID(), third, unaskable[i%3], true)
	}
	replies := b.botMessages(b.srv.ChannelID())
	if len(replies) != burst+1 || !strings.HasPrefix(replies[burst].Content, "Slow down") {
		t.Errorf("15 unaskable questions got %d replies, want %d refusals and one slow down: %q", len(replies), burst, contents(replies))
	}
	b.noViolations(t)
}
