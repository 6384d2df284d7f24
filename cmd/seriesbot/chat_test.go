package main

import (
	"strings"
	"testing"
)

func TestChatPiped(t *testing.T) {
	in := "How much revenue did Alibaba Cloud make?\n/ask part:1 When was Taobao launched?\n/summary cloud\n/parts\n/frob\n/help\n"
	r := runCLI(t, in, "chat")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"RMB60 billion",
		"Sources:\n[1] Part 2 — ",
		"2003",
		"Cloud computing — Alibaba's Cloud Computing segment",
		"The Alibaba series has 4 parts:",
		"unknown command /frob. /help lists the commands.",
		"/ask question:<question> [part:<part>]",
		"Any line that does not start with / is asked as a question.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Piped input gets no prompt and no greeting.
	if strings.HasPrefix(r.stdout, "> ") || strings.Contains(r.stdout, "\n> ") || strings.Contains(r.stdout, "type /help") {
		t.Errorf("prompt on piped input:\n%s", r.stdout)
	}
}

func TestChatFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"chat", "--k", "0"}, "--k 0"},
		{[]string{"chat", "What is DingTalk?"}, "questions are read from standard input"},
		{[]string{"chat", "--corpus", "/nonexistent/corpus"}, "/nonexistent/corpus"},
	} {
		r := runCLI(t, "", tt.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}
