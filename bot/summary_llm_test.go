package bot_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/internal/openaitest"
	"seriesbot/prompts"
)

// summarising replies with one bullet per source it was sent, citing it,
// as a model that follows the summary prompt would; notes to merge are
// answered with their bullets as they are.
func summarising(req openai.ChatCompletionRequest) string {
	prompt := req.Messages[len(req.Messages)-1].Content
	if strings.HasPrefix(prompt, "Notes on ") {
		var out []string
		for _, m := range regexp.MustCompile(`(?s)<notes>\n(.*?)\n</notes>`).FindAllStringSubmatch(prompt, -1) {
			out = append(out, m[1])
		}
		return "What the series says.\n" + strings.Join(out, "\n")
	}
	var b strings.Builder
	b.WriteString("What the series says.")
	for _, s := range sentSources(prompt) {
		first, _, _ := strings.Cut(s.text[strings.Index(s.text, "Text: ")+len("Text: "):], ". ")
		fmt.Fprintf(&b, "\n- %s [%d].", strings.TrimSuffix(first, "."), s.id)
	}
	return b.String()
}

// scopePassages are the texts of the passages of the default corpus in
// segment seg.
func scopePassages(t *testing.T, a *bot.Answerer, seg string) []string {
	t.Helper()
	var out []string
	for _, p := range a.Snapshot().Index.Passages() {
		if p.Segment == seg {
			out = append(out, p.Text)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no passages in segment %s", seg)
	}
	return out
}

func TestLLMSummaryIsOfTheSegmentAndCited(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(summarising))
	a, _ := llmAnswerer(t, s.ClientConfig())
	sum := &bot.Summarizer{Answerer: a}
	var partials []string
	got, err := sum.Summarize(testCtx(t), "cloud", func(p string) { partials = append(partials, p) })
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d chat requests, want 1 (the segment fits one prompt)", len(reqs))
	}
	prompt := reqs[0].Messages[1].Content
	sent := sentSources(prompt)
	want := scopePassages(t, a, "cloud")
	if len(sent) != len(want) {
		t.Fatalf("the prompt holds %d sources, want the segment's %d:\n%s", len(sent), len(want), prompt)
	}
	for i, w := range want {
		if !strings.Contains(sent[i].text, w) {
			t.Errorf("source %d is not the segment's passage %q", i+1, w)
		}
	}
	for _, rule := range []string{"Summarise what the Alibaba article series", "Cloud computing", "Cite every claim with [n]"} {
		if !strings.Contains(prompt, rule) {
			t.Errorf("the prompt lacks %q", rule)
		}
	}
	if !got.Grounded || got.Note != "" || len(got.Sources) != 1 || got.Sources[0].Section != "Cloud Computing" || got.Sources[0].URL != part2URL {
		t.Fatalf("summary = %+v", got)
	}
	// Four passages of one section: one source, cited once per bullet.
	if strings.Count(got.Text, "[1]") != len(want) || strings.Contains(got.Text, "[2]") {
		t.Errorf("text = %q", got.Text)
	}
	if got.Chart == nil {
		t.Error("the chart of the offline summary was lost")
	}
	if len(partials) == 0 || partials[len(partials)-1] != got.Text {
		t.Errorf("partials = %q, want them to end with the summary", partials)
	}
}

// A summary is made once per snapshot and model: asked again, it is
// answered without the model; after a reload, the model is asked again.
func TestLLMSummaryCache(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(summarising))
	a, _ := llmAnswerer(t, s.ClientConfig())
	sum := &bot.Summarizer{Answerer: a}
	ctx := testCtx(t)
	first, err := sum.Summarize(ctx, "ant-group", nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := sum.Summarize(ctx, "Ant Group", nil)
	if err != nil || again.Text != first.Text {
		t.Fatalf("again = %+v, %v", again, err)
	}
	if n := len(s.ChatRequests()); n != 1 {
		t.Fatalf("%d chat requests after asking twice, want 1", n)
	}
	if _, err := sum.Summarize(ctx, "innovation", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(s.ChatRequests()); n != 2 {
		t.Fatalf("%d chat requests after another segment, want 2", n)
	}

	snap, _, err := bot.Loader{}.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Swap(snap)
	if _, err := sum.Summarize(ctx, "ant-group", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(s.ChatRequests()); n != 3 {
		t.Fatalf("%d chat requests after a reload, want 3", n)
	}
}

// Too many passages for one prompt: each batch is summarised, and the
// notes merged; the merged summary cites the passages the notes did.
func TestLLMSummaryMapReduce(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(summarising))
	a, _ := llmAnswerer(t, s.ClientConfig())
	a.Budget = 900 // the system prompt and two or three passages
	sum := &bot.Summarizer{Answerer: a}
	got, err := sum.Summarize(testCtx(t), "part-2", nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.ChatRequests()
	if len(reqs) < 3 {
		t.Fatalf("%d chat requests, want batches and a merge", len(reqs))
	}
	var sent int
	for _, r := range reqs[:len(reqs)-1] {
		p := r.Messages[1].Content
		est := prompts.EstimateTokens(r.Messages[0].Content) + prompts.EstimateTokens(p)
		if n := len(sentSources(p)); n == 0 || est > a.Budget && n > 1 {
			t.Errorf("a batch of %d sources over the budget", n)
		} else {
			sent += n
		}
	}
	var passages int
	for _, p := range a.Snapshot().Index.Passages() {
		if p.Part == 2 {
			passages++
		}
	}
	if sent != passages {
		t.Errorf("the batches hold %d passages, want part 2's %d", sent, passages)
	}
	merge := reqs[len(reqs)-1].Messages[1].Content
	if !strings.HasPrefix(merge, "Notes on Part 2 of ") || strings.Count(merge, "<notes>") != len(reqs)-1 {
		t.Errorf("merge prompt = %s", merge)
	}
	var sections []string
	for _, src := range got.Sources {
		if slices.Contains(sections, src.Section) {
			t.Errorf("section %s listed twice", src.Section)
		}
		sections = append(sections, src.Section)
	}
	if len(sections) < 4 || !got.Grounded {
		t.Errorf("summary = %+v", got)
	}
	for _, m := range regexp.MustCompile(`\[(\d+)\]`).FindAllStringSubmatch(got.Text, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		if n < 1 || n > len(got.Sources) {
			t.Errorf("[%d] points at no source: %q", n, got.Text)
		}
	}
}

// A model that fails or cites nothing gives the offline summary, with a
// note, and the model is asked again next time.
func TestLLMSummaryFallsBack(t *testing.T) {
	tests := []struct {
		name  string
		reply func(openai.ChatCompletionRequest) string
		key   string
		note  string
	}{
		{"rejected key", summarising, "sk-wrong-key-123456", "The language model was unavailable (the service rejected the API key)"},
		{"no citation", func(openai.ChatCompletionRequest) string { return "Cloud is big." }, "", "The language model was unavailable (its summary cited no source)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(tt.reply))
			cfg := s.ClientConfig()
			if tt.key != "" {
				cfg = openai.DefaultConfig(tt.key)
				cfg.BaseURL = s.URL()
			}
			a, _ := llmAnswerer(t, cfg)
			sum := &bot.Summarizer{Answerer: a}
			got, err := sum.Summarize(testCtx(t), "cloud", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.Note, tt.note) || !strings.Contains(got.Text, "RMB60 billion") || !got.Grounded {
				t.Fatalf("summary = %+v", got)
			}
			before := s.Calls("/v1/chat/completions")
			if _, err := sum.Summarize(testCtx(t), "cloud", nil); err != nil {
				t.Fatal(err)
			}
			if s.Calls("/v1/chat/completions") == before {
				t.Error("a fallback summary was kept: the model was not asked again")
			}
		})
	}
}

// Summaries of several segments at once share the cache safely.
func TestLLMSummaryConcurrent(t *testing.T) {
	s := openaitest.New(t, openaitest.WithReply(summarising))
	a, _ := llmAnswerer(t, s.ClientConfig())
	sum := &bot.Summarizer{Answerer: a}
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for _, seg := range []string{"cloud", "ant-group", "cloud", "innovation"} {
		wg.Go(func() {
			if _, err := sum.Summarize(ctx, seg, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, err := sum.Summarize(context.WithoutCancel(ctx), "cloud", nil); err != nil {
		t.Fatal(err)
	}
}

// A model's summary links only to the series: a planted masked link is
// shown as plain text, while its citations stand.
func TestLLMSummaryLinksOnlyToTheSeries(t *testing.T) {
	planted := func(req openai.ChatCompletionRequest) string {
		return summarising(req) + "\n- Log in to see more [1](https://evil.example/login) at https://evil.example/x [1]."
	}
	s := openaitest.New(t, openaitest.WithReply(planted))
	a, _ := llmAnswerer(t, s.ClientConfig())
	got, err := (&bot.Summarizer{Answerer: a}).Summarize(testCtx(t), "cloud", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Grounded || !strings.Contains(got.Text, "evil.example") {
		t.Fatalf("summary = %+v", got)
	}
	if strings.Contains(got.Text, "](https://evil.example") || regexp.MustCompile("(^|[^`])https://evil").MatchString(got.Text) {
		t.Errorf("a planted link is still a link: %q", got.Text)
	}
}
