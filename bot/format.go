package bot

import (
	"fmt"
	"strings"
)

// SourceLine renders one cited source for plain text:
// "Part 2 — title — url (section)". A source without a known URL is named
// but not linked.
func SourceLine(s Source) string {
	var b strings.Builder
	if s.Part > 0 {
		fmt.Fprintf(&b, "Part %d — ", s.Part)
	}
	b.WriteString(s.Title)
	if s.URL != "" {
		b.WriteString(" — ")
		b.WriteString(s.URL)
	}
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
	b.WriteString(FormatSources(a))
	return b.String()
}

// FormatSources renders the numbered sources of an answer as they follow
// its text ("\n\nSources:\n[1] …"), or "" when it has none: a transport
// that streamed the text prints this after it.
func FormatSources(a Answer) string {
	if len(a.Sources) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\nSources:")
	for i, s := range a.Sources {
		fmt.Fprintf(&b, "\n[%d] %s", i+1, SourceLine(s))
	}
	return b.String()
}
