//go:build ignore

// gen writes words.txt from a SCOWL word list (Debian's wamerican package
// installs one as /usr/share/dict/words): its lower-case words, the ones
// English writes without a capital, sorted. Words the list spells only
// with a capital (Beijing, CEO, iPhone) are names or abbreviations, and
// are left out on purpose.
//
//	go run gen.go [/usr/share/dict/words]
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
)

func main() {
	src := "/usr/share/dict/words"
	if len(os.Args) > 1 {
		src = os.Args[1]
	}
	if err := run(src, "words.txt"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := sc.Text(); len(w) >= 2 && lowerASCII(w) {
			words = append(words, w)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", src, err)
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
