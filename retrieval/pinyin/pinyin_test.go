package pinyin

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	gopinyin "github.com/mozillazg/go-pinyin"
)

var update = flag.Bool("update", false, "write table.txt again from go-pinyin")

// TestTableIsGoPinyin checks that the table reads every character as
// go-pinyin reads it (its first reading, without tones), and nothing
// else; with -update it writes the table from go-pinyin instead.
func TestTableIsGoPinyin(t *testing.T) {
	want := goPinyinTable()
	if *update {
		if err := os.WriteFile("table.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if table != want && !*update {
		t.Fatalf("table.txt differs from what go-pinyin reads (%d against %d bytes): go test ./retrieval/pinyin -update", len(table), len(want))
	}
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"阿里云", []string{"a", "li", "yun"}},
		{"高德地图", []string{"gao", "de", "di", "tu"}},
		{"淘宝", []string{"tao", "bao"}},
		{"钉钉", []string{"ding", "ding"}},
	} {
		if got, ok := Syllables(tt.in); !ok || !slices.Equal(got, tt.want) {
			t.Errorf("Syllables(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"abc", "阿a", "", "，"} {
		if got, ok := Syllables(in); ok && in != "" {
			t.Errorf("Syllables(%q) = %q, want false", in, got)
		}
	}
}

// goPinyinTable is the table as go-pinyin reads its characters.
func goPinyinTable() string {
	var lines []string
	for cp := range gopinyin.PinyinDict {
		if cp > 0xFFFFF {
			continue
		}
		syl := gopinyin.LazyConvert(string(rune(cp)), nil)
		if len(syl) != 1 || syl[0] == "" || strings.ContainsAny(syl[0], " \n") {
			continue
		}
		lines = append(lines, fmt.Sprintf("%05X %s\n", cp, syl[0]))
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

func BenchmarkSyllables(b *testing.B) {
	for b.Loop() {
		Syllables("高德地图")
	}
}
