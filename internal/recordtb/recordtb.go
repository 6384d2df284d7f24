// Package recordtb provides a testing.TB that records Errorf calls instead
// of failing. The protocol fakes report every violation through Errorf; a
// test of their strictness needs to see what was reported without failing
// itself. Everything but Errorf goes to the real test.
package recordtb

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TB wraps a test, keeping its Errorf calls.
type TB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

// New wraps tb.
func New(tb testing.TB) *TB { return &TB{TB: tb} }

// Errorf records the message instead of failing the test. Fakes call it
// from their handler goroutines, so it is safe for concurrent use.
func (r *TB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// Errors returns the messages recorded so far.
func (r *TB) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}
