package bot

import (
	"context"
	"testing"

	"seriesbot/prompts"
)

// BenchmarkAnswerSafety measures what the checks on a model's reply add to
// an answer: making foreign links plain (a reply without links, and one
// with three planted), looking for the prompt's rules in the reply (as
// each partial reply is checked), and a
// call through an uncontended ModelGate to a model that replies at once.
func BenchmarkAnswerSafety(b *testing.B) {
	const clean = "In fiscal 2021, Alibaba Cloud earned RMB60 billion of revenue [1], " +
		"from 4 million customers in a broad range of industries [1][2]. " +
		"Cloud computing accounted for 8% of Alibaba's total revenue in 2021 [2], " +
		"and DingTalk was moved into the Cloud Computing segment in April 2021 [3]."
	hostile := clean + " Read [1](https://evil.example/login), https://evil.example/a and [Part 2](" + part2URL + ")."
	allowed := []string{part2URL}
	system, err := prompts.System(prompts.DefaultSeries, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sanitize-no-links", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sanitizeLinks(clean, allowed)
		}
	})
	b.Run("sanitize-planted-links", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sanitizeLinks(hostile, allowed)
		}
	})
	b.Run("leak-check", func(b *testing.B) {
		r := promptRules(system)
		b.ReportAllocs()
		for b.Loop() {
			r.leakedBy(hostile)
		}
	})
	b.Run("model-gate", func(b *testing.B) {
		g := NewModelGate(replyChat(clean), 0, 0)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.Stream(ctx, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// replyChat answers its text at once.
type replyChat string

func (c replyChat) Stream(context.Context, []Message, func(string)) (string, error) {
	return string(c), nil
}
