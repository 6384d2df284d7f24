// Package pinyin reads Chinese characters as toneless pinyin ("阿里云" is
// a, li, yun), as people without a Chinese keyboard type names. The
// readings are go-pinyin's (github.com/mozillazg/go-pinyin), written out
// into table.txt by this package's test: go-pinyin fills a map of forty
// thousand characters when a program starts, while the table is searched
// where it lies, so that a process pays nothing for it until it reads
// Chinese.
package pinyin

import (
	_ "embed"

	"seriesbot/retrieval/internal/lines"
)

// table holds one line a character, "XXXXX syllable\n", the character's
// code point in five upper-case hexadecimal digits, sorted.
//
//go:embed table.txt
var table string

// Syllables returns the pinyin of each character of s, or false when one
// of them has none (it is not a Chinese character go-pinyin reads).
func Syllables(s string) ([]string, bool) {
	out := make([]string, 0, len(s)/3)
	for _, r := range s {
		syl, ok := of(r)
		if !ok {
			return nil, false
		}
		out = append(out, syl)
	}
	return out, true
}

// of looks r up by the table's fixed-width keys.
func of(r rune) (string, bool) {
	if r < 0 || r > 0xFFFFF {
		return "", false
	}
	const hex = "0123456789ABCDEF"
	var k [6]byte
	for i := 4; i >= 0; i-- {
		k[i] = hex[r&0xF]
		r >>= 4
	}
	k[5] = ' '
	key := string(k[:])
	line, ok := lines.Find(table, key, func(line string) string { return line[:len(key)] })
	if !ok {
		return "", false
	}
	return line[len(key):], true
}
