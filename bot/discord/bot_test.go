package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	openai "github.com/sashabaranov/go-openai"
	"go.uber.org/goleak"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/internal/discordapi"
	"seriesbot/internal/discordtest"
	"seriesbot/internal/logtest"
	"seriesbot/internal/openaitest"
	"seriesbot/internal/recordtb"
)

// TestMain silences discordgo's own logger: the fake closes connections
// under it as tests end, and what it says then (a read from a closed
// gateway) is expected. It fails the run when a goroutine outlives the
// tests: a session, a typing indicator or an editor left running.
func TestMain(m *testing.M) {
	discordgo.Logger = func(int, int, string, ...any) {}
	goleak.VerifyTestMain(m)
}

const part2URL = "https://investorinsights.asia/post/alibaba-part-2-alibaba-cloud-digital-media-and-innovation-initiatives"

var (
	defaultOnce sync.Once
	defaultSnap *bot.Snapshot
	defaultErr  error
)

// defaultAnswerer serves the embedded series offline; the index is built
// once per test binary.
func defaultAnswerer(t testing.TB) *bot.Answerer {
	t.Helper()
	defaultOnce.Do(func() { defaultSnap, _, defaultErr = bot.Loader{}.Load(context.Background()) })
	if defaultErr != nil {
		t.Fatalf("load default corpus: %v", defaultErr)
	}
	return bot.NewAnswerer(defaultSnap)
}

// llmAnswerer serves the embedded series with the real go-openai client
// talking to the fake s.
func llmAnswerer(t testing.TB, s *openaitest.Server) *bot.Answerer {
	a := defaultAnswerer(t)
	a.LLM = &llm.Chat{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultChatModel, Timeout: 5 * time.Second, Retry: llm.Retry{Backoff: time.Millisecond}}
	return a
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// These tests run the bot, with the real discordgo client, against the
// strict fake Discord of internal/discordtest: every request is checked
// against Discord's spec and limits (a breach fails the test), and every
// interaction must be acknowledged within Discord's three seconds.

// testBot is a bot serving on a fake Discord.
type testBot struct {
	srv     *discordtest.Server
	d       *Bot
	logs    *logtest.Buffer
	handled handledSet
	// stop ends Run, as a signal would, and waits for it.
	stop func()
}

// handledSet records the interactions and messages whose handler ended.
type handledSet struct {
	mu      sync.Mutex
	ids     map[string]bool
	changed chan struct{}
}

func (h *handledSet) add(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids[id] = true
	close(h.changed)
	h.changed = make(chan struct{})
}

func (h *handledSet) wait(ctx context.Context, id string) error {
	for {
		h.mu.Lock()
		done, ch := h.ids[id], h.changed
		h.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%s not handled: %w", id, ctx.Err())
		}
	}
}

// startBot runs a bot for cmds (nil: the embedded series, offline) on a
// new fake, registered in the fake's guild unless cfg names a guild, and
// waits until it is ready to serve. It stops when the test ends.
func startBot(t *testing.T, cmds *bot.Commands, cfg Config, opts ...discordtest.Option) *testBot {
	t.Helper()
	return startBotWith(t, cmds, cfg, nil, opts...)
}

// startBotWith is startBot with setup called on the bot before it runs.
func startBotWith(t *testing.T, cmds *bot.Commands, cfg Config, setup func(*Bot), opts ...discordtest.Option) *testBot {
	t.Helper()
	if cmds == nil {
		cmds = &bot.Commands{Answerer: defaultAnswerer(t), Loader: &bot.Loader{}}
		cfg.Offline = true
	}
	return runBot(t, cmds, cfg, slog.LevelDebug, setup, opts...)
}

// runBot is startBot for any test or benchmark, logging from level on.
func runBot(t testing.TB, cmds *bot.Commands, cfg Config, level slog.Level, setup func(*Bot), opts ...discordtest.Option) *testBot {
	t.Helper()
	srv := discordtest.New(t, opts...)
	logs := new(logtest.Buffer)
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
	cmds.Log = log
	cmds.Answerer.Log = log
	base, err := discordapi.ParseBaseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Token, cfg.APIBase = srv.Token(), base
	if cfg.GuildID == "" {
		cfg.GuildID = srv.GuildID()
	}
	d, err := New(cmds, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	b := &testBot{srv: srv, d: d, logs: logs, handled: handledSet{ids: map[string]bool{}, changed: make(chan struct{})}}
	d.handled = b.handled.add
	if setup != nil {
		setup(d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	b.stop = func() {
		once.Do(func() {
			cancel()
			// Beyond the shutdown grace, Run is stuck.
			hung, stop := context.WithTimeout(context.Background(), 2*DefaultShutdownGrace)
			defer stop()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-hung.Done():
				t.Error("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(b.stop)
	select {
	case <-d.ready:
	case <-done:
		t.Fatalf("Run ended early; log:\n%s", logs.String())
	case <-waitCtx(t).Done():
		t.Fatalf("the bot did not get ready (gateway %+v); log:\n%s", srv.Gateway(), logs.String())
	}
	// Closing before the first heartbeat can leave discordgo
	// reconnecting (see discordtest.WaitForHeartbeats).
	if err := srv.WaitForHeartbeats(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	return b
}

func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// command runs a slash command (or clicks a button), waits until the bot
// is done with it, and returns the interaction and its response.
func (b *testBot) command(t *testing.T, spec discordtest.InteractionSpec) (discordtest.Interaction, discordtest.Message) {
	t.Helper()
	in := b.srv.DispatchInteraction(spec)
	if err := b.handled.wait(waitCtx(t), in.ID); err != nil {
		t.Fatalf("%v; log:\n%s", err, b.logs.String())
	}
	got, _ := b.srv.Interaction(in.ID)
	if got.Original == nil {
		t.Fatalf("interaction %s has no response (callbacks %+v); log:\n%s", in.ID, got.Callbacks, b.logs.String())
	}
	return got, *got.Original
}

// message posts a message as author and waits until the bot is done with
// it.
func (b *testBot) message(t *testing.T, channelID string, author discordtest.User, content string, mention bool) discordtest.Message {
	t.Helper()
	m := b.srv.DispatchMessage(channelID, author, content, mention)
	if err := b.handled.wait(waitCtx(t), m.ID); err != nil {
		t.Fatalf("%v; log:\n%s", err, b.logs.String())
	}
	return m
}

// botMessages returns the messages the bot posted in a channel (not its
// responses to interactions).
func (b *testBot) botMessages(channelID string) []discordtest.Message {
	var out []discordtest.Message
	for _, m := range b.srv.Messages(channelID) {
		if m.Author.ID == b.srv.BotUser().ID && m.InteractionID == "" {
			out = append(out, m)
		}
	}
	return out
}

func askSpec(question string) discordtest.InteractionSpec {
	return discordtest.InteractionSpec{Command: "ask", Options: map[string]any{"question": question}}
}

// noViolations is the standard closing assertion.
func (b *testBot) noViolations(t *testing.T) {
	t.Helper()
	if v := b.srv.Violations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}
}

// callback returns the interaction's single accepted callback.
func callback(t *testing.T, in discordtest.Interaction) discordtest.Callback {
	t.Helper()
	if len(in.Callbacks) != 1 || !in.Callbacks[0].Accepted {
		t.Fatalf("callbacks = %+v", in.Callbacks)
	}
	return in.Callbacks[0]
}

// buttons lists the buttons of a message's rows: row index, style, label,
// URL and custom_id.
type button struct {
	row        int
	style      int
	label, url string
	customID   string
	emoji      string
}

func buttons(m discordtest.Message) []button {
	var out []button
	for i, row := range m.Components {
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			cm, _ := c.(map[string]any)
			b := button{row: i, style: int(cm["style"].(float64))}
			b.label, _ = cm["label"].(string)
			b.url, _ = cm["url"].(string)
			b.customID, _ = cm["custom_id"].(string)
			if e, ok := cm["emoji"].(map[string]any); ok {
				b.emoji, _ = e["name"].(string)
			}
			out = append(out, b)
		}
	}
	return out
}

func contents(ms []discordtest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Content)
	}
	return out
}

func noPings(t *testing.T, m discordtest.Message) {
	t.Helper()
	parse, ok := m.AllowedMentions["parse"].([]any)
	if !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions = %v, want parse: []", m.AllowedMentions)
	}
}

func TestDiscordAsk(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true, Rate: DefaultRate})
	in, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))

	cb := callback(t, in)
	if cb.Type != 5 || cb.Delay > time.Second {
		t.Errorf("first callback: type %d after %v, want a deferred response (5) at once", cb.Type, cb.Delay)
	}
	if !strings.Contains(msg.Content, "RMB60 billion") || !strings.Contains(msg.Content, "[1]") || msg.Flags&discordtest.FlagEphemeral != 0 {
		t.Errorf("answer = %+v", msg)
	}
	if len(msg.Embeds) != 1 || msg.Embeds[0]["title"] != "Sources" ||
		!strings.Contains(msg.Embeds[0]["description"].(string), `\[1\] [Part 2 — Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives (Cloud Computing)](`+part2URL+")") {
		t.Errorf("embeds = %v", msg.Embeds)
	}
	want := []button{
		{row: 0, style: 5, label: "Part 2", url: part2URL},
		{row: 1, style: 2, customID: "fb:up:" + in.ID, emoji: "👍"},
		{row: 1, style: 2, customID: "fb:down:" + in.ID, emoji: "👎"},
	}
	if got := buttons(msg); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("buttons = %+v, want %+v", got, want)
	}
	noPings(t, msg)

	// A click on 👍 is acknowledged and logged.
	click, thanks := b.command(t, discordtest.InteractionSpec{CustomID: "fb:up:" + in.ID, MessageID: msg.ID})
	if callback(t, click).Type != 4 || thanks.Flags&discordtest.FlagEphemeral == 0 || !strings.Contains(thanks.Content, "Thanks") {
		t.Errorf("feedback answered %+v", thanks)
	}
	if !strings.Contains(b.logs.String(), "msg=feedback vote=up answered="+in.ID) {
		t.Errorf("feedback not logged:\n%s", b.logs.String())
	}
	b.noViolations(t)
}

func TestDiscordRegistersTheCommands(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	var names []string
	for _, c := range b.srv.Commands(b.srv.GuildID()) {
		names = append(names, c.Name)
		var raw map[string]any
		json.Unmarshal(c.Raw, &raw)
		if c.Name == "reload" && fmt.Sprint(raw["default_member_permissions"]) != "32" {
			t.Errorf("/reload default_member_permissions = %v, want Manage Server (32)", raw["default_member_permissions"])
		}
	}
	if strings.Join(names, " ") != "ask summary parts reload help" {
		t.Errorf("registered %v", names)
	}
	if g := b.srv.Commands(""); len(g) != 0 {
		t.Errorf("global commands %v, want them in the guild only", g)
	}
	// One bulk overwrite, nothing else.
	var calls []string
	for _, r := range b.srv.Requests() {
		if strings.Contains(r.Route, "/commands") {
			calls = append(calls, r.Method+" "+r.Route)
		}
	}
	if len(calls) != 1 || calls[0] != "PUT /applications/{application_id}/guilds/{guild_id}/commands" {
		t.Errorf("requests to the commands routes: %v, want one bulk overwrite", calls)
	}
	id := b.srv.Gateway().Identifies[0]
	if !id.Has(discordtest.IntentMessageContent) || !id.Has(discordtest.IntentGuildMessages) || !id.Has(discordtest.IntentDirectMessages) || !id.Has(discordtest.IntentGuilds) {
		t.Errorf("intents %b", id.Intents)
	}
	b.noViolations(t)
}

func TestDiscordAskWithALanguageModel(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t, openaitest.WithReply(func(openai.ChatCompletionRequest) string {
		return "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]."
	}))
	b := startBot(t, &bot.Commands{Answerer: llmAnswerer(t, s)}, Config{Mentions: true})
	_, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if msg.Content != "Alibaba Cloud earned RMB60 billion of revenue in fiscal 2021 [1]." {
		t.Errorf("content = %q", msg.Content)
	}
	if len(msg.Embeds) != 1 || !strings.Contains(msg.Embeds[0]["description"].(string), "]("+part2URL+")") {
		t.Errorf("embeds = %v", msg.Embeds)
	}
	if n := s.Calls("/chat/completions"); n != 1 {
		t.Errorf("%d chat calls", n)
	}
	b.noViolations(t)
}

// TestDiscordStreamsTheAnswer: while the model writes, the user sees the
// answer so far, each edit a beginning of the answer; then the whole
// answer with its sources. How often it is edited is tested on virtual
// time (TestStreamEditorPacing).
func TestDiscordStreamsTheAnswer(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	const first, rest = "Alibaba Cloud made RMB60 billion [1].", " It served four million customers across many industries in fiscal 2021 [1]."
	var srv atomic.Pointer[discordtest.Server]
	// The model writes the first sentence, then waits until the user has
	// seen it before writing the rest.
	a.LLM = gatedChat{first: first, rest: rest, gate: func(ctx context.Context) error {
		return srv.Load().WaitFor(ctx, func() bool { return editedTo(srv.Load(), first) })
	}}
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true, EditInterval: 50 * time.Millisecond})
	srv.Store(b.srv)
	in, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if msg.Content != first+rest || len(msg.Embeds) != 1 {
		t.Errorf("final = %+v", msg)
	}
	edits := in.Original.Edits
	if len(edits) < 2 || edits[0].Content != first {
		t.Fatalf("edits %+v: want the first sentence shown before the answer", edits)
	}
	for _, e := range edits[:len(edits)-1] {
		if !strings.HasPrefix(first+rest, e.Content) || e.Content == first+rest {
			t.Errorf("partial edit %q", e.Content)
		}
	}
	b.noViolations(t)
}

// editedTo reports whether srv's only interaction's response has been
// edited to text.
func editedTo(srv *discordtest.Server, text string) bool {
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.Route, "/@original") && strings.Contains(string(r.Body), `"content":"`+text+`"`) {
			return true
		}
	}
	return false
}

// gatedChat writes first, waits for gate, then writes rest: a model whose
// pace the test decides.
type gatedChat struct {
	first, rest string
	gate        func(context.Context) error
}

func (c gatedChat) Stream(ctx context.Context, _ []bot.Message, onDelta func(string)) (string, error) {
	onDelta(c.first)
	if err := c.gate(ctx); err != nil {
		return "", err
	}
	onDelta(c.rest)
	return c.first + c.rest, nil
}

// streamingChat writes its reply a word at a time, as a model streams.
type streamingChat struct{ reply string }

func (c streamingChat) Stream(ctx context.Context, _ []bot.Message, onDelta func(string)) (string, error) {
	for _, w := range strings.SplitAfter(c.reply, " ") {
		if onDelta != nil {
			onDelta(w)
		}
	}
	return c.reply, ctx.Err()
}

func TestDiscordLongAnswerIsSplit(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	reply := strings.Repeat("Alibaba Cloud made RMB60 billion of revenue in fiscal 2021 [1]. ", 40)
	a.LLM = streamingChat{reply: reply}
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true})
	in, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if len(in.Followups) != 1 {
		t.Fatalf("%d follow-ups, want the rest of the answer in one", len(in.Followups))
	}
	rest := in.Followups[0]
	if n := len([]rune(msg.Content)); n > maxMessageRunes || !strings.HasSuffix(msg.Content, "[1].") {
		t.Errorf("first piece: %d characters, ends %q", n, msg.Content[len(msg.Content)-10:])
	}
	if strings.Join(strings.Fields(msg.Content+" "+rest.Content), " ") != strings.TrimSpace(reply) {
		t.Error("the pieces do not add up to the answer")
	}
	if len(msg.Embeds) != 0 || len(msg.Components) != 0 || len(rest.Embeds) != 1 || len(buttons(rest)) != 3 {
		t.Errorf("sources and buttons belong under the last piece: first %v %v, last %v %v", msg.Embeds, msg.Components, rest.Embeds, rest.Components)
	}
	noPings(t, rest)
	b.noViolations(t)
}

func TestDiscordParts(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "parts"})
	if callback(t, in).Type != 5 {
		t.Errorf("callback %+v", in.Callbacks[0])
	}
	for _, want := range []string{"The Alibaba series has 4 parts:", "- Part 2 — Alibaba (Part 2): Alibaba Cloud, Digital Media, and Innovation Initiatives — <" + part2URL + ">", "Part 4 — the Group's future (title not published) (no link available)"} {
		if !strings.Contains(msg.Content, want) {
			t.Errorf("content lacks %q:\n%s", want, msg.Content)
		}
	}
	bs := buttons(msg)
	if len(bs) != 3 || bs[1].url != part2URL || bs[1].label != "Part 2" {
		t.Errorf("buttons = %+v (three parts have a URL; part 4 has none)", bs)
	}
	b.noViolations(t)
}

func TestDiscordHelp(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "help"})
	if msg.Flags&discordtest.FlagEphemeral == 0 || callback(t, in).Type != 5 {
		t.Errorf("help is not private: %+v", in.Callbacks)
	}
	if !strings.Contains(msg.Content, "/ask question:<question>") || !strings.Contains(msg.Content, "mention me") {
		t.Errorf("help = %s", msg.Content)
	}
	b.noViolations(t)
}

// writeArticle writes a one-part corpus file for reload tests.
func writeArticle(t *testing.T, dir string, part int, text string) {
	t.Helper()
	body := fmt.Sprintf("---\nseries: Lotus\npart: %d\ntitle: \"Lotus (Part %d): Tea\"\nurl: https://example.com/lotus-%d\nsegment: tea\n---\n## Tea\n\n%s\n", part, part, part, text)
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.md", part)), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiscordReloadByAnAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeArticle(t, dir, 1, "Lotus Tea sold 12 million tins of oolong in 2020.")
	l := &bot.Loader{Dir: dir}
	snap, _, err := l.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := startBot(t, &bot.Commands{Answerer: bot.NewAnswerer(snap), Loader: l}, Config{Mentions: true, Offline: true})
	writeArticle(t, dir, 2, "Lotus Tea opened 40 shops in 2021.")

	in, msg := b.command(t, discordtest.InteractionSpec{Command: "reload"}) // the default member can manage the server
	if callback(t, in).Type != 5 || msg.Flags&discordtest.FlagEphemeral == 0 {
		t.Errorf("reload answered publicly: %+v", in.Callbacks)
	}
	for _, want := range []string{"Reloaded in ", "Added: Part 2 (1 passages).", "Unchanged: Part 1.", "The command choices were updated."} {
		if !strings.Contains(msg.Content, want) {
			t.Errorf("reload reply lacks %q:\n%s", want, msg.Content)
		}
	}
	// The new part can be chosen at once, and is answered from.
	if !strings.Contains(string(b.srv.Commands(b.srv.GuildID())[0].Raw), `"name":"Part 2 — Lotus (Part 2): Tea"`) {
		t.Errorf("the part choices were not updated: %s", b.srv.Commands(b.srv.GuildID())[0].Raw)
	}
	_, ans := b.command(t, discordtest.InteractionSpec{Command: "ask", Options: map[string]any{"question": "How many shops did Lotus Tea open?", "part": 2}})
	if !strings.Contains(ans.Content, "40 shops") {
		t.Errorf("answer after reload = %q", ans.Content)
	}
	b.noViolations(t)
}

func TestDiscordReloadIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	adminRole, adminUser := "1500000000000000001", discordtest.User{ID: "1400000000000000009", Username: "owner"}
	b := startBot(t, nil, Config{Mentions: true, AdminIDs: []string{adminRole, adminUser.ID}})

	// A member without Manage Server (only Send Messages).
	in, msg := b.command(t, discordtest.InteractionSpec{Command: "reload", Permissions: "2048"})
	if callback(t, in).Type != 4 || msg.Flags&discordtest.FlagEphemeral == 0 || !strings.Contains(msg.Content, "Only server admins") {
		t.Errorf("non-admin got %+v", msg)
	}
	if strings.Contains(b.logs.String(), "corpus reloaded") {
		t.Error("the corpus was reloaded for a non-admin")
	}
	// A user listed in AdminIDs may, without the permission.
	_, msg = b.command(t, discordtest.InteractionSpec{Command: "reload", Permissions: "2048", User: adminUser})
	if !strings.Contains(msg.Content, "Reloaded in ") {
		t.Errorf("listed admin got %q", msg.Content)
	}
	b.noViolations(t)
}

func TestDiscordMentionThreadAndFollowUp(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	q := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is DingTalk?", true)

	starter, _ := b.srv.Message(q.ID)
	thread := starter.ThreadID
	if thread == "" {
		t.Fatalf("no thread started on the question; log:\n%s", b.logs.String())
	}
	if ch, _ := b.srv.Channel(thread); ch.Name != "What is DingTalk?" || ch.OwnerID != b.srv.BotUser().ID || len(ch.Typing) == 0 {
		t.Errorf("thread = %+v (want it named after the question, and the bot seen typing in it)", ch)
	}
	answers := b.botMessages(thread)
	if len(answers) != 1 || !strings.Contains(answers[0].Content, "DingTalk") || len(answers[0].Embeds) != 1 {
		t.Fatalf("answers in the thread = %+v", answers)
	}
	if bs := buttons(answers[0]); len(bs) != 3 || bs[1].customID != "fb:up:"+q.ID {
		t.Errorf("buttons = %+v", bs)
	}
	noPings(t, answers[0])

	// A follow-up in the thread needs no mention, and is read with the
	// question the thread started on.
	b.message(t, thread, discordtest.DefaultUser(), "When was it launched?", false)
	answers = b.botMessages(thread)
	if len(answers) != 2 || !strings.Contains(answers[1].Content, "2015") {
		t.Fatalf("answers in the thread = %+v", answers)
	}
	history := false
	for _, r := range b.srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/channels/"+thread+"/messages" {
			history = true
		}
	}
	if !history {
		t.Error("the thread's history was not read")
	}
	// The bot's own messages come back as MESSAGE_CREATE: they are
	// skipped, so nothing else was posted.
	if n := len(b.srv.Messages(thread)); n != 3 {
		t.Errorf("%d messages in the thread, want answer, follow-up, answer", n)
	}
	if n := len(b.srv.Messages(b.srv.ChannelID())); n != 1 {
		t.Errorf("%d messages in the channel, want only the question", n)
	}
	b.noViolations(t)
}

// Mentioning the bot's role ("@Bot" among the roles) is mentioning the
// bot: the question is answered in a thread, without the role's markup.
func TestDiscordMentionThroughTheBotsRole(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	if role, err := b.d.roles.wait(waitCtx(t), b.srv.GuildID()); err != nil || role != b.srv.BotRoleID() {
		t.Fatalf("the bot's role was not learnt: %q, %v", role, err)
	}
	q := b.srv.DispatchRoleMention(b.srv.ChannelID(), discordtest.DefaultUser(), "what is dingtalk")
	if err := b.handled.wait(waitCtx(t), q.ID); err != nil {
		t.Fatal(err)
	}
	starter, _ := b.srv.Message(q.ID)
	if starter.ThreadID == "" {
		t.Fatalf("no thread started on the question; log:\n%s", b.logs.String())
	}
	if ch, _ := b.srv.Channel(starter.ThreadID); ch.Name != "what is dingtalk" {
		t.Errorf("thread named %q", ch.Name)
	}
	if answers := b.botMessages(starter.ThreadID); len(answers) != 1 || !strings.Contains(answers[0].Content, "2015") {
		t.Errorf("answers = %q", contents(answers))
	}
	// A mention of another role is not a mention of the bot.
	b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "<@&1500000000000000001> what is dingtalk", false)
	if n := len(b.botMessages(b.srv.ChannelID())); n != 0 {
		t.Errorf("%d replies to a message mentioning another role", n)
	}
	b.noViolations(t)
}

// After a restart the bot remembers no thread: it recognises its own by
// their owner, and reads the first question from the message the thread
// was started on.
func TestDiscordFollowUpInAThreadFromBeforeARestart(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	q := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is DingTalk?", true)
	starter, _ := b.srv.Message(q.ID)
	if starter.ThreadID == "" {
		t.Fatal("no thread")
	}
	b.d.threads.mu.Lock()
	b.d.threads.starter, b.d.threads.order = nil, nil
	b.d.threads.mu.Unlock()

	b.message(t, starter.ThreadID, discordtest.DefaultUser(), "When was it launched?", false)
	answers := b.botMessages(starter.ThreadID)
	if len(answers) != 2 || !strings.Contains(answers[1].Content, "2015") {
		t.Fatalf("answers = %q", contents(answers))
	}
	fetched := false
	for _, r := range b.srv.Requests() {
		fetched = fetched || (r.Method == http.MethodGet && r.Path == "/channels/"+b.srv.ChannelID()+"/messages/"+q.ID)
	}
	if !fetched {
		t.Error("the thread's first question was not read from its starter message")
	}
	b.noViolations(t)
}

// Stopping lets the answers in progress finish: nothing a user asked is
// left "thinking".
func TestDiscordShutdownFinishesAnswersInProgress(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	const first, rest = "Alibaba Cloud made RMB60 billion", " of revenue in fiscal 2021 [1]."
	var logs atomic.Pointer[logtest.Buffer]
	// The model finishes only once the bot has begun shutting down.
	a.LLM = gatedChat{first: first, rest: rest, gate: func(ctx context.Context) error {
		return logs.Load().WaitFor(ctx, "shutting down")
	}}
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true})
	logs.Store(b.logs)
	in := b.srv.DispatchInteraction(askSpec("How much revenue did Alibaba Cloud make?"))
	if _, err := b.srv.WaitForInteraction(waitCtx(t), in.ID, discordtest.Interaction.Acknowledged); err != nil {
		t.Fatal(err)
	}
	b.stop()
	got, _ := b.srv.Interaction(in.ID)
	if got.Original == nil || got.Original.Content != first+rest || len(got.Original.Embeds) != 1 {
		t.Errorf("after stopping, the response is %+v", got.Original)
	}
	b.noViolations(t)
}

func TestDiscordIgnoresWhatIsNotForIt(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is DingTalk?", false)
	// Other bots' messages are not even handled.
	b.srv.DispatchMessage(b.srv.ChannelID(), discordtest.User{ID: "1400000000000000077", Username: "otherbot", Bot: true}, "What is DingTalk?", true)
	// A mention without a question gets a short help, as a reply.
	empty := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "", true)
	replies := b.botMessages(b.srv.ChannelID())
	if len(replies) != 1 || !strings.Contains(replies[0].Content, "/ask") || !strings.Contains(string(replies[0].Body), `"message_id":"`+empty.ID+`"`) {
		t.Errorf("replies = %+v, want one help replying to the empty mention", replies)
	}
	b.noViolations(t)
}

func TestDiscordDirectMessage(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	user := discordtest.User{ID: "1400000000000000002", Username: "reader"}
	dm := b.srv.DMChannel(user)
	b.message(t, dm, user, "When was Taobao launched?", false)
	answers := b.botMessages(dm)
	if len(answers) != 1 || !strings.Contains(answers[0].Content, "2003") || len(answers[0].Embeds) != 1 {
		t.Fatalf("DM answers = %+v", answers)
	}
	noPings(t, answers[0])
	b.noViolations(t)
}

func TestDiscordWithoutMentionAnswering(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: false})
	id := b.srv.Gateway().Identifies[0]
	if id.Has(discordtest.IntentMessageContent) || id.Has(discordtest.IntentGuildMessages) || !id.Has(discordtest.IntentDirectMessages) {
		t.Errorf("intents %b: want no Message Content (nor guild messages) without mention answering", id.Intents)
	}
	// Direct messages carry their content without the intent.
	user := discordtest.User{ID: "1400000000000000003", Username: "reader"}
	dm := b.srv.DMChannel(user)
	b.message(t, dm, user, "When was Taobao launched?", false)
	if answers := b.botMessages(dm); len(answers) != 1 || !strings.Contains(answers[0].Content, "2003") {
		t.Errorf("DM answers = %+v", answers)
	}
	b.noViolations(t)
}

func TestDiscordOverLongQuestion(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	in, msg := b.command(t, askSpec(strings.Repeat("x", 1200)))
	if callback(t, in).Type != 4 || msg.Flags&discordtest.FlagEphemeral == 0 || !strings.Contains(msg.Content, "1,200 characters long; questions are limited to 1,000") {
		t.Errorf("got %+v", msg)
	}
	// By mention, the same, as a reply (there is no private message).
	b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), strings.Repeat("y", 1100), true)
	if r := b.botMessages(b.srv.ChannelID()); len(r) != 1 || !strings.Contains(r[0].Content, "questions are limited to 1,000") {
		t.Errorf("mention replies = %q", contents(r))
	}
	b.noViolations(t)
}

func TestDiscordEveryoneNeverPings(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	a.LLM = streamingChat{reply: "@everyone Alibaba Cloud made RMB60 billion <@&1500000000000000001> [1]."}
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true})
	_, msg := b.command(t, askSpec("@everyone How much revenue did Alibaba Cloud make?"))
	if !strings.Contains(msg.Content, "@everyone") {
		t.Errorf("content = %q", msg.Content)
	}
	b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "@everyone @here How much revenue did Alibaba Cloud make?", true)
	// Every request that carries content said that nothing may ping.
	n := noPingsAnywhere(t, b.srv)
	if n < 4 {
		t.Errorf("only %d requests with content", n)
	}
	b.noViolations(t)
}

func TestDiscordRateLimitsEachUser(t *testing.T) {
	t.Parallel()
	// The clock stands still: the wait is the whole refill time.
	frozen := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	b := startBotWith(t, nil, Config{Mentions: true, Rate: Rate{N: 1, Per: time.Minute, Burst: 1}}, func(d *Bot) {
		d.now = func() time.Time { return frozen }
	})
	b.command(t, askSpec("What is DingTalk?"))
	in, msg := b.command(t, askSpec("What is Damai?"))
	if callback(t, in).Type != 4 || msg.Flags&discordtest.FlagEphemeral == 0 || !strings.HasPrefix(msg.Content, "Slow down") || !strings.Contains(msg.Content, "Try again in 60 s") {
		t.Errorf("got %+v", msg)
	}
	// Another user is not limited; /parts never is.
	other := askSpec("What is Damai?")
	other.User = discordtest.User{ID: "1400000000000000004", Username: "other"}
	if _, msg := b.command(t, other); !strings.Contains(msg.Content, "Damai") {
		t.Errorf("other user's answer = %q", msg.Content)
	}
	if _, msg := b.command(t, discordtest.InteractionSpec{Command: "parts"}); !strings.Contains(msg.Content, "4 parts") {
		t.Errorf("/parts = %q", msg.Content)
	}
	// A mention counts against the same allowance.
	b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is Damai?", true)
	if r := b.botMessages(b.srv.ChannelID()); len(r) != 1 || !strings.HasPrefix(r[0].Content, "Slow down") {
		t.Errorf("mention replies = %q", contents(r))
	}
	b.noViolations(t)
}

func TestDiscordRESTRateLimitIsWaitedOut(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	const wait = 400 * time.Millisecond
	b.srv.RateLimitNext("PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original", wait)
	_, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if !strings.Contains(msg.Content, "RMB60 billion") {
		t.Errorf("answer = %q", msg.Content)
	}
	var edits []discordtest.Request
	b.srv.WaitFor(waitCtx(t), func() bool {
		edits = edits[:0]
		for _, r := range b.srv.Requests() {
			if r.Method == http.MethodPatch && strings.HasSuffix(r.Route, "/@original") {
				edits = append(edits, r)
			}
		}
		return len(edits) == 2
	})
	if len(edits) != 2 || edits[0].Status != http.StatusTooManyRequests || edits[1].Status != http.StatusOK {
		t.Errorf("edits: %+v, want the rate-limited edit made again", edits)
	}
	b.noViolations(t)
}

func TestDiscordResumesAfterTheConnectionDrops(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true})
	b.command(t, askSpec("What is DingTalk?"))
	b.srv.DropConnection()
	if err := b.srv.WaitForResumes(waitCtx(t), 1); err != nil {
		t.Fatalf("no resume: %v (gateway %+v)", err, b.srv.Gateway())
	}
	_, msg := b.command(t, askSpec("When was Taobao launched?"))
	if !strings.Contains(msg.Content, "2003") {
		t.Errorf("answer after resuming = %q", msg.Content)
	}
	q := b.message(t, b.srv.ChannelID(), discordtest.DefaultUser(), "What is Damai?", true)
	if m, _ := b.srv.Message(q.ID); m.ThreadID == "" || len(b.botMessages(m.ThreadID)) != 1 {
		t.Errorf("mention after resuming: %+v", m)
	}
	// The resumed connection's heartbeat, before the bot closes.
	if err := b.srv.WaitForHeartbeats(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	if g := b.srv.Gateway(); len(g.Identifies) != 1 {
		t.Errorf("identified %d times, want one session resumed", len(g.Identifies))
	}
	b.noViolations(t)
}

// panickyChat stands for a component that fails badly.
type panickyChat struct{}

func (panickyChat) Stream(context.Context, []bot.Message, func(string)) (string, error) {
	panic("broken model client")
}

func TestDiscordRecoversFromAPanic(t *testing.T) {
	t.Parallel()
	a := defaultAnswerer(t)
	a.LLM = panickyChat{}
	b := startBot(t, &bot.Commands{Answerer: a}, Config{Mentions: true})
	_, msg := b.command(t, askSpec("How much revenue did Alibaba Cloud make?"))
	if msg.Content != somethingWentWrong || len(msg.Components) != 0 {
		t.Errorf("after a panic the user saw %+v", msg)
	}
	if !strings.Contains(b.logs.String(), "handler panicked") || !strings.Contains(b.logs.String(), "broken model client") {
		t.Errorf("the panic was not logged:\n%s", b.logs.String())
	}
	// The bot goes on serving.
	if _, msg := b.command(t, discordtest.InteractionSpec{Command: "parts"}); !strings.Contains(msg.Content, "4 parts") {
		t.Errorf("/parts after a panic = %q", msg.Content)
	}
	b.noViolations(t)
}

func TestDiscordConfigurationErrors(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, srv *discordtest.Server, cfg Config) error {
		base, _ := discordapi.ParseBaseURL(srv.URL())
		cfg.APIBase = base
		d, err := New(&bot.Commands{Answerer: defaultAnswerer(t)}, cfg, discardLog())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return d.Run(ctx)
	}
	t.Run("wrong token", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t)
		if err := run(t, srv, Config{Token: "not-the-token", Mentions: true}); !errors.Is(err, ErrToken) {
			t.Errorf("Run = %v, want ErrToken", err)
		}
		if strings.Contains(fmt.Sprint(srv.Requests()), "not-the-token") {
			t.Error("the token was logged by the fake")
		}
	})
	t.Run("message content not enabled", func(t *testing.T) {
		t.Parallel()
		rtb := recordtb.New(t)
		srv := discordtest.New(rtb, discordtest.WithPrivilegedIntents(0))
		err := run(t, srv, Config{Token: srv.Token(), Mentions: true})
		if !errors.Is(err, ErrMessageContentIntent) {
			t.Errorf("Run = %v, want ErrMessageContentIntent", err)
		}
	})
	t.Run("nothing listens at the API URL", func(t *testing.T) {
		t.Parallel()
		closed := httptest.NewServer(http.NotFoundHandler())
		addr := closed.Listener.Addr().String()
		closed.Close()
		base, _ := discordapi.ParseBaseURL("http://" + addr + "/")
		d, err := New(&bot.Commands{Answerer: defaultAnswerer(t)}, Config{Token: "some-token", APIBase: base}, discardLog())
		if err != nil {
			t.Fatal(err)
		}
		err = d.Run(waitCtx(t))
		if err == nil || strings.Contains(err.Error(), "discord.com") || !strings.Contains(err.Error(), addr) {
			t.Errorf("Run = %v, want an error naming %s (where the requests went), not discord.com", err, addr)
		}
	})
	t.Run("a server echoing the token", func(t *testing.T) {
		t.Parallel()
		const token = "echoed-bot-token-0123456789"
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message": "401: Unauthorized (you sent %s)", "code": 0}`, r.Header.Get("Authorization"))
		}))
		defer echo.Close()
		base, _ := discordapi.ParseBaseURL(echo.URL)
		logs := new(logtest.Buffer)
		d, err := New(&bot.Commands{Answerer: defaultAnswerer(t)}, Config{Token: token, APIBase: base}, slog.New(slog.NewTextHandler(logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		err = d.Run(waitCtx(t))
		if !errors.Is(err, ErrToken) || strings.Contains(err.Error(), token) || strings.Contains(logs.String(), token) {
			t.Errorf("Run = %v (log %q), want ErrToken without the token", err, logs.String())
		}
	})
	if _, err := New(&bot.Commands{}, Config{Token: "t", ShardID: 2, ShardCount: 2}, nil); err == nil {
		t.Error("shard 2 of 2 accepted")
	}
	if _, err := New(&bot.Commands{}, Config{}, nil); err == nil {
		t.Error("no token accepted")
	}
}

func TestDiscordShard(t *testing.T) {
	t.Parallel()
	b := startBot(t, nil, Config{Mentions: true, ShardID: 0, ShardCount: 2})
	if id := b.srv.Gateway().Identifies[0]; id.Shard != [2]int{0, 2} {
		t.Errorf("identified as shard %v", id.Shard)
	}
	b.noViolations(t)
}

// When another process's index is swapped in (bot.Commands.Follow), the
// command choices follow it: shard 0 registers them again; another shard
// leaves that to shard 0.
func TestDiscordCommandsFollowASwappedIndex(t *testing.T) {
	t.Parallel()
	for _, shard := range []int{0, 1} {
		t.Run(fmt.Sprintf("shard %d", shard), func(t *testing.T) {
			dir := t.TempDir()
			writeArticle(t, dir, 1, "Lotus Tea sold 12 million tins of oolong in 2020.")
			l := &bot.Loader{Dir: dir}
			snap, _, err := l.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			a := bot.NewAnswerer(snap)
			cfg := Config{Mentions: true, Offline: true}
			if shard != 0 {
				cfg.ShardID, cfg.ShardCount = shard, 2
			}
			b := startBot(t, &bot.Commands{Answerer: a, Loader: l}, cfg)
			if shard != 0 && len(b.srv.Commands(b.srv.GuildID())) != 0 {
				t.Fatalf("shard %d registered the commands", shard)
			}
			writeArticle(t, dir, 2, "Lotus Tea opened 40 shops in 2021.")
			next, _, err := l.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			a.Swap(next)
			b.d.RefreshCommands(context.Background())
			cmds := b.srv.Commands(b.srv.GuildID())
			newPart := len(cmds) > 0 && strings.Contains(string(cmds[0].Raw), `"name":"Part 2 — Lotus (Part 2): Tea"`)
			if newPart != (shard == 0) {
				t.Errorf("shard %d: the new part is a choice: %v; commands %v", shard, newPart, cmds)
			}
			b.noViolations(t)
		})
	}
}
