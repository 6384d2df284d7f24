package retrieval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"seriesbot/corpus"
)

// devQuestions are the questions of the development sets, which the
// index is searched with to compare two indexes.
func devQuestions(t *testing.T) []string {
	t.Helper()
	var qs []string
	for _, name := range []string{"dev.jsonl", "dev2.jsonl", "questions.jsonl"} {
		f, err := os.Open(filepath.Join("..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var l struct{ Q string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Q != "" {
				qs = append(qs, l.Q)
			}
		}
		f.Close()
	}
	if len(qs) < 100 {
		t.Fatalf("only %d questions read", len(qs))
	}
	return qs
}

func buildDefault(t *testing.T) *Index {
	t.Helper()
	ix, err := Build(t.Context(), corpus.Default().Passages(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// An index read back is the index written: what it learned, and what it
// finds for every question of the development sets.
func TestMarshalRoundTrip(t *testing.T) {
	built := buildDefault(t)
	data, err := built.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	read, err := UnmarshalIndex(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"passages", read.passages, built.passages},
		{"ids", read.byID, built.byID},
		{"terms", read.terms, built.terms},
		{"bm25", read.lex, built.lex},
		{"embedder", read.emb, built.emb},
		{"model", read.model, built.model},
		{"hashes", read.hashes, built.hashes},
		{"vectors", read.vecs, built.vecs},
		{"dims", read.dims, built.dims},
		{"vocabulary", read.vocab, built.vocab},
		{"Chinese names", read.aliases.han, built.aliases.han},
		{"their English names", read.aliases.name, built.aliases.name},
		{"entities", read.entities, built.entities},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s read back differ from those built", c.name)
		}
	}
	if len(read.aliases.pinyin) != len(built.aliases.pinyin) || len(built.aliases.pinyin) == 0 {
		t.Fatalf("%d pinyin names read back, %d built", len(read.aliases.pinyin), len(built.aliases.pinyin))
	}
	for i, p := range read.aliases.pinyin {
		b := built.aliases.pinyin[i]
		if p.re().String() != b.re().String() || p.name != b.name || p.joined != b.joined {
			t.Errorf("pinyin name %d: read %q for %s, built %q for %s", i, p.re(), p.name, b.re(), b.name)
		}
	}
	for _, w := range []string{"youku", "alibaba", "cloud", "gaode"} {
		if read.aliases.isName(w) != built.aliases.isName(w) {
			t.Errorf("isName(%q) read back differs", w)
		}
	}
	for _, q := range append(devQuestions(t), "aliyun revenue", "阿里云的收入是多少？") {
		want, werr := built.Search(t.Context(), q, Options{K: 8})
		got, gerr := read.Search(t.Context(), q, Options{K: 8})
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("%q: the index read back finds %v (%v), the one built %v (%v)", q, got, gerr, want, werr)
		}
	}
}

// The same index is written as the same bytes, so that an index kept with
// the program can be checked against a fresh build byte for byte.
func TestMarshalIsDeterministic(t *testing.T) {
	a, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the default corpus are written differently")
	}
}

type namedEmbedder struct{ LocalEmbedder }

func (namedEmbedder) Name() string { return "remote:test" }

func TestUnmarshalRejectsWhatItDidNotWrite(t *testing.T) {
	data, err := buildDefault(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	otherText := func() []byte {
		ix := buildDefault(t)
		ps := slices.Clone(ix.passages)
		ps[3].Text += " One sentence more."
		ix.passages = ps
		b, err := ix.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut short", data[:len(data)/2]},
		{"not gob", []byte("{\"format\": 1}")},
		{"a passage's text changed", otherText},
	} {
		ix, err := UnmarshalIndex(context.Background(), c.data)
		if ix != nil || !errors.Is(err, ErrIndexFormat) {
			t.Errorf("%s: got %v, %v; want ErrIndexFormat", c.name, ix, err)
		}
	}

	remote, err := Build(t.Context(), corpus.Default().Passages(0)[:3], &namedEmbedder{*NewLocalEmbedder([]string{"a b"}, 16)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.MarshalBinary(); err == nil {
		t.Error("an index of a remote embedder was written whole")
	}
}
