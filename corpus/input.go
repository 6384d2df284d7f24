package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// articleParsers maps the file extensions a corpus holds to their parser.
var articleParsers = map[string]func(name string, data []byte) (Article, error){
	".md":       ParseMarkdown,
	".markdown": ParseMarkdown,
	".html":     ParseHTML,
	".htm":      ParseHTML,
	".txt":      ParseText,
}

// ParseArticle reads one source: data in format (a file extension such as
// ".md", ".html" or ".txt"), named name in errors and Article.Source.
// Data that is not text — binary bytes, another encoding than UTF-8 — is
// refused before any parser sees it: a parser would find "paragraphs" in
// it and the bot would quote garbage.
func ParseArticle(name, format string, data []byte) (Article, error) {
	parse := articleParsers[strings.ToLower(format)]
	if parse == nil {
		return Article{}, fmt.Errorf("%q is not a format articles are read from (Markdown, HTML or text)", format)
	}
	if err := CheckText(data); err != nil {
		return Article{}, err
	}
	return parse(name, data)
}

// ErrNotText is reported for a source whose bytes are not text.
var ErrNotText = errors.New("not text")

// CheckText reports data that is not UTF-8 text: NUL bytes, more than a
// few bytes that are not UTF-8, or control characters text does not hold.
// A few stray bytes are let through (cleanInput replaces them): one bad
// byte in a pasted page should not cost the page.
func CheckText(data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("%w: binary content (a NUL byte at offset %d)", ErrNotText, i)
	}
	invalid, control, runes := 0, 0, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		runes++
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f', r == 0x7f:
			control++
		}
	}
	// Thresholds: real pages have none of either; random bytes have one
	// invalid sequence in two and one control character in eight.
	switch {
	case invalid > 8 && invalid*100 > runes:
		return fmt.Errorf("%w: %d%% of the bytes are not UTF-8 (save the file as UTF-8)", ErrNotText, invalid*100/runes)
	case control > 8 && control*200 > runes:
		return fmt.Errorf("%w: binary content (%d control characters)", ErrNotText, control)
	}
	return nil
}

// TooLargeError is a source over the size cap. It is reported, not read:
// a 50 MB file read whole costs gigabytes once parsed.
type TooLargeError struct {
	Limit int64 // the cap, in bytes
}

func (e *TooLargeError) Error() string { return "over " + FormatSize(e.Limit) + " (the size cap)" }

// FormatSize words a byte count the way the size cap is set: "5 MiB",
// "512 KiB", "100 bytes".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readCapped reads file name of fsys, refusing it when it holds more than
// limit bytes: by its size when the file system knows it, and by reading
// at most limit+1 bytes when it does not (or the file grows meanwhile).
func readCapped(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, &TooLargeError{Limit: limit}
	} else if err == nil && st.IsDir() {
		return nil, errors.New("is a directory, not a file")
	}
	return ReadCapped(f, limit)
}

// ReadCapped reads r to its end, or fails with a *TooLargeError as soon as
// it has given more than limit bytes.
func ReadCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}
