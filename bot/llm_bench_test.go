package bot

import (
	"context"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/internal/openaitest"
	"seriesbot/prompts"
)

// benchReply is an answer of typical length and citations.
const benchReply = "In fiscal 2021, Alibaba Cloud earned RMB60 billion of revenue [1], " +
	"from 4 million customers in a broad range of industries [1][2]. " +
	"Cloud computing accounted for 8% of Alibaba's total revenue in 2021 [2], " +
	"and DingTalk was moved into the Cloud Computing segment in April 2021 [3]. " +
	"The series does not say what the segment earned in later years [9]."

// BenchmarkLLMPipelineOverhead measures what the bot adds around the
// model: retrieval alone; the offline answer; the prompt and citation
// check without any model; the model call alone (the same messages
// streamed from the fake at zero latency: real go-openai client, loopback
// HTTP, and the fake's own request validation, which runs in the same
// process); and a whole LLM answer against the fake. The pipeline's
// overhead is the whole answer less the model call.
func BenchmarkLLMPipelineOverhead(b *testing.B) {
	defaultOnce.Do(func() { defaultLib, _, defaultErr = Loader{}.Load(context.Background()) })
	if defaultErr != nil {
		b.Fatal(defaultErr)
	}
	ctx := context.Background()
	q := Question{Text: revenueQuestion}
	noop := func(string) {}

	b.Run("retrieval", func(b *testing.B) {
		ix := defaultLib.Index
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ix.Search(ctx, q.Text, searchOptions(q)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer-offline", func(b *testing.B) {
		a := NewAnswerer(defaultLib)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Answer(ctx, q, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prompt-and-citations", func(b *testing.B) {
		hits, err := defaultLib.Index.Search(ctx, q.Text, searchOptions(q))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			system, _ := prompts.System(prompts.DefaultSeries, 0)
			srcs := make([]prompts.Source, len(hits))
			for i, h := range hits {
				srcs[i] = prompts.Source{Part: h.Passage.Part, Title: h.Passage.Title, Section: h.Passage.Section, URL: h.Passage.URL, Text: h.Passage.Text}
			}
			bare, _ := prompts.Answer(q.Text, nil)
			n := prompts.Fit(DefaultPromptBudget, prompts.EstimateTokens(system)+prompts.EstimateTokens(bare), srcs)
			if _, err := prompts.Answer(q.Text, srcs[:n]); err != nil {
				b.Fatal(err)
			}
			if _, cited := rewriteCitations(benchReply, n); len(cited) != 3 {
				b.Fatalf("cited %v", cited)
			}
		}
	})
	b.Run("model-call-alone", func(b *testing.B) {
		s := openaitest.New(b, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return benchReply }))
		chat := &OpenAIChat{Client: NewOpenAIClient(s.ClientConfig()), Model: openaitest.DefaultChatModel}
		// The messages of a real answer, captured once.
		a := NewAnswerer(defaultLib)
		a.LLM = chat
		if _, err := a.Answer(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
		msgs := s.ChatRequests()[0].Messages
		b.ReportAllocs()
		for b.Loop() {
			if _, err := chat.Stream(ctx, msgs, noop); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer-llm-fake", func(b *testing.B) {
		s := openaitest.New(b, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return benchReply }))
		a := NewAnswerer(defaultLib)
		a.LLM = &OpenAIChat{Client: NewOpenAIClient(s.ClientConfig()), Model: openaitest.DefaultChatModel}
		b.ReportAllocs()
		for b.Loop() {
			ans, err := a.Answer(ctx, q, noop)
			if err != nil || ans.Note != "" || len(ans.Sources) != 3 {
				b.Fatalf("answer %+v, err %v", ans, err)
			}
		}
	})
}
