package main

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads the collector's percent and memory limit.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestHoldGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent, limit := gcSettings()

	outer := holdGC()
	inner := holdGC()
	if p, l := gcSettings(); p >= 0 || l != min(loadHeap, limit) {
		t.Fatalf("held: percent %d, limit %d; want collection off up to %d", p, l, min(loadHeap, limit))
	}
	outer()
	outer() // a release is counted once
	if p, _ := gcSettings(); p >= 0 {
		t.Fatalf("released while another hold is on: percent %d", p)
	}
	inner()
	if p, l := gcSettings(); p != percent || l != limit {
		t.Fatalf("after the last release: percent %d, limit %d; want %d, %d", p, l, percent, limit)
	}
}

func TestHoldGCLeavesTheUsersSettings(t *testing.T) {
	t.Setenv("GOGC", "50")
	percent, limit := gcSettings()
	release := holdGC()
	if p, l := gcSettings(); p != percent || l != limit {
		t.Fatalf("with GOGC set: percent %d, limit %d; want %d, %d untouched", p, l, percent, limit)
	}
	release()
}
