package corpus

import (
	"strconv"
	"strings"
)

// FileError is one corpus file that could not be used, and why.
type FileError struct {
	Name string // path inside the corpus, slash-separated, or the URL fetched
	Err  error
	// Stale is set when the article loaded from Name before is still
	// served: a source that breaks keeps its answers until it is fixed.
	Stale bool
}

func (e FileError) Error() string {
	// Validate joins several problems with newlines; a log line wants one.
	msg := e.Name + ": " + strings.ReplaceAll(e.Err.Error(), "\n", "; ")
	if e.Stale {
		msg += " (the text loaded before is still served)"
	}
	return msg
}

func (e FileError) Unwrap() error { return e.Err }

// LoadError reports the files Load skipped. It comes with a usable Library
// when at least one article loaded: one bad file should cost its own
// answers, not the whole bot.
type LoadError struct {
	Files []FileError
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(e.Files)))
	if len(e.Files) == 1 {
		b.WriteString(" file could not be loaded: ")
	} else {
		b.WriteString(" files could not be loaded: ")
	}
	for i, f := range e.Files {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As see the per-file causes (for
// example ErrNoText).
func (e *LoadError) Unwrap() []error {
	errs := make([]error, len(e.Files))
	for i, f := range e.Files {
		errs[i] = f
	}
	return errs
}
