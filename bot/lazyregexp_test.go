package bot

import (
	"slices"
	"testing"
)

func TestLazyRegexp(t *testing.T) {
	l := &lazyRegexp{expr: `(?i)\bfy\s?(\d\d)\b`} // not registered: compiled on first use
	if l.String() != `(?i)\bfy\s?(\d\d)\b` {
		t.Errorf("String() = %q", l.String())
	}
	if got := l.FindStringSubmatch("cloud rev FY21?"); !slices.Equal(got, []string{"FY21", "21"}) {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	if got := l.ReplaceAllString("fy 22", "fiscal 20$1"); got != "fiscal 2022" {
		t.Errorf("ReplaceAllString = %q", got)
	}
}

// Under test every expression is compiled when the package starts, so a
// bad one fails the run rather than the first question that needs it.
func TestLazyRegexpsCompiledUnderTest(t *testing.T) {
	if len(lazyRegexps) < 50 {
		t.Fatalf("%d expressions registered; the package has more", len(lazyRegexps))
	}
	for _, l := range lazyRegexps {
		if l.rx == nil {
			t.Errorf("%s: not compiled", l.expr)
		}
	}
	Warm() // compiles nothing again, and does not block
}
