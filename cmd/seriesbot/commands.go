package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"seriesbot/bot"
	"seriesbot/bot/discord"
	"seriesbot/corpus"
	"seriesbot/corpus/fetch"
)

// runCommands prints the bot's commands for the corpus: as text, or with
// --json exactly as serve registers them with Discord.
func runCommands(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("commands", flag.ContinueOnError)
	dir := fs.String("corpus", "", "take the choices of the options from the series in `PATH` (a corpus.yaml manifest or a folder of articles) instead of the embedded series")
	asJSON := fs.Bool("json", false, "print the command definitions as registered with Discord (the body of the bulk overwrite)")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("commands: unexpected argument %q", pos[0])
	}
	lib := corpus.Default()
	if *dir = corpusPath(*dir); *dir != "" {
		// Only the articles are needed for the choices, not an index.
		var rep fetch.Report
		lib, rep, err = fetch.Load(ctx, *dir, fetch.Options{})
		if err != nil {
			return fmt.Errorf("corpus %s: %w", *dir, err)
		}
		for _, e := range rep.Errors {
			log.Warn("a corpus source was skipped", "source", e.Source, "err", e.Error)
		}
	}
	cmds := bot.CommandSet(lib)
	if !*asJSON {
		_, err := fmt.Fprintln(stdout, bot.HelpText(cmds, ""))
		return err
	}
	raw, err := discord.CommandsJSON(cmds)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return fmt.Errorf("format commands: %w", err)
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(stdout)
	return err
}
