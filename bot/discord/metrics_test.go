package discord

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"seriesbot/bot/metrics"
	"seriesbot/internal/discordtest"
	"seriesbot/internal/metricstest"
)

func TestRouteLabel(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"POST", "/api/v9/interactions/1400000000000000123/aW50ZXJhY3Rpb246MTIz/callback", "POST /interactions/{id}/{token}/callback"},
		{"PATCH", "/api/v9/webhooks/1400000000000000001/aW50ZXJhY3Rpb246MTIz/messages/@original", "PATCH /webhooks/{id}/{token}/messages/@original"},
		{"POST", "/api/v9/webhooks/1400000000000000001/tok", "POST /webhooks/{id}/{token}"},
		{"POST", "/api/v9/channels/1400000000000000007/messages", "POST /channels/{id}/messages"},
		{"POST", "/api/v9/channels/1400000000000000007/messages/1400000000000000008/threads", "POST /channels/{id}/messages/{id}/threads"},
		{"GET", "/api/v9/gateway", "GET /gateway"},
		{"PUT", "/api/v10/applications/1400000000000000001/guilds/1400000000000000002/commands", "PUT /applications/{id}/guilds/{id}/commands"},
		{"GET", "/proxy/api/v9/users/@me", "GET /proxy/api/v9/users/@me"},
	}
	for _, tt := range tests {
		if got := routeLabel(tt.method, tt.path); got != tt.want {
			t.Errorf("routeLabel(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestDiscordCountsEachQuestionOnce: each way a question ends is counted
// under its transport and outcome, once, and scraped as such.
func TestDiscordCountsEachQuestionOnce(t *testing.T) {
	t.Parallel()
	m := metrics.New(nil)
	frozen := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	b := startBotWith(t, nil, Config{Mentions: true, Observer: m, Rate: Rate{N: 1, Per: time.Minute, Burst: 1}}, func(d *Bot) {
		d.now = func() time.Time { return frozen }
	})
	user := func(n int) discordtest.User {
		return discordtest.User{ID: fmt.Sprintf("14000000000000001%02d", n), Username: fmt.Sprintf("user%d", n)}
	}
	as := func(spec discordtest.InteractionSpec, u discordtest.User) discordtest.InteractionSpec {
		spec.User = u
		return spec
	}
	in, msg := b.command(t, as(askSpec("What is DingTalk?"), user(1)))
	b.command(t, as(askSpec("What is Damai?"), user(1))) // too fast
	b.command(t, as(askSpec(strings.Repeat("Alibaba ", 200)), user(2)))
	b.command(t, as(discordtest.InteractionSpec{CustomID: "fb:up:" + in.ID, MessageID: msg.ID}, user(2)))
	b.command(t, discordtest.InteractionSpec{Command: "parts"}) // not a question
	q := b.message(t, b.srv.ChannelID(), user(3), "What is DingTalk?", true)
	starter, _ := b.srv.Message(q.ID)
	b.message(t, starter.ThreadID, user(4), "When was it launched?", false)
	b.message(t, b.srv.ChannelID(), user(5), "", true) // a mention with no question
	b.message(t, b.srv.DMChannel(user(6)), user(6), "What is Damai?", false)

	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	fams := metricstest.Scrape(t, srv.Client(), srv.URL)
	want := map[[2]string]float64{
		{transportSlash, outcomeAnswered}:    1,
		{transportSlash, outcomeRateLimited}: 1,
		{transportSlash, outcomeRefused}:     1,
		{transportMention, outcomeAnswered}:  1,
		{transportMention, outcomeRefused}:   1,
		{transportThread, outcomeAnswered}:   1,
		{transportDM, outcomeAnswered}:       1,
	}
	for _, tr := range metrics.Transports {
		for _, o := range metrics.Outcomes {
			if got := fams.Value(t, "seriesbot_questions_total", "transport", tr, "outcome", o); got != want[[2]string{tr, o}] {
				t.Errorf("seriesbot_questions_total{transport=%q,outcome=%q} = %v, want %v", tr, o, got, want[[2]string{tr, o}])
			}
		}
	}
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"seriesbot_rate_limited_total", nil, 1},
		{"seriesbot_feedback_total", []string{"vote", "up"}, 1},
		{"seriesbot_ack_seconds", nil, 3},
		{"seriesbot_answer_seconds", nil, 7},
	} {
		if got := fams.Value(t, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	for _, want := range []string{"msg=question transport=slash outcome=answered", "msg=question transport=slash outcome=rate_limited",
		"msg=question transport=thread outcome=answered", "msg=question transport=dm outcome=answered"} {
		if !strings.Contains(b.logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	b.noViolations(t)
}

// TestDiscordConnected: the bot is ready for questions from READY until
// shutdown begins, and not once it has stopped.
func TestDiscordConnected(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	if !b.d.Connected() {
		t.Error("not connected once ready")
	}
	b.stop()
	if b.d.Connected() {
		t.Error("connected after Run returned")
	}

	// Shutdown begun: connected to the gateway still, but taking no more.
	var d Bot
	d.connected.Store(true)
	if !d.Connected() {
		t.Error("not connected with the gateway up")
	}
	d.flight.close()
	if d.Connected() {
		t.Error("still taking questions once shutdown has begun")
	}
}
