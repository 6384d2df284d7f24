package bot

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"seriesbot/corpus"
)

// quietLog drops what the commands log; tests assert on replies.
var quietLog = slog.New(slog.DiscardHandler)

func defaultCommands(t *testing.T) *Commands {
	t.Helper()
	return &Commands{Answerer: defaultAnswerer(t), Loader: &Loader{}, Log: quietLog}
}

func TestCommandSetFromTheCorpus(t *testing.T) {
	cmds := CommandSet(corpus.Default())
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "ask summary parts reload help" {
		t.Fatalf("commands = %v", names)
	}
	ask, _ := FindCommand(cmds, "ask")
	part := ask.Options[1]
	if part.Name != OptionPart || part.Type != OptionInteger || len(part.Choices) != 3 {
		t.Fatalf("part option = %+v", part)
	}
	if c := part.Choices[1]; c.Value != "2" || !strings.HasPrefix(c.Name, "Part 2 — Alibaba (Part 2)") || len([]rune(c.Name)) > 100 {
		t.Errorf("part choice = %+v", c)
	}
	sum, _ := FindCommand(cmds, "summary")
	segs := sum.Options[0].Choices
	if len(segs) < 5 || !containsChoice(segs, Choice{Name: "Cloud computing", Value: "cloud"}) {
		t.Errorf("segment choices = %+v", segs)
	}
	if reload, _ := FindCommand(cmds, "reload"); !reload.Admin || !reload.Private {
		t.Errorf("reload = %+v", reload)
	}
}

func containsChoice(cs []Choice, want Choice) bool {
	for _, c := range cs {
		if c == want {
			return true
		}
	}
	return false
}

func TestNoSummaryWithoutSegments(t *testing.T) {
	lib := &corpus.Library{Articles: []corpus.Article{{Part: 1, Title: "One", Sections: []corpus.Section{{Paragraphs: []string{"Text."}}}}}}
	for _, c := range CommandSet(lib) {
		if c.Name == CommandSummary {
			t.Error("/summary offered for a corpus without segments")
		}
	}
}

func TestParseLine(t *testing.T) {
	cmds := CommandSet(corpus.Default())
	tests := []struct {
		line string
		want Invocation
		err  string
	}{
		{"What is DingTalk?", Invocation{Command: "ask", Question: question(t, "What is DingTalk?")}, ""},
		{"/ask What is DingTalk?", Invocation{Command: "ask", Question: question(t, "What is DingTalk?")}, ""},
		{"/ask part:2 What is DingTalk?", Invocation{Command: "ask", Question: inPart(question(t, "What is DingTalk?"), 2)}, ""},
		{"/ask question:What is DingTalk? part:2", Invocation{Command: "ask", Question: inPart(question(t, "What is DingTalk?"), 2)}, ""},
		{"/summary cloud", Invocation{Command: "summary", Segment: "cloud"}, ""},
		{"/summary Cloud Computing", Invocation{Command: "summary", Segment: "cloud"}, ""},
		{"/summary segment:ant-group", Invocation{Command: "summary", Segment: "ant-group"}, ""},
		{"/PARTS", Invocation{Command: "parts"}, ""},
		{"/ask part:9 What?", Invocation{}, "part:9 is not one of the choices (one of 1, 2, 3)"},
		{"/ask part:2", Invocation{}, "/ask needs question:<question>"},
		{"/summary", Invocation{}, "/summary needs segment:<segment> or part:<part> (one of ecosystem"},
		{"/summary part:2", Invocation{Command: "summary", Question: Question{Part: 2}}, ""},
		{"/summary part-2", Invocation{Command: "summary", Segment: "part-2"}, ""},
		{"/summary moon", Invocation{}, "segment:moon is not one of the choices"},
		{"/parts now", Invocation{}, "/parts takes no text"},
		{"/frobnicate", Invocation{}, "unknown command /frobnicate"},
		{strings.Repeat("y", 1200), Invocation{}, "Your question is 1,200 characters long; questions are limited to 1,000"},
		{"/ask " + strings.Repeat("y", 1200), Invocation{}, "Your question is 1,200 characters long"},
		{"/ask ???", Invocation{}, "no words to search for"},
	}
	for _, tt := range tests {
		got, err := ParseLine(cmds, tt.line)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseLine(%q) error = %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || got.Command != tt.want.Command || got.Question.Text() != tt.want.Question.Text() || got.Question.Part != tt.want.Question.Part || got.Segment != tt.want.Segment {
			t.Errorf("ParseLine(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}

func TestAskReply(t *testing.T) {
	c := defaultCommands(t)
	r := c.Run(context.Background(), Invocation{Command: "ask", Question: question(t, "How much revenue did Alibaba Cloud make?")}, nil)
	if !strings.Contains(r.Text, "RMB60 billion") || len(r.Sources) == 0 || !r.Feedback || r.Private {
		t.Fatalf("reply = %+v", r)
	}
	if len(r.Links) != 1 || r.Links[0] != (Link{Label: "Part 2", URL: part2URL}) {
		t.Errorf("links = %+v", r.Links)
	}
	// A question the series does not cover points at every linked part.
	r = c.Run(context.Background(), Invocation{Command: "ask", Question: question(t, "What is the capital of France?")}, nil)
	if !strings.HasPrefix(r.Text, "The series does not cover that.") || len(r.Links) != 3 || len(r.Sources) != 0 {
		t.Errorf("refusal = %+v", r)
	}
	// A transport that passes no question gets a private refusal.
	if r = c.Run(context.Background(), Invocation{Command: "ask"}, nil); !r.Private || !strings.Contains(r.Text, "Your question is empty") {
		t.Errorf("no question = %+v", r)
	}
}

func TestPartsReply(t *testing.T) {
	r := defaultCommands(t).Run(context.Background(), Invocation{Command: "parts"}, nil)
	if !strings.HasPrefix(r.Text, "The Alibaba series has 4 parts:\n- Part 1 — ") || !strings.Contains(r.Text, "Part 4 — the Group's future (title not published) (no link available)") {
		t.Errorf("text = %s", r.Text)
	}
	if len(r.Links) != 3 || r.Links[1].URL != part2URL {
		t.Errorf("links = %+v (part 4 has no URL and must not be linked)", r.Links)
	}
}

func TestReloadReply(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	article := func(part int, text string) string {
		return "---\nseries: Lotus\npart: " + string(rune('0'+part)) + "\ntitle: \"Lotus (Part " + string(rune('0'+part)) + "): Tea\"\nurl: https://example.com/lotus-" + string(rune('0'+part)) + "\nsegment: tea\n---\n## Tea\n\n" + text + "\n"
	}
	write("one.md", article(1, "Lotus Tea sold 12 million tins of oolong in 2020."))
	write("two.md", article(2, "Lotus Tea opened 40 shops."))
	l := &Loader{Dir: dir}
	snap, _, err := l.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := &Commands{Answerer: NewAnswerer(snap), Loader: l, Log: quietLog}
	if r := c.Run(context.Background(), Invocation{Command: "reload"}, nil); !strings.Contains(r.Text, "Nothing changed.") || !r.Reloaded || !r.Private {
		t.Errorf("unchanged reload = %+v", r)
	}
	write("one.md", article(1, "Lotus Tea sold 13 million tins of oolong in 2021."))
	os.Remove(filepath.Join(dir, "two.md"))
	write("three.md", article(3, "Lotus Tea plans a factory."))
	write("broken.md", "---\npart: one\n---\ntext\n")
	r := c.Run(context.Background(), Invocation{Command: "reload"}, nil)
	for _, want := range []string{"Changed: Part 1 (1 passages, before 1).", "Added: Part 3 (1 passages).", "Removed: Part 2.", "Skipped: ", "broken.md"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("reload reply lacks %q:\n%s", want, r.Text)
		}
	}
	ans := c.Run(context.Background(), Invocation{Command: "ask", Question: question(t, "How many tins of oolong did Lotus Tea sell?")}, nil)
	if !strings.Contains(ans.Text, "13 million") {
		t.Errorf("answer after reload = %q", ans.Text)
	}
	// A failed reload keeps the corpus being served.
	os.RemoveAll(dir)
	r = c.Run(context.Background(), Invocation{Command: "reload"}, nil)
	if !strings.Contains(r.Text, "The reload failed, so the bot still answers from the corpus it had") || r.Reloaded {
		t.Errorf("failed reload = %+v", r)
	}
	if ans := c.Run(context.Background(), Invocation{Command: "ask", Question: question(t, "How many tins of oolong did Lotus Tea sell?")}, nil); !strings.Contains(ans.Text, "13 million") {
		t.Errorf("answer after a failed reload = %q", ans.Text)
	}
}

func TestHelpText(t *testing.T) {
	r := defaultCommands(t).Help("Mention me to ask.")
	for _, want := range []string{"/ask question:<question> [part:<part>] — Ask a question", "    part: 1, 2, 3", "cloud (Cloud computing)", "/parts — ", "/reload — ", "\n\nMention me to ask."} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("help lacks %q:\n%s", want, r.Text)
		}
	}
	if !r.Private {
		t.Error("help is not private")
	}
}

// With several series, /parts says so, and a part whose title does not
// name its series is named with it, in the list and in answers' sources.
func TestPartsOfSeveralSeries(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"corpus.yaml": "series:\n  - name: Alibaba\n    parts:\n      - part: 1\n        title: \"Alibaba (Part 1): Commerce\"\n        file: a1.md\n" +
			"  - name: JD\n    parts:\n      - part: 1\n        title: \"Introduction\"\n        url: https://example.com/jd-1\n        file: jd1.md\n",
		"a1.md":  "---\nseries: Alibaba\npart: 1\ntitle: \"Alibaba (Part 1): Commerce\"\n---\nTaobao was launched in 2003 as a marketplace. It grew fast.\n",
		"jd1.md": "---\nseries: JD\npart: 1\ntitle: Introduction\n---\nThe Zorblax warehouse network was built in 2007. It ships goods.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, _, err := (&Loader{Dir: dir}).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := &Commands{Answerer: NewAnswerer(snap), Log: quietLog}
	parts := c.Run(context.Background(), Invocation{Command: CommandParts}, nil)
	for _, want := range []string{"The corpus has 2 series, 2 parts in all:", "- Part 1 — Alibaba (Part 1): Commerce", "- JD Part 1 — Introduction — https://example.com/jd-1"} {
		if !strings.Contains(parts.Text, want) {
			t.Errorf("/parts lacks %q:\n%s", want, parts.Text)
		}
	}
	q, err := NewQuestion("When was the Zorblax warehouse network built?")
	if err != nil {
		t.Fatal(err)
	}
	ans := c.Run(context.Background(), Invocation{Command: CommandAsk, Question: q}, nil)
	if len(ans.Sources) == 0 || SourceLabel(ans.Sources[0]) != "JD Part 1 — Introduction (Overview)" {
		t.Errorf("sources = %+v", ans.Sources)
	}
}
