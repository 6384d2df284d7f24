package recordtb

import (
	"sync"
	"testing"
)

func TestRecordsInsteadOfFailing(t *testing.T) {
	r := New(t)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Errorf("violation %d\n", i)
		}()
	}
	wg.Wait()
	if got := r.Errors(); len(got) != 10 {
		t.Fatalf("recorded %d messages, want 10: %q", len(got), got)
	}
	if t.Failed() {
		t.Error("Errorf failed the wrapped test")
	}
}
