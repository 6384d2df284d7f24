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

// FormatText renders an answer for a terminal: the answer, then its
// numbered sources.
func FormatText(a Answer) string {
	var b strings.Builder
	b.WriteString(a.Text)
	if len(a.Sources) > 0 {
		b.WriteString("\n\nSources:")
		for i, s := range a.Sources {
			fmt.Fprintf(&b, "\n[%d] %s", i+1, SourceLine(s))
		}
	}
	return b.String()
}
