package retrieval

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"seriesbot/corpus"
)

// CurrentFile names the stored version that is served. It is written
// last, after every file it names, and replaced in one step: a process
// that dies while saving leaves the previous version current, and a
// process that reads it never sees a version half written.
const CurrentFile = "current.json"

// storeFormat is the layout of current.json and of the files it names; a
// store written in another format is rebuilt, not read.
const storeFormat = 1

// Store keeps indexes between runs, and shares them between the processes
// of a shard set: a data directory on this machine, or a bucket
// (gocloud.dev/blob URLs) that several machines reach.
//
// Each save writes a new version — the corpus as a gzip JSON file and
// each index in chromem-go's export format — and then points CurrentFile
// at it. Other processes poll Version to notice it.
type Store struct {
	where string
	obj   objects
}

// objects is what a Store needs of where it keeps files. write replaces a
// file in one step: a reader sees the old content or the new, whole.
type objects interface {
	read(ctx context.Context, name string) ([]byte, error) // fs.ErrNotExist when missing
	write(ctx context.Context, name string, data []byte) error
	remove(ctx context.Context, name string) error
	list(ctx context.Context) ([]string, error)
	close() error
}

// OpenStore opens the store at location: a directory (created when
// missing), or a bucket URL such as file:///srv/seriesbot or mem://.
// Bucket schemes other than file and mem work when the program links
// their gocloud.dev driver.
func OpenStore(ctx context.Context, location string) (*Store, error) {
	if location == "" {
		return nil, errors.New("open index store: no location given")
	}
	var (
		obj objects
		err error
	)
	if strings.Contains(location, "://") {
		obj, err = openBucket(ctx, location)
	} else {
		obj, err = openDir(location)
	}
	if err != nil {
		return nil, fmt.Errorf("open index store %s: %w", location, err)
	}
	return &Store{where: location, obj: obj}, nil
}

// String is where the store is, as it was opened.
func (s *Store) String() string { return s.where }

// LogValue logs a store as where it is: the JSON log handler would
// otherwise write its unexported fields, that is {}.
func (s *Store) LogValue() slog.Value { return slog.StringValue(s.where) }

// Close releases the bucket, if any.
func (s *Store) Close() error { return s.obj.close() }

// current is the content of CurrentFile.
type current struct {
	Format  int    `json:"format"`
	Version string `json:"version"`
	// Fingerprint identifies what was indexed and how (see
	// Saved.Fingerprint): a save of the same thing writes nothing.
	Fingerprint string    `json:"fingerprint"`
	MaxChars    int       `json:"max_chars"`
	Library     string    `json:"library"`
	Indexes     []string  `json:"indexes"`
	Written     time.Time `json:"written"`
}

// Saved is a version read back from a store.
type Saved struct {
	Version     string
	Fingerprint string
	Library     *corpus.Library
	// MaxChars is the passage bound the library was chunked with.
	MaxChars int
	// Vectors holds one set per index saved.
	Vectors []*Vectors
}

// CorruptError reports a stored file that cannot be used: unreadable,
// truncated, of another format, or not matching the corpus saved with it.
// The caller rebuilds the index; the file is never used in part.
type CorruptError struct {
	File string
	Err  error
}

func (e *CorruptError) Error() string { return fmt.Sprintf("stored index file %s: %v", e.File, e.Err) }
func (e *CorruptError) Unwrap() error { return e.Err }

// Version returns the version that is current, or "" when the store holds
// none.
func (s *Store) Version(ctx context.Context) (string, error) {
	cur, err := s.current(ctx)
	if err != nil || cur == nil {
		return "", err
	}
	return cur.Version, nil
}

func (s *Store) current(ctx context.Context) (*current, error) {
	data, err := s.obj.read(ctx, CurrentFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", CurrentFile, s.where, err)
	}
	var cur current
	if err := json.Unmarshal(data, &cur); err != nil {
		return nil, &CorruptError{File: CurrentFile, Err: err}
	}
	if cur.Format != storeFormat {
		return nil, &CorruptError{File: CurrentFile, Err: fmt.Errorf("format %d, this program reads %d", cur.Format, storeFormat)}
	}
	if !versionName.MatchString(cur.Version) || cur.Library == "" {
		return nil, &CorruptError{File: CurrentFile, Err: errors.New("names no version")}
	}
	return &cur, nil
}

// Load reads the current version. It returns nil and no error when the
// store holds none, and a *CorruptError when a file of it cannot be used.
func (s *Store) Load(ctx context.Context) (*Saved, error) {
	cur, err := s.current(ctx)
	if err != nil || cur == nil {
		return nil, err
	}
	data, err := s.readFile(ctx, cur.Library)
	if err != nil {
		return nil, err
	}
	lib, err := decodeLibrary(data)
	if err != nil {
		return nil, &CorruptError{File: cur.Library, Err: err}
	}
	saved := &Saved{Version: cur.Version, Fingerprint: cur.Fingerprint, Library: lib, MaxChars: cur.MaxChars}
	passages := lib.Passages(cur.MaxChars)
	for _, name := range cur.Indexes {
		data, err := s.readFile(ctx, name)
		if err != nil {
			return nil, err
		}
		v, err := ImportVectors(ctx, data, passages)
		if err != nil {
			return nil, &CorruptError{File: name, Err: err}
		}
		saved.Vectors = append(saved.Vectors, v)
	}
	return saved, nil
}

// readFile reads a file that CurrentFile names: missing, it is corrupt.
func (s *Store) readFile(ctx context.Context, name string) ([]byte, error) {
	data, err := s.obj.read(ctx, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &CorruptError{File: name, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", name, s.where, err)
	}
	return data, nil
}

// Save writes lib (chunked with maxChars) and the indexes built over it
// as a new version and makes it current. fingerprint identifies what is
// saved (Saved.Fingerprint), for the caller to tell whether the version it
// read is still what it would write. Versions older than the one replaced are
// deleted; that one is kept for processes still reading it.
func (s *Store) Save(ctx context.Context, lib *corpus.Library, maxChars int, fingerprint string, ixs ...*Index) (string, error) {
	prev, err := s.current(ctx)
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		prev, err = nil, nil // replaced below
	}
	if err != nil {
		return "", err
	}
	version, err := newVersion()
	if err != nil {
		return "", err
	}
	cur := current{Format: storeFormat, Version: version, Fingerprint: fingerprint, MaxChars: maxChars,
		Library: version + ".library.json.gz", Written: time.Now().UTC()}
	data, err := encodeLibrary(lib)
	if err != nil {
		return "", err
	}
	if err := s.obj.write(ctx, cur.Library, data); err != nil {
		return "", fmt.Errorf("write %s in %s: %w", cur.Library, s.where, err)
	}
	for i, ix := range ixs {
		var buf bytes.Buffer
		if err := ix.Export(&buf); err != nil {
			return "", err
		}
		name := fmt.Sprintf("%s.index-%d.gob.gz", version, i)
		if err := s.obj.write(ctx, name, buf.Bytes()); err != nil {
			return "", fmt.Errorf("write %s in %s: %w", name, s.where, err)
		}
		cur.Indexes = append(cur.Indexes, name)
	}
	meta, err := json.MarshalIndent(cur, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", CurrentFile, err)
	}
	if err := s.obj.write(ctx, CurrentFile, meta); err != nil {
		return "", fmt.Errorf("write %s in %s: %w", CurrentFile, s.where, err)
	}
	keep := version
	if prev != nil {
		keep = prev.Version
	}
	s.removeBefore(ctx, keep)
	return version, nil
}

// versionName is how versions are named: the time of the save, to the
// nanosecond, so names sort in the order versions were written, and a
// random tail, so two processes saving at once never collide.
var versionName = regexp.MustCompile(`^\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{8}$`)

const versionLen = len("20060102T150405.000000000Z-0123abcd")

func newVersion() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("name index version: %w", err)
	}
	return time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:]), nil
}

// removeBefore deletes the files of versions older than keep. A version
// another process is writing now is newer, so it is never touched. This is
// housekeeping: a file that cannot be deleted now is deleted by a later
// save.
func (s *Store) removeBefore(ctx context.Context, keep string) {
	names, err := s.obj.list(ctx)
	if err != nil {
		return
	}
	for _, name := range names {
		if len(name) <= versionLen {
			continue
		}
		if v := name[:versionLen]; versionName.MatchString(v) && v < keep {
			_ = s.obj.remove(ctx, name)
		}
	}
}

// encodeLibrary writes the corpus as gzip-compressed JSON: every field of
// its articles survives, including those added to the corpus types later.
func encodeLibrary(lib *corpus.Library) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(lib); err != nil {
		return nil, fmt.Errorf("encode corpus: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode corpus: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeLibrary(data []byte) (*corpus.Library, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var lib corpus.Library
	if err := json.Unmarshal(raw, &lib); err != nil {
		return nil, err
	}
	if len(lib.Articles) == 0 {
		return nil, errors.New("no articles")
	}
	return &lib, nil
}
