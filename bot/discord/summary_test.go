package discord

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/chart"
	"seriesbot/internal/discordtest"
)

// The tests of summaries run one at a time, before the parallel tests
// of the package: their large edits are validated against the spec under
// the fake's one lock, and beside them the retry tests' interactions, which
// have Discord's three seconds to be acknowledged, could miss them on a
// loaded machine.

// A summary's chart goes up with the message, in a multipart request the
// strict fake reads as Discord does (payload_json, files[n], attachments),
// and the embed shows it.
func TestDiscordSummaryWithChart(t *testing.T) {
	b := startBot(t, &bot.Commands{Answerer: defaultAnswerer(t), Charts: chart.PNG}, Config{Mentions: true, Offline: true})
	_, msg := b.command(t, discordtest.InteractionSpec{Command: "summary", Options: map[string]any{"segment": "cloud"}})
	if !strings.HasPrefix(msg.Content, "Cloud computing — ") || !strings.Contains(msg.Content, "RMB60 billion") || !strings.Contains(msg.Content, "[1]") {
		t.Errorf("content = %s", msg.Content)
	}
	if len(msg.Embeds) != 2 || !strings.Contains(msg.Embeds[0]["description"].(string), "]("+part2URL+")") {
		t.Fatalf("embeds = %v", msg.Embeds)
	}
	img, _ := msg.Embeds[1]["image"].(map[string]any)
	if img["url"] != "attachment://"+bot.ChartFile || !strings.Contains(msg.Embeds[1]["description"].(string), "Cloud computing 8%") {
		t.Errorf("chart embed = %v", msg.Embeds[1])
	}
	if len(msg.Attachments) != 1 {
		t.Fatalf("attachments = %+v", msg.Attachments)
	}
	att := msg.Attachments[0]
	if att.Filename != bot.ChartFile || att.ContentType != "image/png" || att.Width != chart.Width || att.Height != chart.Height || att.Size != len(att.Data) {
		t.Errorf("attachment = %+v", att)
	}
	if _, err := png.Decode(bytes.NewReader(att.Data)); err != nil {
		t.Errorf("the uploaded chart does not decode: %v", err)
	}
	// The upload is one multipart request; the edits before it are JSON.
	var uploads int
	for _, r := range b.srv.Requests() {
		if len(r.Files) > 0 {
			uploads++
			if r.Method != http.MethodPatch || !strings.HasSuffix(r.Route, "/@original") || r.Files[0] != bot.ChartFile || !strings.Contains(string(r.Body), `"attachments":[{"id":"0"`) {
				t.Errorf("upload request = %+v", r)
			}
		}
	}
	if uploads != 1 {
		t.Errorf("%d requests uploaded files, want 1", uploads)
	}
	if bs := buttons(msg); len(bs) == 0 || bs[0].url != part2URL || bs[0].label != "Part 2" {
		t.Errorf("buttons = %+v", bs)
	}
	b.noViolations(t)
}

// smallChart draws any chart as a 2×2 PNG: the tests that are not about
// the picture need not pay for drawing one.
func smallChart(bot.Chart) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)))
	return b.Bytes(), err
}

func TestDiscordSummaryOfAPart(t *testing.T) {
	b := startBot(t, &bot.Commands{Answerer: defaultAnswerer(t), Charts: smallChart}, Config{Mentions: true, Offline: true})
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "summary", Options: map[string]any{"part": 2}})
	// Longer than one message: the chart and sources go with the last.
	all := append([]discordtest.Message{msg}, in.Followups...)
	last := all[len(all)-1]
	if !strings.HasPrefix(msg.Content, "Part 2 — ") || len(last.Attachments) != 1 || len(last.Embeds) != 2 {
		t.Fatalf("messages = %+v", all)
	}
	for _, m := range all[:len(all)-1] {
		if len(m.Attachments) != 0 {
			t.Errorf("a first piece carries files: %+v", m.Attachments)
		}
	}
	b.noViolations(t)
}

func TestDiscordSummaryOfNothingIsRefusedPrivately(t *testing.T) {
	b := startBot(t, nil, Config{Mentions: true})
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "summary"})
	if msg.Flags&discordtest.FlagEphemeral == 0 || !strings.Contains(msg.Content, "/summary needs segment:<segment> or part:<part>") || callback(t, in).Type != 4 {
		t.Errorf("reply = %+v", msg)
	}
	// The user left something out: nothing says the command list is
	// outdated, and nothing is logged as a fault.
	if strings.Contains(msg.Content, "outdated") {
		t.Errorf("reply blames the command list: %s", msg.Content)
	}
	if logs := b.logs.String(); strings.Contains(logs, "unusable command") || strings.Contains(logs, "level=WARN") {
		t.Errorf("a refusal logged as a fault:\n%s", logs)
	}
	b.noViolations(t)
}

// With a model, a summary is shown as it is written, as an answer is; the
// final edit has the sources by section and the chart.
func TestDiscordStreamsTheSummary(t *testing.T) {
	a := defaultAnswerer(t)
	const first, rest = "Alibaba Cloud started in 2009 [1].", " It made RMB60 billion in fiscal 2021 [2]."
	var srv atomic.Pointer[discordtest.Server]
	a.LLM = gatedChat{first: first, rest: rest, gate: func(ctx context.Context) error {
		return srv.Load().WaitFor(ctx, func() bool { return editedTo(srv.Load(), first) })
	}}
	b := startBot(t, &bot.Commands{Answerer: a, Charts: smallChart}, Config{Mentions: true, EditInterval: 50 * time.Millisecond})
	srv.Store(b.srv)
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "summary", Options: map[string]any{"segment": "cloud"}})
	// Both passages are of one section: one source.
	if msg.Content != "Alibaba Cloud started in 2009 [1]. It made RMB60 billion in fiscal 2021 [1]." || len(msg.Attachments) != 1 {
		t.Errorf("final = %+v", msg)
	}
	if edits := in.Original.Edits; len(edits) < 2 || edits[0].Content != first {
		t.Fatalf("edits %+v: want the first sentence shown before the summary", edits)
	}
	b.noViolations(t)
}
