package retrieval_test

import (
	"context"
	"errors"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"gocloud.dev/blob/memblob"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// hashEmbedder stands in for a remote model: the same text always gets
// the same vector, and it counts the texts it is sent.
type hashEmbedder struct {
	dims  int
	texts atomic.Int64
}

func (e *hashEmbedder) Name() string { return "test:hash" }

func (e *hashEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, e.dims)
		for _, w := range strings.Fields(strings.ToLower(t)) {
			h := fnv.New32a()
			h.Write([]byte(w))
			v[h.Sum32()%uint32(e.dims)]++
		}
		out[i] = v
	}
	return out, nil
}

func openStores(t *testing.T) map[string]*retrieval.Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*retrieval.Store{}
	for name, where := range map[string]string{
		"directory": filepath.Join(t.TempDir(), "data"),
		"file URL":  "file://" + t.TempDir() + "?create_dir=true",
	} {
		s, err := retrieval.OpenStore(ctx, where)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	out["mem bucket"] = retrieval.NewBucketStore(memblob.OpenBucket(nil), "mem://")
	for _, s := range out {
		t.Cleanup(func() { s.Close() })
	}
	return out
}

func TestStoreSavesAndLoadsAnIndexWithItsVectors(t *testing.T) {
	ctx := context.Background()
	lib := corpus.Default()
	passages := lib.Passages(0)
	for name, store := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			if saved, err := store.Load(ctx); saved != nil || err != nil {
				t.Fatalf("empty store: Load = %v, %v", saved, err)
			}
			emb := &hashEmbedder{dims: 32}
			remote, stats, err := retrieval.BuildWith(ctx, passages, emb, retrieval.BuildOptions{})
			if err != nil || stats.Embedded != len(passages) {
				t.Fatalf("cold build: %+v, %v", stats, err)
			}
			local, err := retrieval.Build(ctx, passages, nil)
			if err != nil {
				t.Fatal(err)
			}
			version, err := store.Save(ctx, lib, 0, "one", remote, local)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := store.Version(ctx); v != version || err != nil {
				t.Errorf("Version = %q, %v; want %q", v, err, version)
			}
			saved, err := store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Version != version || len(saved.Library.Articles) != len(lib.Articles) || len(saved.Vectors) != 2 {
				t.Fatalf("loaded %q with %d articles and %d vector sets", saved.Version, len(saved.Library.Articles), len(saved.Vectors))
			}
			if got := saved.Library.Passages(saved.MaxChars); !slices.Equal(got, passages) {
				t.Errorf("the stored corpus chunks into other passages")
			}
			warm, stats, err := retrieval.BuildWith(ctx, passages, emb, retrieval.BuildOptions{Reuse: saved.Vectors})
			if err != nil || stats.Embedded != 0 || stats.Reused != len(passages) {
				t.Fatalf("warm build: %+v, %v; want every vector reused", stats, err)
			}
			warmLocal, stats, err := retrieval.BuildWith(ctx, passages, nil, retrieval.BuildOptions{Reuse: saved.Vectors})
			if err != nil || stats.Embedded != 0 {
				t.Fatalf("warm local build: %+v, %v", stats, err)
			}
			for _, q := range []string{"What is DingTalk?", "How much revenue did Alibaba Cloud make?"} {
				for _, pair := range [][2]*retrieval.Index{{remote, warm}, {local, warmLocal}} {
					a, _ := pair[0].Search(ctx, q, retrieval.Options{})
					b, _ := pair[1].Search(ctx, q, retrieval.Options{})
					if !slices.Equal(ids(a), ids(b)) {
						t.Errorf("%q with %s: cold %v, from the store %v", q, pair[0].Model(), ids(a), ids(b))
					}
				}
			}
		})
	}
}

func ids(hits []retrieval.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Passage.ID
	}
	return out
}

func TestBuildReusesOnlyUnchangedPassages(t *testing.T) {
	ctx := context.Background()
	passages := corpus.Default().Passages(0)
	emb := &hashEmbedder{dims: 16}
	first, _, err := retrieval.BuildWith(ctx, passages, emb, retrieval.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	changed := slices.Clone(passages)
	changed[3].Text += " A sentence added."
	changed = append(changed, corpus.Passage{ID: "new-1", Part: 9, Title: "New", Text: "A new passage about tea."})
	var progress []int
	_, stats, err := retrieval.BuildWith(ctx, changed, emb, retrieval.BuildOptions{
		Reuse:    []*retrieval.Vectors{first.Vectors()},
		Progress: func(done, total int) { progress = append(progress, done, total) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Embedded != 2 || stats.Reused != len(passages)-1 {
		t.Errorf("stats = %+v; want 2 embedded, %d reused", stats, len(passages)-1)
	}
	if !slices.Equal(progress, []int{2, 2}) {
		t.Errorf("progress = %v", progress)
	}
	// The local embedder is fitted on the corpus: one change refits it,
	// and every vector is made again.
	local, _ := retrieval.Build(ctx, passages, nil)
	_, stats, err = retrieval.BuildWith(ctx, changed, nil, retrieval.BuildOptions{Reuse: []*retrieval.Vectors{local.Vectors()}})
	if err != nil || stats.Reused != 0 || stats.Embedded != len(changed) {
		t.Errorf("local build after a change: %+v, %v", stats, err)
	}
	// Vectors of another width under the same name are not mixed in.
	_, stats, err = retrieval.BuildWith(ctx, changed, &hashEmbedder{dims: 24}, retrieval.BuildOptions{Reuse: []*retrieval.Vectors{first.Vectors()}})
	if err != nil || stats.Embedded != 2+len(changed) {
		t.Errorf("build with a wider model: %+v, %v; want all embedded again", stats, err)
	}
}

func TestStoreRefusesCorruptFiles(t *testing.T) {
	ctx := context.Background()
	lib := corpus.Default()
	passages := lib.Passages(0)
	ix, err := retrieval.Build(ctx, passages, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir string, files []string)
		want  string
	}{
		{"truncated index", func(t *testing.T, dir string, files []string) {
			truncate(t, filepath.Join(dir, pick(files, ".index-0.gob.gz")))
		}, ".index-0.gob.gz"},
		{"index of another corpus", func(t *testing.T, dir string, files []string) {
			other, _ := retrieval.Build(ctx, passages[:5], nil)
			f, err := os.Create(filepath.Join(dir, pick(files, ".index-0.gob.gz")))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := other.Export(f); err != nil {
				t.Fatal(err)
			}
		}, "vectors for"},
		{"garbled corpus", func(t *testing.T, dir string, files []string) {
			os.WriteFile(filepath.Join(dir, pick(files, ".library.json.gz")), []byte("not gzip"), 0o644)
		}, ".library.json.gz"},
		{"garbled version file", func(t *testing.T, dir string, _ []string) {
			os.WriteFile(filepath.Join(dir, retrieval.CurrentFile), []byte(`{"format":1,"vers`), 0o644)
		}, retrieval.CurrentFile},
		{"version file of another format", func(t *testing.T, dir string, _ []string) {
			os.WriteFile(filepath.Join(dir, retrieval.CurrentFile), []byte(`{"format":99}`), 0o644)
		}, "format 99"},
		{"missing index", func(t *testing.T, dir string, files []string) {
			os.Remove(filepath.Join(dir, pick(files, ".index-0.gob.gz")))
		}, ".index-0.gob.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			store, err := retrieval.OpenStore(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Save(ctx, lib, 0, "x", ix); err != nil {
				t.Fatal(err)
			}
			tt.spoil(t, dir, listDir(t, dir))
			saved, err := store.Load(ctx)
			var corrupt *retrieval.CorruptError
			if saved != nil || !errors.As(err, &corrupt) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, %v; want a CorruptError naming %q", saved, err, tt.want)
			}
			// A save over a corrupt store replaces it.
			if _, err := store.Save(ctx, lib, 0, "x", ix); err != nil {
				t.Fatal(err)
			}
			if saved, err := store.Load(ctx); err != nil || saved == nil {
				t.Errorf("after a new save: %v, %v", saved, err)
			}
		})
	}
}

// TestStoreKeepsTheOldVersionWhenASaveDies leaves behind what a process
// killed in the middle of a save leaves: a temporary file, the files of a
// version written whole or in part, and no version file naming them.
func TestStoreKeepsTheOldVersionWhenASaveDies(t *testing.T) {
	ctx := context.Background()
	lib := corpus.Default()
	ix, err := retrieval.Build(ctx, lib.Passages(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, _ := retrieval.OpenStore(ctx, dir)
	version, err := store.Save(ctx, lib, 0, "old", ix)
	if err != nil {
		t.Fatal(err)
	}
	newer := "29991231T235959.000000000Z-0badf00d"
	for name, body := range map[string]string{
		"." + retrieval.CurrentFile + ".tmp-123": `{"format":1,"version":"` + newer,
		newer + ".library.json.gz":               "\x1f\x8b half",
		"." + newer + ".index-0.gob.gz.tmp-456":  "\x1f\x8b",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	saved, err := store.Load(ctx)
	if err != nil || saved.Version != version {
		t.Fatalf("Load = %v, %v; want version %s", saved, err, version)
	}
}

// TestStoreDeletesVersionsNoOneReads keeps the current version and the
// one before, which a process that has not noticed the new one may still
// be reading.
func TestStoreDeletesVersionsNoOneReads(t *testing.T) {
	ctx := context.Background()
	lib := corpus.Default()
	ix, _ := retrieval.Build(ctx, lib.Passages(0), nil)
	dir := t.TempDir()
	store, _ := retrieval.OpenStore(ctx, dir)
	var versions []string
	for _, fp := range []string{"a", "b", "c"} {
		v, err := store.Save(ctx, lib, 0, fp, ix)
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	files := strings.Join(listDir(t, dir), " ")
	if strings.Contains(files, versions[0]) || !strings.Contains(files, versions[1]) || !strings.Contains(files, versions[2]) {
		t.Errorf("files after three saves: %s", files)
	}
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func pick(files []string, suffix string) string {
	for _, f := range files {
		if strings.HasSuffix(f, suffix) {
			return f
		}
	}
	return "missing" + suffix
}

func truncate(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzStoreLoad feeds Load whatever a data directory may hold after a
// crash, a disk error or a hand edit: it must refuse, not panic, and
// never return a version it could not read whole.
func FuzzStoreLoad(f *testing.F) {
	ctx := context.Background()
	lib := corpus.Default()
	ix, err := retrieval.Build(ctx, lib.Passages(0)[:3], nil)
	if err != nil {
		f.Fatal(err)
	}
	small := &corpus.Library{Manifest: lib.Manifest, Articles: lib.Articles[:1]}
	dir := f.TempDir()
	store, _ := retrieval.OpenStore(ctx, dir)
	if _, err := store.Save(ctx, small, 0, "seed", ix); err != nil {
		f.Fatal(err)
	}
	for _, name := range listDir(f, dir) {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		f.Add(name, data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" || strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") {
			return
		}
		b := memblob.OpenBucket(nil)
		defer b.Close()
		for _, n := range listDir(t, dir) {
			orig, _ := os.ReadFile(filepath.Join(dir, n))
			b.WriteAll(ctx, n, orig, nil)
		}
		if err := b.WriteAll(ctx, name, data, nil); err != nil {
			return
		}
		saved, err := retrieval.NewBucketStore(b, "mem://").Load(ctx)
		if err == nil && saved != nil && len(saved.Library.Articles) == 0 {
			t.Errorf("loaded a version without articles")
		}
	})
}

// Stored files can be read by another user than the one who saved them:
// an operator indexes, the service account serves.
func TestStoreFilesAreReadableByOthers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := retrieval.OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lib := corpus.Default()
	ix, err := retrieval.Build(ctx, lib.Passages(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Save(ctx, lib, 0, "one", ix); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("ReadDir: %v, %d entries", err, len(entries))
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s is %v: others cannot read it", e.Name(), info.Mode().Perm())
		}
	}
}
