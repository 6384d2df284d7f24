package bot_test

import (
	"context"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/internal/openaitest"
)

// benchReply is an answer of typical length and citations.
const benchReply = "In fiscal 2021, Alibaba Cloud earned RMB60 billion of revenue [1], " +
	"from 4 million customers in a broad range of industries [1][2]. " +
	"Cloud computing accounted for 8% of Alibaba's total revenue in 2021 [2], " +
	"and DingTalk was moved into the Cloud Computing segment in April 2021 [3]. " +
	"The series does not say what the segment earned in later years [9]."

// instantChat is a model that answers at once, in process: what an answer
// costs around the model, with no model at all.
type instantChat struct{}

func (instantChat) Stream(_ context.Context, _ []bot.Message, onDelta func(string)) (string, error) {
	if onDelta != nil {
		onDelta(benchReply)
	}
	return benchReply, nil
}

// BenchmarkLLMPipelineOverhead measures what the bot adds around the
// model: retrieval alone; the offline answer; a whole answer from a model
// that replies at once in process (retrieval, the prompt, the citation
// check); the model call alone (the same messages streamed from the fake
// at zero latency: real go-openai client, loopback HTTP, and the fake's
// own request validation, which runs in the same process); and a whole
// LLM answer against the fake. The pipeline's overhead is the whole answer
// less the model call.
func BenchmarkLLMPipelineOverhead(b *testing.B) {
	ctx := context.Background()
	q := bot.Ask(b, revenueQuestion)
	noop := func(string) {}

	b.Run("retrieval", func(b *testing.B) {
		a := bot.DefaultAnswerer(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer-offline", func(b *testing.B) {
		a := bot.DefaultAnswerer(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Answer(ctx, q, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer-instant-model", func(b *testing.B) {
		a := bot.DefaultAnswerer(b)
		a.LLM = instantChat{}
		b.ReportAllocs()
		for b.Loop() {
			if ans, err := a.Answer(ctx, q, noop); err != nil || len(ans.Sources) != 3 {
				b.Fatalf("answer %+v, err %v", ans, err)
			}
		}
	})
	b.Run("model-call-alone", func(b *testing.B) {
		s := openaitest.New(b, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return benchReply }))
		chat := &llm.Chat{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultChatModel}
		// The messages of a real answer, captured once.
		var msgs []bot.Message
		a := bot.DefaultAnswerer(b)
		a.LLM = recordingChat{Chat: chat, messages: &msgs}
		if _, err := a.Answer(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := chat.Stream(ctx, msgs, noop); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer-llm-fake", func(b *testing.B) {
		s := openaitest.New(b, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return benchReply }))
		a := bot.DefaultAnswerer(b)
		a.LLM = &llm.Chat{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultChatModel}
		b.ReportAllocs()
		for b.Loop() {
			ans, err := a.Answer(ctx, q, noop)
			if err != nil || ans.Note != "" || len(ans.Sources) != 3 {
				b.Fatalf("answer %+v, err %v", ans, err)
			}
		}
	})
}

// recordingChat keeps the messages of the last call to Chat.
type recordingChat struct {
	bot.Chat
	messages *[]bot.Message
}

func (c recordingChat) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (string, error) {
	*c.messages = msgs
	return c.Chat.Stream(ctx, msgs, onDelta)
}
