// Package lines finds a line of a sorted text in place, by binary search on
// the text itself: the word lists and the pinyin table are searched where
// they were embedded, so a process pays nothing to start with them.
package lines

import "strings"

// Find returns the line of text whose key is want. text holds lines each
// ending in a newline, sorted by key; key gives a line's key (the line
// itself, or its first field).
func Find(text, want string, key func(line string) string) (string, bool) {
	lo, hi := 0, len(text) // both at the start of a line
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(text[lo:mid], '\n') + 1
		end := start + strings.IndexByte(text[start:], '\n')
		line := text[start:end]
		switch k := key(line); {
		case k == want:
			return line, true
		case k < want:
			lo = end + 1
		default:
			hi = start
		}
	}
	return "", false
}

// Whole is the key of a line that is its own key.
func Whole(line string) string { return line }
