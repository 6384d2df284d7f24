package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// event is one line of `go test -json`, as documented by `go doc
// cmd/test2json`; ImportPath is set on the build-output and build-fail
// events of Go 1.24 and later, which carry no Package.
type event struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
	ImportPath  string
}

// run reads the stream from in, writes the report to out and the lines that
// are not events to errOut, and returns the exit status.
func run(in io.Reader, out, errOut io.Writer) int {
	r := &reporter{out: out, pkgs: map[string]*pkg{}, skips: map[string]int{}}
	br := bufio.NewReader(in)
	bad := false
	for {
		line, err := br.ReadString('\n')
		if strings.TrimSpace(line) != "" {
			var ev event
			if json.Unmarshal([]byte(line), &ev) != nil || ev.Action == "" {
				// The go command reports some errors (an untidy go.mod, a bad
				// flag) as plain text, which may arrive here through 2>&1;
				// only its note that it is fetching a module is no error.
				fmt.Fprint(errOut, strings.TrimSuffix(line, "\n")+"\n")
				if !strings.HasPrefix(line, "go: downloading ") {
					bad = true
				}
			} else {
				r.events++
				r.handle(ev)
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(errOut, "testreport: reading the test output: %v\n", err)
				bad = true
			}
			break
		}
	}
	r.finishUnfinished()
	r.printSkips()
	if r.failed {
		fmt.Fprintln(out, "FAIL")
	}
	if r.events == 0 {
		fmt.Fprintln(errOut, "testreport: no go test -json events on standard input (run: go test -json ./... | go run ./internal/testreport)")
		bad = true
	}
	if r.failed || bad {
		return 1
	}
	return 0
}

type reporter struct {
	out    io.Writer
	events int
	failed bool
	pkgs   map[string]*pkg
	order  []string // packages not yet finished, in the order they appeared
	skips  map[string]int
}

// pkg holds what a package printed until its result says whether it is
// shown (a failure shows everything plain go test would) or reduced to its
// summary line.
type pkg struct {
	name    string
	entries []entry // unindented output and failed top-level tests, in order
	summary string  // "ok  \tpkg\t0.1s" and the like
	tests   map[string]*test
	started []*test // in the order they first printed
}

// entry is a line of output or a failed test shown in its place.
type entry struct {
	line string
	test *test
}

type test struct {
	name       string
	header     string  // "--- FAIL: TestX (0.00s)", when it has ended
	items      []entry // its log lines and failed subtests
	shown      bool    // placed under its parent or in the package's output
	partial    bool    // its last output did not end a line
	lastInItem bool    // that output went to items (else to the package)
	subSkipped bool    // a subtest's skip was counted
}

func (r *reporter) handle(ev event) {
	switch ev.Action {
	case "build-output":
		// Compiler errors arrive before the package they fail, exactly as
		// plain go test prints them.
		fmt.Fprint(r.out, ev.Output)
		return
	case "build-fail":
		r.failed = true
		return
	}
	if ev.Package == "" {
		return
	}
	p := r.pkgs[ev.Package]
	if p == nil {
		p = &pkg{name: ev.Package, tests: map[string]*test{}}
		r.pkgs[ev.Package] = p
		r.order = append(r.order, ev.Package)
	}
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			if summaryLine(ev.Output, ev.Package) {
				p.summary = strings.TrimSuffix(ev.Output, "\n")
			}
			p.entries = append(p.entries, entry{line: ev.Output})
		case "pass", "fail", "skip":
			r.finish(p, ev)
		}
		return
	}
	t := p.test(ev.Test)
	switch ev.Action {
	case "output":
		p.output(t, ev.Output)
	case "fail":
		r.failed = true
		if !t.shown {
			if !strings.HasPrefix(t.header, "--- FAIL: ") {
				t.header = fmt.Sprintf("--- FAIL: %s (%.2fs)", t.name, ev.Elapsed)
			}
			p.show(t)
		}
	case "skip":
		r.countSkip(p, t)
		t.items = nil // a test that did not fail is never shown
	case "pass":
		t.items = nil
	}
}

func (p *pkg) test(name string) *test {
	t := p.tests[name]
	if t == nil {
		t = &test{name: name}
		p.tests[name] = t
		p.started = append(p.started, t)
	}
	return t
}

// headerRE matches the line with which the testing package ends a test.
var headerRE = regexp.MustCompile(`^ *--- (PASS|FAIL|SKIP|BENCH): `)

// output files a test's output the way plain go test arranges it: log
// lines (indented) stay with their test, shown under a "--- FAIL" header
// only if it fails, and everything else (fmt.Print, a panic's trace after
// the header) goes out in place, since plain go test does not hold it back.
func (p *pkg) output(t *test, out string) {
	if t.partial {
		t.partial = !strings.HasSuffix(out, "\n")
		if t.lastInItem {
			t.items[len(t.items)-1].line += out
		} else {
			p.entries = append(p.entries, entry{line: out})
		}
		return
	}
	t.partial = !strings.HasSuffix(out, "\n")
	t.lastInItem = false
	switch {
	case strings.HasPrefix(out, "=== "):
		// RUN, PAUSE, CONT and NAME lines only mark whose output follows.
	case t.header == "" && headerRE.MatchString(out):
		t.header = strings.TrimRight(strings.TrimLeft(out, " "), "\n")
		if strings.Contains(out, "--- FAIL: ") {
			p.show(t)
		}
	case t.header == "" && strings.HasPrefix(out, "    "):
		t.items = append(t.items, entry{line: out})
		t.lastInItem = true
	default:
		p.entries = append(p.entries, entry{line: out})
	}
}

// show places a failed test under its nearest parent that may still be
// shown (one still running, or failed), or among the package's output.
func (p *pkg) show(t *test) {
	t.shown = true
	for name := t.name; ; {
		i := strings.LastIndex(name, "/")
		if i < 0 {
			break
		}
		name = name[:i]
		if parent := p.tests[name]; parent != nil && (parent.header == "" || strings.HasPrefix(parent.header, "--- FAIL: ")) {
			parent.items = append(parent.items, entry{test: t})
			return
		}
	}
	p.entries = append(p.entries, entry{test: t})
}

func (r *reporter) finish(p *pkg, ev event) {
	delete(r.pkgs, p.name)
	r.order = slices.DeleteFunc(r.order, func(n string) bool { return n == p.name })
	var b strings.Builder
	switch ev.Action {
	case "fail":
		r.failed = true
		p.render(&b)
		if p.summary == "" {
			fmt.Fprintf(&b, "FAIL\t%s\t%.3fs\n", p.name, ev.Elapsed)
		}
	case "pass":
		if p.summary == "" {
			p.summary = fmt.Sprintf("ok  \t%s\t%.3fs", p.name, ev.Elapsed)
		}
		b.WriteString(p.summary + "\n")
	case "skip":
		if p.summary == "" {
			p.summary = fmt.Sprintf("?   \t%s\t[no test files]", p.name)
		}
		b.WriteString(p.summary + "\n")
	}
	io.WriteString(r.out, b.String())
}

// finishUnfinished reports the packages whose result never came, typically
// because the go command was killed: their output so far, with the tests
// still running shown as failed, since whatever stopped them is the news.
func (r *reporter) finishUnfinished() {
	for _, name := range r.order {
		p := r.pkgs[name]
		r.failed = true
		for _, t := range p.started {
			if t.header == "" && !t.shown {
				t.header = "--- FAIL: " + t.name + " (unfinished)"
				p.show(t)
			}
		}
		var b strings.Builder
		p.render(&b)
		fmt.Fprintf(&b, "FAIL\t%s\t[no result: the go test output ended before the package finished]\n", name)
		io.WriteString(r.out, b.String())
	}
	r.order = nil
}

func (p *pkg) render(b *strings.Builder) {
	for _, e := range p.entries {
		if e.test != nil {
			writeTest(b, e.test, 0)
		} else {
			b.WriteString(e.line)
		}
	}
}

// writeTest indents a failed subtest's report under its parent's, four
// spaces a level, as the testing package does when it is not streaming; the
// stream has already indented each log line once, relative to its test.
func writeTest(b *strings.Builder, t *test, depth int) {
	indent := strings.Repeat("    ", depth)
	b.WriteString(indent + t.header + "\n")
	for _, item := range t.items {
		if item.test != nil {
			writeTest(b, item.test, depth+1)
		} else {
			b.WriteString(indent + item.line)
		}
	}
}

func summaryLine(out, pkg string) bool {
	for _, prefix := range []string{"ok  \t", "FAIL\t", "?   \t"} {
		if strings.HasPrefix(out, prefix+pkg) {
			return true
		}
	}
	return false
}

// countSkip files a skipped test under its reason. A test that skipped
// without a message after its subtests skipped (t.SkipNow once none of
// them could run) is left out: its subtests already say why.
func (r *reporter) countSkip(p *pkg, t *test) {
	reason := skipReason(t.items)
	if reason == "" {
		if t.subSkipped {
			return
		}
		reason = "no reason given"
	}
	r.skips[reason]++
	for name := t.name; ; {
		i := strings.LastIndex(name, "/")
		if i < 0 {
			break
		}
		name = name[:i]
		if parent := p.tests[name]; parent != nil {
			parent.subSkipped = true
		}
	}
}

// sourcePrefixRE matches the "file.go:NN: " with which the testing package
// opens a message.
var sourcePrefixRE = regexp.MustCompile(`^[^\s:]+:\d+: `)

// skipReason returns the reason in a skipped test's last message (the one
// t.Skip wrote): its first line, without the source position, up to the
// first "; ", or "" when the test logged nothing.
func skipReason(items []entry) string {
	for _, e := range slices.Backward(items) {
		line := strings.TrimRight(e.line, "\n")
		if e.test != nil || !strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "        ") {
			continue // a subtest, or a continuation line of a longer message
		}
		msg := sourcePrefixRE.ReplaceAllString(strings.TrimLeft(line, " "), "")
		msg, _, _ = strings.Cut(msg, "; ")
		return strings.TrimSpace(msg)
	}
	return ""
}

func (r *reporter) printSkips() {
	type count struct {
		reason string
		n      int
	}
	var counts []count
	for reason, n := range r.skips {
		counts = append(counts, count{reason, n})
	}
	slices.SortFunc(counts, func(a, b count) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.reason, b.reason))
	})
	for _, c := range counts {
		noun := "tests"
		if c.n == 1 {
			noun = "test"
		}
		fmt.Fprintf(r.out, "%d %s skipped: %s\n", c.n, noun, c.reason)
	}
}
