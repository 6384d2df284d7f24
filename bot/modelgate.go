package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of ModelGate.
const (
	// DefaultModelCalls bounds the calls to a language model running at
	// once: enough for a busy server's questions to stream side by side,
	// few enough that a burst (200 users at once, each follow-up two
	// calls) cannot run up the bill or the service's rate limit.
	DefaultModelCalls = 8
	// DefaultModelWait bounds how long a question waits for a call to
	// free up; past it the answer is quoted from the series. Users
	// meanwhile see the bot thinking or typing.
	DefaultModelWait = 15 * time.Second
)

// Why a ModelGate did not call the model.
var (
	errModelBusy = errors.New("every model call is in use")
	errModelCut  = errors.New("model calls were cut short by shutdown")
)

// ModelGate is a Chat that bounds the calls to the Chat behind it, for
// every question of the process together: a call waits for one of a fixed
// number of slots, up to a bound, and fails with a *ChatError when none
// frees up, so that the answer is quoted from the series instead. Each
// call takes its own slot and frees it when it returns: a follow-up's
// condensation and answer run one after the other and never hold two, so
// no question can wait on itself. Cut ends the calls in flight, for a
// shutdown that cannot wait for them.
type ModelGate struct {
	chat  Chat
	slots chan struct{}
	wait  time.Duration

	cut    context.Context
	cutNow context.CancelFunc
	once   sync.Once
}

// NewModelGate returns a gate before chat letting calls (≤ 0:
// DefaultModelCalls) run at once, a call waiting up to wait (≤ 0:
// DefaultModelWait) for its turn.
func NewModelGate(chat Chat, calls int, wait time.Duration) *ModelGate {
	if calls <= 0 {
		calls = DefaultModelCalls
	}
	if wait <= 0 {
		wait = DefaultModelWait
	}
	g := &ModelGate{chat: chat, slots: make(chan struct{}, calls), wait: wait}
	g.cut, g.cutNow = context.WithCancel(context.Background())
	return g
}

// Stream implements Chat: it waits for a slot, then streams from the Chat
// behind the gate.
func (g *ModelGate) Stream(ctx context.Context, messages []Message, onDelta func(string)) (string, error) {
	if g.cut.Err() != nil {
		return "", g.cutError(errModelCut)
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return "", &ChatError{Reason: "too many questions at once", Err: fmt.Errorf("%w: none freed up within %v", errModelBusy, g.wait)}
	case <-ctx.Done():
		return "", ctx.Err()
	case <-g.cut.Done():
		return "", g.cutError(errModelCut)
	}
	defer func() { <-g.slots }()
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(g.cut, cancel)
	defer stop()
	reply, err := g.chat.Stream(callCtx, messages, onDelta)
	if err != nil && g.cut.Err() != nil && ctx.Err() == nil {
		return reply, g.cutError(err)
	}
	return reply, err
}

func (g *ModelGate) cutError(err error) error {
	return &ChatError{Reason: "the bot is restarting", Err: err}
}

// Cut ends the calls in flight and fails those that come later at once:
// each answer waiting on the model is quoted from the series instead, with
// a note saying why. A shutdown calls it when its grace period ends.
func (g *ModelGate) Cut() { g.cutNow() }

// Busy returns how many calls hold a slot now.
func (g *ModelGate) Busy() int { return len(g.slots) }
