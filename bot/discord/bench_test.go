package discord

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"testing"
	"time"

	"seriesbot/bot"
	"seriesbot/internal/discordtest"
)

// BenchmarkInteractions200 dispatches 200 /ask interactions at once, from
// 200 users, to a bot serving the embedded series offline on the fake
// Discord, and measures for each the time from dispatch to the deferred
// response (Discord allows 3 s) and to the final edit that shows the
// answer. The fake runs in the same process and validates every request
// against Discord's OpenAPI spec, so its work is in the figures too.
func BenchmarkInteractions200(b *testing.B) {
	const n = 200
	tb := runBot(b, &bot.Commands{Answerer: defaultAnswerer(b)}, Config{Mentions: true, Rate: DefaultRate, Offline: true}, slog.LevelWarn, nil)
	questions := []string{
		"How much revenue did Alibaba Cloud make?", "When was DingTalk launched?", "What is Damai?",
		"When was Taobao launched?", "What is Ant Group?", "What is the capital of France?",
	}
	// round dispatches n interactions at once and waits for them all.
	round := func(r int) []discordtest.Interaction {
		ids := make([]string, n)
		for i := range n {
			spec := askSpec(questions[i%len(questions)])
			spec.User = discordtest.User{ID: fmt.Sprintf("14%017d", r*n+i), Username: fmt.Sprintf("reader%d", i)}
			ids[i] = tb.srv.DispatchInteraction(spec).ID
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out := make([]discordtest.Interaction, n)
		for i, id := range ids {
			if err := tb.handled.wait(ctx, id); err != nil {
				b.Fatal(err)
			}
			out[i], _ = tb.srv.Interaction(id)
			if len(out[i].Callbacks) == 0 || out[i].Original == nil || len(out[i].Original.Edits) == 0 {
				b.Fatalf("interaction %s not answered: %+v", id, out[i].Callbacks)
			}
		}
		return out
	}
	// A first round opens the connections and sizes the heap, as a bot
	// that has been running a while has them.
	round(0)
	var acks, finals []time.Duration
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for r := range b.N {
		for _, in := range round(r + 1) {
			acks = append(acks, in.Callbacks[0].Delay)
			finals = append(finals, in.Original.Edits[len(in.Original.Edits)-1].At.Sub(in.DispatchedAt))
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	slices.Sort(acks)
	slices.Sort(finals)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
	b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
	b.ReportMetric(ms(acks[len(acks)-1]), "ack-max-ms")
	b.ReportMetric(ms(percentile(finals, 50)), "final-p50-ms")
	b.ReportMetric(ms(percentile(finals, 99)), "final-p99-ms")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*n), "alloc-B/interaction")
	b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-inuse-MB")
	b.ReportMetric(0, "ns/op") // a round's duration is the final-edit latency above
	if v := tb.srv.Violations(); len(v) > 0 {
		b.Errorf("violations: %q", v[:min(len(v), 5)])
	}
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(i, len(sorted))-1)]
}
