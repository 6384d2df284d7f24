package bot

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"seriesbot/corpus"
)

func runTerminal(t *testing.T, c *Commands, input string) string {
	t.Helper()
	var out strings.Builder
	term := &Terminal{Commands: c, In: strings.NewReader(input), Out: &out}
	if err := term.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestTerminalPiped(t *testing.T) {
	in := strings.Join([]string{
		"How much revenue did Alibaba Cloud make?",
		"",
		"/ask part:2 When was DingTalk launched?",
		"/summary cloud",
		"/parts",
		"/frobnicate",
		strings.Repeat("x", 1001),
		"/help",
		"/reload",
		"/quit",
		"What is Damai?",
	}, "\n")
	out := runTerminal(t, defaultCommands(t), in)
	for _, want := range []string{
		"RMB60 billion",
		"Sources:\n[1] Part 2 — Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives (Cloud Computing) — " + part2URL,
		"2015",
		"Cloud computing — Alibaba's Cloud Computing segment is made up of two businesses",
		"The Alibaba series has 4 parts:\n- Part 1",
		"unknown command /frobnicate. /help lists the commands.",
		"Your question is 1,001 characters long",
		"/summary [segment:<segment>] [part:<part>] — ",
		"Any line that does not start with / is asked as a question.",
		"Reloaded in ",
		"Nothing changed.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "Damai") {
		t.Error("a line after /quit was answered")
	}
	// Replies are separated by one blank line, and the output ends with
	// a line break.
	if !strings.Contains(out, part2URL+"\n\n") || !strings.HasSuffix(out, "\n") || strings.Contains(out, "\n\n\n") {
		t.Errorf("layout:\n%s", out)
	}
}

func TestTerminalPrompt(t *testing.T) {
	var out strings.Builder
	term := &Terminal{Commands: defaultCommands(t), In: strings.NewReader("/parts\n"), Out: &out, Prompt: "> "}
	if err := term.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "> The Alibaba series") || !strings.HasSuffix(out.String(), "\n> ") {
		t.Errorf("output = %q", out.String())
	}
}

// streamingChat writes its reply a word at a time, as a model streams.
type streamingChat struct{ reply string }

func (c streamingChat) Stream(ctx context.Context, _ []Message, onDelta func(string)) (string, error) {
	for _, w := range strings.SplitAfter(c.reply, " ") {
		if onDelta != nil {
			onDelta(w)
		}
	}
	return c.reply, ctx.Err()
}

func TestTerminalStreamsAnAnswerOnce(t *testing.T) {
	a := defaultAnswerer(t)
	a.LLM = streamingChat{reply: "Alibaba Cloud made RMB60 billion in fiscal 2021 [1]. It had 4 million customers [1]."}
	c := &Commands{Answerer: a, Log: quietLog}
	out := runTerminal(t, c, "How much revenue did Alibaba Cloud make?\n")
	want := "Alibaba Cloud made RMB60 billion in fiscal 2021 [1]. It had 4 million customers [1].\n\nSources:\n[1] Part 2 — "
	if !strings.HasPrefix(out, want) || strings.Count(out, "RMB60") != 1 {
		t.Errorf("output:\n%s\nwant it to start:\n%s", out, want)
	}
}

// An interrupt ends the chat at once, even while it waits for a line.
func TestTerminalInterruptWhileWaiting(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- (&Terminal{Commands: defaultCommands(t), In: r, Out: io.Discard}).Run(ctx)
	}()
	cancel()
	hung, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-hung.Done():
		t.Fatal("Run did not return after the interrupt")
	}
}

// A line too long to keep is refused, and the chat goes on.
func TestTerminalOverLongLine(t *testing.T) {
	out := runTerminal(t, defaultCommands(t), strings.Repeat("x", MaxLineBytes+10)+"\n/parts\n")
	if !strings.Contains(out, "far longer than the 1,000 characters") || !strings.Contains(out, "The Alibaba series has 4 parts") {
		t.Errorf("output:\n%s", out)
	}
}

// FuzzParseLine: any line typed in the terminal is either refused with a
// message or read as a command of the set, with a question that can be
// asked.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"What is DingTalk?", "/ask part:2 What is DingTalk?", "/ask question:x part:9", "/summary Cloud Computing", "/parts now", "/", "/ask", "/ask part:", "???", "/help me"} {
		f.Add(s)
	}
	cmds := CommandSet(corpus.Default())
	f.Fuzz(func(t *testing.T, line string) {
		inv, err := ParseLine(cmds, line)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseLine(%q): an empty error", line)
			}
			return
		}
		if _, ok := FindCommand(cmds, inv.Command); !ok {
			t.Fatalf("ParseLine(%q) = command %q, not in the set", line, inv.Command)
		}
		if inv.Command == CommandAsk {
			if _, err := NewQuestion(inv.Question.Text()); err != nil {
				t.Fatalf("ParseLine(%q) let through a question that cannot be asked: %v", line, err)
			}
		}
	})
}

// The terminal is one conversation, as a Discord thread is: a follow-up
// is read with the question before it.
func TestTerminalKeepsTheConversation(t *testing.T) {
	out := runTerminal(t, defaultCommands(t), "How much revenue did Alibaba Cloud make?\nand how many customers?\n")
	if strings.Contains(out, "does not cover") {
		t.Errorf("the follow-up was refused:\n%s", out)
	}
	// Both answers quote the sentence with the customers.
	if n := strings.Count(out, "4 million customers"); n < 2 {
		t.Errorf("the follow-up was not answered with the customers (%d mentions):\n%s", n, out)
	}
}

// In the terminal a summary's chart is written to a file, named after the
// summary; a summary without one writes none.
func TestTerminalWritesSummaryCharts(t *testing.T) {
	c := defaultCommands(t)
	c.Charts = func(ch Chart) ([]byte, error) { return []byte("png of " + ch.Title), nil }
	dir := t.TempDir()
	var out strings.Builder
	term := &Terminal{Commands: c, In: strings.NewReader("/summary cloud\n/summary ant-group\n"), Out: &out, ChartDir: dir}
	if err := term.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("files written: %v (%v); want the cloud summary's chart alone\n%s", files, err, out.String())
	}
	if strings.Count(out.String(), "Chart: ") != 1 || !strings.Contains(out.String(), "Chart: "+files[0]+"\n") {
		t.Errorf("the chart's file is not named after the summary:\n%s", out.String())
	}
	if data, _ := os.ReadFile(files[0]); !strings.HasPrefix(string(data), "png of ") {
		t.Errorf("chart file holds %q", data)
	}
}
