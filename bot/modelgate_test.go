package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// heldChat is a model whose every call holds on until released (or its
// context ends), counting how many run at once.
type heldChat struct {
	release chan struct{}
	mu      sync.Mutex
	running int
	most    int
	calls   int
}

func (c *heldChat) Stream(ctx context.Context, messages []Message, onDelta func(string)) (string, error) {
	c.mu.Lock()
	c.running++
	c.calls++
	c.most = max(c.most, c.running)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.running--
		c.mu.Unlock()
	}()
	select {
	case <-c.release:
		return "Alibaba Cloud made RMB60 billion [1].", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// TestModelGate runs on virtual time: the gate lets its number of calls
// run at once, makes the others wait their turn up to its bound, and cuts
// what runs when told.
func TestModelGate(t *testing.T) {
	t.Run("200 questions at once: at most the cap stream, every one served", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			chat := &heldChat{release: make(chan struct{})}
			g := NewModelGate(chat, 3, time.Minute)
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			for range 200 {
				wg.Go(func() {
					_, err := g.Stream(t.Context(), nil, nil)
					errs <- err
				})
			}
			synctest.Wait()
			if chat.running != 3 || g.Busy() != 3 {
				t.Errorf("%d calls running (gate: %d busy), want 3", chat.running, g.Busy())
			}
			close(chat.release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			if chat.most != 3 || chat.calls != 200 {
				t.Errorf("%d calls, at most %d at once; want 200, 3", chat.calls, chat.most)
			}
		})
	})
	t.Run("waiting is bounded", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			chat := &heldChat{release: make(chan struct{})}
			g := NewModelGate(chat, 1, 5*time.Second)
			go g.Stream(t.Context(), nil, nil)
			synctest.Wait()
			start := time.Now()
			_, err := g.Stream(t.Context(), nil, nil)
			var ce *ChatError
			if !errors.As(err, &ce) || ce.Reason != "too many questions at once" || time.Since(start) != 5*time.Second {
				t.Errorf("after %v: %v, want a ChatError after 5s", time.Since(start), err)
			}
			close(chat.release)
		})
	})
	t.Run("cut ends the calls in flight and refuses new ones", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			chat := &heldChat{release: make(chan struct{})}
			g := NewModelGate(chat, 1, time.Minute)
			errs := make(chan error, 2)
			go func() { _, err := g.Stream(t.Context(), nil, nil); errs <- err }()
			go func() { _, err := g.Stream(t.Context(), nil, nil); errs <- err }() // waits for the slot
			synctest.Wait()
			g.Cut()
			for range 2 {
				var ce *ChatError
				if err := <-errs; !errors.As(err, &ce) || ce.Reason != "the bot is restarting" {
					t.Errorf("err = %v, want the call cut", err)
				}
			}
			if _, err := g.Stream(t.Context(), nil, nil); err == nil || chat.calls != 1 {
				t.Errorf("after Cut: err %v after %d calls, want a refusal without a call", err, chat.calls)
			}
		})
	})
}

// TestModelGateAnswers: behind a gate of one call, a follow-up's two
// calls (condense, answer) run in turn, with no deadlock; a question that
// finds the gate busy past its bound is answered from the series, saying
// why.
func TestModelGateAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		chat := &heldChat{release: make(chan struct{})}
		close(chat.release) // every call answers at once
		a := defaultAnswerer(t)
		g := NewModelGate(chat, 1, 5*time.Second)
		a.LLM = g
		q := question(t, "When was it launched?")
		q.History = []Turn{{Question: "What is DingTalk?", Answer: "A workplace app [1]."}}
		if _, err := a.Answer(t.Context(), q, nil); err != nil || chat.calls != 2 {
			t.Fatalf("follow-up: %v after %d calls, want condense and answer", err, chat.calls)
		}

		held := &heldChat{release: make(chan struct{})}
		a.LLM = NewModelGate(held, 1, 5*time.Second)
		go a.LLM.Stream(t.Context(), nil, nil) // someone else's question holds the call
		synctest.Wait()
		ans, err := a.Answer(t.Context(), question(t, "How much revenue did Alibaba Cloud make?"), nil)
		if err != nil || !strings.Contains(ans.Note, "too many questions at once") || !strings.Contains(ans.Text, "RMB60 billion") {
			t.Errorf("answer %+v, %v; want the quoted answer with a note", ans, err)
		}
		close(held.release)
	})
}
