package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"seriesbot/bot"
	"seriesbot/bot/chart"
)

// jsonSummary is the --json object of `seriesbot summary`. Other tools
// read it: its fields and their names stay as they are.
type jsonSummary struct {
	Segment  string       `json:"segment"`
	Title    string       `json:"title"`
	Summary  string       `json:"summary"`
	Grounded bool         `json:"grounded"`
	Sources  []bot.Source `json:"sources"`
	// Chart is the file the chart was written to, or empty.
	Chart string `json:"chart"`
	// Note says why the summary was not written by the language model
	// configured (it failed); omitted otherwise, as in ask's.
	Note string `json:"note,omitempty"`
}

// runSummary prints the summary of one segment or part:
//
//	seriesbot summary [--json] [--chart FILE.png] [--corpus PATH] [--data-dir DIR] SEGMENT
//	seriesbot summary --list
//
// An unknown segment is a usage error (exit 2) listing the valid ones.
func runSummary(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	var lf libraryFlags
	lf.register(fs)
	var sf storeFlags
	sf.register(fs, "")
	var model llmFlags
	model.register(fs)
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	chartFile := fs.String("chart", "", "write the summary's chart, when its figures compare, to `FILE.png`")
	list := fs.Bool("list", false, "print the valid segments, one a line: the value, a tab, the readable name")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if err := lf.check(); err != nil {
		return err
	}
	if err := model.check(); err != nil {
		return err
	}
	segment := strings.TrimSpace(strings.Join(pos, " "))
	switch {
	case *list && segment != "":
		return usagef("summary: --list takes no segment")
	case !*list && segment == "":
		return usagef("summary: no segment given (seriesbot summary --list prints them)")
	case *chartFile != "" && !strings.HasSuffix(strings.ToLower(*chartFile), ".png"):
		return usagef("--chart %s: the chart is a PNG image; name the file .png", *chartFile)
	}

	setup, err := model.resolve()
	if err != nil {
		return err
	}
	snap, closeStore, err := lf.openAndLoad(ctx, &sf, setup.embedder(model.timeout), log)
	if err != nil {
		return err
	}
	defer closeStore()
	if *list {
		_, err := io.WriteString(stdout, scopeList(bot.Scopes(snap.Corpus)))
		return err
	}
	a := bot.NewAnswerer(snap)
	a.LLM = setup.chat(model.timeout)
	a.Budget = model.budget
	a.Log = log
	s := &bot.Summarizer{Answerer: a}
	if *chartFile != "" {
		s.Charts = chart.PNG
	}
	printer := bot.NewPrinter(stdout)
	var onPartial func(string)
	if a.LLM != nil && !*asJSON {
		onPartial = printer.Partial
	}
	sum, err := s.Summarize(ctx, segment, onPartial)
	var ue *bot.UnknownScopeError
	if errors.As(err, &ue) {
		return usagef("summary: there is no segment %q. The valid ones:\n%s", ue.Asked, strings.TrimSuffix(scopeList(ue.Valid), "\n"))
	}
	if err != nil {
		return err
	}
	written := ""
	if *chartFile != "" && sum.Image != nil {
		if err := os.WriteFile(*chartFile, sum.Image.PNG, 0o644); err != nil {
			return fmt.Errorf("write the chart: %w", err)
		}
		written = *chartFile
	} else if *chartFile != "" {
		log.Warn("the summary has no chart: its figures do not compare", "segment", sum.Scope.Value)
	}
	if !*asJSON {
		return printer.Print(bot.SummaryReply(sum))
	}
	out := jsonSummary{Segment: sum.Scope.Value, Title: sum.Scope.Name, Summary: sum.Text, Grounded: sum.Grounded, Sources: sum.Sources, Chart: written, Note: sum.Note}
	if out.Sources == nil {
		out.Sources = []bot.Source{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode the summary: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// scopeList is what --list prints: "value\tname" a line.
func scopeList(scopes []bot.Scope) string {
	var b strings.Builder
	for _, sc := range scopes {
		fmt.Fprintf(&b, "%s\t%s\n", sc.Value, sc.Name)
	}
	return b.String()
}
