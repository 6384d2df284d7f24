// Package discord serves the bot's commands on Discord through discordgo:
// slash commands, messages that mention the bot (answered in a thread
// started on them), follow-ups in those threads, and direct messages. It
// adapts Discord to bot.Commands; what the bot says is decided there.
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"seriesbot/bot"
	"seriesbot/internal/discordapi"
	"seriesbot/internal/redact"
)

// Defaults of Config.
const (
	// DefaultEditInterval spaces the edits of an answer being written:
	// about one a second reads as live, and stays far inside what
	// Discord allows on the edit routes, which discordgo puts in one
	// rate-limit bucket for all interactions.
	DefaultEditInterval = time.Second
	// DefaultShutdownGrace is how long Run lets answers in progress finish
	// once asked to stop.
	DefaultShutdownGrace = 10 * time.Second
)

const (
	// answerTimeout bounds the work of one answer: a follow-up may take
	// two calls to the language model, each bounded by its own timeout.
	answerTimeout = 2 * time.Minute
	// restTimeout bounds each request to Discord.
	restTimeout = 20 * time.Second
)

// Errors of Run a caller can explain in terms of its configuration.
var (
	// ErrToken: Discord did not accept the bot token.
	ErrToken = errors.New("Discord rejected the bot token")
	// ErrMessageContentIntent: the application may not receive message
	// content; it must be enabled in the Developer Portal (or mention
	// answering turned off).
	ErrMessageContentIntent = errors.New("Discord refused the Message Content intent")
	// ErrShard: the shard ID and count do not fit Discord's sharding of
	// the bot.
	ErrShard = errors.New("Discord refused the shard")

	errUnknownCommand = errors.New("unknown command")
)

// Gateway close codes that say the configuration is wrong
// (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
const (
	closeAuthenticationFailed = 4004
	closeInvalidShard         = 4010
	closeShardingRequired     = 4011
	closeDisallowedIntents    = 4014
)

// Config configures the bot on Discord; cmd reads it from flags and the
// environment.
type Config struct {
	// Token is the bot token, without the "Bot " prefix.
	Token string
	// APIBase is the Discord-compatible server to talk to; nil means
	// Discord itself. REST requests go to it, and the gateway is the one
	// its GET /api/v9/gateway names.
	APIBase *url.URL
	// GuildID registers the commands in that server only, where changes
	// show at once; empty registers them globally.
	GuildID string
	// AdminIDs are users and roles allowed to run admin commands besides
	// members who can manage the server.
	AdminIDs []string
	// Mentions turns on answering messages that mention the bot, and
	// follow-ups in the threads it starts. It needs the privileged Message
	// Content intent. Direct messages are answered either way.
	Mentions bool
	// Rate limits how often each user may ask; the zero Rate sets no
	// limit.
	Rate Rate
	// ShardID and ShardCount run this process as one shard of the bot
	// (ShardCount 0 or 1: unsharded).
	ShardID, ShardCount int
	// Offline says answers are composed without a language model. Each is
	// then a few milliseconds of computation and nothing else, so a burst
	// of questions would keep every processor busy: they are composed a
	// processor short, leaving one for what must not wait — acknowledging
	// the interactions arriving meanwhile, within Discord's three seconds.
	// (With a model, answers mostly wait on it, and run unbounded.)
	// Measured in BENCHMARKS.md.
	Offline bool
	// EditInterval spaces the edits of an answer being written; 0 means
	// DefaultEditInterval.
	EditInterval time.Duration
	// ShutdownGrace bounds how long Run waits for answers in progress
	// once its context ends; 0 means DefaultShutdownGrace. At its end
	// the language model calls still running are cut, and their answers
	// quoted from the series (see shutdown).
	ShutdownGrace time.Duration
	// ModelCalls bounds the language model calls running at once, for
	// all questions together; 0 means bot.DefaultModelCalls. ModelWait
	// bounds how long a question waits for one (0:
	// bot.DefaultModelWait), showing "thinking…" or typing meanwhile;
	// past it the answer is quoted from the series.
	ModelCalls int
	ModelWait  time.Duration
	// Observer, when set, is told how each question ended and what it
	// took, for the operating metrics.
	Observer Observer
}

// Bot is the bot on Discord.
type Bot struct {
	cmds    *bot.Commands
	cfg     Config
	log     *slog.Logger
	admins  map[string]bool
	limiter *userLimiter
	flight  inflight
	threads threadMemory
	roles   botRoles
	obs     Observer
	// connected is set while the gateway is connected; see Connected.
	connected atomic.Bool
	// now is the clock of the rate limit; tests set it.
	now func() time.Time

	// work is the context of answers; it ends once the shutdown grace
	// has passed and the answers cut then have been posted.
	work context.Context
	// model is the gate of the language model calls (nil offline): their
	// cap, and the cut at the end of the shutdown grace.
	model *bot.ModelGate
	// compute holds a slot for each answer being composed offline; see
	// Config.Offline.
	compute chan struct{}

	mu         sync.Mutex
	registered []byte // the command definitions last registered, as JSON
	// session is the connected session, for what happens outside its
	// events (RefreshCommands); nil before Run connects and after.
	session atomic.Pointer[discordgo.Session]
	// ready is closed once the commands are registered.
	ready chan struct{}
	// handled, when set, is called with the ID of each interaction and
	// message once its handler has ended: tests wait on it.
	handled func(id string)
	// retryNow and retrySleep, when set, replace the clock and the waits
	// of the REST retries: tests give a virtual clock, so that a loaded
	// machine's slow requests do not eat the acknowledgement's budget.
	retryNow   func() time.Time
	retrySleep func(ctx context.Context, d time.Duration) error
}

// New returns the bot serving cmds on Discord. log receives what the bot
// does (connections, registrations, feedback) and what went wrong; nil
// means slog.Default().
func New(cmds *bot.Commands, cfg Config, log *slog.Logger) (*Bot, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("no Discord bot token")
	}
	if cfg.ShardCount < 0 || cfg.ShardID < 0 || (cfg.ShardCount > 0 && cfg.ShardID >= cfg.ShardCount) || (cfg.ShardCount == 0 && cfg.ShardID != 0) {
		return nil, fmt.Errorf("shard %d of %d: want 0 <= id < count", cfg.ShardID, cfg.ShardCount)
	}
	if cfg.EditInterval <= 0 {
		cfg.EditInterval = DefaultEditInterval
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if log == nil {
		log = slog.Default()
	}
	d := &Bot{cmds: cmds, cfg: cfg, log: log, admins: map[string]bool{}, limiter: newUserLimiter(cfg.Rate), now: time.Now,
		ready: make(chan struct{}), compute: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))}
	d.model = gateModel(cmds, cfg)
	d.obs = cfg.Observer
	if d.obs == nil {
		d.obs = noObserver{}
	}
	for _, id := range cfg.AdminIDs {
		if id = strings.TrimSpace(id); id != "" {
			d.admins[id] = true
		}
	}
	return d, nil
}

// Intents are the gateway intents the bot asks for: guilds (for threads
// and the channel cache), direct messages, and — only with mention
// answering — guild messages and their content.
func (d *Bot) Intents() discordgo.Intent {
	in := discordgo.IntentsGuilds | discordgo.IntentsDirectMessages
	if d.cfg.Mentions {
		in |= discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	}
	return in
}

// Run connects to Discord, registers the commands (one bulk overwrite)
// and serves until ctx ends. Then it stops taking new work, lets answers
// in progress finish (up to the shutdown grace) and disconnects.
func (d *Bot) Run(ctx context.Context) error {
	s, err := discordgo.New("Bot " + d.cfg.Token)
	if err != nil {
		return fmt.Errorf("discord session: %w", err)
	}
	// Innermost, the error responses lose the token a server may echo, so
	// that no error (and no log line) carries it.
	s.Client = &http.Client{Transport: discordapi.Transport(d.cfg.APIBase, d.retry(redact.Transport(restTransport()))), Timeout: restTimeout}
	s.Identify.Intents = d.Intents()
	if d.cfg.ShardCount > 1 {
		s.ShardID, s.ShardCount = d.cfg.ShardID, d.cfg.ShardCount
	}
	s.ShouldReconnectOnError = true
	// The REST transport tries server errors again, with backoff
	// (retrying); discordgo's own retry of a 502, at once, would only
	// multiply those tries.
	s.MaxRestRetries = 0
	s.LogLevel = discordgo.LogWarning
	s.AddHandler(d.onRawEvent)
	s.AddHandler(d.onReady)
	s.AddHandler(d.onInteraction)
	s.AddHandler(d.onMessage)
	d.followConnection(s)

	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	d.work = work

	if err := s.Open(); err != nil {
		s.ShouldReconnectOnError = false
		return describeOpenError(err)
	}
	if err := d.registerCommands(ctx, s); err != nil {
		d.close(s)
		if ctx.Err() != nil {
			return nil // stopped while registering
		}
		return err
	}
	d.session.Store(s)
	close(d.ready)
	<-ctx.Done()
	d.session.Store(nil)
	d.shutdown()
	stopWork()
	d.close(s)
	d.connected.Store(false)
	return nil
}

// close disconnects. Reconnecting is turned off first: discordgo's
// heartbeat could otherwise meet the closing connection and reconnect.
func (d *Bot) close(s *discordgo.Session) {
	// discordgo reads the flag after taking the session's lock (in Close,
	// on its way to reconnecting), so it is written under the lock.
	s.Lock()
	s.ShouldReconnectOnError = false
	s.Unlock()
	if err := s.Close(); err != nil {
		d.log.Warn("closing the Discord session", "err", err)
	}
}

// retry wraps the REST transport in the retries of Discord's server errors,
// logging each.
func (d *Bot) retry(next http.RoundTripper) http.RoundTripper {
	rt := newRetrying(next)
	if d.retryNow != nil && d.retrySleep != nil {
		rt.now, rt.sleep = d.retryNow, d.retrySleep
	}
	rt.retried = func(method, path string) {
		d.obs.DiscordRetry(routeLabel(method, path))
		d.log.Warn("Discord failed a request; trying it again", "request", method+" "+tokenInPath.ReplaceAllString(path, "/$1/$2/…"))
	}
	return rt
}

// restTransport is the HTTP transport of REST requests. It keeps more idle
// connections than Go's default of two per host: over HTTP/1.1 (a proxy,
// a Discord-compatible server), a burst of interactions would otherwise
// open and close a connection for almost every request. Over HTTP/2
// (Discord itself) requests share one connection anyway.
func restTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// describeOpenError names what Discord refused when the gateway closed on
// the bot (its close code, which discordgo's Open returns as gorilla's
// CloseError) or the REST API answered 401.
func describeOpenError(err error) error {
	var re *discordgo.RESTError
	var ce *websocket.CloseError
	code := 0
	if errors.As(err, &ce) {
		code = ce.Code
	}
	switch {
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized,
		code == closeAuthenticationFailed:
		return fmt.Errorf("%w: %v", ErrToken, describeErr(err))
	case code == closeDisallowedIntents:
		return fmt.Errorf("%w: %v", ErrMessageContentIntent, describeErr(err))
	case code == closeInvalidShard || code == closeShardingRequired:
		return fmt.Errorf("%w: %v", ErrShard, describeErr(err))
	}
	return fmt.Errorf("connect to Discord: %v", describeErr(err))
}

func (d *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	user := ""
	if r.User != nil {
		user = r.User.Username
	}
	d.log.Info("connected to Discord", "user", user, "guilds", len(r.Guilds), "shard", r.Shard, "mentions", d.cfg.Mentions)
}

// appID is the application the bot belongs to, as READY named it.
func appID(s *discordgo.Session) string {
	s.State.RLock()
	defer s.State.RUnlock()
	if a := s.State.Application; a != nil && a.ID != "" {
		return a.ID
	}
	if u := s.State.User; u != nil {
		return u.ID
	}
	return ""
}

// botUserID is the bot's own user ID.
func botUserID(s *discordgo.Session) string {
	s.State.RLock()
	defer s.State.RUnlock()
	if u := s.State.User; u != nil {
		return u.ID
	}
	return ""
}

// registerCommands replaces the bot's commands with the current set, in
// one bulk overwrite: globally, or in the configured guild. With shards,
// the first registers for all.
func (d *Bot) registerCommands(ctx context.Context, s *discordgo.Session) error {
	if d.cfg.ShardID != 0 {
		return nil
	}
	_, err := d.syncCommands(ctx, s)
	return err
}

// RefreshCommands registers the commands again when their choices changed
// with the corpus: an index another shard saved was swapped in
// (bot.Commands.Follow). Shard 0 registers for all; a bot not connected
// yet registers the current set when it connects.
func (d *Bot) RefreshCommands(ctx context.Context) {
	s := d.session.Load()
	if s == nil || d.cfg.ShardID != 0 {
		return
	}
	switch updated, err := d.syncCommands(ctx, s); {
	case err != nil:
		d.log.Error("the index changed, but the command choices could not be updated", "err", err)
	case updated:
		d.log.Info("the command choices were updated for the index another process saved")
	}
}

// syncCommands registers the commands when they differ from those last
// registered, and reports whether it did.
func (d *Bot) syncCommands(ctx context.Context, s *discordgo.Session) (bool, error) {
	cmds := d.cmds.Set()
	raw, err := CommandsJSON(cmds)
	if err != nil {
		return false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if string(raw) == string(d.registered) {
		return false, nil
	}
	scope, endpoint := "globally", discordgo.EndpointApplicationGlobalCommands(appID(s))
	if d.cfg.GuildID != "" {
		scope, endpoint = "in guild "+d.cfg.GuildID, discordgo.EndpointApplicationGuildCommands(appID(s), d.cfg.GuildID)
	}
	if _, err := s.RequestWithBucketID(http.MethodPut, endpoint, json.RawMessage(raw), endpoint, discordgo.WithContext(ctx)); err != nil {
		return false, fmt.Errorf("register the commands %s: %v", scope, describeErr(err))
	}
	d.registered = raw
	d.log.Info("registered commands", "count", len(cmds), "scope", scope)
	return true, nil
}

// computing waits for a slot to compose an answer in, and returns the func
// that frees it; see Config.Offline.
func (d *Bot) computing(ctx context.Context) (done func()) {
	if !d.cfg.Offline {
		return func() {}
	}
	select {
	case d.compute <- struct{}{}:
		return func() { <-d.compute }
	case <-ctx.Done():
		return func() {}
	}
}

// isAdmin reports whether the user behind in may run admin commands:
// Manage Server or Administrator in the guild, or listed in AdminIDs (as
// a user, or through a role).
func (d *Bot) isAdmin(in *discordgo.Interaction) bool {
	if m := in.Member; m != nil {
		if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
			return true
		}
		for _, r := range m.Roles {
			if d.admins[r] {
				return true
			}
		}
	}
	return d.admins[interactionUser(in)]
}

// interactionUser is who ran an interaction, in a guild or a DM.
func interactionUser(in *discordgo.Interaction) string {
	switch {
	case in.Member != nil && in.Member.User != nil:
		return in.Member.User.ID
	case in.User != nil:
		return in.User.ID
	}
	return ""
}

// recovered logs p, a handler's panic (nil when there was none), with its
// stack; tell, when not nil, lets the user know, and may not panic the
// handler a second time.
func (d *Bot) recovered(p any, where string, tell func()) {
	if p == nil {
		return
	}
	d.log.Error("handler panicked", "where", where, "panic", p, "stack", string(debug.Stack()))
	if tell != nil {
		func() {
			defer func() { recover() }()
			tell()
		}()
	}
}

// somethingWentWrong is what a user sees when a handler failed.
const somethingWentWrong = "Something went wrong while answering. Please try again in a moment."

// tokenInPath matches the secret part of interaction and webhook routes.
var tokenInPath = regexp.MustCompile(`/(webhooks|interactions)/(\d+)/[^/?\s"]+`)

// describeErr renders an error of a Discord request for a log or a
// message: discordgo's REST errors carry Discord's answer; transport errors
// carry the URL of the server the request went to, whose interaction
// token is left out, as is anything shaped like a credential.
func describeErr(err error) string {
	if err == nil {
		return ""
	}
	return redact.Text(tokenInPath.ReplaceAllString(discordapi.Describe(err), "/$1/$2/…"))
}

// RouteLogs sends discordgo's own log lines (warnings and errors: failed
// heartbeats, reconnections) to log, with tokens in URLs left out. It sets
// a variable of the discordgo package, so it concerns every session of the
// process: call it once, at start, before any session runs.
func RouteLogs(log *slog.Logger) {
	discordgo.Logger = func(level, _ int, format string, args ...any) {
		msg := redact.Text(tokenInPath.ReplaceAllString(fmt.Sprintf(format, args...), "/$1/$2/…"))
		switch level {
		case discordgo.LogError:
			log.Error("discordgo: " + msg)
		case discordgo.LogWarning:
			log.Warn("discordgo: " + msg)
		default:
			log.Debug("discordgo: " + msg)
		}
	}
}

// inflight counts the handlers at work, so that shutdown can wait for
// them, and refuses new ones once shutdown has begun.
type inflight struct {
	mu      sync.Mutex
	n       int
	closing bool
	idle    chan struct{}
}

// begin registers a handler; false once shutdown has begun.
func (f *inflight) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing {
		return false
	}
	f.n++
	return true
}

func (f *inflight) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 && f.idle != nil {
		close(f.idle)
		f.idle = nil
	}
}

// close refuses new handlers and returns a channel closed once the
// running ones have ended.
func (f *inflight) close() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closing = true
	ch := make(chan struct{})
	if f.n == 0 {
		close(ch)
	} else {
		f.idle = ch
	}
	return ch
}

// drain refuses new handlers and waits up to grace for the running ones to
// end; false when some were still running.
func (f *inflight) drain(grace time.Duration) bool { return waitIdle(f.close(), grace) }

// threadMemory remembers the threads the bot started and the question
// each was started on, up to a bound: a thread forgotten (or started
// before a restart) is recognised by its owner instead.
type threadMemory struct {
	mu      sync.Mutex
	starter map[string]string
	order   []string
}

const maxRememberedThreads = 10_000

func (m *threadMemory) add(threadID, question string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.starter == nil {
		m.starter = map[string]string{}
	}
	if _, ok := m.starter[threadID]; ok {
		return
	}
	if len(m.order) >= maxRememberedThreads {
		delete(m.starter, m.order[0])
		m.order = m.order[1:]
	}
	m.starter[threadID] = question
	m.order = append(m.order, threadID)
}

func (m *threadMemory) get(threadID string) (question string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	question, ok = m.starter[threadID]
	return question, ok
}
