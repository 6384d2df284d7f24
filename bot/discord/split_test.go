package discord

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitMessage(t *testing.T) {
	sentence := "Alibaba Cloud earned RMB60 billion of revenue. "
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"fits", "one two", 10, []string{"one two"}},
		{"empty", "  \n ", 10, nil},
		{"paragraphs", "aaaa bbbb\n\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"lines", "aaaa bbbb\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"sentences", "One two. Three four five.", 16, []string{"One two.", "Three four five."}},
		{"words", "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"one long word", strings.Repeat("x", 25), 10, []string{strings.Repeat("x", 10), strings.Repeat("x", 10), strings.Repeat("x", 5)}},
		{"cjk sentences", "阿里云收入六百亿。钉钉用户很多。", 10, []string{"阿里云收入六百亿。", "钉钉用户很多。"}},
		{"characters not bytes", strings.Repeat("é", 8) + " " + strings.Repeat("é", 8), 9, []string{strings.Repeat("é", 8), strings.Repeat("é", 8)}},
		{"link kept whole", "see https://example.com/a-b-c-d-e for more", 30, []string{"see", "https://example.com/a-b-c-d-e", "for more"}},
		{"markdown link kept whole", "read [Part 2 of the series](https://x.io/p2) now", 40, []string{"read", "[Part 2 of the series](https://x.io/p2)", "now"}},
		{"no sentence cut inside a URL", "Go to https://x.io/a.b c", 16, []string{"Go to", "https://x.io/a.b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitMessage(tt.text, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("splitMessage(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
			}
		})
	}
	// A long answer: every piece fits, no word is lost or cut.
	long := strings.Repeat(sentence, 100) + "\n\n" + strings.Repeat(sentence, 30)
	pieces := splitMessage(long, maxMessageRunes)
	if len(pieces) < 3 {
		t.Fatalf("%d pieces", len(pieces))
	}
	for i, p := range pieces {
		if n := utf8.RuneCountInString(p); n > maxMessageRunes {
			t.Errorf("piece %d has %d characters", i, n)
		}
		if !strings.HasSuffix(p, ".") {
			t.Errorf("piece %d does not end at a sentence end: …%q", i, p[len(p)-20:])
		}
	}
	if strings.Join(strings.Fields(strings.Join(pieces, " ")), " ") != strings.Join(strings.Fields(long), " ") {
		t.Error("the pieces do not add up to the text")
	}
}

func TestPreviewText(t *testing.T) {
	if got := previewText("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
	got := previewText("alpha beta gamma delta", 14)
	if got != "alpha beta …" {
		t.Errorf("got %q", got)
	}
}

func FuzzSplitMessage(f *testing.F) {
	f.Add("One two. Three four five.\n\nSix https://example.com/x.y seven", 12)
	f.Add("阿里云收入六百亿。钉钉", 4)
	f.Add(strings.Repeat("x", 50), 7)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 1 || limit > 500 || !utf8.ValidString(text) {
			return
		}
		pieces := splitMessage(text, limit)
		for _, p := range pieces {
			if n := utf8.RuneCountInString(p); n > limit || n == 0 {
				t.Fatalf("piece %q has %d characters (limit %d)", p, n, limit)
			}
		}
		if strings.Join(strings.Fields(strings.Join(pieces, "")), "") != strings.Join(strings.Fields(text), "") {
			t.Fatalf("pieces %q lose text of %q", pieces, text)
		}
	})
}
