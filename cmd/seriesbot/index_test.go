package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"seriesbot/internal/openaitest"
)

// indexReport mirrors the documented `index --json` contract; decoding
// with unknown fields disallowed catches a renamed or missing field.
type indexReport struct {
	Articles struct {
		Added, Changed, Removed, Unchanged, Failed int
	} `json:"articles"`
	Passages int `json:"passages"`
	Embedded int `json:"embedded"`
	Fetched  struct {
		OK          int `json:"ok"`
		NotModified int `json:"not_modified"`
		Failed      int `json:"failed"`
	} `json:"fetched"`
	Errors []struct {
		Source string `json:"source"`
		Error  string `json:"error"`
	} `json:"errors"`
	TookMS *int64 `json:"took_ms"`
}

func decodeReport(t *testing.T, out string) indexReport {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var r indexReport
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if r.Errors == nil || r.TookMS == nil {
		t.Errorf("errors or took_ms missing: %s", out)
	}
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("more than one line: %q", out)
	}
	return r
}

func TestIndexCommand(t *testing.T) {
	s := openaitest.New(t)
	useFake(t, s)
	t.Setenv(envEmbedModel, openaitest.DefaultEmbeddingModel)
	data := filepath.Join(t.TempDir(), "data")
	corpusDir := t.TempDir()
	copyDefaultCorpus(t, corpusDir)

	r := runCLI(t, "", "index", "--corpus", corpusDir, "--data-dir", data, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	first := decodeReport(t, r.stdout)
	if first.Articles.Added != 3 || first.Passages == 0 || first.Embedded != first.Passages || len(first.Errors) != 0 {
		t.Errorf("first index: %+v", first)
	}
	// Not on a terminal, progress is a line per step on standard error.
	if want := fmt.Sprintf("seriesbot: embedding %d/%d\n", first.Passages, first.Passages); !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	calls := s.Calls("/embeddings")

	// Unchanged: nothing embedded; the readable report says so.
	r = runCLI(t, "", "index", "--corpus", corpusDir, "--data-dir", data)
	if r.code != 0 || s.Calls("/embeddings") != calls {
		t.Fatalf("exit %d, %d embedding calls: %s", r.code, s.Calls("/embeddings")-calls, r.stderr)
	}
	for _, want := range []string{"Articles: 0 added, 0 changed, 0 removed, 3 unchanged, 0 failed.", "of which 0 embedded now", "is up to date (version "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}

	// ask serves the stored index: the question is its only embedding.
	r = runCLI(t, "", "ask", "--corpus", corpusDir, "--data-dir", data, "When was Taobao launched?")
	if r.code != 0 || !strings.Contains(r.stdout, "Sources:") {
		t.Errorf("ask from the data directory: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := s.Calls("/embeddings") - calls; n != 1 {
		t.Errorf("ask made %d embedding calls; want 1, for the question", n)
	}

	// A broken file is reported by name (its previous text is served);
	// --strict refuses to write.
	if err := os.WriteFile(filepath.Join(corpusDir, "alibaba-part-3.md"), []byte("---\npart: one\n---\ntext\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", "index", "--corpus", corpusDir, "--data-dir", data, "--json")
	if rep := decodeReport(t, r.stdout); r.code != 0 || rep.Articles.Failed != 1 || len(rep.Errors) != 1 || rep.Errors[0].Source != "alibaba-part-3.md" {
		t.Errorf("index with a broken file: exit %d, %+v", r.code, rep)
	}
	r = runCLI(t, "", "index", "--corpus", corpusDir, "--data-dir", data)
	for _, want := range []string{"Articles: 0 added, 0 changed, 0 removed, 2 unchanged, 1 failed.", "Kept as it was (not read again): alibaba-part-3.md: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report of a part kept from before lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, "", "index", "--corpus", corpusDir, "--data-dir", data, "--json", "--strict")
	if rep := decodeReport(t, r.stdout); r.code != exitFailure || !strings.Contains(r.stderr, "nothing was written") || len(rep.Errors) != 2 {
		t.Errorf("strict index with a broken file: exit %d, %+v\n%s", r.code, rep, r.stderr)
	}

	// Nothing to index: exit 1, and the report says why.
	r = runCLI(t, "", "index", "--corpus", filepath.Join(corpusDir, "missing"), "--data-dir", data, "--json")
	if rep := decodeReport(t, r.stdout); r.code != exitFailure || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "missing") {
		t.Errorf("index of a missing corpus: exit %d, %+v", r.code, rep)
	}
}

func TestIndexUsage(t *testing.T) {
	for _, args := range [][]string{{"index", "now"}, {"serve", "--index-poll", "soon"}} {
		t.Setenv(envDiscordToken, "token")
		r := runCLI(t, "", args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if r := runCLI(t, "", "help"); !strings.Contains(r.stdout, "seriesbot index [--corpus PATH] [--data-dir DIR] [--strict] [--allow-private] [--json]") {
		t.Errorf("usage lacks the index command:\n%s", r.stdout)
	}
}

// TestChatReloadsIntoTheDataDirectory: /reload in the terminal is the
// same load as index, and saves a version the next start serves.
func TestChatReloadsIntoTheDataDirectory(t *testing.T) {
	data := t.TempDir()
	corpusDir := t.TempDir()
	copyDefaultCorpus(t, corpusDir)
	r := runCLI(t, "/reload\n", "chat", "--corpus", corpusDir, "--data-dir", data)
	if r.code != 0 || !strings.Contains(r.stdout, "Articles: 0 added, 0 changed, 0 removed, 3 unchanged, 0 failed.") {
		t.Errorf("chat /reload: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "current.json")); err != nil {
		t.Errorf("no index saved: %v", err)
	}
}

// copyDefaultCorpus copies the embedded series' files to dir.
func copyDefaultCorpus(t *testing.T, dir string) {
	t.Helper()
	src := filepath.Join("..", "..", "corpus", "default")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), bytes.Clone(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
