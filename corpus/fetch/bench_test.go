package fetch_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"seriesbot/corpus"
	"seriesbot/corpus/fetch"
)

// BenchmarkExtractPart2Page reads the article out of the real Part 2 text
// wrapped in the blog's page template: readability's scoring and the
// section walk over it.
func BenchmarkExtractPart2Page(b *testing.B) {
	page, _ := realPart2Page(b)
	b.SetBytes(int64(len(page.body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := corpus.ParseHTML("part2.html", page.body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadBlog loads a manifest of ten parts fetched from a blog on
// loopback: whole pages, then with a page cache where every page is a 304.
func BenchmarkLoadBlog(b *testing.B) {
	blog := newBlogServer(b)
	var parts []string
	for n := 1; n <= 10; n++ {
		path := "/post/lotus-" + strconv.Itoa(n)
		blog.set(path, page{body: renderPost(b, lotus(n, "a")), etag: `"` + strconv.Itoa(n) + `"`})
		parts = append(parts, `{part: `+strconv.Itoa(n)+`, url: "`+blog.URL+path+`"}`)
	}
	dir := writeCorpus(b, map[string][]byte{"corpus.yaml": manifest(parts...)})
	for _, bc := range []struct {
		name string
		opts fetch.Options
		want fetch.Fetched
	}{
		{"whole pages", fetch.Options{AllowPrivate: true}, fetch.Fetched{OK: 10}},
		{"not modified", fetch.Options{AllowPrivate: true, CacheDir: filepath.Join(b.TempDir(), "pages")}, fetch.Fetched{NotModified: 10}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if bc.opts.CacheDir != "" {
				if _, _, err := fetch.Load(context.Background(), dir, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				_, r, err := fetch.Load(context.Background(), dir, bc.opts)
				if err != nil || r.Fetched != bc.want {
					b.Fatalf("Load: %v, fetched %+v", err, r.Fetched)
				}
			}
		})
	}
}
