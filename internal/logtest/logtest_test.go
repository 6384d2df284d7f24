package logtest_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"seriesbot/internal/logtest"
)

func TestWaitFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b logtest.Buffer
		go func() {
			time.Sleep(time.Second)
			b.Write([]byte("connected\n"))
			time.Sleep(time.Second)
			b.Write([]byte("shutting down\n"))
		}()
		start := time.Now()
		if err := b.WaitFor(context.Background(), "shutting down"); err != nil || time.Since(start) != 2*time.Second {
			t.Errorf("WaitFor = %v after %v, want nil after 2s", err, time.Since(start))
		}
		if b.String() != "connected\nshutting down\n" {
			t.Errorf("String = %q", b.String())
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := b.WaitFor(ctx, "never"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitFor(never) = %v, want the deadline", err)
		}
	})
}
