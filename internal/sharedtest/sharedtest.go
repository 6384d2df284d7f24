// Package sharedtest finds the shared reference material (the official API
// specs and the real article text) that sits beside a checkout, for tests
// that use it. A plain clone has no such folder: those tests skip, saying
// why, instead of failing.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvDir names the variable that points at the shared folder explicitly.
const EnvDir = "SERIESBOT_SHARED_DIR"

// EnvRequire, set to 1, turns a missing shared folder or file into a test
// failure instead of a skip: CI sets it where the folder is laid out, so a
// path mistake cannot quietly skip the tests of the protocol fakes.
const EnvRequire = "SERIESBOT_REQUIRE_SHARED"

// Root returns the shared folder, or "" when there is none. It honours
// $SERIESBOT_SHARED_DIR, else looks for a "shared" folder beside the module
// root (the directory holding go.mod).
func Root() string {
	if d := os.Getenv(EnvDir); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// MissingReason opens the skip message of every test that finds no shared
// folder. A passing package's output is discarded by go test, so the run's
// report (internal/testreport) counts skips by the text of their message
// before the first "; ": keeping what differs between tests (the file they
// need) after that separator lets a whole clone's worth of skips add up to
// one line saying why.
const MissingReason = "shared reference folder not found (set " + EnvDir + " or place it beside the checkout as ../shared)"

// Path returns the shared file or folder at rel (slash-separated, e.g.
// "specs/openai-openapi.json"), or skips the test when it is not there,
// with a message of the form "<reason>; needs <rel>" (see MissingReason).
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root := Root()
	if root == "" && os.Getenv(EnvRequire) == "1" {
		tb.Fatalf("shared reference folder not found but %s=1 (set %s or place it beside the checkout as ../shared); it is needed for %s", EnvRequire, EnvDir, rel)
	}
	if root == "" {
		tb.Skipf("%s; needs %s", MissingReason, rel)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		if os.Getenv(EnvRequire) == "1" {
			tb.Fatalf("shared reference file %s not present (%v) but %s=1", p, err, EnvRequire)
		}
		tb.Skipf("shared reference file missing from %s; needs %s (%v)", root, rel, err)
	}
	return p
}
