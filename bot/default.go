package bot

import (
	"context"
	_ "embed" // defaultSnapshot
)

//go:generate go run gendefault.go

// defaultSnapshot is the embedded series read and indexed with the local
// embedder, as Loader.Load builds it, written down by gendefault.go. A
// command that answers one question and exits spends most of its time
// reading and indexing otherwise. TestDefaultSnapshotIsCurrent fails when
// a change to the series, or to how it is read or indexed, leaves it
// behind: `go generate ./bot` writes it again.
//
//go:embed default.snapshot
var defaultSnapshot []byte

// DefaultSnapshot is the snapshot Loader{}.Load builds, the embedded
// series with the local embedder, read from what was written when the
// program was built.
func DefaultSnapshot(ctx context.Context) (*Snapshot, error) {
	return UnmarshalSnapshot(ctx, defaultSnapshot)
}
