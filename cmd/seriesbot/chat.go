package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"seriesbot/bot"
	"seriesbot/bot/chart"
)

// botFlags configure what chat and serve answer with: the corpus and the
// language model, as for ask.
type botFlags struct {
	lib   libraryFlags
	llm   llmFlags
	store storeFlags
}

// register adds the flags; dataDir is where the index is kept by default
// (empty: in memory).
func (f *botFlags) register(fs *flag.FlagSet, dataDir string) {
	f.lib.register(fs)
	f.llm.register(fs)
	f.store.register(fs, dataDir)
}

func (f *botFlags) check() error {
	if err := f.lib.check(); err != nil {
		return err
	}
	return f.llm.check()
}

// commands loads what the bot serves and returns the commands that serve
// it, and whether they answer without a language model. A reload re-reads
// the same corpus with the same embedder, into the same store. The
// caller closes the store, cmds.Loader.Store, when there is one.
func (f *botFlags) commands(ctx context.Context, log *slog.Logger) (cmds *bot.Commands, offline bool, err error) {
	setup, err := f.llm.resolve()
	if err != nil {
		return nil, false, err
	}
	if _, err := f.lib.openStore(ctx, &f.store); err != nil {
		return nil, false, err
	}
	emb := setup.embedder(f.llm.timeout)
	snap, err := f.lib.loadWith(ctx, emb, log)
	if err != nil {
		if f.lib.store != nil {
			f.lib.store.Close()
		}
		return nil, false, err
	}
	a := bot.NewAnswerer(snap)
	a.LLM = setup.chat(f.llm.timeout)
	a.Budget = f.llm.budget
	a.Log = log
	return &bot.Commands{Answerer: a, Loader: f.lib.loader(emb, log), K: f.lib.k, Log: log, Charts: chart.PNG}, a.LLM == nil, nil
}

// runChat serves the bot's commands in the terminal, one line each, with
// the handlers the Discord bot uses.
func runChat(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var bf botFlags
	bf.register(fs, "")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("chat: unexpected argument %q (questions are read from standard input)", pos[0])
	}
	if err := bf.check(); err != nil {
		return err
	}
	cmds, _, err := bf.commands(ctx, log)
	if err != nil {
		return err
	}
	if s := cmds.Loader.Store; s != nil {
		defer s.Close()
	}
	term := &bot.Terminal{Commands: cmds, In: stdin, Out: stdout, ChartDir: os.TempDir()}
	if isTerminal(stdin) {
		fmt.Fprintln(stdout, "Ask about the series, or type /help for the commands and /quit to leave.")
		term.Prompt = "> "
	}
	return term.Run(ctx)
}

// isTerminal reports whether r (a reader or writer) is an interactive
// terminal, where a prompt or a progress bar helps; a pipe gets none.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
