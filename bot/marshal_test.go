package bot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

func loadDefault(t *testing.T) *Snapshot {
	t.Helper()
	snap, warn, err := Loader{}.Load(t.Context())
	if err != nil || warn != nil {
		t.Fatalf("load the embedded series: %v, %v", err, warn)
	}
	return snap
}

// The snapshot kept with the program is the one the embedded series
// builds today: the same bytes, or, on a processor that computes the last
// digits of the index's figures otherwise than the one that wrote it
// (see retrieval.Index.SameAs), the same series, kinds of answer and
// index.
func TestDefaultSnapshotIsCurrent(t *testing.T) {
	built := loadDefault(t)
	data, err := built.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(data, defaultSnapshot) {
		return
	}
	read, err := DefaultSnapshot(t.Context())
	if err == nil {
		err = sameSnapshot(read, built)
	}
	if err != nil {
		t.Fatalf("bot/default.snapshot is not what the embedded series builds today (%v): "+
			"the series, or how it is read or indexed, changed; run `go generate ./bot` and commit default.snapshot", err)
	}
}

// sameSnapshot reports how a snapshot read back differs from the one
// built, or nil.
func sameSnapshot(read, built *Snapshot) error {
	if !reflect.DeepEqual(read.Corpus, built.Corpus) || read.Series != built.Series || read.fingerprint != built.fingerprint {
		return errors.New("the library read back is not the one built")
	}
	for _, p := range built.Index.Passages() {
		if k, ok := read.kindsRead[p.ID]; !ok || k != passageKinds(p) {
			return fmt.Errorf("passage %s: kinds of answer %b read back, %b read from its text", p.ID, k, passageKinds(p))
		}
		if k := read.sentenceKinds[p.ID]; !reflect.DeepEqual(k, sentenceKinds(p)) {
			return fmt.Errorf("passage %s: kinds of its sentences %b read back, %b read from its text", p.ID, k, sentenceKinds(p))
		}
	}
	return read.Index.SameAs(built.Index)
}

// A snapshot read back answers every question of the development sets as
// the one built does.
func TestDefaultSnapshotAnswersAsABuild(t *testing.T) {
	built := loadDefault(t)
	read, err := DefaultSnapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := sameSnapshot(read, built); err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, name := range []string{"dev.jsonl", "dev2.jsonl", "questions.jsonl", "chat.jsonl"} {
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
	a, b := NewAnswerer(built), NewAnswerer(read)
	for _, text := range qs {
		q, err := NewQuestion(text)
		if err != nil {
			continue
		}
		want, werr := a.Answer(t.Context(), q, nil)
		got, gerr := b.Answer(t.Context(), q, nil)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gerr, werr) {
			t.Errorf("%q: read back answers\n%+v (%v)\nbuilt answers\n%+v (%v)", text, got, gerr, want, werr)
		}
	}
}

func TestUnmarshalSnapshotRejectsWhatItDidNotWrite(t *testing.T) {
	snap := loadDefault(t)
	lib := *snap.Corpus
	lib.Articles = lib.Articles[:1]
	other := &Snapshot{Corpus: &lib, Index: snap.Index}
	if _, err := other.MarshalBinary(); err == nil {
		t.Error("a snapshot whose index holds passages its library does not was written")
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut short", defaultSnapshot[:len(defaultSnapshot)/3]},
		{"text", []byte("Part 1: Alibaba")},
	} {
		if s, err := UnmarshalSnapshot(t.Context(), c.data); s != nil || !errors.Is(err, retrieval.ErrIndexFormat) {
			t.Errorf("%s: got %v, %v; want retrieval.ErrIndexFormat", c.name, s, err)
		}
	}
	if got := corpus.Default(); len(got.Articles) == len(lib.Articles) {
		t.Fatal("the default library was changed by the test")
	}
}
