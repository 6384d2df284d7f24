package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot/chart"
	"seriesbot/internal/openaitest"
)

// summaryJSON mirrors the documented --json contract of summary; decoding
// with unknown fields disallowed catches a renamed or missing field.
type summaryJSON struct {
	Segment  string `json:"segment"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
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
	Chart string `json:"chart"`
	Note  string `json:"note"`
}

func decodeSummary(t *testing.T, out string) summaryJSON {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var s summaryJSON
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if dec.More() {
		t.Fatalf("more than one object: %q", out)
	}
	return s
}

func TestSummaryJSONWithChart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "share.png")
	r := runCLI(t, "", "summary", "--json", "--chart", file, "cloud")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := decodeSummary(t, r.stdout)
	if s.Segment != "cloud" || s.Title != "Cloud computing" || !s.Grounded || s.Chart != file ||
		!strings.Contains(s.Summary, "RMB60 billion") || len(s.Sources) != 1 || s.Sources[0].URL != part2URL || s.Sources[0].Rank != 1 {
		t.Fatalf("summary = %+v", s)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the chart file is no PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
		t.Errorf("chart is %v", b)
	}
}

func TestSummaryCommandLine(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(aFile, []byte("not a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // each in stdout
		stderr []string // each in stderr
	}{
		{"list", []string{"--list"}, 0, []string{"ecosystem\tThe Alibaba ecosystem\n", "cloud\tCloud computing\n", "part-2\tPart 2 — Alibaba (Part 2)"}, nil},
		{"a part as text", []string{"part-3"}, 0, []string{"Part 3 — ", "31.4%", "Sources:\n[1] Part 3 — "}, nil},
		{"json without a chart", []string{"ant-group", "--json"}, 0, []string{`"segment":"ant-group"`, `"chart":""`, "80 million small businesses"}, nil},
		{"a chart asked of a segment without one", []string{"ant-group", "--chart", filepath.Join(dir, "none.png")}, 0, []string{"Ant Group — "}, []string{"has no chart"}},
		{"unknown segment", []string{"moon"}, exitUsage, nil, []string{`there is no segment "moon". The valid ones:` + "\necosystem\tThe Alibaba ecosystem\n", "part-3\tPart 3 — "}},
		{"no segment", nil, exitUsage, nil, []string{"no segment given"}},
		{"list and a segment", []string{"--list", "cloud"}, exitUsage, nil, []string{"--list takes no segment"}},
		{"chart not a png", []string{"cloud", "--chart", "x.svg"}, exitUsage, nil, []string{"name the file .png"}},
		{"data dir that is a file", []string{"cloud", "--data-dir", aFile}, exitFailure, nil, []string{"--data-dir"}},
		{"data dir made", []string{"cloud", "--data-dir", filepath.Join(dir, "data")}, 0, []string{"Cloud computing — "}, nil},
		{"data dir served", []string{"cloud", "--data-dir", filepath.Join(dir, "data")}, 0, []string{"Cloud computing — "}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", append([]string{"summary"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.png")); err == nil {
		t.Error("a chart file was written for a segment without a chart")
	}
}

func TestSummaryWithALanguageModel(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(func(req openai.ChatCompletionRequest) string {
		return "Ant Group grew out of Alipay [1] and serves over 80 million small businesses [1]."
	}))
	useFake(t, s)
	r := runCLI(t, "", "summary", "--json", "ant-group")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decodeSummary(t, r.stdout)
	if got.Summary != "Ant Group grew out of Alipay [1] and serves over 80 million small businesses [1]." || len(got.Sources) != 1 || got.Sources[0].Section != "Ant Group" {
		t.Errorf("summary = %+v", got)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls, want 1", n)
	}
}

// A model that fails leaves the offline summary, and --json says why in
// its note.
func TestSummaryJSONNotesAFailedModel(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.ServerError{Status: 400})
	useFake(t, s)
	r := runCLI(t, "", "summary", "--json", "ant-group")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decodeSummary(t, r.stdout)
	if !got.Grounded || !strings.Contains(got.Summary, "80 million small businesses") || got.Note == "" {
		t.Errorf("summary = %+v; want the offline one with a note", got)
	}
	if strings.Contains(got.Note, "server_error") {
		t.Errorf("the note carries the server's own text: %q", got.Note)
	}
}
