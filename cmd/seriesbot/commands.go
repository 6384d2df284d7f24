package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"seriesbot/bot"
	"seriesbot/bot/discord"
	"seriesbot/corpus"
)

// runCommands prints the bot's commands for the corpus: as text, or with
// --json exactly as serve registers them with Discord.
func runCommands(_ context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("commands", flag.ContinueOnError)
	dir := fs.String("corpus", "", "take the choices of the options from the articles in `DIR` instead of the embedded series")
	asJSON := fs.Bool("json", false, "print the command definitions as registered with Discord (the body of the bulk overwrite)")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("commands: unexpected argument %q", pos[0])
	}
	lib := corpus.Default()
	if *dir != "" {
		// Only the articles are needed for the choices, not an index.
		var le *corpus.LoadError
		lib, err = corpus.LoadDir(*dir)
		switch {
		case errors.As(err, &le) && lib != nil:
			log.Warn("some corpus files were skipped", "dir", *dir, "err", err)
		case err != nil:
			return err
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
