package metrics_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run when a goroutine outlives the tests: over months
// of serving, a leak per request adds up.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
