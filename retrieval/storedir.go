package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dirObjects keeps a store's files in a directory of this machine.
type dirObjects struct{ dir string }

func openDir(dir string) (*dirObjects, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &dirObjects{dir: dir}, nil
}

func (d *dirObjects) read(_ context.Context, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.dir, name))
}

// write replaces name in one step, and durably: the data goes to a
// temporary file beside it, is synced, renamed over name, and the
// directory is synced so the rename itself survives a crash. A process
// killed at any point leaves name as it was or as it is now, never half
// written; at worst a temporary file is left over, which no reader looks
// at.
func (d *dirObjects) write(_ context.Context, name string, data []byte) (err error) {
	f, err := os.CreateTemp(d.dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file private (0600); the index is read by
	// whoever serves it, maybe another user than the one who indexed
	// (an operator's `sudo seriesbot index`, shards run apart).
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, filepath.Join(d.dir, name)); err != nil {
		return err
	}
	return syncDir(d.dir)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

func (d *dirObjects) remove(_ context.Context, name string) error {
	return os.Remove(filepath.Join(d.dir, name))
}

func (d *dirObjects) list(context.Context) ([]string, error) {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func (d *dirObjects) close() error { return nil }
