package llm

import (
	"context"
	"errors"
)

// Meter is told of each call to the chat model, for the operating metrics
// (bot/metrics implements it). A Chat without one counts nothing.
type Meter interface {
	// ModelCallStarted is told a call has started; the func it returns is
	// told, once, how the call ended: ok, error, timeout or canceled.
	ModelCallStarted() (ended func(outcome string))
}

// metered starts counting a call, and returns what ends it: with the
// caller's context, the call's own (under its time limit) and its error.
func (c *Chat) metered() func(ctx, callCtx context.Context, err error) {
	if c.Meter == nil {
		return func(context.Context, context.Context, error) {}
	}
	ended := c.Meter.ModelCallStarted()
	return func(ctx, callCtx context.Context, err error) { ended(callOutcome(ctx, callCtx, err)) }
}

// callOutcome names how a call ended: canceled when the caller gave up on
// it (a shutdown), timeout when a time limit ran out, the call's own or
// the caller's.
func callOutcome(ctx, callCtx context.Context, err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(ctx.Err(), context.Canceled):
		return "canceled"
	case errors.Is(callCtx.Err(), context.DeadlineExceeded):
		return "timeout"
	}
	return "error"
}
