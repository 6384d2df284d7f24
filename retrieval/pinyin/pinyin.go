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
	"strings"
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

// of looks r up by binary search on the table's fixed-width keys.
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
	lo, hi := 0, len(table) // both at the start of a line
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(table[lo:mid], '\n') + 1
		end := start + strings.IndexByte(table[start:], '\n')
		line := table[start:end]
		switch k := line[:len(key)]; {
		case k == key:
			return line[len(key):], true
		case k < key:
			lo = end + 1
		default:
			hi = start
		}
	}
	return "", false
}
