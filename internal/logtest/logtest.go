// Package logtest is a log sink for tests of code whose goroutines log
// while the test reads what they said, and waits for them to say it.
package logtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
)

// Buffer is an io.Writer safe for concurrent writes and reads. The zero
// Buffer is ready to use.
type Buffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed on the next write; nil when nobody waits
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// WaitFor waits until what was written holds text, or ctx ends: a test
// orders its steps after what the code under test has done, instead of
// sleeping.
func (s *Buffer) WaitFor(ctx context.Context, text string) error {
	for {
		s.mu.Lock()
		found := strings.Contains(s.b.String(), text)
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("never written: %q: %w", text, ctx.Err())
		}
	}
}
