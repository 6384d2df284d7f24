package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"seriesbot/internal/recordtb"
)

// These tests run the real discordgo client against the fake, the way the
// bot's own tests will.

// expectViolation checks that exactly the reported violations mention each
// of wants, in order, and that Violations agrees.
func expectViolation(t *testing.T, rtb *recordtb.TB, srv *Server, wants ...string) {
	t.Helper()
	got := rtb.Errors()
	if len(got) != len(wants) {
		t.Fatalf("reported %d violations, want %d: %q", len(got), len(wants), got)
	}
	for i, w := range wants {
		if !strings.Contains(got[i], w) {
			t.Errorf("violation %d = %q, want it to mention %q", i, got[i], w)
		}
	}
	if v := srv.Violations(); len(v) != len(wants) {
		t.Errorf("Violations() = %q, want %d", v, len(wants))
	}
}

// openSession connects a real discordgo session to srv and waits for its
// Ready handler. The session closes before the server does (cleanups run
// last-in first-out). It does not reconnect on errors: see
// openReconnectingSession.
func openSession(t *testing.T, srv *Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	return startSession(t, srv, intents, false)
}

// openReconnectingSession is openSession for the tests of resuming, where
// discordgo must reconnect by itself after the fake drops it or asks it to
// (op 7).
func openReconnectingSession(t *testing.T, srv *Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	return startSession(t, srv, intents, true)
}

// startSession is openSession with the choice of reconnecting.
func startSession(t *testing.T, srv *Server, intents discordgo.Intent, reconnect bool) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + srv.Token())
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	s.Client = srv.HTTPClient()
	s.Identify.Intents = intents
	// Set before Open, while no goroutine of the session reads it: discordgo
	// reads ShouldReconnectOnError without a lock when it reconnects.
	s.ShouldReconnectOnError = reconnect
	// Warnings too: TestMain keeps them out of passing runs, and a failing
	// one prints them.
	s.LogLevel = discordgo.LogWarning
	// Not AddHandlerOnce: in discordgo v0.29.0 it races Session.Close.
	// After an event, Session.handle clears the once-handlers by writing
	// the handlers map (event.go:183) while holding only the read lock, so
	// the Disconnect event Close emits reads the map at the same time
	// (event.go:175). Plain handlers are written only under the write lock,
	// by AddHandler and by the remover it returns. (The remover must not
	// run inside a handler when SyncEvents is set: it would wait for the
	// lock the event holds.) Every test here adds handlers this way.
	ready := make(chan *discordgo.Ready, 1)
	removeReady := s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { offer(ready, r) })
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		// discordgo's heartbeat goroutine does not check for Close before
		// writing; a beat that meets the close frame calls reconnect,
		// which would then retry against the stopped fake for ever. A
		// reconnecting session is switched off here, unlocked as discordgo
		// reads it; the tests that use one wait until discordgo has
		// resumed and beaten again, so no reconnect of its own (the next
		// would come five missed heartbeat ACKs later) reads it now.
		if reconnect {
			s.ShouldReconnectOnError = false
		}
		s.Close()
	})
	r := receive(t, ready, "the Ready handler")
	removeReady()
	if r.User == nil || r.User.ID != srv.BotUser().ID {
		t.Fatalf("Ready user = %+v, want %s", r.User, srv.BotUser().ID)
	}
	// See WaitForHeartbeats: closing before the first heartbeat can leave
	// discordgo reconnecting for ever.
	if err := srv.WaitForHeartbeats(ctxFor(t), 1); err != nil {
		t.Fatal(err)
	}
	return s
}

// offer sends v unless c is full: a handler that outlives its first event
// (a reconnect sends READY again) must not block discordgo.
func offer[T any](c chan<- T, v T) {
	select {
	case c <- v:
	default:
	}
}

// hangGuard bounds every wait in these tests only so that a broken fake
// fails a test instead of hanging it; nothing depends on it being short,
// so it is generous for a loaded machine.
const hangGuard = 15 * time.Second

// receive waits for what discordgo hands a handler (or a handler reports).
func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(hangGuard):
		t.Fatalf("%s: nothing after %v", what, hangGuard)
		var zero T
		return zero
	}
}

// ctxFor bounds a Wait* call of a test by hangGuard.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	t.Cleanup(cancel)
	return ctx
}

// clockStart is where the tests' Clocks start.
var clockStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newOnClock starts a fake on a Clock of its own. Interaction tests use it
// so that the 3 s deadline counts only the time the test says has passed:
// a prompt callback cannot turn late because the machine is loaded.
func newOnClock(tb testing.TB, opts ...Option) (*Server, *Clock) {
	tb.Helper()
	clock := NewClock(clockStart)
	return New(tb, append([]Option{WithClock(clock.Now)}, opts...)...), clock
}

// restError unpacks discordgo's error for a non-2xx answer.
func restError(t *testing.T, err error) (status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want *discordgo.RESTError", err, err)
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

// noMentions is what every message of the bot should carry.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

var askCommand = &discordgo.ApplicationCommand{
	Name:        "ask",
	Description: "Ask about the series",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What to ask", Required: true},
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "passages", Description: "How many passages"},
	},
}

func TestOpenIdentifiesAndGetsReady(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s, err := discordgo.New("Bot " + srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = srv.HTTPClient()
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	ready, guild := make(chan *discordgo.Ready, 1), make(chan *discordgo.GuildCreate, 1)
	removeReady := s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { offer(ready, r) })
	removeGuild := s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { offer(guild, g) })
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	receive(t, ready, "the READY handler")
	receive(t, guild, "the GUILD_CREATE handler")
	removeReady()
	removeGuild()
	if err := srv.WaitForHeartbeats(ctxFor(t), 1); err != nil {
		t.Fatal(err)
	}

	g := srv.Gateway()
	if len(g.Identifies) != 1 || !g.Identifies[0].Accepted {
		t.Fatalf("identifies = %+v", g.Identifies)
	}
	id := g.Identifies[0]
	if id.Has(IntentMessageContent) {
		t.Error("MESSAGE_CONTENT requested, but the session did not ask for it")
	}
	if !id.Has(IntentGuildMessages) || id.Shard != [2]int{0, 1} || !id.Compress {
		t.Errorf("identify = %+v", id)
	}
	if g.Events[0].Type != "READY" || g.Events[0].Seq != 1 || g.Events[1].Type != "GUILD_CREATE" || g.Events[1].Seq != 2 {
		t.Errorf("first events = %+v", g.Events[:2])
	}
	// GUILD_CREATE filled discordgo's state.
	if ch, err := s.State.Channel(srv.ChannelID()); err != nil || ch.GuildID != srv.GuildID() {
		t.Errorf("State.Channel = %+v, %v", ch, err)
	}
	me, err := s.User("@me")
	if err != nil || me.ID != srv.BotUser().ID || !me.Bot {
		t.Fatalf("User(@me) = %+v, %v", me, err)
	}
	ch, err := s.Channel(srv.ChannelID())
	if err != nil || ch.Type != discordgo.ChannelTypeGuildText {
		t.Fatalf("Channel = %+v, %v", ch, err)
	}
	reqs := srv.Requests()
	if reqs[0].Route != "/gateway" || reqs[0].Status != http.StatusOK {
		t.Errorf("first request = %+v, want GET /gateway", reqs[0])
	}
}

func TestSlashCommandDeferredThenEdited(t *testing.T) {
	t.Parallel()
	srv, clock := newOnClock(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)

	cmds, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), srv.GuildID(), []*discordgo.ApplicationCommand{askCommand})
	if err != nil {
		t.Fatalf("bulk overwrite: %v", err)
	}
	if len(cmds) != 1 || cmds[0].ID == "" || cmds[0].Name != "ask" {
		t.Fatalf("registered = %+v", cmds)
	}
	if got := srv.Commands(srv.GuildID()); len(got) != 1 || got[0].ID != cmds[0].ID {
		t.Fatalf("Commands = %+v", got)
	}
	// A redeploy keeps the command's ID, as on Discord.
	again, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), srv.GuildID(), []*discordgo.ApplicationCommand{askCommand})
	if err != nil || again[0].ID != cmds[0].ID {
		t.Fatalf("second overwrite = %+v, %v", again, err)
	}
	listed, err := s.ApplicationCommands(srv.ApplicationID(), srv.GuildID())
	if err != nil || len(listed) != 1 {
		t.Fatalf("ApplicationCommands = %+v, %v", listed, err)
	}

	type result struct {
		question string
		passages int64
		err      error
	}
	results := make(chan result, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		data := ic.ApplicationCommandData()
		r := result{question: data.GetOption("question").StringValue(), passages: data.GetOption("passages").IntValue()}
		if r.err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); r.err == nil {
			// The answer takes longer than the 3 s a first callback gets:
			// a deferred response may be edited until the token expires.
			clock.Advance(10 * time.Second)
			answer := "The answer to " + r.question
			_, r.err = s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &answer, AllowedMentions: noMentions()})
		}
		results <- r
	})

	in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "who is Ada?", "passages": 3}})
	msg, err := srv.WaitForResponse(ctxFor(t), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := receive(t, results, "the handler")
	if r.err != nil || r.question != "who is Ada?" || r.passages != 3 {
		t.Fatalf("handler saw %+v", r)
	}
	if msg.Content != "The answer to who is Ada?" || msg.Loading() || msg.ChannelID != srv.ChannelID() {
		t.Errorf("final response = %+v", msg)
	}
	got, _ := srv.Interaction(in.ID)
	if len(got.Callbacks) != 1 || got.Callbacks[0].Type != 5 || !got.Callbacks[0].Accepted || got.Callbacks[0].Delay != 0 {
		t.Errorf("callbacks = %+v, want one deferral accepted at once", got.Callbacks)
	}
	if len(got.Original.Edits) != 1 || got.Original.AllowedMentions == nil {
		t.Fatalf("original = %+v", got.Original)
	}
	if at := got.Original.Edits[0].At.Sub(got.DispatchedAt); at != 10*time.Second {
		t.Errorf("edit at %v after dispatch on the fake's clock, want 10s", at)
	}
	if h := srv.Messages(srv.ChannelID()); len(h) != 1 || h[0].InteractionID != in.ID {
		t.Errorf("channel history = %+v", h)
	}
}

func TestMessageNeedsAllowedMentions(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)

	if _, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "with", AllowedMentions: noMentions()}); err != nil {
		t.Fatalf("send with allowed_mentions: %v", err)
	}
	if v := srv.Violations(); len(v) != 0 {
		t.Fatalf("violations after a proper send: %q", v)
	}
	// discordgo's plain ChannelMessageSend cannot set allowed_mentions.
	if _, err := s.ChannelMessageSend(srv.ChannelID(), "without"); err != nil {
		t.Fatalf("send without allowed_mentions: %v (Discord accepts it; only the fake's rule objects)", err)
	}
	expectViolation(t, rtb, srv, "message create without allowed_mentions")
	if h := srv.Messages(srv.ChannelID()); len(h) != 2 || h[1].AllowedMentions != nil {
		t.Errorf("history = %+v", h)
	}
}

func TestContentTooLongIsRejected(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)

	_, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: strings.Repeat("x", 2001), AllowedMentions: noMentions()})
	if status, code := restError(t, err); status != http.StatusBadRequest || code != 50035 {
		t.Fatalf("status %d code %d, want 400 50035", status, code)
	}
	var re *discordgo.RESTError
	errors.As(err, &re)
	if !strings.Contains(string(re.ResponseBody), `"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`) {
		t.Errorf("body = %s", re.ResponseBody)
	}
	expectViolation(t, rtb, srv, "content: Must be 2000 or fewer in length. (got 2001)")
	if h := srv.Messages(srv.ChannelID()); len(h) != 0 {
		t.Errorf("rejected message stored: %+v", h)
	}
	// Exactly 2000 characters (counted as characters, not bytes) is fine.
	if _, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: strings.Repeat("é", 2000), AllowedMentions: noMentions()}); err != nil {
		t.Fatalf("2000 characters: %v", err)
	}
}

// answerInteractions answers the next interaction with a message, as many
// times as told, and reports the error of each callback.
func answerInteractions(s *discordgo.Session, times int) <-chan []error {
	out := make(chan []error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		var errs []error
		for range times {
			errs = append(errs, s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "hello", AllowedMentions: noMentions()},
			}))
		}
		out <- errs
	})
	return out
}

func TestSecondCallbackIsRejected(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv, _ := newOnClock(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	results := answerInteractions(s, 2)

	in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
	errs := receive(t, results, "the callbacks")
	if errs[0] != nil {
		t.Fatalf("first callback: %v", errs[0])
	}
	if status, code := restError(t, errs[1]); status != http.StatusBadRequest || code != 40060 {
		t.Fatalf("second callback: status %d code %d, want 400 40060", status, code)
	}
	expectViolation(t, rtb, srv, "second callback")
	got, _ := srv.Interaction(in.ID)
	if len(got.Callbacks) != 2 || !got.Callbacks[0].Accepted || got.Callbacks[1].Accepted || got.Original.Content != "hello" {
		t.Errorf("interaction = %+v", got)
	}
}

// TestInteractionCallbackDeadline runs the interaction clock on the fake's
// Clock: the test, not the machine's speed, decides how long the bot took
// to call back, and the fake measures exactly that.
func TestInteractionCallbackDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		deadline time.Duration // 0: Discord's 3 s
		after    time.Duration // from dispatch to the callback
		late     string        // what the violation says; "" when in time
	}{
		{name: "at once"},
		{name: "on the last instant", after: 3 * time.Second},
		{name: "a millisecond late", after: 3*time.Second + time.Millisecond, late: "callback 3.001s after dispatch, past the 3s deadline"},
		{name: "four seconds", after: 4 * time.Second, late: "callback 4s after dispatch, past the 3s deadline"},
		{name: "shorter deadline", deadline: 200 * time.Millisecond, after: 300 * time.Millisecond, late: "callback 300ms after dispatch, past the 200ms deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rtb := recordtb.New(t)
			var opts []Option
			if tt.deadline != 0 {
				opts = append(opts, WithInteractionDeadline(tt.deadline))
			}
			srv, clock := newOnClock(rtb, opts...)
			s := openSession(t, srv, discordgo.IntentsGuilds)
			if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
				t.Fatal(err)
			}
			// The handler waits for the test to move the clock, then calls back.
			arrived, proceed, result := make(chan struct{}, 1), make(chan struct{}), make(chan error, 1)
			s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
				arrived <- struct{}{}
				<-proceed
				result <- s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{Content: "hello", AllowedMentions: noMentions()},
				})
			})

			in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
			receive(t, arrived, "INTERACTION_CREATE")
			clock.Advance(tt.after)
			close(proceed)
			err := receive(t, result, "the callback's answer")

			got, _ := srv.Interaction(in.ID)
			if len(got.Callbacks) != 1 || got.Callbacks[0].Delay != tt.after {
				t.Fatalf("callbacks = %+v, want one %v after dispatch", got.Callbacks, tt.after)
			}
			if tt.late == "" {
				if err != nil || !got.Acknowledged() || got.Original == nil || got.Original.Content != "hello" {
					t.Errorf("callback in time: err %v, interaction %+v", err, got)
				}
				expectViolation(t, rtb, srv)
				return
			}
			if status, code := restError(t, err); status != http.StatusNotFound || code != 10062 {
				t.Fatalf("late callback: status %d code %d, want 404 10062", status, code)
			}
			expectViolation(t, rtb, srv, tt.late)
			if got.Acknowledged() || got.Original != nil {
				t.Errorf("late callback took effect: %+v", got)
			}
		})
	}
}

// TestInteractionTokenLifetime: edits of the response work until the
// token's 15 minutes are over, on the fake's clock.
func TestInteractionTokenLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		after   time.Duration // from dispatch to the edit
		expired string        // what the violation says; "" while the token works
	}{
		{name: "a second before the end", after: 15*time.Minute - time.Second},
		{name: "on the last instant", after: 15 * time.Minute},
		{name: "a second too late", after: 15*time.Minute + time.Second, expired: "interaction token used 15m1s after dispatch, past its 15m0s lifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rtb := recordtb.New(t)
			srv, clock := newOnClock(rtb)
			s := openSession(t, srv, discordgo.IntentsGuilds)
			if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
				t.Fatal(err)
			}
			deferred := make(chan *discordgo.Interaction, 1)
			s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
				if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
					t.Errorf("defer: %v", err)
				}
				deferred <- ic.Interaction
			})
			in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
			ic := receive(t, deferred, "the deferral")

			clock.Advance(tt.after)
			answer := "late answer"
			_, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Content: &answer, AllowedMentions: noMentions()})
			got, _ := srv.Interaction(in.ID)
			if tt.expired == "" {
				if err != nil || got.Original.Content != answer {
					t.Errorf("edit while the token works: err %v, original %+v", err, got.Original)
				}
				expectViolation(t, rtb, srv)
				return
			}
			if status, code := restError(t, err); status != http.StatusUnauthorized || code != 50027 {
				t.Fatalf("edit with an expired token: status %d code %d, want 401 50027", status, code)
			}
			expectViolation(t, rtb, srv, tt.expired)
			if !got.Original.Loading() {
				t.Errorf("expired edit took effect: %+v", got.Original)
			}
		})
	}
}

func TestEditOriginalBeforeCallback(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv, _ := newOnClock(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	results := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		content := "too early"
		_, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()})
		results <- err
	})
	srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
	if status, code := restError(t, receive(t, results, "the edit")); status != http.StatusNotFound || code != 10015 {
		t.Fatalf("status %d code %d, want 404 10015", status, code)
	}
	expectViolation(t, rtb, srv, "before a callback created it")
}

// TestRateLimitedRequestIsRetried: discordgo reads retry_after from a
// scripted 429, waits and retries by itself. That it waited long enough is
// the fake's to judge: on its clock a retry before retry_after has passed
// is a violation, which fails this test (TestRetryAfterIsEnforced tests
// that judgement).
func TestRateLimitedRequestIsRetried(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	limited := make(chan *discordgo.RateLimit, 1)
	s.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) { offer(limited, rl) })

	const wait = 250 * time.Millisecond // a binary fraction: discordgo's parse of 0.25 s is exact
	srv.RateLimitNext("POST /channels/{channel_id}/messages", wait)
	m, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "after a 429", AllowedMentions: noMentions()})
	if err != nil {
		t.Fatalf("send: %v (discordgo should wait and retry by itself)", err)
	}
	if rl := receive(t, limited, "discordgo's RateLimit event"); rl.RetryAfter != wait || !strings.Contains(rl.URL, "/channels/"+srv.ChannelID()+"/messages") {
		t.Errorf("discordgo saw retry_after %v on %s, want %v on the channel's messages", rl.RetryAfter, rl.URL, wait)
	}
	var tries []Request
	for _, r := range srv.Requests() {
		if r.Route == "/channels/{channel_id}/messages" && r.Method == "POST" {
			tries = append(tries, r)
		}
	}
	if len(tries) != 2 || tries[0].Status != http.StatusTooManyRequests || tries[1].Status != http.StatusOK {
		t.Fatalf("tries = %+v, want a 429 and then a 200", tries)
	}
	if h := srv.Messages(srv.ChannelID()); len(h) != 1 || h[0].ID != m.ID {
		t.Errorf("history = %+v, want exactly the one message", h)
	}
}

// postTyping sends POST /channels/{id}/typing the way a client that reads
// no rate-limit headers would.
func postTyping(t *testing.T, srv *Server) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", "https://discord.com/api/v9/channels/"+srv.ChannelID()+"/typing", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+srv.Token())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestRetryAfterIsEnforced: after a scripted 429, the fake judges a retry
// on its clock, forgiving only the rounding of retry_after (retrySlack).
func TestRetryAfterIsEnforced(t *testing.T) {
	t.Parallel()
	const wait = 300 * time.Millisecond
	tests := []struct {
		name  string
		after time.Duration // from the 429 to the retry
		early string        // what the violation says; "" for a retry in time
	}{
		{name: "at once", after: 0, early: "retried 300ms before retry_after had passed"},
		{name: "3 ms early", after: wait - 3*time.Millisecond, early: "retried 3ms before retry_after had passed"},
		{name: "within the rounding", after: wait - retrySlack},
		{name: "on time", after: wait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rtb := recordtb.New(t)
			srv, clock := newOnClock(rtb)
			srv.RateLimitNext("POST /channels/{channel_id}/typing", wait)
			first := postTyping(t, srv)
			if first.StatusCode != http.StatusTooManyRequests || first.Header.Get("Retry-After") != "1" ||
				first.Header.Get("X-RateLimit-Remaining") != "0" || first.Header.Get("X-RateLimit-Reset-After") != "0.300" {
				t.Fatalf("scripted 429: status %d, headers %v", first.StatusCode, first.Header)
			}
			clock.Advance(tt.after)
			retry := postTyping(t, srv)
			if tt.early == "" {
				if retry.StatusCode != http.StatusNoContent {
					t.Errorf("retry %v after the 429: status %d, want 204", tt.after, retry.StatusCode)
				}
				expectViolation(t, rtb, srv)
				return
			}
			if retry.StatusCode != http.StatusTooManyRequests {
				t.Errorf("retry %v after the 429: status %d, want 429", tt.after, retry.StatusCode)
			}
			expectViolation(t, rtb, srv, tt.early)
		})
	}
}

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	srv := New(t)
	req, _ := http.NewRequest("GET", "https://discord.com/api/v9/users/@me", nil)
	req.Header.Set("Authorization", "Bot "+srv.Token())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s, _ := discordgo.New("Bot wrong")
	s.Client = srv.HTTPClient()
	_, err := s.User("@me")
	if status, _ := restError(t, err); status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", status)
	}
	var re *discordgo.RESTError
	errors.As(err, &re)
	if string(re.ResponseBody) != `{"code":0,"message":"401: Unauthorized"}`+"\n" {
		t.Errorf("body = %q", re.ResponseBody)
	}
	if err := s.Open(); err == nil {
		s.Close()
		t.Fatal("Open with a wrong token succeeded")
	}
}

func TestDropConnectionResumes(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := openReconnectingSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 4)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got <- ic.ID })

	srv.DropConnection()
	// Dispatched while the bot is away: kept in the session, replayed on RESUME.
	missed := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "while away"}})
	if err := srv.WaitForResumes(ctxFor(t), 1); err != nil {
		t.Fatalf("no RESUME: %v (gateway: %+v)", err, srv.Gateway())
	}
	after := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "after"}})

	seen := map[string]bool{}
	for len(seen) < 2 {
		seen[receive(t, got, "the missed and the later interaction")] = true
	}
	if !seen[missed.ID] || !seen[after.ID] {
		t.Fatalf("seen %v", seen)
	}
	// The resumed connection's heartbeat goroutine, before Close.
	if err := srv.WaitForHeartbeats(ctxFor(t), 2); err != nil {
		t.Fatal(err)
	}
	g := srv.Gateway()
	if len(g.Identifies) != 1 || g.Connections != 2 || !g.Connected {
		t.Errorf("gateway = %+v", g)
	}
	// The drop is expected, and so is discordgo's warning about it: kept
	// by TestMain rather than printed.
	if got := discordgoLogged("error reading from gateway " + srv.GatewayURL()); len(got) != 1 {
		t.Errorf("discordgo logged %q about the drop, want one read error", got)
	}
	var last int64
	for _, e := range g.Events {
		if e.Seq != 0 && e.Seq <= last {
			t.Errorf("sequence went from %d to %d", last, e.Seq)
		}
		last = max(last, e.Seq)
	}
}

func TestThreadFromMessage(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)

	m, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "starter", AllowedMentions: noMentions()})
	if err != nil {
		t.Fatal(err)
	}
	th, err := s.MessageThreadStart(srv.ChannelID(), m.ID, "Follow-up questions", 60)
	if err != nil {
		t.Fatalf("MessageThreadStart: %v", err)
	}
	if th.ID != m.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != srv.ChannelID() || th.Name != "Follow-up questions" {
		t.Fatalf("thread = %+v", th)
	}
	if c, ok := srv.Channel(th.ID); !ok || c.Type != ChannelTypePublicThread || c.ParentID != srv.ChannelID() {
		t.Fatalf("fake's thread = %+v", c)
	}
	if _, err := s.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{Content: "in the thread", AllowedMentions: noMentions()}); err != nil {
		t.Fatal(err)
	}
	if h := srv.Messages(th.ID); len(h) != 1 || h[0].Content != "in the thread" {
		t.Errorf("thread history = %+v", h)
	}
	if starter, _ := srv.Message(m.ID); starter.ThreadID != th.ID {
		t.Errorf("starter = %+v", starter)
	}
}

func TestSecondThreadOnMessageIsRejected(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	m, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "starter", AllowedMentions: noMentions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MessageThreadStart(srv.ChannelID(), m.ID, "one", 60); err != nil {
		t.Fatal(err)
	}
	_, err = s.MessageThreadStart(srv.ChannelID(), m.ID, "two", 60)
	if status, code := restError(t, err); status != http.StatusBadRequest || code != 160004 {
		t.Fatalf("status %d code %d", status, code)
	}
	expectViolation(t, rtb, srv, "second thread")
}

func TestDirectMessage(t *testing.T) {
	t.Parallel()
	srv := New(t)
	// No MESSAGE_CONTENT: DMs carry their content anyway.
	s := openSession(t, srv, discordgo.IntentsGuilds|discordgo.IntentsDirectMessages)
	received := make(chan *discordgo.MessageCreate, 4)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { received <- m })

	user := User{ID: "1400000000000000002", Username: "reader"}
	dmID := srv.DMChannel(user)
	srv.DispatchMessage(dmID, user, "hello bot", false)
	in := receive(t, received, "the DM")
	if in.Content != "hello bot" || in.GuildID != "" || in.Author.ID != user.ID {
		t.Fatalf("received %+v", in.Message)
	}

	ch, err := s.UserChannelCreate(user.ID)
	if err != nil || ch.ID != dmID || ch.Type != discordgo.ChannelTypeDM || ch.Recipients[0].ID != user.ID {
		t.Fatalf("UserChannelCreate = %+v, %v", ch, err)
	}
	if _, err := s.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: "hello reader", AllowedMentions: noMentions()}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForMessage(ctxFor(t), dmID, nil); err != nil {
		t.Fatal(err)
	}
	// The bot's own message comes back on the gateway too: bots must skip it.
	if echo := receive(t, received, "the bot's own message as MESSAGE_CREATE"); echo.Author.ID != srv.BotUser().ID {
		t.Errorf("second MESSAGE_CREATE from %s", echo.Author.ID)
	}
}

func TestMessageContentIntent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		intents     discordgo.Intent
		mentionsBot bool
		want        string
	}{
		{"without intent", discordgo.IntentsGuildMessages, false, ""},
		{"without intent but mentioned", discordgo.IntentsGuildMessages, true, "<@1100000000000000001> what is this?"},
		{"with intent", discordgo.IntentsGuildMessages | discordgo.IntentMessageContent, false, "what is this?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := New(t)
			s := openSession(t, srv, tt.intents)
			received := make(chan *discordgo.MessageCreate, 1)
			s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { received <- m })
			if got := srv.Gateway().Identifies[0].Has(IntentMessageContent); got != (tt.intents&discordgo.IntentMessageContent != 0) {
				t.Errorf("Identify.Has(MESSAGE_CONTENT) = %v", got)
			}
			stored := srv.DispatchMessage(srv.ChannelID(), DefaultUser(), "what is this?", tt.mentionsBot)
			if m := receive(t, received, "MESSAGE_CREATE"); m.Content != tt.want || m.ID != stored.ID || m.GuildID != srv.GuildID() {
				t.Errorf("content %q, want %q (message %+v)", m.Content, tt.want, m.Message)
			}
		})
	}
}

func TestWithoutGuildMessagesIntentNothingArrives(t *testing.T) {
	t.Parallel()
	srv := New(t)
	openSession(t, srv, discordgo.IntentsGuilds)
	srv.DispatchMessage(srv.ChannelID(), DefaultUser(), "hi", true)
	g := srv.Gateway()
	last := g.Events[len(g.Events)-1]
	if last.Type != "MESSAGE_CREATE" || last.Withheld == "" || last.Seq != 0 {
		t.Errorf("last event = %+v, want a withheld MESSAGE_CREATE", last)
	}
}

func TestDisallowedPrivilegedIntentClosesGateway(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb, WithPrivilegedIntents(0))
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	s.ShouldReconnectOnError = false
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	err := s.Open()
	if err == nil || !strings.Contains(err.Error(), "4014") {
		t.Fatalf("Open = %v, want close 4014", err)
	}
	expectViolation(t, rtb, srv, "privileged intents")
}

func TestInvalidCommandIsRejected(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	_, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{{Name: "Ask", Description: "upper case"}})
	if status, code := restError(t, err); status != http.StatusBadRequest || code != 50035 {
		t.Fatalf("status %d code %d", status, code)
	}
	expectViolation(t, rtb, srv, "Command name is invalid")
	if c := srv.Commands(""); len(c) != 0 {
		t.Errorf("commands = %+v", c)
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	var ids []string
	for _, c := range []string{"one", "two", "three", "four"} {
		m := srv.DispatchMessage(srv.ChannelID(), DefaultUser(), c, false)
		ids = append(ids, m.ID)
	}
	got, err := s.ChannelMessages(srv.ChannelID(), 2, ids[3], "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Content != "three" || got[1].Content != "two" {
		t.Fatalf("before four, limit 2: %v", contents(got))
	}
	all, err := s.ChannelMessages(srv.ChannelID(), 0, "", "", "")
	if err != nil || len(all) != 4 || all[0].Content != "four" {
		t.Fatalf("all = %v, %v", contents(all), err)
	}
	after, err := s.ChannelMessages(srv.ChannelID(), 10, "", ids[1], "")
	if err != nil || len(after) != 2 || after[0].Content != "four" {
		t.Fatalf("after two = %v, %v", contents(after), err)
	}
}

func contents(ms []*discordgo.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Content)
	}
	return out
}

func TestFollowupAfterDeferReplacesThinkingMessage(t *testing.T) {
	t.Parallel()
	srv, _ := newOnClock(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if err == nil {
			_, err = s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "first", AllowedMentions: noMentions()})
		}
		if err == nil {
			_, err = s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "second", AllowedMentions: noMentions()})
		}
		errs <- err
	})
	in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
	if err := receive(t, errs, "the handler"); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(in.ID)
	if got.Original.Content != "first" || len(got.Followups) != 1 || got.Followups[0].Content != "second" {
		t.Errorf("original %+v, follow-ups %+v", got.Original, got.Followups)
	}
}

func TestComponentClick(t *testing.T) {
	t.Parallel()
	srv, _ := newOnClock(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	_, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{
		Content: "More?", AllowedMentions: noMentions(),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: "more:1"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.MessageComponentData().CustomID != "more:1" {
			errs <- errors.New("custom_id " + ic.MessageComponentData().CustomID)
			return
		}
		errs <- s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Here is more", Components: []discordgo.MessageComponent{}, AllowedMentions: noMentions()},
		})
	})
	in := srv.DispatchInteraction(InteractionSpec{CustomID: "more:1"})
	if err := receive(t, errs, "the handler"); err != nil {
		t.Fatal(err)
	}
	msg, err := srv.WaitForResponse(ctxFor(t), in.ID)
	if err != nil || msg.Content != "Here is more" || len(msg.Components) != 0 {
		t.Fatalf("updated message = %+v, %v", msg, err)
	}
}

// discordgo's Close sends close code 1000, which ends the session on
// Discord, yet it keeps the session ID, so a later Open tries RESUME. The
// fake answers op 9 like Discord; discordgo then identifies anew.
func TestCloseThenOpenIdentifiesAgain(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{}, 1)
	removeReady := s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { offer(ready, struct{}{}) })
	if err := s.Open(); err != nil {
		t.Fatalf("second Open: %v", err)
	}
	receive(t, ready, "READY after op 9")
	removeReady()
	if err := srv.WaitForHeartbeats(ctxFor(t), 2); err != nil {
		t.Fatal(err)
	}
	g := srv.Gateway()
	if len(g.Resumes) != 1 || g.Resumes[0].Accepted {
		t.Errorf("resumes = %+v, want one refused", g.Resumes)
	}
	if len(g.Identifies) != 2 || !g.Identifies[1].Accepted {
		t.Errorf("identifies = %+v", g.Identifies)
	}
	if len(g.ClientCloseCodes) == 0 || g.ClientCloseCodes[0] != 1000 {
		t.Errorf("client close codes = %v, want 1000 first", g.ClientCloseCodes)
	}
}

// Op 7 makes discordgo close with 1012 (session kept) and resume.
func TestRequestReconnectResumes(t *testing.T) {
	t.Parallel()
	srv := New(t)
	openReconnectingSession(t, srv, discordgo.IntentsGuilds)
	srv.RequestReconnect()
	if err := srv.WaitForResumes(ctxFor(t), 1); err != nil {
		t.Fatalf("%v: gateway %+v", err, srv.Gateway())
	}
	if err := srv.WaitForHeartbeats(ctxFor(t), 2); err != nil {
		t.Fatal(err)
	}
	if g := srv.Gateway(); len(g.Identifies) != 1 || g.ClientCloseCodes[0] != 1012 {
		t.Errorf("gateway = %+v", g)
	}
}

func TestTyping(t *testing.T) {
	t.Parallel()
	srv := New(t)
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	if err := s.ChannelTyping(srv.ChannelID()); err != nil {
		t.Fatal(err)
	}
	if ch, _ := srv.Channel(srv.ChannelID()); len(ch.Typing) != 1 {
		t.Errorf("typing = %v", ch.Typing)
	}
}

// With a small bucket, discordgo reads X-RateLimit-Remaining and waits for
// the reset itself: no 429, no violation.
// TestDiscordgoHonoursBucketHeaders: with one request per window every
// answer says X-RateLimit-Remaining 0, so discordgo must wait for
// X-RateLimit-Reset-After before each further request. Whether it waited
// long enough is the fake's to judge, on its clock: a request inside the
// window gets a 429 and a violation, which fails this test. The window is
// long next to what a request takes on a loaded machine, so an impatient
// client could not slip past by being slow.
func TestDiscordgoHonoursBucketHeaders(t *testing.T) {
	t.Parallel()
	srv := New(t, WithRateLimit(1, time.Second))
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	headers := &headerLog{next: s.Client.Transport}
	s.Client.Transport = headers
	const requests = 3
	for i := range requests {
		if err := s.ChannelTyping(srv.ChannelID()); err != nil {
			t.Fatalf("typing %d: %v", i, err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("got a 429: %+v", r)
		}
	}
	if got := headers.remaining(); !slices.Equal(got, []string{"0", "0", "0"}) {
		t.Errorf("X-RateLimit-Remaining of the answers = %q, want the bucket empty after each", got)
	}
}

// headerLog keeps the X-RateLimit-Remaining of every answer.
type headerLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	rem  []string
}

func (h *headerLog) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(req)
	if err == nil {
		h.mu.Lock()
		h.rem = append(h.rem, resp.Header.Get("X-RateLimit-Remaining"))
		h.mu.Unlock()
	}
	return resp, err
}

func (h *headerLog) remaining() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.rem)
}

// TestBucketWindow walks one bucket (2 requests a second) on the fake's
// clock: a client that ignores X-RateLimit-Remaining gets 429s and
// violations, and one that waits for the reset, give or take the rounding
// of X-RateLimit-Reset-After, gets a new window.
func TestBucketWindow(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv, clock := newOnClock(rtb, WithRateLimit(2, time.Second))
	steps := []struct {
		at                    time.Duration // since the first request
		status                int
		remaining, resetAfter string
		retryAfter            string
	}{
		{at: 0, status: http.StatusNoContent, remaining: "1", resetAfter: "1.000"},
		{at: 250 * time.Millisecond, status: http.StatusNoContent, remaining: "0", resetAfter: "0.750"},
		{at: 500 * time.Millisecond, status: http.StatusTooManyRequests, remaining: "0", resetAfter: "0.500", retryAfter: "1"},
		{at: time.Second - 3*time.Millisecond, status: http.StatusTooManyRequests, remaining: "0", resetAfter: "0.003", retryAfter: "1"},
		{at: time.Second - retrySlack, status: http.StatusNoContent, remaining: "1", resetAfter: "1.000"},
	}
	var elapsed time.Duration
	for _, st := range steps {
		clock.Advance(st.at - elapsed)
		elapsed = st.at
		resp := postTyping(t, srv)
		h := resp.Header
		if resp.StatusCode != st.status || h.Get("X-RateLimit-Remaining") != st.remaining ||
			h.Get("X-RateLimit-Reset-After") != st.resetAfter || h.Get("Retry-After") != st.retryAfter {
			t.Errorf("at %v: status %d, remaining %q, reset-after %q, Retry-After %q; want %d, %q, %q, %q", st.at,
				resp.StatusCode, h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset-After"), h.Get("Retry-After"),
				st.status, st.remaining, st.resetAfter, st.retryAfter)
		}
	}
	expectViolation(t, rtb, srv,
		"exceeded the bucket's 2 requests per 1s although X-RateLimit-Remaining said 0",
		"retried 3ms before retry_after had passed")
}

func TestEditMessage(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = srv.HTTPClient()
	m, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "draft", AllowedMentions: noMentions()})
	if err != nil {
		t.Fatal(err)
	}
	edit := discordgo.NewMessageEdit(srv.ChannelID(), m.ID).SetContent("final")
	edit.AllowedMentions = noMentions()
	got, err := s.ChannelMessageEditComplex(edit)
	if err != nil || got.Content != "final" || got.EditedTimestamp == nil {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	stored, _ := srv.Message(m.ID)
	if len(stored.Edits) != 1 || stored.Content != "final" {
		t.Errorf("stored = %+v", stored)
	}
	// discordgo's MessageEdit has no JSON tags on ID and Channel, so they
	// travel in the body; Discord ignores them.
	if !strings.Contains(string(stored.Edits[0].Body), `"ID":"`+m.ID+`"`) {
		t.Errorf("edit body = %s", stored.Edits[0].Body)
	}

	theirs := srv.DispatchMessage(srv.ChannelID(), DefaultUser(), "mine", false)
	edit = discordgo.NewMessageEdit(srv.ChannelID(), theirs.ID).SetContent("hijacked")
	edit.AllowedMentions = noMentions()
	_, err = s.ChannelMessageEditComplex(edit)
	if status, code := restError(t, err); status != http.StatusForbidden || code != 50005 {
		t.Fatalf("status %d code %d", status, code)
	}
	expectViolation(t, rtb, srv, "someone else's message")
}

func TestInteractionWebhookRoutes(t *testing.T) {
	t.Parallel()
	srv, _ := newOnClock(t)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		original, followup *discordgo.Message
		err                error
	}
	results := make(chan result, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		var r result
		defer func() { results <- r }()
		if r.err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "answer", AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsEphemeral},
		}); r.err != nil {
			return
		}
		if r.original, r.err = s.InteractionResponse(ic.Interaction); r.err != nil {
			return
		}
		if r.followup, r.err = s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "sources", AllowedMentions: noMentions()}); r.err != nil {
			return
		}
		text := "sources (edited)"
		if _, r.err = s.FollowupMessageEdit(ic.Interaction, r.followup.ID, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}); r.err != nil {
			return
		}
		r.err = s.InteractionResponseDelete(ic.Interaction)
	})
	in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
	r := receive(t, results, "the handler")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.original.Content != "answer" || r.original.Flags&discordgo.MessageFlagsEphemeral == 0 || r.original.Interaction != nil && r.original.Interaction.ID != in.ID {
		t.Errorf("original = %+v", r.original)
	}
	got, _ := srv.Interaction(in.ID)
	if !got.Original.Deleted || len(got.Followups) != 1 || got.Followups[0].Content != "sources (edited)" {
		t.Errorf("interaction = %+v", got)
	}
	// Ephemeral messages never show in the channel's history.
	if h := srv.Messages(srv.ChannelID()); len(h) != 1 || h[0].Content != "sources (edited)" {
		t.Errorf("history = %+v", h)
	}
}

// dialGateway connects a bare WebSocket client, for what discordgo does
// not let a test do (stay silent, send a single heartbeat).
func dialGateway(t *testing.T, srv *Server) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"?v=10&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial gateway: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetReadDeadline(time.Now().Add(hangGuard))
	return ws
}

// readOp reads one gateway payload.
func readOp(t *testing.T, ws *websocket.Conn) (op int, d json.RawMessage) {
	t.Helper()
	var p struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := ws.ReadJSON(&p); err != nil {
		t.Fatalf("read from gateway: %v", err)
	}
	return p.Op, p.D
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	t.Run("HELLO gives the interval and a beat is acknowledged", func(t *testing.T) {
		t.Parallel()
		srv := New(t, WithHeartbeatInterval(50*time.Millisecond))
		ws := dialGateway(t, srv)
		if op, d := readOp(t, ws); op != opHello || string(d) != `{"heartbeat_interval":50}` {
			t.Fatalf("first payload op %d d %s, want HELLO with heartbeat_interval 50", op, d)
		}
		if err := ws.WriteJSON(map[string]any{"op": opHeartbeat, "d": nil}); err != nil {
			t.Fatal(err)
		}
		if op, _ := readOp(t, ws); op != opHeartbeatACK {
			t.Fatalf("answer to a heartbeat: op %d, want %d", op, opHeartbeatACK)
		}
		if n := srv.Gateway().Heartbeats; n != 1 {
			t.Errorf("Heartbeats = %d, want 1", n)
		}
	})
	t.Run("a silent client is closed with 4009", func(t *testing.T) {
		t.Parallel()
		rtb := recordtb.New(t)
		noGrace := Option(func(c *config) { c.heartbeatGrace = 0 })
		srv := New(rtb, WithHeartbeatInterval(10*time.Millisecond), noGrace)
		ws := dialGateway(t, srv)
		readOp(t, ws) // HELLO; then nothing from the client
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4009 {
			t.Fatalf("after silence: %v, want close 4009", err)
		}
		expectViolation(t, rtb, srv, "nothing from the client for 20ms (heartbeat_interval 10ms): it stopped heartbeating")
	})
	t.Run("discordgo beats at the interval it was given", func(t *testing.T) {
		t.Parallel()
		// At Discord's 45 s default this would be one beat; counting three
		// shows discordgo took the interval from HELLO. Not much shorter:
		// discordgo gives up on a connection when no ACK came for five
		// intervals, and 2.5 s leaves room for a loaded machine.
		srv := New(t, WithHeartbeatInterval(500*time.Millisecond))
		openSession(t, srv, discordgo.IntentsGuilds)
		if err := srv.WaitForHeartbeats(ctxFor(t), 3); err != nil {
			t.Fatal(err)
		}
	})
}

// TestWaitFor runs WaitFor on synctest's virtual clock, which WaitFor's
// timers follow; the fake's changes are made by hand, as a handler would.
func TestWaitFor(t *testing.T) {
	tests := []struct {
		name     string
		ctx      func() (context.Context, context.CancelFunc)
		changeAt time.Duration // when the awaited condition comes true; 0: never
		wantErr  error
		wantAt   time.Duration // when WaitFor returns
	}{
		{
			name:    "no deadline: DefaultWait",
			ctx:     func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			wantErr: context.DeadlineExceeded, wantAt: DefaultWait,
		},
		{
			name: "the context's deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), time.Second)
			},
			wantErr: context.DeadlineExceeded, wantAt: time.Second,
		},
		{
			name: "cancelled",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(2*time.Second, cancel)
				return ctx, cancel
			},
			wantErr: context.Canceled, wantAt: 2 * time.Second,
		},
		{
			name:     "the condition comes true",
			ctx:      func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			changeAt: 3 * time.Second, wantAt: 3 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &Server{changed: make(chan struct{})}
				done := false
				if tt.changeAt > 0 {
					time.AfterFunc(tt.changeAt, func() {
						s.mu.Lock()
						done = true
						s.notifyLocked()
						s.mu.Unlock()
					})
				}
				ctx, cancel := tt.ctx()
				defer cancel()
				start := time.Now()
				err := s.WaitFor(ctx, func() bool {
					s.mu.Lock()
					defer s.mu.Unlock()
					return done
				})
				if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
					t.Errorf("WaitFor = %v, want %v", err, tt.wantErr)
				}
				if at := time.Since(start); at != tt.wantAt {
					t.Errorf("WaitFor returned at %v of virtual time, want %v", at, tt.wantAt)
				}
			})
		})
	}
}
