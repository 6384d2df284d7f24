package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"seriesbot/bot"
	"seriesbot/bot/eval"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	var lf libraryFlags
	lf.register(fs)
	questions := fs.String("questions", "", "question set `FILE.jsonl`: {\"q\",\"expect\":[…],\"part\":N} or {\"q\",\"offtopic\":true} per line, optionally with \"history\":[…]")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	verbose := fs.Bool("v", false, "list the questions each system missed")
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("eval: unexpected argument %q", pos[0])
	}
	if *questions == "" {
		return usagef("eval: --questions FILE.jsonl is required")
	}
	if err := lf.check(); err != nil {
		return err
	}
	f, err := os.Open(*questions)
	if err != nil {
		return fmt.Errorf("--questions: %w", err)
	}
	qs, err := eval.Read(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("--questions %s: %w", *questions, err)
	}
	lf.fresh = true
	snap, err := lf.load(ctx, nil, log)
	if err != nil {
		return err
	}
	ours, err := eval.Run(ctx, bot.NewAnswerer(snap), qs, lf.k)
	if err != nil {
		return err
	}
	reach, err := eval.Reach(ctx, snap, qs, lf.k)
	if err != nil {
		return err
	}
	ours.ReachModel = &reach
	base := eval.Baseline(snap.Corpus, qs)
	reports := []eval.Report{ours, base}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, r := range reports {
			if !*verbose {
				r.Misses = nil
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(stdout, "%d questions (%d on-topic, %d off-topic) from %s\n\n", len(qs), ours.OnTopic, ours.OffTopic, *questions)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "system\thit@1\thit@3\tMRR\tanswer contains expected\toff-topic refusal\ton-topic answered\ton-topic reaching a model")
	for _, r := range reports {
		reach := "-"
		if r.ReachModel != nil {
			reach = fmt.Sprintf("%.3f", *r.ReachModel)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\n", r.System, r.Hit1, r.Hit3, r.MRR, r.AnswerContains, r.Refusal, r.Answered, reach)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *verbose {
		for _, r := range reports {
			fmt.Fprintf(stdout, "\nmisses of %s:\n", r.System)
			for _, m := range r.Misses {
				fmt.Fprintf(stdout, "  %s\n", m)
			}
		}
	}
	return nil
}
