package discord

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestStreamEditorPacing runs on virtual time: an answer that starts at
// once, then grows every 100 ms from 50 ms to 1.65 s, is shown at once,
// then a second later with the newest text, and nothing is sent after
// stop.
func TestStreamEditorPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type edit struct {
			at   time.Duration
			text string
		}
		var mu sync.Mutex
		var edits []edit
		start := time.Now()
		e := startStreamEditor(time.Second, func(text string) {
			mu.Lock()
			defer mu.Unlock()
			edits = append(edits, edit{time.Since(start), text})
		})
		text := "w "
		e.update(text)
		time.Sleep(50 * time.Millisecond)
		for i := range 17 {
			if i > 0 {
				time.Sleep(100 * time.Millisecond)
			}
			text += "w "
			e.update(text)
		}
		synctest.Wait()
		e.stop()
		time.Sleep(5 * time.Second)
		mu.Lock()
		defer mu.Unlock()
		want := []edit{{0, "w "}, {time.Second, "w w w w w w w w w w w "}}
		if len(edits) != len(want) || edits[0] != want[0] || edits[1] != want[1] {
			t.Errorf("edits = %+v, want %+v", edits, want)
		}
	})
}

// TestDrainWaitsForTheGrace runs on virtual time: shutdown waits for the
// answers in progress while they finish within the grace, and no longer.
func TestDrainWaitsForTheGrace(t *testing.T) {
	tests := []struct {
		name     string
		work     time.Duration // of the one handler running
		finished bool
		took     time.Duration
	}{
		{"nothing running", 0, true, 0},
		{"finishes within the grace", 3 * time.Second, true, 3 * time.Second},
		{"cut at the grace", time.Minute, false, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var f inflight
				if tt.work > 0 {
					f.begin()
					time.AfterFunc(tt.work, f.end)
				}
				start := time.Now()
				finished := f.drain(10 * time.Second)
				if finished != tt.finished || time.Since(start) != tt.took {
					t.Errorf("drain = %v after %v, want %v after %v", finished, time.Since(start), tt.finished, tt.took)
				}
				if f.begin() {
					t.Error("a handler began after shutdown")
				}
				synctest.Wait()
			})
		})
	}
}
