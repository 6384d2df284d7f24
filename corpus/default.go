package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"sync"
)

// defaultFiles is the corpus shipped inside the binary, so the bot answers
// out of the box with no files beside it.
//
//go:embed default
var defaultFiles embed.FS

var (
	defaultOnce sync.Once
	defaultLib  *Library
	defaultErr  error
)

// Default returns the embedded default corpus (corpus/default: one Markdown
// file per part, listed in corpus.yaml), parsed on first use. The embedded
// files are part of the build, so a broken one is a programming error:
// Default panics, naming the files at fault, on every call — and
// TestDefault keeps that from reaching a release.
func Default() *Library {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(defaultFiles, "default")
		if err == nil {
			defaultLib, err = Load(sub)
		}
		defaultErr = err
	})
	if defaultErr != nil {
		panic(fmt.Sprintf("corpus: the embedded default corpus (corpus/default) is broken: %v", defaultErr))
	}
	return defaultLib
}
