package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func TestAskAnswersWithLinks(t *testing.T) {
	r := runCLI(t, "", "ask", "How much revenue did Alibaba Cloud make?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"RMB60 billion", "[1]", "Sources:", "Part 2 — ", "https://investorinsights.asia/post/alibaba-part-2"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// jsonLine mirrors the documented --json contract; decoding with unknown
// fields disallowed catches a renamed or missing field.
type jsonLine struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Grounded bool   `json:"grounded"`
	Sources  []struct {
		Rank    int     `json:"rank"`
		Title   string  `json:"title"`
		Part    int     `json:"part"`
		Section string  `json:"section"`
		URL     string  `json:"url"`
		Score   float64 `json:"score"`
		Text    string  `json:"text"`
	} `json:"sources"`
	Note  string `json:"note"`
	Error string `json:"error"`
}

func decodeLines(t *testing.T, out string) []jsonLine {
	t.Helper()
	var lines []jsonLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var j jsonLine
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&j); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		lines = append(lines, j)
	}
	return lines
}

func TestAskJSON(t *testing.T) {
	r := runCLI(t, "", "ask", "--json", "--k", "3", "When was DingTalk launched?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := decodeLines(t, r.stdout)
	if len(lines) != 1 {
		t.Fatalf("want 1 line, got %d", len(lines))
	}
	l := lines[0]
	if !l.Grounded || !strings.Contains(l.Answer, "2015") || len(l.Sources) == 0 {
		t.Fatalf("answer = %+v", l)
	}
	s := l.Sources[0]
	if s.Part != 2 || s.URL == "" || s.Title == "" || s.Section == "" || s.Text == "" || s.Rank < 1 || s.Rank > 3 {
		t.Errorf("source = %+v", s)
	}
	if l.Question != "When was DingTalk launched?" {
		t.Errorf("question = %q", l.Question)
	}
}

func TestAskFlagsAfterTheQuestion(t *testing.T) {
	r := runCLI(t, "", "ask", "What", "is", "DingTalk?", "--json", "--part", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if l := decodeLines(t, r.stdout)[0]; l.Question != "What is DingTalk?" || !l.Grounded {
		t.Errorf("got %+v", l)
	}
}

func TestAskReadsQuestionsFromStdin(t *testing.T) {
	in := "When was Taobao launched?\n\nWhat is the capital of France?\n" + strings.Repeat("x", 1200) + "\nWhat is Damai?\n"
	r := runCLI(t, in, "ask", "--json", "-")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d because one question was too long", r.code, exitFailure)
	}
	lines := decodeLines(t, r.stdout)
	if len(lines) != 4 {
		t.Fatalf("want 4 lines (blank skipped), got %d:\n%s", len(lines), r.stdout)
	}
	if !lines[0].Grounded || !strings.Contains(lines[0].Answer, "2003") {
		t.Errorf("line 1 = %+v", lines[0])
	}
	if lines[1].Grounded {
		t.Errorf("off-topic line answered: %+v", lines[1])
	}
	if lines[2].Error == "" || lines[2].Grounded {
		t.Errorf("too-long line should carry an error: %+v", lines[2])
	}
	if !lines[3].Grounded {
		t.Errorf("the question after a failed one was not answered: %+v", lines[3])
	}
}

func TestAskErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, exitUsage, "Usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"empty question", []string{"ask", "  "}, exitUsage, "no question"},
		{"bad part", []string{"ask", "--part", "two", "q"}, exitUsage, "-part"},
		{"unknown part", []string{"ask", "--part", "9", "What is DingTalk?"}, exitUsage, "--part 9"},
		{"bad k", []string{"ask", "--k", "0", "q"}, exitUsage, "--k 0"},
		{"unknown flag", []string{"ask", "--jsn", "q"}, exitUsage, "jsn"},
		{"too long", []string{"ask", strings.Repeat("y", 1001)}, exitUsage, "1,001 characters long; questions are limited to 1,000"},
		{"missing corpus", []string{"ask", "--corpus", "/nonexistent/corpus", "q"}, exitFailure, "/nonexistent/corpus"},
		{"eval without questions", []string{"eval"}, exitUsage, "--questions"},
		{"eval missing file", []string{"eval", "--questions", "/nonexistent/q.jsonl"}, exitFailure, "/nonexistent/q.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.want)
			}
		})
	}
}

func TestAskCorpusDirWithABrokenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tea.md", "---\nseries: Lotus\npart: 1\ntitle: \"Lotus (Part 1): Tea\"\nurl: https://example.com/lotus-1\n---\n## Tea\n\nLotus Tea sold 12 million tins of oolong in 2020.\n")
	write("broken.md", "---\npart: one\n---\ntext\n")
	r := runCLI(t, "", "ask", "--corpus", dir, "How many tins of oolong did Lotus Tea sell?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "12 million") || !strings.Contains(r.stdout, "https://example.com/lotus-1") {
		t.Errorf("stdout = %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "broken.md") {
		t.Errorf("the broken file is not reported: %q", r.stderr)
	}
}

func TestEvalPrintsBothSystems(t *testing.T) {
	r := runCLI(t, "", "eval", "--questions", "../../testdata/questions.jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"hit@1", "hit@3", "MRR", "off-topic refusal", "seriesbot", "baseline"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestHelp(t *testing.T) {
	r := runCLI(t, "", "ask", "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "-corpus") {
		t.Errorf("ask -h: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestAskStdinLineTooLongIsReportedAndTheNextAnswered(t *testing.T) {
	in := strings.Repeat("cloud ", 20000) + "\nWhen was DingTalk launched?\n"
	r := runCLI(t, in, "ask", "--json", "-")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d", r.code, exitFailure)
	}
	lines := decodeLines(t, r.stdout)
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%.300s", len(lines), r.stdout)
	}
	if !strings.Contains(lines[0].Error, "longer than") {
		t.Errorf("line 1 error = %q", lines[0].Error)
	}
	if !lines[1].Grounded || !strings.Contains(lines[1].Answer, "2015") {
		t.Errorf("line 2 = %+v", lines[1])
	}
}

// TestAskStdinInterrupted: a signal while waiting for the next question
// ends the batch at once.
func TestAskStdinInterrupted(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"ask", "-"}, pr, &out, &errOut) }()
	if _, err := io.WriteString(pw, "When was DingTalk launched?\n"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted") {
			t.Errorf("exit %d, stderr %q", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ask - kept waiting for input after the context ended")
	}
}

// SERIESBOT_CORPUS names the corpus when --corpus does not, for every
// command that reads one; the flag wins over it.
func TestCorpusFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "corpus.yaml")
	writeFile(t, manifest, "series:\n  - name: Alibaba\n    parts:\n      - part: 1\n        title: \"Alibaba (Part 1): Example\"\n        file: one.md\n")
	writeFile(t, filepath.Join(dir, "one.md"), "---\nseries: Alibaba\npart: 1\ntitle: \"Alibaba (Part 1): Example\"\n---\nThe Zorblax platform was launched in 2004 by the Group. It sells widgets.\n")
	t.Setenv(envCorpus, manifest)

	if r := runCLI(t, "", "ask", "When was the Zorblax platform launched?"); r.code != 0 || !strings.Contains(r.stdout, "2004") {
		t.Errorf("ask with $%s: exit %d\n%s%s", envCorpus, r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", "ask", "--corpus", filepath.Join("..", "..", "corpus", "default", "corpus.yaml"), "When was Alibaba Cloud launched?"); r.code != 0 || !strings.Contains(r.stdout, "2009") {
		t.Errorf("--corpus over $%s: exit %d\n%s%s", envCorpus, r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", "index", "--data-dir", filepath.Join(dir, "data"), "--json"); r.code != 0 || !strings.Contains(r.stdout, `"added":1`) {
		t.Errorf("index with $%s: exit %d\n%s%s", envCorpus, r.code, r.stdout, r.stderr)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
