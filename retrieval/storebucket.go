package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/memblob"  // mem:// buckets
	"gocloud.dev/gcerrors"
)

// bucketObjects keeps a store's files in a gocloud.dev bucket, which
// several machines can share. An object store replaces an object whole on
// upload, so a reader sees the old file or the new one; fileblob writes a
// temporary file and renames it.
type bucketObjects struct{ b *blob.Bucket }

// NewBucketStore makes a Store of a bucket opened by the caller; where
// names it in messages. Closing the Store closes the bucket.
func NewBucketStore(b *blob.Bucket, where string) *Store {
	return &Store{where: where, obj: &bucketObjects{b: b}}
}

func openBucket(ctx context.Context, url string) (*bucketObjects, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, err
	}
	return &bucketObjects{b: b}, nil
}

func (o *bucketObjects) read(ctx context.Context, name string) ([]byte, error) {
	data, err := o.b.ReadAll(ctx, name)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return data, err
}

func (o *bucketObjects) write(ctx context.Context, name string, data []byte) error {
	return o.b.WriteAll(ctx, name, data, nil)
}

func (o *bucketObjects) remove(ctx context.Context, name string) error {
	return o.b.Delete(ctx, name)
}

func (o *bucketObjects) list(ctx context.Context) ([]string, error) {
	var names []string
	it := o.b.List(&blob.ListOptions{Delimiter: "/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		if !obj.IsDir {
			names = append(names, obj.Key)
		}
	}
}

func (o *bucketObjects) close() error { return o.b.Close() }
