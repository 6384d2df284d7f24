package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// stopTB records how Path ended a test instead of ending the real one, so
// the skip and failure messages can be checked. Skipf and Fatalf stop the
// calling goroutine as the real ones do; callPath runs Path on its own.
type stopTB struct {
	testing.TB
	skipped, fatal string
}

func (s *stopTB) Helper() {}

func (s *stopTB) Skipf(format string, args ...any) {
	s.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (s *stopTB) Fatalf(format string, args ...any) {
	s.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func callPath(t *testing.T, rel string) (path string, tb *stopTB) {
	tb = &stopTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		path = Path(tb, rel)
	}()
	<-done
	return path, tb
}

func TestPathSkipMessageStartsWithFixedReason(t *testing.T) {
	t.Setenv(EnvDir, filepath.Join(t.TempDir(), "absent"))
	t.Setenv(EnvRequire, "")
	for _, rel := range []string{"specs/openai-openapi.json", "series/000.txt"} {
		_, tb := callPath(t, rel)
		if want := MissingReason + "; needs " + rel; tb.skipped != want {
			t.Errorf("Path(%q) skipped with %q, want %q", rel, tb.skipped, want)
		}
		if tb.fatal != "" {
			t.Errorf("Path(%q) failed: %s", rel, tb.fatal)
		}
	}
}

func TestPathMissingFileSkipNamesFileAfterSeparator(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvDir, root)
	t.Setenv(EnvRequire, "")
	_, tb := callPath(t, "specs/absent.json")
	reason, rest, ok := strings.Cut(tb.skipped, "; ")
	if !ok || reason != "shared reference file missing from "+root || !strings.HasPrefix(rest, "needs specs/absent.json (") {
		t.Errorf("skip message %q, want %q then \"; needs specs/absent.json (…)\"", tb.skipped, "shared reference file missing from "+root)
	}
}

func TestPathRequiredFailsInsteadOfSkipping(t *testing.T) {
	t.Setenv(EnvRequire, "1")
	t.Run("folder", func(t *testing.T) {
		t.Setenv(EnvDir, filepath.Join(t.TempDir(), "absent"))
		_, tb := callPath(t, "specs/x.json")
		if tb.fatal == "" || tb.skipped != "" {
			t.Errorf("Path with %s=1 and no folder: fatal %q, skipped %q; want a failure", EnvRequire, tb.fatal, tb.skipped)
		}
	})
	t.Run("file", func(t *testing.T) {
		t.Setenv(EnvDir, t.TempDir())
		_, tb := callPath(t, "specs/x.json")
		if tb.fatal == "" || tb.skipped != "" {
			t.Errorf("Path with %s=1 and no file: fatal %q, skipped %q; want a failure", EnvRequire, tb.fatal, tb.skipped)
		}
	})
}

func TestPathFindsFolderBesideModuleRoot(t *testing.T) {
	parent := t.TempDir()
	mod := filepath.Join(parent, "checkout")
	want := filepath.Join(parent, "shared", "specs", "x.json")
	for _, dir := range []string{filepath.Join(mod, "pkg"), filepath.Dir(want)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(mod, "go.mod"), want} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvDir, "")
	t.Setenv(EnvRequire, "1")
	t.Chdir(filepath.Join(mod, "pkg"))
	got, tb := callPath(t, "specs/x.json")
	// The working directory may come back through a symlink (macOS /var).
	if g, err := filepath.EvalSymlinks(got); err == nil {
		got = g
	}
	if w, err := filepath.EvalSymlinks(want); err == nil {
		want = w
	}
	if got != want || tb.fatal != "" || tb.skipped != "" {
		t.Errorf("Path = %q (fatal %q, skipped %q), want %q", got, tb.fatal, tb.skipped, want)
	}
}
