package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// cache keeps, for each page, the validators of its last good response
// and its body, so that a page that has not changed costs a 304 and is
// read from disk. One file per page holds both: a header line of JSON and
// the body after it, so the validators can never belong to another body
// than the one beside them.
type cache struct {
	dir string
}

// cachedPage is one page as last fetched.
type cachedPage struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	ContentType  string `json:"content_type,omitempty"`
	Body         []byte `json:"-"`
}

func (c cache) path(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:16])+".page")
}

// get returns the cached copy of url, if there is a usable one. A file
// that cannot be read or parsed is as good as none: the page is fetched
// whole and the file rewritten.
func (c cache) get(url string) (cachedPage, bool) {
	if c.dir == "" {
		return cachedPage{}, false
	}
	data, err := os.ReadFile(c.path(url))
	if err != nil {
		return cachedPage{}, false
	}
	head, body, ok := bytes.Cut(data, []byte("\n"))
	var p cachedPage
	if !ok || json.Unmarshal(head, &p) != nil || p.URL != url {
		return cachedPage{}, false
	}
	p.Body = body
	return p, true
}

// put stores p atomically: written to a temporary file in the cache
// folder, synced, then renamed over the old copy. A crash leaves either
// the old copy or the new one, never half of one.
func (c cache) put(p cachedPage) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("page cache: %w", err)
	}
	head, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("page cache: %w", err)
	}
	if err := writeAtomic(c.path(p.URL), append(append(head, '\n'), p.Body...)); err != nil {
		return fmt.Errorf("page cache: %w", err)
	}
	return nil
}

// writeAtomic replaces file name with data: temporary file, fsync, rename,
// then fsync of the folder so the rename itself survives a crash.
func writeAtomic(name string, data []byte) (err error) {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file private (0600); the cache is read by
	// whoever serves the data directory, maybe another user.
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
	if err = os.Rename(f.Name(), name); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		// Not every file system syncs folders; the rename is done either
		// way, so a failure here is no reason to report the write failed.
		_ = d.Sync()
		d.Close()
	}
	return nil
}
