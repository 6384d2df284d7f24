package bot

import (
	"regexp"
	"sync"
	"testing"
)

// lazyRegexp is a regular expression compiled the first time it is used,
// as the Go tree's internal/lazyregexp does for cmd/go. The package holds
// some eighty expressions, compiling them took more than half of
// a whole `seriesbot ask` before main ran, and one question uses about
// half of them; the rest (summaries, follow-ups, comparisons) wait for the
// question that needs them.
type lazyRegexp struct {
	expr string
	once sync.Once
	rx   *regexp.Regexp
}

// newLazyRegexp returns expr to be compiled when first used. Under test
// it is compiled at once, so that a bad expression fails every test run,
// as regexp.MustCompile in a package variable would.
func newLazyRegexp(expr string) *lazyRegexp {
	l := &lazyRegexp{expr: expr}
	if testing.Testing() {
		l.re()
	}
	lazyRegexps = append(lazyRegexps, l)
	return l
}

// lazyRegexps are the package's expressions, for Warm. newLazyRegexp is
// only called to initialise package variables, so the slice is complete
// before any goroutine reads it.
var lazyRegexps []*lazyRegexp

// Warm compiles the package's regular expressions, which are otherwise
// compiled as questions first need them. A command calls it in its own
// goroutine while the series loads, so that on a machine of two cores or
// more the first question does not wait for them.
func Warm() {
	for _, l := range lazyRegexps {
		l.re()
	}
}

func (l *lazyRegexp) re() *regexp.Regexp {
	l.once.Do(func() { l.rx = regexp.MustCompile(l.expr) })
	return l.rx
}

// The methods the package uses, as regexp.Regexp has them.

func (l *lazyRegexp) MatchString(s string) bool              { return l.re().MatchString(s) }
func (l *lazyRegexp) FindString(s string) string             { return l.re().FindString(s) }
func (l *lazyRegexp) FindStringIndex(s string) []int         { return l.re().FindStringIndex(s) }
func (l *lazyRegexp) FindAllString(s string, n int) []string { return l.re().FindAllString(s, n) }
func (l *lazyRegexp) FindAllStringIndex(s string, n int) [][]int {
	return l.re().FindAllStringIndex(s, n)
}
func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.re().FindStringSubmatch(s) }
func (l *lazyRegexp) FindStringSubmatchIndex(s string) []int {
	return l.re().FindStringSubmatchIndex(s)
}
func (l *lazyRegexp) FindAllStringSubmatch(s string, n int) [][]string {
	return l.re().FindAllStringSubmatch(s, n)
}
func (l *lazyRegexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.re().FindAllStringSubmatchIndex(s, n)
}
func (l *lazyRegexp) ReplaceAllString(s, repl string) string { return l.re().ReplaceAllString(s, repl) }
func (l *lazyRegexp) ReplaceAllStringFunc(s string, repl func(string) string) string {
	return l.re().ReplaceAllStringFunc(s, repl)
}
func (l *lazyRegexp) String() string { return l.expr }
