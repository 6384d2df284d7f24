//go:build ignore

// genproper writes proper.txt from WordNet (Debian's wordnet-base package
// installs it in /usr/share/wordnet): each adjective English writes with a
// capital and the proper nouns WordNet says it pertains to ("Turkish":
// Turkey; "Indian": India, American Indian), lower-cased, one adjective a
// line, its nouns after it, separated by tabs, sorted by adjective.
//
//	go run genproper.go [/usr/share/wordnet]
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

func main() {
	dir := "/usr/share/wordnet"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run("proper.txt", dir); err != nil {
		fmt.Fprintln(os.Stderr, "genproper:", err)
		os.Exit(1)
	}
}

// synset is a line of a WordNet data file: its words and its pointers.
type synset struct {
	words []string
	ptrs  []pointer
}

type pointer struct {
	symbol, offset, pos string
	source, target      int // 1-based word numbers; 0 is the whole synset
}

// readData reads a WordNet data file (data.adj, data.noun) by offset.
func readData(path string) (map[string]synset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]synset{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") { // the license, at the top
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil || len(f) < 5+2*int(n) {
			return nil, fmt.Errorf("%s: bad line %.40q", path, line)
		}
		var s synset
		for i := range int(n) {
			w, _, _ := strings.Cut(f[4+2*i], "(") // "Turkish(a)": a marker
			s.words = append(s.words, w)
		}
		i := 4 + 2*int(n)
		pc, err := strconv.Atoi(f[i])
		if err != nil || len(f) < i+1+4*pc {
			return nil, fmt.Errorf("%s: bad pointers in %.40q", path, line)
		}
		for k := range pc {
			p := f[i+1+4*k : i+5+4*k]
			st, err := strconv.ParseUint(p[3], 16, 16)
			if err != nil {
				return nil, fmt.Errorf("%s: bad pointer in %.40q", path, line)
			}
			s.ptrs = append(s.ptrs, pointer{symbol: p[0], offset: p[1], pos: p[2], source: int(st >> 8), target: int(st & 0xff)})
		}
		out[f[0]] = s
	}
	return out, sc.Err()
}

// pick is the n-th word of words, or all of them for n 0.
func pick(words []string, n int) []string {
	if n == 0 {
		return words
	}
	if n > len(words) {
		return nil
	}
	return words[n-1 : n]
}

func run(dst, dir string) error {
	adj, err := readData(filepath.Join(dir, "data.adj"))
	if err != nil {
		return err
	}
	noun, err := readData(filepath.Join(dir, "data.noun"))
	if err != nil {
		return err
	}
	nouns := map[string][]string{}
	for _, s := range adj {
		for _, p := range s.ptrs {
			// "\" points an adjective at the noun it pertains to.
			if p.symbol != `\` || p.pos != "n" {
				continue
			}
			for _, a := range pick(s.words, p.source) {
				if !capitalised(a) || strings.ContainsAny(a, "_-") {
					continue
				}
				for _, n := range pick(noun[p.offset].words, p.target) {
					if !capitalised(n) {
						continue // "Christian": christianity
					}
					n = strings.ReplaceAll(strings.ToLower(n), "_", " ")
					a := strings.ToLower(a)
					if n == a || slices.Contains(nouns[a], n) {
						continue
					}
					nouns[a] = append(nouns[a], n)
				}
			}
		}
	}
	var lines []string
	for a, ns := range nouns {
		lines = append(lines, a+"\t"+strings.Join(ns, "\t"))
	}
	slices.Sort(lines)
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return out.Close()
}

func capitalised(w string) bool {
	r := []rune(w)
	return len(r) > 0 && unicode.IsUpper(r[0])
}
