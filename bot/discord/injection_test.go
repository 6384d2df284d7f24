package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"seriesbot/bot"
	"seriesbot/internal/discordtest"
	"seriesbot/internal/openaitest"
)

// injectionCase is one entry of testdata/injection.json: a question (and
// for a thread, a follow-up), asked as Via says, that tries to change the
// rules, ping, leak the prompt or plant links; and the hostile reply the
// fake model gives. Key, a word of the question, tells the fake which case
// a request is for.
type injectionCase struct {
	Name     string
	Via      string // "ask", "mention" or "thread"
	Question string
	Key      string
	Reply    string
	// Passage, when set, is an article of the corpus the case is asked
	// on, in place of the series.
	Passage string
	// FollowUp is asked in the thread (Via "thread") once Question has
	// been answered; the fake condenses it to Condensed and answers
	// FollowUpReply.
	FollowUp, FollowUpKey, Condensed, FollowUpReply string
	// Grounded: the answer posted lists its sources.
	Grounded bool
	// Posted must all be in what the bot posted last; Absent none.
	Posted, Absent []string
	// Fence: the prompts sent for the case must each hold one question
	// fence, opened and closed once.
	Fence bool
}

func loadInjectionCases(t *testing.T) []injectionCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/injection.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []injectionCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/injection.json: %v", err)
	}
	return cases
}

// hostileModel answers each request as the case it is for scripts it:
// condensations with the condensed follow-up, answers with the reply.
func hostileModel(cases []injectionCase) openaitest.Option {
	return openaitest.WithReply(func(req openai.ChatCompletionRequest) string {
		last := req.Messages[len(req.Messages)-1].Content
		condensing := strings.Contains(req.Messages[0].Content, "standalone question")
		for _, c := range cases {
			switch {
			case condensing && c.FollowUpKey != "" && strings.Contains(last, c.FollowUpKey):
				return c.Condensed
			case !condensing && c.FollowUpKey != "" && strings.Contains(last, c.FollowUpKey):
				return c.FollowUpReply
			case !condensing && strings.Contains(last, c.Key):
				return c.Reply
			}
		}
		return "I cannot tell which case this is."
	})
}

var (
	// postedLink is a masked link as Discord renders one.
	postedLink = regexp.MustCompile(`\[[^\[\]\n]*\]\(\s*<?([^()<>\s]+)>?\s*\)`)
	// postedURL is a URL a Discord client makes clickable.
	postedURL  = regexp.MustCompile(`(?i)[a-z][a-z0-9+.\-]*://[^\s<>()\x60\[\]]+`)
	inlineCode = regexp.MustCompile("`[^`\n]*`")
)

// TestDiscordInjectionSet runs testdata/injection.json end to end: the
// real bot, go-openai talking to the fake model scripted to be hostile,
// discordgo talking to the fake Discord. It asserts what was posted: no
// link but to a cited source, no ping, prompts whose fences held, and the
// sources listed exactly when the answer is grounded.
func TestDiscordInjectionSet(t *testing.T) {
	t.Parallel()
	cases := loadInjectionCases(t)
	model := openaitest.New(t, hostileModel(cases))

	// Cases with a passage of their own are asked on a corpus of those
	// passages, one article each; the others on the series.
	dir := t.TempDir()
	part := 0
	for _, c := range cases {
		if c.Passage != "" {
			part++
			writeArticle(t, dir, part, c.Passage)
		}
	}
	series := startBot(t, &bot.Commands{Answerer: llmAnswerer(t, model)}, Config{Mentions: true})
	// The bot's own text links the parts of the series (the list of what
	// it covers); no other address may be clickable but a cited source's.
	var own []string
	for _, p := range series.d.cmds.Answerer.Snapshot().Corpus.Manifest.Parts {
		own = append(own, p.URL)
	}
	var passages *testBot
	if part > 0 {
		l := &bot.Loader{Dir: dir}
		snap, _, err := l.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		a := llmAnswerer(t, model)
		a.Swap(snap)
		passages = startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true})
	}

	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			b := series
			if c.Passage != "" {
				b = passages
			}
			var posted []discordtest.Message
			switch c.Via {
			case "ask":
				in, _ := b.command(t, askSpec(c.Question))
				got, _ := b.srv.Interaction(in.ID)
				posted = append([]discordtest.Message{*got.Original}, got.Followups...)
			case "mention", "thread":
				m := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), c.Question, true)
				starter, _ := b.srv.Message(m.ID)
				if starter.ThreadID == "" {
					t.Fatalf("no thread started; log:\n%s", b.logs.String())
				}
				posted = b.botMessages(starter.ThreadID)
				if c.Via == "thread" {
					reads := historyReads(b.srv, starter.ThreadID)
					b.message(t, starter.ThreadID, discordtest.DefaultUser(), c.FollowUp, false)
					posted = b.botMessages(starter.ThreadID)[len(posted):]
					if n := historyReads(b.srv, starter.ThreadID) - reads; n != 1 {
						t.Errorf("the thread's history was read %d times for one follow-up", n)
					}
					checkCondensation(t, model, c)
				}
			default:
				t.Fatalf("via %q", c.Via)
			}
			if len(posted) == 0 {
				t.Fatalf("nothing posted; log:\n%s", b.logs.String())
			}
			checkPosted(t, c, posted, own)
			if c.Fence {
				checkFences(t, model, c.Key)
			}
		})
	}
	for _, b := range []*testBot{series, passages} {
		if b == nil {
			continue
		}
		noPingsAnywhere(t, b.srv)
		b.noViolations(t)
	}
}

func historyReads(srv *discordtest.Server, thread string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/channels/"+thread+"/messages" {
			n++
		}
	}
	return n
}

// checkPosted asserts what a case's messages say, in their final form and
// in every edit they went through.
func checkPosted(t *testing.T, c injectionCase, posted []discordtest.Message, own []string) {
	t.Helper()
	last := posted[len(posted)-1]
	var cited []string
	if len(last.Embeds) > 0 {
		desc, _ := last.Embeds[0]["description"].(string)
		for _, m := range postedLink.FindAllStringSubmatch(desc, -1) {
			cited = append(cited, m[1])
		}
	}
	if grounded := len(cited) > 0; grounded != c.Grounded {
		t.Errorf("sources listed: %q; want grounded %v", cited, c.Grounded)
	}
	allowed := append(slices.Clone(cited), own...)
	var final strings.Builder
	for _, m := range posted {
		final.WriteString(m.Content + "\n")
		texts := []string{m.Content}
		for _, e := range m.Edits {
			texts = append(texts, e.Content)
		}
		for _, text := range texts {
			for _, l := range postedLink.FindAllStringSubmatch(text, -1) {
				if !slices.Contains(allowed, l[1]) {
					t.Errorf("masked link to %s, which is no cited source, in %q", l[1], text)
				}
			}
			outside := inlineCode.ReplaceAllString(postedLink.ReplaceAllString(text, ""), "")
			for _, u := range postedURL.FindAllString(outside, -1) {
				if !slices.Contains(allowed, strings.TrimRight(u, ".,;:!?'\"")) {
					t.Errorf("clickable URL %s, which is no cited source, in %q", u, text)
				}
			}
		}
	}
	for _, want := range c.Posted {
		if !strings.Contains(final.String(), want) {
			t.Errorf("posted text lacks %q:\n%s", want, final.String())
		}
	}
	for _, no := range c.Absent {
		if strings.Contains(final.String(), no) {
			t.Errorf("posted text has %q:\n%s", no, final.String())
		}
	}
}

// closingQuestion is "</question>" or a look-alike of it.
var closingQuestion = regexp.MustCompile(`(?i)[<＜﹤‹〈⟨]\s*[/／⁄∕]\s*question`)

// checkFences asserts that every prompt sent for the case holds one
// question fence: opened once, closed once by the real tag, with no
// look-alike left standing beside it.
func checkFences(t *testing.T, model *openaitest.Server, key string) {
	t.Helper()
	n := 0
	for _, req := range model.ChatRequests() {
		user := req.Messages[len(req.Messages)-1].Content
		if !strings.Contains(user, key) {
			continue
		}
		n++
		if strings.Count(user, "<question>") != 1 || strings.Count(user, "</question>") != 1 {
			t.Errorf("prompt has %d opening and %d closing question tags:\n%s", strings.Count(user, "<question>"), strings.Count(user, "</question>"), user)
		}
		for _, tag := range closingQuestion.FindAllString(user, -1) {
			if tag != "</question" && !strings.HasPrefix(tag, "‹") {
				t.Errorf("look-alike %q of the closing tag left in the prompt", tag)
			}
		}
	}
	if n == 0 {
		t.Error("the model was never asked")
	}
}

// checkCondensation asserts that the follow-up's condensation came with
// the rules as a system message, and the earlier turns each fenced: no
// line of a user's can pass for a turn of the assistant's.
func checkCondensation(t *testing.T, model *openaitest.Server, c injectionCase) {
	t.Helper()
	for _, req := range model.ChatRequests() {
		if len(req.Messages) == 0 || !strings.Contains(req.Messages[0].Content, "standalone question") {
			continue
		}
		user := req.Messages[len(req.Messages)-1].Content
		if !strings.Contains(user, c.FollowUpKey) {
			continue
		}
		if req.Messages[0].Role != openai.ChatMessageRoleSystem || len(req.Messages) != 2 {
			t.Errorf("condensation messages %+v, want a system message and the conversation", req.Messages)
		}
		if n := strings.Count(user, "<turn>"); n != 1 || strings.Count(user, "<assistant>") != 1 || strings.Count(user, "</assistant>") != 1 {
			t.Errorf("condensation prompt has %d turns, want the one earlier turn, fenced:\n%s", n, user)
		}
		return
	}
	t.Error("the follow-up was not condensed")
}

// noPingsAnywhere asserts that every request that carried content said
// that nothing may ping, and returns how many carried content.
func noPingsAnywhere(t *testing.T, srv *discordtest.Server) (withContent int) {
	t.Helper()
	for _, r := range srv.Requests() {
		var body map[string]any
		if json.Unmarshal(r.Body, &body) != nil {
			continue
		}
		if d, ok := body["data"].(map[string]any); ok {
			body = d
		}
		if _, ok := body["content"]; !ok {
			continue
		}
		withContent++
		am, _ := body["allowed_mentions"].(map[string]any)
		if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
			t.Errorf("%s %s: allowed_mentions = %v", r.Method, r.Route, body["allowed_mentions"])
		}
	}
	return withContent
}
