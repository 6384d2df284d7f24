package discord

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"seriesbot/bot"
	"seriesbot/internal/discordtest"
)

// stuckChat is a model that never answers: each call is announced on
// called, then waits until its context ends.
type stuckChat struct{ called chan struct{} }

func (c stuckChat) Stream(ctx context.Context, _ []bot.Message, _ func(string)) (string, error) {
	c.called <- struct{}{}
	<-ctx.Done()
	return "", ctx.Err()
}

// TestDiscordShutdownQuotesWhatTheModelDidNotFinish: answers still waiting
// on the model when the grace ends are quoted from the series, with the
// note saying why, on the interaction path and the mention path alike;
// then Run returns (without error) and the gateway closes. Nothing here
// waits on the clock: the model never answers, so the cut is all that
// ends its calls, whenever the grace ends (a short one keeps the test
// quick; the grace itself is tested on virtual time below).
func TestDiscordShutdownQuotesWhatTheModelDidNotFinish(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	chat := stuckChat{called: make(chan struct{}, 2)}
	a.LLM = chat
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true, ShutdownGrace: 100 * time.Millisecond})
	in := b.srv.DispatchInteraction(askSpec("How much revenue did Alibaba Cloud make?"))
	m := b.srv.DispatchMessage(b.srv.ChannelID(), discordtest.DefaultUser(), "How much revenue did Alibaba Cloud make?", true)
	for range 2 {
		select {
		case <-chat.called:
		case <-waitCtx(t).Done():
			t.Fatalf("the model was not asked twice; log:\n%s", b.logs.String())
		}
	}
	b.stop()

	const note = "The language model was unavailable (the bot is restarting); this answer is quoted from the series."
	got, _ := b.srv.Interaction(in.ID)
	if got.Original == nil || !strings.HasPrefix(got.Original.Content, "*"+note+"*") || !strings.Contains(got.Original.Content, "RMB60 billion") || len(got.Original.Embeds) != 1 {
		t.Errorf("interaction response after stopping: %+v", got.Original)
	}
	starter, _ := b.srv.Message(m.ID)
	answers := b.botMessages(starter.ThreadID)
	if starter.ThreadID == "" || len(answers) != 1 || !strings.HasPrefix(answers[0].Content, "*"+note+"*") || !strings.Contains(answers[0].Content, "RMB60 billion") {
		t.Errorf("thread %q answers after stopping: %q", starter.ThreadID, contents(answers))
	}
	if g := b.srv.Gateway(); g.Connected {
		t.Errorf("gateway still connected after Run returned: %+v", g)
	}
	b.noViolations(t)
}

// TestShutdownOnVirtualTime: shutdown returns as soon as the answers in
// progress end within the grace; at the grace's end it cuts the model
// calls still running, and their answers end right after.
func TestShutdownOnVirtualTime(t *testing.T) {
	tests := []struct {
		name  string
		model time.Duration // how long the model takes; 0 never answers
		took  time.Duration
		cut   bool
	}{
		{"the model answers within the grace", 3 * time.Second, 3 * time.Second, false},
		{"the model would outlast the grace", 30 * time.Second, 10 * time.Second, true},
		{"the model never answers", 0, 10 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				chat := sleepyChat{took: tt.model}
				d := &Bot{log: slog.New(slog.DiscardHandler), cfg: Config{ShutdownGrace: 10 * time.Second}, model: bot.NewModelGate(chat, 1, time.Minute)}
				var err error
				var wg sync.WaitGroup
				d.flight.begin()
				wg.Go(func() {
					defer d.flight.end()
					_, err = d.model.Stream(context.Background(), nil, nil)
				})
				synctest.Wait() // the call is running
				start := time.Now()
				d.shutdown()
				wg.Wait()
				if time.Since(start) != tt.took || (err != nil) != tt.cut {
					t.Errorf("shutdown took %v, call err %v; want %v, cut %v", time.Since(start), err, tt.took, tt.cut)
				}
			})
		})
	}
}

// sleepyChat answers after took, or never when took is 0.
type sleepyChat struct{ took time.Duration }

func (c sleepyChat) Stream(ctx context.Context, _ []bot.Message, _ func(string)) (string, error) {
	var after <-chan time.Time
	if c.took > 0 {
		after = time.After(c.took)
	}
	select {
	case <-after:
		return "An answer [1].", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// heldModel answers each call once the test releases it, announcing each
// call on called.
type heldModel struct {
	called  chan struct{}
	release chan struct{}
}

func (c heldModel) Stream(ctx context.Context, _ []bot.Message, onDelta func(string)) (string, error) {
	c.called <- struct{}{}
	select {
	case <-c.release:
		const reply = "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]."
		if onDelta != nil {
			onDelta(reply)
		}
		return reply, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestDiscordQuestionsWaitForAModelCall: with every model call in use, a
// question is acknowledged at once ("thinking…") and waits its turn, up to
// the bound; then it is answered from the series with a note, while the
// question holding the call gets the model's answer. Nothing here races
// the clock: the call is held until the waiting question has been
// answered.
func TestDiscordQuestionsWaitForAModelCall(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	chat := heldModel{called: make(chan struct{}, 2), release: make(chan struct{})}
	a.LLM = chat
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true, ModelCalls: 1, ModelWait: 200 * time.Millisecond})
	first := b.srv.DispatchInteraction(askSpec("How much revenue did Alibaba Cloud make?"))
	select {
	case <-chat.called:
	case <-waitCtx(t).Done():
		t.Fatal("the model was not asked")
	}
	in, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make in fiscal 2021?"))
	if cb := callback(t, in); cb.Type != 5 {
		t.Errorf("waiting question acknowledged with %d, want a deferred response (5)", cb.Type)
	}
	const note = "*The language model was unavailable (too many questions at once); this answer is quoted from the series.*"
	if !strings.HasPrefix(msg.Content, note) || !strings.Contains(msg.Content, "RMB60 billion") {
		t.Errorf("waiting question answered %q", msg.Content)
	}
	close(chat.release)
	if err := b.handled.wait(waitCtx(t), first.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.srv.Interaction(first.ID); got.Original == nil || got.Original.Content != "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]." {
		t.Errorf("the question holding the call got %+v", got.Original)
	}
	b.noViolations(t)
}
