package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// loadHeap is the most the heap may grow to while collection is held
// (holdGC): several times what loading the embedded series allocates, and
// small beside any machine that runs the bot.
const loadHeap = 256 << 20

var held struct {
	sync.Mutex
	n       int
	percent int
	limit   int64
}

// holdGC holds off garbage collection until the func it returns is called,
// unless the heap reaches loadHeap first. Loading the series allocates
// mostly what stays (passages, their terms and vectors), so collecting
// during it frees little, and cost about a tenth of a whole `seriesbot
// ask` (measured against GOGC=off).
// GOGC or GOMEMLIMIT in the environment are the user's choice and are
// left alone. Holds may overlap (tests load in parallel); the last release
// restores the settings the first hold found.
func holdGC() (release func()) {
	held.Lock()
	defer held.Unlock()
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	if held.n == 0 {
		held.percent = debug.SetGCPercent(-1)
		held.limit = debug.SetMemoryLimit(min(loadHeap, debug.SetMemoryLimit(-1)))
	}
	held.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			held.Lock()
			defer held.Unlock()
			held.n--
			if held.n == 0 {
				debug.SetGCPercent(held.percent)
				debug.SetMemoryLimit(held.limit)
			}
		})
	}
}
