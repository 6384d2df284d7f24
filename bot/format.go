package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SourceLabel names a cited source as every transport shows it:
// "Part 2 — title (section)". The terminal puts its URL after it, Discord
// links it.
func SourceLabel(s Source) string {
	var b strings.Builder
	if s.Part > 0 {
		b.WriteString(partLabel(s.Series, s.Part, s.Title))
	}
	b.WriteString(s.Title)
	if s.Section != "" {
		fmt.Fprintf(&b, " (%s)", s.Section)
	}
	return b.String()
}

// FormatText renders an answer for a terminal: the note on how it was
// made, if any, then the answer, then its numbered sources.
func FormatText(a Answer) string {
	var b strings.Builder
	if a.Note != "" {
		b.WriteString(a.Note)
		b.WriteString("\n\n")
	}
	b.WriteString(a.Text)
	b.WriteString(FormatSources(a.Sources))
	return b.String()
}

// FormatSources renders numbered sources as they follow an answer's text
// ("\n\nSources:\n[1] label — url"), or "" when there are none: a
// transport that streamed the text prints this after it. A source without
// a known URL is named but not linked.
func FormatSources(sources []Source) string {
	if len(sources) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\nSources:")
	for i, s := range sources {
		fmt.Fprintf(&b, "\n[%d] %s", i+1, SourceLabel(s))
		if s.URL != "" {
			b.WriteString(" — ")
			b.WriteString(s.URL)
		}
	}
	return b.String()
}

// Clip shortens s to at most n characters (code points, as Discord's
// limits count them), the "…" that marks the cut included. It never cuts
// inside a character.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
