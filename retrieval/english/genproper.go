//go:build ignore

// genproper writes proper.txt and places.txt from WordNet (Debian's
// wordnet-base package installs it in /usr/share/wordnet).
//
// proper.txt holds each adjective English writes with a capital and the
// proper nouns WordNet says it pertains to ("Turkish": Turkey; "Indian":
// India, American Indian), lower-cased, one adjective a line, its nouns
// after it, separated by tabs, sorted by adjective.
//
// places.txt holds each place WordNet names in one word and the places it
// lies in, nearest first ("pakistan": asia; "istanbul": turkey, asia,
// europe), lower-cased, in the same form.
//
//	go run genproper.go [/usr/share/wordnet]
package main

import (
	"bufio"
	"fmt"
	"maps"
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
	if err := runPlaces("places.txt", dir); err != nil {
		fmt.Fprintln(os.Stderr, "genproper:", err)
		os.Exit(1)
	}
}

// synset is a line of a WordNet data file: its words and its pointers.
type synset struct {
	words []string
	ptrs  []pointer
	// lex is the lexicographer file the synset comes from: "15" is
	// noun.location.
	lex string
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
		s := synset{lex: f[1]}
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
	// In the order of the file, so that an adjective's nouns come in the
	// same order on every run.
	offsets := slices.Sorted(maps.Keys(adj))
	for _, off := range offsets {
		s := adj[off]
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
	return write(dst, lines)
}

// maxDepth bounds how many places up a place's regions are followed:
// beyond it they are continents' parts of the world.
const maxDepth = 4

func runPlaces(dst, dir string) error {
	noun, err := readData(filepath.Join(dir, "data.noun"))
	if err != nil {
		return err
	}
	senses, err := readIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		return err
	}
	var lines []string
	for _, sense := range senses {
		var regions []string
		for _, off := range sense.offsets {
			s := noun[off]
			if s.lex != "15" || !slices.ContainsFunc(s.words, func(w string) bool { return strings.EqualFold(w, sense.lemma) && capitalised(w) }) {
				continue
			}
			// "#p": the place this one is part of, breadth first so that
			// the nearest come first.
			level := []string{off}
			for range maxDepth {
				var next []string
				for _, o := range level {
					for _, p := range noun[o].ptrs {
						if p.symbol != "#p" || p.pos != "n" {
							continue
						}
						next = append(next, p.offset)
						for _, w := range noun[p.offset].words {
							r := strings.ReplaceAll(strings.ToLower(w), "_", " ")
							if capitalised(w) && r != sense.lemma && !slices.Contains(regions, r) {
								regions = append(regions, r)
							}
						}
					}
				}
				level = next
			}
		}
		if len(regions) > 0 {
			lines = append(lines, sense.lemma+"\t"+strings.Join(regions, "\t"))
		}
	}
	return write(dst, lines)
}

// sense is a line of index.noun: a lemma and its synsets, the most
// frequent sense first.
type sense struct {
	lemma   string
	offsets []string
}

// readIndex reads the lemmas of one word from a WordNet index file.
func readIndex(path string) ([]sense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []sense
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || strings.ContainsAny(f[0], "_-.'") {
			continue
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || len(f) < n {
			return nil, fmt.Errorf("%s: bad line %.40q", path, line)
		}
		out = append(out, sense{lemma: f[0], offsets: f[len(f)-n:]})
	}
	return out, sc.Err()
}

// write writes lines to dst, sorted, one a line.
func write(dst string, lines []string) error {
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
