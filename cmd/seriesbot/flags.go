package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
)

// errHelp reports that -h was asked for and answered.
var errHelp = errors.New("help shown")

// parseArgs parses flags wherever they stand among the arguments, so that
// `ask "question" --json` works as well as `ask --json "question"`.
// Everything after "--" is taken as it is.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fmt.Fprintf(stdout, "Usage of seriesbot %s:\n", fs.Name())
				fs.PrintDefaults()
				return nil, errHelp
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
