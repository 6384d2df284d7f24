package discord

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"seriesbot/bot"
	"seriesbot/internal/discordtest"
)

// Routes of the fake Discord the bot writes to.
const (
	routeCallback = "POST /interactions/{interaction_id}/{interaction_token}/callback"
	routeOriginal = "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original"
	routeFollowup = "POST /webhooks/{webhook_id}/{webhook_token}"
	routeMessages = "POST /channels/{channel_id}/messages"
)

// TestDiscordServerErrorsLoseNoAnswer: when Discord fails a write with a
// server error, it is tried again, and the user sees the whole answer.
func TestDiscordServerErrorsLoseNoAnswer(t *testing.T) {
	long := strings.Repeat("Alibaba Cloud made RMB60 billion of revenue in fiscal 2021 [1]. ", 40)
	tests := []struct {
		name   string
		faults map[string][]int // route → statuses, one request each
		reply  string           // of the model; "" offline
	}{
		{"500 then 503 on the acknowledgement", map[string][]int{routeCallback: {500, 503}}, ""},
		{"500 on the final edit", map[string][]int{routeOriginal: {500}}, ""},
		{"two 503s on the edits", map[string][]int{routeOriginal: {503, 503}}, "Alibaba Cloud made RMB60 billion [1]. It served four million customers [1]."},
		{"500 on a follow-up", map[string][]int{routeFollowup: {500}}, long},
		{"502 and 504 on the final edit", map[string][]int{routeOriginal: {502, 504}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := defaultAnswerer(t)
			cfg := Config{Mentions: true}
			if tt.reply != "" {
				a.LLM = streamingChat{reply: tt.reply}
			} else {
				cfg.Offline = true
			}
			// The retries wait on a clock that moves only with their
			// waits: on a loaded machine the requests themselves may take
			// long, and the acknowledgement's budget is not what is tested
			// here (TestRetryingOnVirtualTime is).
			var clock waitClock
			b := startBotWith(t, &bot.Commands{Answerer: a}, cfg, func(d *Bot) { d.retryNow, d.retrySleep = clock.now, clock.sleep })
			for route, statuses := range tt.faults {
				for _, st := range statuses {
					b.srv.FailNext(route, st)
				}
			}
			in, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
			if cb := callback(t, in); cb.Type != 5 {
				t.Errorf("callback %+v", cb)
			}
			whole := msg.Content
			for _, f := range in.Followups {
				whole += " " + f.Content
			}
			if !strings.Contains(msg.Content, "RMB60 billion") || strings.Contains(whole, somethingWentWrong) {
				t.Errorf("the user saw %q", whole)
			}
			if tt.reply == long && strings.Join(strings.Fields(whole), " ") != strings.TrimSpace(long) {
				t.Errorf("the answer is not whole: %d follow-ups", len(in.Followups))
			}
			last := msg
			if n := len(in.Followups); n > 0 {
				last = in.Followups[n-1]
			}
			if len(last.Embeds) != 1 {
				t.Errorf("the sources are missing: %+v", last.Embeds)
			}
			if !strings.Contains(b.logs.String(), "trying it again") {
				t.Errorf("the retries were not logged:\n%s", b.logs.String())
			}
			b.noViolations(t)
		})
	}
}

// TestDiscordServerErrorOnAThreadMessage: the answer to a mention reaches
// its thread though Discord failed the first post.
func TestDiscordServerErrorOnAThreadMessage(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	b.srv.FailNext(routeMessages, 500)
	q := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is DingTalk?", true)
	starter, _ := b.srv.Message(q.ID)
	if starter.ThreadID == "" {
		t.Fatal("no thread")
	}
	if answers := b.botMessages(starter.ThreadID); len(answers) != 1 || !strings.Contains(answers[0].Content, "2015") {
		t.Errorf("answers in the thread = %q", contents(answers))
	}
	b.noViolations(t)
}

// TestDiscordServerErrorsThatLast: when Discord fails the answer every
// time, the user is told to ask again; the reply never stays "thinking".
func TestDiscordServerErrorsThatLast(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	for range retryAttempts {
		b.srv.FailNext(routeOriginal, 503)
	}
	_, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if msg.Content != somethingWentWrong {
		t.Errorf("the user saw %q, want %q", msg.Content, somethingWentWrong)
	}
	b.noViolations(t)
}

// scriptedTransport answers each request with the next status of its
// script (200 after it), recording on the test's clock when each came.
type scriptedTransport struct {
	mu       sync.Mutex
	statuses []int
	err      error // returned once, before the statuses
	at       []time.Time
	bodies   []string
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, time.Now())
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		s.bodies = append(s.bodies, string(b))
	}
	if s.err != nil {
		err := s.err
		s.err = nil
		return nil, err
	}
	status := http.StatusOK
	if len(s.statuses) > 0 {
		status, s.statuses = s.statuses[0], s.statuses[1:]
	}
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}}, nil
}

// TestRetryingOnVirtualTime: which failures are tried again, how often,
// after what waits, with the same body, and that an interaction's first
// response is not tried past Discord's three seconds.
func TestRetryingOnVirtualTime(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		path     string
		statuses []int
		err      error
		tries    int
		status   int
	}{
		{"500 then success", "PATCH", "/api/v9/webhooks/1/tok/messages/@original", []int{500}, nil, 2, 200},
		{"every server error", "POST", "/api/v9/channels/1/messages", []int{500, 502, 503}, nil, 4, 200},
		{"attempts run out", "POST", "/api/v9/channels/1/messages", []int{503, 503, 503, 503, 503}, nil, retryAttempts, 503},
		{"a client error is not tried again", "POST", "/api/v9/channels/1/messages", []int{400}, nil, 1, 400},
		{"429 is discordgo's to wait out", "POST", "/api/v9/channels/1/messages", []int{429}, nil, 1, 429},
		{"a failed connection", "POST", "/api/v9/channels/1/messages", nil, errors.New("connection reset by peer"), 2, 200},
		{"the acknowledgement, never past its budget", "POST", "/api/v9/interactions/1/tok/callback", []int{503, 503, 503, 503, 503}, nil, 4, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := &scriptedTransport{statuses: tt.statuses, err: tt.err}
				rt := newRetrying(st)
				req, _ := http.NewRequestWithContext(context.Background(), tt.method, "https://discord.test"+tt.path, strings.NewReader(`{"content":"hi"}`))
				resp, err := rt.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tt.status || len(st.at) != tt.tries {
					t.Errorf("status %d after %d tries; want %d after %d", resp.StatusCode, len(st.at), tt.status, tt.tries)
				}
				for i := 1; i < len(st.at); i++ {
					want := retryBackoff << (i - 1)
					if gap := st.at[i].Sub(st.at[i-1]); gap < want/2 || gap > want {
						t.Errorf("wait before try %d: %v, want within [%v, %v]", i+1, gap, want/2, want)
					}
				}
				if d := st.at[len(st.at)-1].Sub(st.at[0]); isCallback(req) && d > ackBudget {
					t.Errorf("the acknowledgement was tried %v after the first try", d)
				}
				for _, b := range st.bodies {
					if b != `{"content":"hi"}` {
						t.Errorf("a try sent %q", b)
					}
				}
			})
		})
	}
	t.Run("no try past the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := &scriptedTransport{statuses: []int{503, 503, 503}}
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "POST", "https://discord.test/api/v9/channels/1/messages", strings.NewReader("{}"))
			resp, err := newRetrying(st).RoundTrip(req)
			if err != nil || resp.StatusCode != 503 {
				t.Errorf("err %v, response %v; want the last 503, returned before the deadline", err, resp)
			}
			if len(st.at) == 4 || time.Since(start) > 250*time.Millisecond {
				t.Errorf("%d tries, returned after %v: a wait went past the 250ms deadline", len(st.at), time.Since(start))
			}
		})
	})
}

// waitClock is a clock that moves only when a retry waits: a wait returns
// at once, and the time is the sum of the waits so far.
type waitClock struct {
	mu      sync.Mutex
	elapsed time.Duration
}

func (c *waitClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Unix(0, 0).Add(c.elapsed)
}

func (c *waitClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.elapsed += d
	c.mu.Unlock()
	return nil
}
