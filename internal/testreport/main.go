// Command testreport turns the output of `go test -json` back into what a
// plain `go test` prints, and adds what plain go test cannot say: how many
// tests skipped, and why.
//
// The go command discards the output of a package that passes, so on a clone
// without the shared reference folder most of the suite skips behind a row of
// "ok" lines and nobody learns that it did not run. The JSON stream keeps
// every test's result, so reading it is the one place the skips can be
// counted without -v. It is run as
//
//	go vet ./... && go test -race -json ./... | go run ./internal/testreport
//
// and ends with one line per reason, such as
//
//	159 tests skipped: shared reference folder not found (…)
//
// A reason is the skip message without its "file.go:NN: " prefix, up to the
// first "; ": messages put what differs between tests (the file they need)
// after that separator so that they add up to one line.
//
// The exit status is 1 when a package or test failed, and also whenever the
// stream cannot be trusted to be complete (no events at all, a package that
// started but never finished, or lines that are not JSON, which is how the go
// command reports errors such as an untidy go.mod; its "go: downloading"
// notes are only echoed): the pipeline's status is this program's, so it
// must not pass a run that did not happen.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}
