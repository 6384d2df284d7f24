package llm_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/internal/openaitest"
)

// meter records the outcomes of the calls it is told of.
type meter struct {
	mu       sync.Mutex
	inflight int
	outcomes []string
}

func (m *meter) ModelCallStarted() func(string) {
	m.mu.Lock()
	m.inflight++
	m.mu.Unlock()
	return func(outcome string) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.inflight--
		m.outcomes = append(m.outcomes, outcome)
	}
}

// TestChatMeter: each call is counted once, with how it ended. The
// deadline and the cancellation have passed before the call starts, so
// nothing waits.
func TestChatMeter(t *testing.T) {
	tests := []struct {
		name    string
		fault   openaitest.Fault
		timeout time.Duration
		// cancelled gives up on the call as a shutdown would.
		cancelled bool
		want      string
	}{
		{"answered", nil, time.Minute, false, "ok"},
		{"rejected", openaitest.ServerError{Status: 400}, time.Minute, false, "error"},
		{"server error", openaitest.ServerError{Status: 503}, time.Minute, false, "error"},
		{"out of time", nil, time.Nanosecond, false, "timeout"},
		{"given up by the caller", nil, time.Minute, true, "canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openaitest.New(t)
			if tt.fault != nil {
				s.FailNext(tt.fault)
			}
			m := new(meter)
			c := &llm.Chat{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultChatModel,
				Timeout: tt.timeout, Retry: llm.Retry{Attempts: 1}, Meter: m}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelled {
				cancel()
			}
			_, err := c.Stream(ctx, []bot.Message{{Role: bot.RoleUser, Content: "When was Taobao launched?"}}, nil)
			if (tt.want == "ok") != (err == nil) {
				t.Fatalf("Stream: %v", err)
			}
			var ce *bot.ChatError
			if err != nil && !errors.As(err, &ce) {
				t.Errorf("error %T, want *bot.ChatError", err)
			}
			m.mu.Lock()
			defer m.mu.Unlock()
			if len(m.outcomes) != 1 || m.outcomes[0] != tt.want || m.inflight != 0 {
				t.Errorf("outcomes %q, %d in flight; want [%q], 0", m.outcomes, m.inflight, tt.want)
			}
		})
	}
}
