package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const sharedReason = "shared reference folder not found (set SERIESBOT_SHARED_DIR or place it beside the checkout as ../shared)"

// The streams in testdata were recorded with `go test -json` (Go 1.26) from
// a throwaway module, then trimmed: stack traces shortened, unrelated
// packages left out. Where plain `go test` of the same packages was run
// too, stdout below is its output line for line (timings are the stream's).
func TestReport(t *testing.T) {
	tests := []struct {
		name   string
		file   string // in testdata
		input  string // when there is no file
		stdout []string
		stderr []string
		status int
	}{
		{
			name: "passing packages print only their summary line",
			file: "pass.jsonl", // TestMain and t.Log output included
			stdout: []string{
				"ok  \texample.com/demo/mainprint\t0.005s",
				"?   \texample.com/demo/notests\t[no test files]",
				"ok  \texample.com/demo/pass\t0.007s",
			},
		},
		{
			name: "cached packages say so and their skips still count",
			file: "cached.jsonl",
			stdout: []string{
				"ok  \texample.com/demo/pass\t(cached)",
				"ok  \texample.com/demo/skip\t(cached)",
				"9 tests skipped: " + sharedReason,
				"1 test skipped: first line of reason",
				"1 test skipped: needs network access",
				"1 test skipped: no reason given",
				"1 test skipped: slow",
			},
		},
		{
			// Counted: TestSpecA, TestSpecB, TestOld (the message before it
			// had a fixed prefix), both subtests of TestParentPasses, of
			// TestParentSkips (not the parent, which skipped without a
			// message after them) and of the parallel TestParallelParent,
			// which logged before skipping.
			name: "skips grouped by reason, most frequent first",
			file: "skip.jsonl",
			stdout: []string{
				"ok  \texample.com/demo/skip\t0.004s",
				"9 tests skipped: " + sharedReason,
				"1 test skipped: first line of reason",
				"1 test skipped: needs network access",
				"1 test skipped: no reason given",
				"1 test skipped: slow",
			},
		},
		{
			name: "failing tests shown as plain go test shows them",
			file: "fail.jsonl",
			stdout: []string{
				"--- FAIL: TestFail (0.00s)",
				"    fail_test.go:11: before",
				"    fail_test.go:12: got 1, want 2",
				"        second line",
				"--- FAIL: TestNested (0.00s)",
				"    fail_test.go:16: parent log",
				"    --- FAIL: TestNested/bad (0.00s)",
				"        --- FAIL: TestNested/bad/deeper (0.00s)",
				"            fail_test.go:19: deep failure",
				"        fail_test.go:20: bad failure",
				"    fail_test.go:22: parent after",
				"printed to stdout",
				"--- FAIL: TestPrints (0.00s)",
				"    fail_test.go:27: fatal",
				"FAIL",
				"FAIL\texample.com/demo/fail\t0.004s",
				"1 test skipped: flaky on CI",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "failing parallel subtest under its parent",
			file: "parallel.jsonl",
			stdout: []string{
				"--- FAIL: TestPar (0.00s)",
				"    p_test.go:14: parent log after starting subtests",
				"    --- FAIL: TestPar/b (0.00s)",
				"        p_test.go:10: b failed",
				"FAIL",
				"FAIL\texample.com/demo/parfail\t0.003s",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "panic trace after the failed test",
			file: "panic.jsonl",
			stdout: []string{
				"--- FAIL: TestPanics (0.00s)",
				"    p_test.go:8: about to panic",
				"panic: assignment to entry in nil map [recovered, repanicked]",
				"",
				"goroutine 8 [running]:",
				"example.com/demo/panics.TestPanics(0x341f0a2ea488?)",
				"\t/tmp/t2j/panics/p_test.go:10 +0x54",
				"FAIL\texample.com/demo/panics\t0.005s",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "a line split across events is not split in the report",
			file: "longline.jsonl",
			stdout: []string{
				"--- FAIL: TestLongLine (0.00s)",
				"    p_test.go:15: long: " + strings.Repeat("x", 10000) + " end",
				"FAIL",
				"FAIL\texample.com/demo/partial\t0.003s",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "build and setup failures print the compiler's output",
			file: "build.jsonl",
			stdout: []string{
				"# example.com/demo/setupfail",
				"setupfail/s_test.go:6:2: no required module provides package example.com/demo/nonexistent; to add it:",
				"\tgo get example.com/demo/nonexistent",
				"FAIL\texample.com/demo/setupfail [setup failed]",
				"# example.com/demo/buildfail [example.com/demo/buildfail.test]",
				"buildfail/b_test.go:6:6: declared and not used: x",
				`buildfail/b_test.go:6:14: cannot use "string" (untyped string constant) as int value in variable declaration`,
				"FAIL\texample.com/demo/buildfail [build failed]",
				"FAIL",
			},
			status: 1,
		},
		{
			// The vet failure's events arrive while the other package runs:
			// each package is printed when its own result comes.
			name: "timed-out package interleaved with a vet failure",
			file: "timeout.jsonl",
			stdout: []string{
				"# example.com/demo/vetfail",
				"# [example.com/demo/vetfail]",
				`vetfail/v_test.go:8:45: fmt.Sprintf format %d has arg "s" of wrong type string`,
				"FAIL\texample.com/demo/vetfail [build failed]",
				"panic: test timed out after 5s",
				"\trunning tests:",
				"\t\tTestHangs (5s)",
				"",
				"goroutine 5 [sleep]:",
				"time.Sleep(0xdf8475800)",
				"example.com/demo/timeout.TestHangs(0x317b7e92c248?)",
				"\t/tmp/t2j/timeout/t_test.go:10 +0x49",
				"FAIL\texample.com/demo/timeout\t5.010s",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "stream ending before the package's result",
			file: "truncated.jsonl", // fail.jsonl cut after TestNested/bad's header
			stdout: []string{
				"--- FAIL: TestFail (0.00s)",
				"    fail_test.go:11: before",
				"    fail_test.go:12: got 1, want 2",
				"        second line",
				"--- FAIL: TestNested (unfinished)",
				"    fail_test.go:16: parent log",
				"    --- FAIL: TestNested/bad (0.00s)",
				"        --- FAIL: TestNested/bad/deeper (0.00s)",
				"            fail_test.go:19: deep failure",
				"        fail_test.go:20: bad failure",
				"FAIL\texample.com/demo/fail\t[no result: the go test output ended before the package finished]",
				"FAIL",
			},
			status: 1,
		},
		{
			name: "go command error in plain text",
			file: "modneeds.txt", // go test -json ./... 2>&1 with go.mod missing a requirement
			stderr: []string{
				"go: downloading github.com/bwmarrin/discordgo v0.29.0",
				"go: downloading golang.org/x/crypto v0.58.0",
				"go: updates to go.mod needed; to update it:",
				"\tgo mod tidy",
				"testreport: no go test -json events on standard input (run: go test -json ./... | go run ./internal/testreport)",
			},
			status: 1,
		},
		{
			name:   "module download notes are not errors",
			file:   "download.txt", // go test -json ./... 2>&1 with an empty module cache
			stdout: []string{"ok  \texample.com/dl\t0.003s"},
			stderr: []string{"go: downloading golang.org/x/text v0.43.0"},
		},
		{
			name: "no input",
			stderr: []string{
				"testreport: no go test -json events on standard input (run: go test -json ./... | go run ./internal/testreport)",
			},
			status: 1,
		},
		{
			name:  "JSON that is not an event",
			input: `{"Package":"example.com/demo/pass"}` + "\n" + `{"Action":"start","Package":"example.com/demo/pass"}` + "\n" + `{"Action":"pass","Package":"example.com/demo/pass","Elapsed":0.5}`,
			stdout: []string{
				"ok  \texample.com/demo/pass\t0.500s",
			},
			stderr: []string{`{"Package":"example.com/demo/pass"}`},
			status: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.input
			if tt.file != "" {
				data, err := os.ReadFile(filepath.Join("testdata", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				in = string(data)
			}
			var stdout, stderr strings.Builder
			status := run(strings.NewReader(in), &stdout, &stderr)
			if got := lines(stdout.String()); !slices.Equal(got, tt.stdout) {
				t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.stdout, "\n"))
			}
			if got := lines(stderr.String()); !slices.Equal(got, tt.stderr) {
				t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.stderr, "\n"))
			}
			if status != tt.status {
				t.Errorf("exit status %d, want %d", status, tt.status)
			}
		})
	}
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		name   string
		output []string // the skipped test's own lines, as the stream has them
		want   string
	}{
		{"source position dropped", []string{"    x_test.go:9: needs network access\n"}, "needs network access"},
		{"file named after the separator dropped",
			[]string{"    shared.go:70: " + sharedReason + "; needs specs/openai-openapi.json\n"}, sharedReason},
		{"only the first separator counts", []string{"    x_test.go:9: slow; set -short=false; or wait\n"}, "slow"},
		{"first line of a longer message", []string{"    x_test.go:9: first\n", "        second\n"}, "first"},
		{"the last message is the skip", []string{"    x_test.go:8: logged first\n", "    x_test.go:9: the reason\n"}, "the reason"},
		{"message without a position", []string{"    the reason\n"}, "the reason"},
		{"no message", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []entry
			for _, l := range tt.output {
				items = append(items, entry{line: l})
			}
			if got := skipReason(items); got != tt.want {
				t.Errorf("skipReason(%q) = %q, want %q", tt.output, got, tt.want)
			}
		})
	}
}
