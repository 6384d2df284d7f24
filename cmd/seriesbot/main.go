// Command seriesbot answers questions about the Alibaba article series of
// investorinsights.asia, with citations and links to the series parts.
//
// It runs offline by default: the series is embedded in the binary and
// answers are composed from its passages, so it needs no key to start.
// With OPENAI_API_KEY (or OPENAI_BASE_URL of any OpenAI-compatible server)
// a language model writes the answers from the same passages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// Exit codes: 1 for a failure while running, 2 for a command line the
// program cannot act on.
const (
	exitFailure = 1
	exitUsage   = 2
	// exitInterrupted is the shell's code for a process ended by SIGINT.
	exitInterrupted = 130
)

const usage = `seriesbot answers questions about the Alibaba series of investorinsights.asia.

Usage:
  seriesbot ask [--json] [--corpus PATH] [--data-dir DIR] [--part N] [--k N] QUESTION
  seriesbot ask [flags] -            one question per line from standard input
  seriesbot summary [--json] [--chart FILE.png] [--corpus PATH] SEGMENT
                                     the key facts of a segment (or part-N), cited
  seriesbot summary --list           the segments, one a line: value, tab, name
  seriesbot eval --questions FILE.jsonl [--corpus PATH] [--k N]
  seriesbot index [--corpus PATH] [--data-dir DIR] [--strict] [--allow-private] [--json]
                                     index what changed and save it in the data directory
  seriesbot serve [--corpus PATH] [--data-dir DIR] [--index-poll 30s] [--guild ID]
                  [--mentions on|off] [--rate 6/min:3] [--http-addr ADDR] [--log-format text|json]
                                     the Discord bot; DISCORD_TOKEN holds its token
  seriesbot healthcheck              exit 0 when serve's /healthz answers, else 1
  seriesbot chat [--corpus PATH] [--data-dir DIR]
                                     the bot's commands in the terminal, no token needed
  seriesbot commands [--json]        the bot's commands, as registered with Discord
  seriesbot help

A language model writes the answers when OPENAI_API_KEY or OPENAI_BASE_URL
is set (models: SERIESBOT_CHAT_MODEL, SERIESBOT_EMBED_MODEL, or the flags
of ask); --offline quotes the series instead.

serve and index keep the index in --data-dir (SERIESBOT_DATA_DIR, else
./data), a directory or a bucket URL: a start with an unchanged corpus
embeds nothing, and every shard on one data directory serves the index
last saved there. ask and chat do so when given one.

Run 'seriesbot COMMAND -h' for the flags of a command.
`

func main() {
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a problem with the command line: reported with a hint and
// exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "ask":
		err = runAsk(ctx, rest, stdin, stdout, stderr, log)
	case "summary":
		err = runSummary(ctx, rest, stdout, log)
	case "eval":
		err = runEval(ctx, rest, stdout, stderr, log)
	case "serve":
		err = runServe(ctx, rest, stdout, stderr)
	case "healthcheck":
		err = runHealthcheck(ctx, rest, stdout)
	case "chat":
		err = runChat(ctx, rest, stdin, stdout, log)
	case "index":
		err = runIndex(ctx, rest, stdout, stderr, log)
	case "commands":
		err = runCommands(ctx, rest, stdout, log)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usagef("unknown command %q", cmd)
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(stderr, "seriesbot: interrupted")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "seriesbot: %v\nRun 'seriesbot help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "seriesbot: %v\n", err)
		return exitFailure
	}
}
