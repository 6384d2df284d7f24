package discord

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

// Observer is told what the bot does on Discord, for the operating metrics
// (bot/metrics implements it). Config.Observer nil observes nothing.
type Observer interface {
	// Question is told how a question ended (one of bot/metrics.Outcomes),
	// where it was asked (slash, mention, thread or dm), how long its
	// acknowledgement took (slash commands only, else 0) and how long
	// until its last message was posted.
	Question(transport, outcome string, ack, answer time.Duration)
	// RateLimited is told of each question refused because its user asked
	// too fast.
	RateLimited()
	// Feedback is told of each click on a feedback button: up or down.
	Feedback(vote string)
	// DiscordRetry is told of each request tried again, by route without
	// IDs or tokens.
	DiscordRetry(route string)
}

// noObserver observes nothing.
type noObserver struct{}

func (noObserver) Question(string, string, time.Duration, time.Duration) {}
func (noObserver) RateLimited()                                          {}
func (noObserver) Feedback(string)                                       {}
func (noObserver) DiscordRetry(string)                                   {}

// Where a question was asked, as Observer.Question is told.
const (
	transportSlash   = "slash"
	transportMention = "mention"
	transportThread  = "thread"
	transportDM      = "dm"
)

// How a question ended, as Observer.Question is told.
const (
	outcomeAnswered    = "answered"
	outcomeFallback    = "fallback"
	outcomeRefused     = "refused"
	outcomeRateLimited = "rate_limited"
	outcomeFailed      = "failed"
)

// question follows one question from its receipt to its last message, so
// that it is counted and logged once, however it ends. A nil *question
// (a command that is not a question) records nothing.
type question struct {
	transport string
	received  time.Time

	mu      sync.Mutex
	outcome string
	sources int
	ack     time.Duration
}

// ended records how the question ended and how many sources its answer
// cites; the last call wins.
func (q *question) ended(outcome string, sources int) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.outcome, q.sources = outcome, sources
}

// acked records that Discord accepted the interaction's first response.
func (q *question) acked() {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ack == 0 {
		q.ack = max(time.Since(q.received), time.Nanosecond)
	}
}

type questionKey struct{}

// asking starts following a question received at received; its outcome is
// recorded through the returned context (see questionIn).
func asking(ctx context.Context, transport string, received time.Time) (context.Context, *question) {
	q := &question{transport: transport, received: received}
	return context.WithValue(ctx, questionKey{}, q), q
}

// questionIn is the question ctx follows, or nil.
func questionIn(ctx context.Context) *question {
	q, _ := ctx.Value(questionKey{}).(*question)
	return q
}

// rateLimited records that the question was refused for its user asking
// too fast.
func (d *Bot) rateLimited(q *question) {
	d.obs.RateLimited()
	q.ended(outcomeRateLimited, 0)
}

// asked counts and logs a question once it is over, with attrs naming it
// (its message or interaction, user, guild). A question whose end was not
// recorded (a panic on the way) failed.
func (d *Bot) asked(q *question, attrs ...any) {
	if q == nil {
		return
	}
	took := time.Since(q.received)
	q.mu.Lock()
	outcome, sources, ack := q.outcome, q.sources, q.ack
	q.mu.Unlock()
	if outcome == "" {
		outcome = outcomeFailed
	}
	d.obs.Question(q.transport, outcome, ack, took)
	level := slog.LevelInfo
	if outcome == outcomeFailed {
		level = slog.LevelWarn
	}
	attrs = append([]any{"transport", q.transport, "outcome", outcome, "latency", took.Round(time.Millisecond), "sources", sources}, attrs...)
	if q.transport == transportSlash {
		attrs = append(attrs, "ack", ack.Round(time.Millisecond))
	}
	d.log.Log(context.Background(), level, "question", attrs...)
}

// replyOutcome is how a question ended that got reply from bot.Commands:
// a note means the model failed and the answer was quoted; a private reply
// without feedback buttons is an error (for /ask) or a refusal (/summary
// of a segment the series does not have).
func replyOutcome(command string, r bot.Reply) string {
	switch {
	case r.Note != "":
		return outcomeFallback
	case r.Feedback || !r.Private:
		return outcomeAnswered
	case command == bot.CommandSummary:
		return outcomeRefused
	}
	return outcomeFailed
}

// Connected reports whether the bot is on Discord's gateway and taking
// questions: from READY (or a resumed session) until the connection drops
// or shutdown begins, so that a readiness probe turns away new traffic
// while the answers in progress finish.
func (d *Bot) Connected() bool { return d.connected.Load() && !d.flight.isClosing() }

// isClosing reports whether shutdown has begun.
func (f *inflight) isClosing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closing
}

// followConnection keeps Connected up to date from the session's events.
func (d *Bot) followConnection(s *discordgo.Session) {
	s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { d.connected.Store(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { d.connected.Store(true) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { d.connected.Store(false) })
}

// routeIDs matches the IDs and tokens in a REST path: snowflakes, and the
// token after an interaction's or a webhook's ID.
var (
	routeToken = regexp.MustCompile(`/(webhooks|interactions)/\d+/[^/]+`)
	routeID    = regexp.MustCompile(`/\d+(/|$)`)
	apiVersion = regexp.MustCompile(`^/api(/v\d+)?`)
)

// routeLabel names a request's route without its IDs and tokens, so that
// the retries of all interactions count under one label:
// "PATCH /webhooks/{id}/{token}/messages/@original".
func routeLabel(method, path string) string {
	p := apiVersion.ReplaceAllString(path, "")
	p = routeToken.ReplaceAllString(p, "/$1/{id}/{token}")
	for routeID.MatchString(p) {
		p = routeID.ReplaceAllString(p, "/{id}$1")
	}
	return method + " " + strings.TrimSuffix(p, "/")
}
