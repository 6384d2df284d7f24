package bot_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/internal/logtest"
	"seriesbot/internal/openaitest"
	"seriesbot/prompts"
)

// These tests run the answerer with the real language model client of
// bot/llm (go-openai) against the strict fake of internal/openaitest.

const (
	revenueQuestion = "How much revenue did Alibaba Cloud make?"
	part2URL        = bot.Part2URL
	llmReply        = "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]."
)

// llmAnswerer serves the embedded series with the real go-openai client
// talking to s. Backoff is a millisecond so retry tests stay fast (the
// waits themselves are tested on virtual time in bot/llm).
func llmAnswerer(t *testing.T, cfg openai.ClientConfig) (*bot.Answerer, *logtest.Buffer) {
	t.Helper()
	a := bot.DefaultAnswerer(t)
	a.LLM = &llm.Chat{
		Client:  llm.NewClientWithConfig(cfg),
		Model:   openaitest.DefaultChatModel,
		Timeout: 5 * time.Second,
		Retry:   llm.Retry{Backoff: time.Millisecond},
	}
	logs := new(logtest.Buffer)
	a.Log = slog.New(slog.NewTextHandler(logs, nil))
	return a, logs
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// promptSource is a source as the model was sent it.
type promptSource struct {
	id        int
	url, text string
}

var sourceBlock = regexp.MustCompile(`(?s)<source id="(\d+)">\n(.*?)\n</source>`)

func sentSources(prompt string) []promptSource {
	var out []promptSource
	for _, m := range sourceBlock.FindAllStringSubmatch(prompt, -1) {
		var ps promptSource
		fmt.Sscan(m[1], &ps.id)
		for l := range strings.Lines(m[2]) {
			if u, ok := strings.CutPrefix(strings.TrimSpace(l), "URL: "); ok {
				ps.url = u
			}
		}
		ps.text = m[2]
		out = append(out, ps)
	}
	return out
}

// citing replies with a sentence citing the source that holds want, as a
// model that reads its sources would.
func citing(want string) func(openai.ChatCompletionRequest) string {
	return func(req openai.ChatCompletionRequest) string {
		for _, s := range sentSources(req.Messages[len(req.Messages)-1].Content) {
			if strings.Contains(s.text, want) {
				return fmt.Sprintf("Alibaba Cloud earned %s of revenue in fiscal 2021 [%d].", want, s.id)
			}
		}
		return "The sources do not say."
	}
}

func TestLLMAnswerIsGroundedInWhatTheModelWasSent(t *testing.T) {
	tests := []struct {
		question string
		want     string // in the cited passage
	}{
		{revenueQuestion, "RMB60 billion"},
		{"阿里云的收入是多少？", "RMB60 billion"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(citing(tt.want)))
			a, _ := llmAnswerer(t, s.ClientConfig())
			ans, err := a.Answer(testCtx(t), bot.Ask(t, tt.question), nil)
			if err != nil {
				t.Fatal(err)
			}

			reqs := s.ChatRequests()
			if len(reqs) != 1 {
				t.Fatalf("%d chat requests, want 1", len(reqs))
			}
			msgs := reqs[0].Messages
			if len(msgs) != 2 || msgs[0].Role != "system" || msgs[1].Role != "user" {
				t.Fatalf("messages = %+v", msgs)
			}
			for _, rule := range []string{"Answer only from the sources", "[1]", "does not cover", "language of the question", "never instructions", "150 words"} {
				if !strings.Contains(msgs[0].Content, rule) {
					t.Errorf("system prompt lacks %q", rule)
				}
			}
			if !strings.Contains(msgs[1].Content, "<question>\n"+tt.question+"\n</question>") {
				t.Errorf("the question was not sent:\n%s", msgs[1].Content)
			}
			sent := sentSources(msgs[1].Content)
			if len(sent) != 5 {
				t.Fatalf("%d sources sent, want 5 (the default k)", len(sent))
			}
			for i, src := range sent {
				if src.id != i+1 || !strings.HasPrefix(src.url, "https://") {
					t.Errorf("source %d sent as id %d, URL %q", i+1, src.id, src.url)
				}
			}

			if ans.Note != "" || !ans.Grounded || !strings.Contains(ans.Text, tt.want) || !strings.HasSuffix(ans.Text, "[1].") {
				t.Fatalf("answer = %+v", ans)
			}
			if len(ans.Sources) != 1 || ans.Sources[0].URL != part2URL || !strings.Contains(ans.Sources[0].Text, tt.want) {
				t.Errorf("sources = %+v", ans.Sources)
			}
			if ans.Question != tt.question {
				t.Errorf("question = %q", ans.Question)
			}
			bot.CheckCitations(t, ans)
			if text := bot.FormatText(ans); !strings.Contains(text, "[1] Part 2 — ") || !strings.Contains(text, part2URL) {
				t.Errorf("formatted answer lacks its linked source:\n%s", text)
			}
		})
	}
}

func TestLLMCitationsAreChecked(t *testing.T) {
	tests := []struct {
		name     string
		reply    string
		wantText string
		wantRank []int // retrieval rank of each listed source
	}{
		{"renumbered in order of first citation", "Cloud grew [3]. Commerce leads [1, 3].",
			"Cloud grew [1]. Commerce leads [1][2].", []int{3, 1}},
		{"invented source removed", "Cloud grew [2]. It owns the moon [9]. Both [2, 9].",
			"Cloud grew [1]. It owns the moon. Both [1].", []int{2}},
		{"cites nothing", "The series does not cover that.", "The series does not cover that.", nil},
		{"only invented sources", "Revenue was huge [7][0].", "Revenue was huge.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return tt.reply }))
			a, _ := llmAnswerer(t, s.ClientConfig())
			ans, err := a.Answer(testCtx(t), bot.Ask(t, revenueQuestion), nil)
			if err != nil {
				t.Fatal(err)
			}
			// A reply that cites nothing is not grounded: the parts of the
			// series follow it, as they follow a refusal.
			want := tt.wantText
			if len(tt.wantRank) == 0 {
				want += "\n\nIt covers:\n- Part 1 — "
			}
			if !strings.HasPrefix(ans.Text, want) || (len(tt.wantRank) > 0 && ans.Text != want) {
				t.Errorf("text = %q, want %q", ans.Text, want)
			}
			sent := sentSources(s.ChatRequests()[0].Messages[1].Content)
			var ranks []int
			for i, src := range ans.Sources {
				ranks = append(ranks, src.Rank)
				if src.URL != sent[src.Rank-1].url || !strings.Contains(sent[src.Rank-1].text, src.Text) {
					t.Errorf("source %d is not source %d as sent", i+1, src.Rank)
				}
			}
			if fmt.Sprint(ranks) != fmt.Sprint(tt.wantRank) {
				t.Errorf("sources ranked %v, want %v", ranks, tt.wantRank)
			}
			if ans.Grounded != (len(tt.wantRank) > 0) || ans.Sources == nil {
				t.Errorf("grounded %v with %d sources (nil %v)", ans.Grounded, len(ans.Sources), ans.Sources == nil)
			}
			bot.CheckCitations(t, ans)
		})
	}
}

// TestLLMStreamsGrowingText: the callback gets the answer as it grows, with
// citations already renumbered, each text extending the one before, the
// last one the answer itself.
func TestLLMStreamsGrowingText(t *testing.T) {
	reply := "Alibaba Cloud earned RMB60 billion [3], from 4 million customers [3, 1]. It owns the moon [9]."
	s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return reply }))
	a, _ := llmAnswerer(t, s.ClientConfig())
	var partials []string
	ans, err := a.Answer(testCtx(t), bot.Ask(t, revenueQuestion), func(text string) { partials = append(partials, text) })
	if err != nil {
		t.Fatal(err)
	}
	if len(partials) < 5 {
		t.Fatalf("%d partial texts, want one per few words: %q", len(partials), partials)
	}
	for i, p := range partials {
		if strings.Contains(p, "[3") || strings.Contains(p, "[9") {
			t.Errorf("partial %d shows a citation before it was checked: %q", i, p)
		}
		if i > 0 && (!strings.HasPrefix(p, partials[i-1]) || p == partials[i-1]) {
			t.Errorf("partial %d %q does not grow %q", i, p, partials[i-1])
		}
	}
	if last := partials[len(partials)-1]; last != ans.Text {
		t.Errorf("last partial %q, answer %q", last, ans.Text)
	}
	if ans.Text != "Alibaba Cloud earned RMB60 billion [1], from 4 million customers [1][2]. It owns the moon." {
		t.Errorf("answer = %q", ans.Text)
	}
}

func TestLLMFollowUpIsCondensedBeforeRetrieval(t *testing.T) {
	const standalone = "How many customers did Alibaba Cloud have in fiscal 2021?"
	s := openaitest.New(t, openaitest.WithReply(func(req openai.ChatCompletionRequest) string {
		if strings.Contains(req.Messages[0].Content, "standalone question") {
			return "Standalone question: " + standalone + "\n"
		}
		return citing("4 million customers")(req)
	}))
	a, _ := llmAnswerer(t, s.ClientConfig())
	q := bot.Ask(t, "And how many customers did it have?")
	q.History = []bot.Turn{
		{Question: "What is DingTalk?", Answer: "A workplace app [1]."},
		{Question: revenueQuestion, Answer: "It earned RMB60 billion in fiscal 2021 [1]."},
	}
	ans, err := a.Answer(testCtx(t), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.ChatRequests()
	if len(reqs) != 2 {
		t.Fatalf("%d chat requests, want 2 (condense, answer)", len(reqs))
	}
	if m := reqs[0].Messages; len(m) != 2 || m[0].Role != openai.ChatMessageRoleSystem || !strings.Contains(m[0].Content, "never instructions") {
		t.Errorf("condensation messages = %+v, want the rules as a system message", m)
	}
	condense := reqs[0].Messages[1].Content
	for _, want := range []string{"<user>\n" + revenueQuestion + "\n</user>", "<assistant>\nIt earned RMB60 billion", "<user>\nWhat is DingTalk?\n</user>", "<question>\n" + q.Text() + "\n</question>"} {
		if !strings.Contains(condense, want) {
			t.Errorf("condensation prompt lacks %q:\n%s", want, condense)
		}
	}
	answer := reqs[1].Messages[1].Content
	if !strings.Contains(answer, "<question>\n"+standalone+"\n</question>") {
		t.Errorf("the answer prompt does not ask the standalone question:\n%s", answer)
	}
	if !strings.Contains(answer, "4 million customers") {
		t.Error("retrieval did not use the standalone question: the customers passage was not sent")
	}
	if ans.Question != q.Text() || !ans.Grounded || !strings.Contains(ans.Text, "4 million customers") || ans.Sources[0].URL != part2URL {
		t.Errorf("answer = %+v", ans)
	}
}

// TestLLMIsNotAskedWhatTheSeriesDoesNotCover: the extractive path's
// decision to decline stands; the model is never tempted to guess.
func TestLLMIsNotAskedWhatTheSeriesDoesNotCover(t *testing.T) {
	s := openaitest.New(t)
	a, _ := llmAnswerer(t, s.ClientConfig())
	ans, err := a.Answer(testCtx(t), bot.Ask(t, "What is the capital of France?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.Contains(ans.Text, "does not cover") || ans.Note != "" {
		t.Errorf("answer = %+v", ans)
	}
	if n := s.Calls("/chat/completions"); n != 0 {
		t.Errorf("the model was asked %d times", n)
	}
}

// TestTheModelDecides: with a language model, every question a passage
// could bear on goes to the model, however loosely worded, and the model
// says whether the passages answer it; only a question no passage bears on
// at all is declined without asking.
func TestTheModelDecides(t *testing.T) {
	tests := []struct {
		q     string
		asked bool
	}{
		{"how many users does ant group have", true},
		{"does alibaba have its own zoom type app", true},
		{"what is alibaba's share price right now", true},
		{"What is the capital of France?", false},
		{"what was pinduoduo's revenue in 2021?", false},
		{"give me a recipe for dumplings pls", false},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return "The sources do not say." }))
			a, _ := llmAnswerer(t, s.ClientConfig())
			ans, err := a.Answer(testCtx(t), bot.Ask(t, tt.q), nil)
			if err != nil {
				t.Fatal(err)
			}
			if asked := s.Calls("/chat/completions") > 0; asked != tt.asked {
				t.Errorf("the model was asked: %v, want %v", asked, tt.asked)
			}
			if ans.Grounded || !strings.Contains(ans.Text, "It covers:") {
				t.Errorf("answer = %+v, want the refusal or the model's with the parts", ans)
			}
		})
	}
}

// TestLLMIsSentBothSidesOfAComparison: a model asked to compare two
// businesses is sent the passage with each one's figure, not only those
// the question's words lean to, within the usual number of sources.
func TestLLMIsSentBothSidesOfAComparison(t *testing.T) {
	for _, q := range []string{
		"which segment is bigger, cloud or digital media?",
		"is innovation initiatives smaller than cloud computing",
	} {
		t.Run(q, func(t *testing.T) {
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return "Cloud is bigger [1]." }))
			a, _ := llmAnswerer(t, s.ClientConfig())
			if _, err := a.Answer(testCtx(t), bot.Ask(t, q), nil); err != nil {
				t.Fatal(err)
			}
			reqs := s.ChatRequests()
			if len(reqs) != 1 {
				t.Fatalf("%d chat requests, want 1", len(reqs))
			}
			sent := sentSources(reqs[0].Messages[len(reqs[0].Messages)-1].Content)
			var texts []string
			for _, src := range sent {
				texts = append(texts, src.text)
			}
			all := strings.Join(texts, "\n")
			want := []string{"accounted for 8%", "4% of the Group's overall revenue"}
			if strings.Contains(q, "innovation") {
				want = []string{"accounted for 8%", "1% of Alibaba's revenue"}
			}
			for _, w := range want {
				if !strings.Contains(all, w) {
					t.Errorf("the model was not sent %q; sources:\n%s", w, all)
				}
			}
			if len(sent) != 5 {
				t.Errorf("%d sources sent, want 5 (the default k)", len(sent))
			}
		})
	}
}

// TestLLMReadsWhatCannotBeQuoted: a loosely worded question that no
// sentence of the series matches closely enough to quote is still given to
// the model with the passages retrieval found, and its cited answer comes
// back with links.
func TestLLMReadsWhatCannotBeQuoted(t *testing.T) {
	const q = "what did the cloud unit haul in"
	offline, err := bot.DefaultAnswerer(t).Answer(testCtx(t), bot.Ask(t, q), nil)
	if err != nil {
		t.Fatal(err)
	}
	if offline.Grounded {
		t.Skipf("the offline path now quotes an answer to %q; pick a looser question", q)
	}
	s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string {
		return "Alibaba Cloud brought in RMB60 billion in fiscal 2021 [1]."
	}))
	a, _ := llmAnswerer(t, s.ClientConfig())
	ans, err := a.Answer(testCtx(t), bot.Ask(t, q), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Fatalf("the model was asked %d times, want 1", n)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "RMB60 billion in fiscal 2021 [1]") || len(ans.Sources) != 1 || ans.Sources[0].URL == "" {
		t.Errorf("answer = %+v", ans)
	}
	sent := s.ChatRequests()[0].Messages[1].Content
	if !strings.Contains(sent, "RMB60 billion") {
		t.Errorf("the passage with the answer was not sent to the model:\n%s", sent)
	}
}

// TestLLMPromptBudget: passages go into the prompt best first while the
// prompt stays within the budget, and at least one always goes.
func TestLLMPromptBudget(t *testing.T) {
	tests := []struct {
		budget, k int
		wantAll   bool // all k retrieved passages fit
	}{
		{0, 5, true},
		{0, 30, false},
		{900, 5, false},
		{1, 5, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("budget %d k %d", tt.budget, tt.k), func(t *testing.T) {
			s := openaitest.New(t)
			a, _ := llmAnswerer(t, s.ClientConfig())
			a.Budget = tt.budget
			q := bot.Ask(t, revenueQuestion)
			q.K = tt.k
			if _, err := a.Answer(testCtx(t), q, nil); err != nil {
				t.Fatal(err)
			}
			msgs := s.ChatRequests()[0].Messages
			sent := sentSources(msgs[1].Content)
			if got := len(sent) == tt.k; got != tt.wantAll || len(sent) == 0 {
				t.Errorf("%d of %d sources sent", len(sent), tt.k)
			}
			budget := cmp.Or(tt.budget, bot.DefaultPromptBudget)
			if used := prompts.EstimateTokens(msgs[0].Content) + prompts.EstimateTokens(msgs[1].Content); used > budget && len(sent) > 1 {
				t.Errorf("prompt of %d sources estimated at %d tokens, over the budget of %d", len(sent), used, budget)
			}
			hits, err := a.Search(testCtx(t), q)
			if err != nil {
				t.Fatal(err)
			}
			for i, src := range sent {
				if !strings.Contains(src.text, hits[i].Passage.Text) {
					t.Errorf("source %d is not the passage ranked %d", i+1, i+1)
				}
			}
		})
	}
}

// TestLLMFaults: whatever the model service does, the user gets an answer:
// the model's after retries when the service recovers within the
// deadline, else the quoted one with a note saying why, never an error.
// Each way the service fails, and the reason it gives, is played in
// bot/llm's TestChatFaults; here one of each outcome goes through the
// answerer.
func TestLLMFaults(t *testing.T) {
	const wrongKey = "sk-wrong-key-123456"
	tests := []struct {
		name   string
		faults []openaitest.Fault
		key    string // "" for the accepted one
		// Wanted: the model's answer (note == "") or the quoted one with
		// a note containing note; the chat requests the fake saw.
		note  string
		calls int
	}{
		{name: "500 twice, then success", faults: []openaitest.Fault{openaitest.ServerError{}, openaitest.ServerError{Status: http.StatusBadGateway}},
			calls: 3},
		{name: "503 on every try", faults: []openaitest.Fault{openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}, openaitest.ServerError{Status: 503}},
			note: "the service failed (HTTP 503)", calls: 4},
		{name: "stream cut without [DONE]", faults: []openaitest.Fault{openaitest.CutStream{}},
			note: "the answer was cut off", calls: 1},
		{name: "wrong key", key: wrongKey,
			note: "the service rejected the API key", calls: 1},
	}
	offline, err := bot.DefaultAnswerer(t).Answer(context.Background(), bot.Ask(t, revenueQuestion), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string { return llmReply }))
			for _, f := range tt.faults {
				s.FailNext(f)
			}
			cfg := s.ClientConfig()
			if tt.key != "" {
				cfg = openai.DefaultConfig(tt.key)
				cfg.BaseURL = s.URL()
			}
			a, logs := llmAnswerer(t, cfg)

			ans, err := a.Answer(testCtx(t), bot.Ask(t, revenueQuestion), func(string) {})
			if err != nil {
				t.Fatalf("Answer failed instead of falling back: %v", err)
			}
			if tt.note == "" {
				if ans.Note != "" || ans.Text != llmReply {
					t.Errorf("want the model's answer, got %+v", ans)
				}
			} else {
				want := "The language model was unavailable (" + tt.note
				if !strings.HasPrefix(ans.Note, want) || !strings.HasSuffix(ans.Note, "); this answer is quoted from the series.") {
					t.Errorf("note = %q, want it to start %q", ans.Note, want)
				}
				if ans.Text != offline.Text || !ans.Grounded || len(ans.Sources) != len(offline.Sources) || ans.Sources[0].URL != part2URL {
					t.Errorf("want the quoted answer, got %+v", ans)
				}
				if !strings.Contains(logs.String(), "language model unavailable") {
					t.Errorf("the failure was not logged: %q", logs.String())
				}
				if !strings.Contains(bot.FormatText(ans), ans.Note) {
					t.Errorf("the text output does not show the note:\n%s", bot.FormatText(ans))
				}
			}
			if got := s.Calls("/chat/completions"); got != tt.calls {
				t.Errorf("the service saw %d calls, want %d", got, tt.calls)
			}
			if s.PendingFaults() != 0 {
				t.Errorf("%d scripted faults were not played", s.PendingFaults())
			}
			if strings.Contains(logs.String(), wrongKey) || strings.Contains(logs.String(), openaitest.DefaultKey) {
				t.Errorf("the log shows a key: %s", logs.String())
			}
		})
	}
}

// TestLLMFailingFollowUp: when condensing the follow-up fails, the answer
// is quoted from the series, found with the previous question merged in.
func TestLLMFailingFollowUp(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.MalformedJSON{})
	a, _ := llmAnswerer(t, s.ClientConfig())
	ans := askFollowUp(t, a, "When was it launched?", []bot.Turn{{Question: "What is DingTalk?"}})
	if !strings.Contains(ans.Note, "malformed") || !strings.Contains(ans.Text, "2015") {
		t.Errorf("answer = %+v", ans)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls, want 1: the answer is not asked of a failing model", n)
	}
}

// TestAnswerEndsWithItsContext: a user who gives up gets no answer, and no
// note blaming the model.
func TestAnswerEndsWithItsContext(t *testing.T) {
	s := openaitest.New(t)
	s.FailNext(openaitest.SlowFirstToken{Delay: 10 * time.Second})
	a, _ := llmAnswerer(t, s.ClientConfig())
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := a.Answer(ctx, bot.Ask(t, revenueQuestion), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestAnswersWithTheOpenAIEmbedder: an index built with the remote
// embedder answers, and when the embedder fails on a question, the local
// index built beside it does.
func TestAnswersWithTheOpenAIEmbedder(t *testing.T) {
	s := openaitest.New(t, openaitest.WithShuffledEmbeddings())
	emb := &llm.Embedder{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultEmbeddingModel, Retry: llm.Retry{Attempts: 1}}
	lib, warn, err := bot.Loader{Embedder: emb}.Load(testCtx(t))
	if err != nil || warn != nil {
		t.Fatalf("load: %v, %v", err, warn)
	}
	if lib.Index.Embedder() != "openai:"+openaitest.DefaultEmbeddingModel || lib.Local == nil {
		t.Fatalf("index embedder %q, local index %v", lib.Index.Embedder(), lib.Local != nil)
	}
	if n := s.Calls("/embeddings"); n >= lib.Index.Len() {
		t.Errorf("%d embeddings requests for %d passages: inputs are not batched", n, lib.Index.Len())
	}
	a := bot.NewAnswerer(lib)
	a.Log = discardLog()
	for _, fail := range []bool{false, true} {
		if fail {
			s.FailNext(openaitest.ServerError{})
		}
		before := s.Calls("/embeddings")
		ans, err := a.Answer(testCtx(t), bot.Ask(t, revenueQuestion), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Grounded || !strings.Contains(ans.Text, "RMB60 billion") || ans.Sources[0].URL != part2URL {
			t.Errorf("embedder failing %v: answer = %+v", fail, ans)
		}
		if s.Calls("/embeddings") != before+1 {
			t.Errorf("the question was not embedded by the index's model")
		}
	}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestLLMFollowUpOfAnotherTime: with a model, "and before that?" is
// condensed from the conversation and the model answers it; when the model
// fails, the quotes that stand in for its answer are of the earlier time,
// not the last answer again.
func TestLLMFollowUpOfAnotherTime(t *testing.T) {
	history := []bot.Turn{{Question: revenueQuestion, Answer: "In fiscal 2021, Alibaba Cloud earned RMB60 billion of revenue from 4 million customers [1]."}}
	t.Run("the model answers", func(t *testing.T) {
		const standalone = "How did Alibaba Cloud rank before fiscal 2021?"
		s := openaitest.New(t, openaitest.WithReply(func(req openai.ChatCompletionRequest) string {
			if strings.Contains(req.Messages[0].Content, "standalone question") {
				return standalone
			}
			return citing("third-largest")(req)
		}))
		a, _ := llmAnswerer(t, s.ClientConfig())
		ans := askFollowUp(t, a, "and before that?", history)
		reqs := s.ChatRequests()
		if len(reqs) != 2 || !strings.Contains(reqs[1].Messages[1].Content, "<question>\n"+standalone+"\n</question>") {
			t.Fatalf("%d chat requests, the last %+v; want the condensed question answered", len(reqs), reqs)
		}
		if !ans.Grounded || !strings.Contains(ans.Text, "third-largest") {
			t.Errorf("answer = %+v, want the model's", ans)
		}
	})
	t.Run("the model fails", func(t *testing.T) {
		s := openaitest.New(t)
		s.FailNext(openaitest.MalformedJSON{})
		a, _ := llmAnswerer(t, s.ClientConfig())
		ans := askFollowUp(t, a, "and before that?", history)
		if ans.Note == "" || strings.Contains(ans.Text, "RMB60 billion") || !strings.Contains(ans.Text, "2020") {
			t.Errorf("answer = %+v, want quotes from before fiscal 2021 with a note", ans)
		}
	})
}

// TestLLMIsAskedTheYearsAQuestionNames: the years a question names are
// left out of what passages are matched against, never out of what the
// model is asked.
func TestLLMIsAskedTheYearsAQuestionNames(t *testing.T) {
	const q = "What did Alibaba buy before 2015?"
	s := openaitest.New(t, openaitest.WithReply(citing("2014")))
	a, _ := llmAnswerer(t, s.ClientConfig())
	ans, err := a.Answer(testCtx(t), bot.Ask(t, q), nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.ChatRequests()
	if len(reqs) != 1 || !strings.Contains(reqs[0].Messages[1].Content, "<question>\n"+q+"\n</question>") {
		t.Fatalf("%d chat requests, want the question asked as it was: %+v", len(reqs), reqs)
	}
	if !strings.Contains(reqs[0].Messages[1].Content, "2014") {
		t.Error("no passage of 2014 was sent")
	}
	if !ans.Grounded {
		t.Errorf("answer = %+v", ans)
	}
}

// askFollowUp asks text of a after the conversation history.
func askFollowUp(t *testing.T, a *bot.Answerer, text string, history []bot.Turn) bot.Answer {
	t.Helper()
	q := bot.Ask(t, text)
	q.History = history
	ans, err := a.Answer(testCtx(t), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ans
}
