//go:build ignore

// gen writes words.txt from a SCOWL word list (Debian's wamerican package
// installs one as /usr/share/dict/words): its lower-case words, the ones
// English writes without a capital, sorted. Words the list spells only
// with a capital (Beijing, CEO, iPhone) are names or abbreviations, and
// are left out on purpose. It writes common.txt the same way from SCOWL's
// size-10 lists, its most common words (Debian's scowl package installs
// them in /usr/share/dict/scowl), and names.txt from SCOWL's lists of
// capitalised words (names, abbreviations) up to size maxNameSize: each
// lower-cased, when English writes it capitalised at least as commonly as
// it writes it in lower case ("amazon", "aws", "ceo"; not "apple").
//
//	go run gen.go [/usr/share/dict/words [/usr/share/dict/scowl]]
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
)

// maxNameSize is the largest SCOWL size a capitalised word is taken from:
// beyond it the lists hold names few people know.
const maxNameSize = 60

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
	if err := names("names.txt", scowl); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// scowlList is the name of one of SCOWL's lists: its spelling, its kind
// and its size (10, the most common words, to 95).
var scowlList = regexp.MustCompile(`^(?:english|american)-(words|upper|proper-names|abbreviations)\.(\d+)$`)

// names writes the lower-cased capitalised words of the SCOWL lists in dir
// that English writes capitalised at least as commonly as in lower case.
func names(dst, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	lower, capital := map[string]int{}, map[string]int{}
	for _, e := range entries {
		m := scowlList.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		size, _ := strconv.Atoi(m[2])
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			w := sc.Text()
			l := lowerLetters(w)
			if len(l) < 2 {
				continue
			}
			// A word is lower case in the lists of words and capitalised in
			// the others; "etc" and "app" are abbreviations English writes
			// in lower case.
			sizes := capital
			if m[1] == "words" || l == w {
				if l != w {
					continue
				}
				sizes = lower
			}
			if s, ok := sizes[l]; !ok || size < s {
				sizes[l] = size
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read %s: %w", e.Name(), err)
		}
	}
	var words []string
	for w, size := range capital {
		if s, ok := lower[w]; size <= maxNameSize && (!ok || s >= size) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	return write(dst, words)
}

// lowerLetters is w lower-cased when it is made of ASCII letters only, and
// empty otherwise.
func lowerLetters(w string) string {
	b := []byte(w)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c < 'a' || c > 'z':
			return ""
		}
	}
	return string(b)
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
	return write(dst, slices.Compact(words))
}

// write writes words to dst, one a line.
func write(dst string, words []string) error {
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
