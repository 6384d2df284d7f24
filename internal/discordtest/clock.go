package discordtest

import (
	"sync"
	"time"
)

// Clock is a clock that moves only when the test moves it, for WithClock.
// With it a test states what happened when, instead of sleeping and hoping
// the machine keeps up: "the bot answered 4 s after the dispatch" is
// Advance(4 * time.Second) between the dispatch and the callback, and the
// fake measures exactly 4 s however loaded the machine is.
//
// A Clock is safe for concurrent use: a bot's handler may advance it while
// the fake reads it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that reads start until it is advanced. start
// should be after 2015, where Discord's snowflakes begin.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time; pass the method value to WithClock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
