//go:build ignore

// gen writes words.txt from a SCOWL word list (Debian's wamerican package
// installs one as /usr/share/dict/words): its lower-case words, the ones
// English writes without a capital, sorted. Words the list spells only
// with a capital (Beijing, CEO, iPhone) are names or abbreviations, and
// are left out on purpose. It writes common.txt the same way from SCOWL's
// size-10 lists, its most common words (Debian's scowl package installs
// them in /usr/share/dict/scowl).
//
//	go run gen.go [/usr/share/dict/words [/usr/share/dict/scowl]]
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

func main() {
	src, scowl := "/usr/share/dict/words", "/usr/share/dict/scowl"
	if len(os.Args) > 1 {
		src = os.Args[1]
	}
	if len(os.Args) > 2 {
		scowl = os.Args[2]
	}
	if err := run("words.txt", src); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := run("common.txt", filepath.Join(scowl, "english-words.10"), filepath.Join(scowl, "american-words.10")); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dst string, srcs ...string) error {
	var words []string
	for _, src := range srcs {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if w := sc.Text(); len(w) >= 2 && lowerASCII(w) {
				words = append(words, w)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read %s: %w", src, err)
		}
	}
	slices.Sort(words)
	words = slices.Compact(words)
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	for _, word := range words {
		w.WriteString(word)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return out.Close()
}

func lowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
