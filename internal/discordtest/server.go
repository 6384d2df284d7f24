// Package discordtest is a strict fake of Discord for tests: a REST API and a
// gateway WebSocket on loopback that the real discordgo client talks to.
//
// It is strict on purpose. Every REST request is validated against Discord's
// OpenAPI spec (read from the shared folder at test time, see sharedtest) and
// against the documented limits the spec leaves out (lengths, counts, name
// patterns), and against this project's own rules (every message carries
// allowed_mentions). A breach is a violation: it fails the test through
// t.Errorf as it happens, is kept for Violations, and the request gets the
// error Discord would send, so the bot under test sees what it would see in
// production. Interactions keep Discord's clock (3 s to the first callback,
// one callback only), the gateway keeps sequence numbers and sessions that
// can be resumed, and privileged intents decide what message content a bot
// receives. The clock is the real one unless WithClock hands it to the
// test, which then decides what "late" is and a loaded machine cannot.
//
// A test points a discordgo session at the fake through its HTTP client:
//
//	srv := discordtest.New(t)
//	s, _ := discordgo.New("Bot " + srv.Token())
//	s.Client = srv.HTTPClient()
//	s.Open() // GET /api/v9/gateway returns this server's WebSocket URL
//
// Test-side controls (Dispatch*, DropConnection, RateLimitNext) play the
// part of Discord's users and infrastructure; the Wait* helpers block until
// the bot has reacted, bounded by a context so a test cannot hang.
//
// Three habits keep discordgo v0.29.0 quiet and race-free in tests (this
// package's own tests follow them):
//   - AddHandler and the remover it returns, never AddHandlerOnce: clearing
//     once-handlers writes a map under a read lock, racing Session.Close.
//   - ShouldReconnectOnError set before Open, false unless the test is about
//     reconnecting: discordgo reads it without a lock.
//   - discordgo.Logger set once in TestMain: discordgo logs through that
//     package variable, and dropped connections are expected here.
package discordtest

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	validator "github.com/pb33f/libopenapi-validator"

	"seriesbot/internal/discordapi"
)

// DefaultWait bounds a Wait* call whose context has no deadline, so a test
// that forgot one still ends.
const DefaultWait = 10 * time.Second

// Discord's intent bits that tests commonly assert on.
const (
	IntentGuilds         int64 = 1 << 0
	IntentGuildMembers   int64 = 1 << 1
	IntentGuildPresences int64 = 1 << 8
	IntentGuildMessages  int64 = 1 << 9
	IntentDirectMessages int64 = 1 << 12
	IntentMessageContent int64 = 1 << 15
)

// Server is a running fake. All methods are safe for concurrent use.
type Server struct {
	tb   testing.TB
	cfg  config
	http *httptest.Server
	spec validator.Validator
	base *url.URL
	// transport carries HTTPClient's requests. It is the server's own, not
	// http.DefaultTransport: httptest.Server.Close closes the idle
	// connections of DefaultTransport, and a POST that has just taken one
	// fails ("connection broken: CloseIdleConnections called") when
	// another test's fake closes at that moment.
	transport *http.Transport

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change, for Wait*
	closed  bool
	idSeq   uint64
	state   *model
	rl      *rateLimits
	// failures are the server errors FailNext scheduled, guarded by mu.
	failures []rateScript
	gw       *gateway

	wg sync.WaitGroup // gateway connections still being served
}

// config holds what the Options set.
type config struct {
	token               string
	bot                 User
	appID               string
	guildID             string
	channelID           string
	heartbeat           time.Duration
	interactionDeadline time.Duration
	tokenLifetime       time.Duration
	rateLimit           int
	rateWindow          time.Duration
	privilegedAllowed   int64
	now                 func() time.Time

	// heartbeatGrace is added to twice the heartbeat interval before a
	// silent client counts as gone, so a slow machine does not trip it.
	// No Option sets it: only the fake's own test of that timeout has a
	// reason to shorten it.
	heartbeatGrace time.Duration
}

// Option configures a Server.
type Option func(*config)

// WithToken sets the bot token the fake accepts (without the "Bot " prefix).
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithBotUser sets the bot's user ID and name. The application ID follows
// the user ID unless WithApplicationID sets it, as for most real bots.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.bot = User{ID: id, Username: username, Bot: true} }
}

// WithApplicationID sets the application ID, when it must differ from the
// bot user's ID.
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithHeartbeatInterval sets the interval sent in HELLO. Discord sends about
// 41–45 s; a test of heartbeating wants much less.
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithInteractionDeadline sets how long after dispatch the first callback
// is still accepted (Discord: 3 s), so a test of a late callback is fast.
func WithInteractionDeadline(d time.Duration) Option {
	return func(c *config) { c.interactionDeadline = d }
}

// WithInteractionTokenLifetime sets how long an interaction token works for
// webhook edits and follow-ups (Discord: 15 min).
func WithInteractionTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.tokenLifetime = d }
}

// WithRateLimit sets every bucket's size and window (default 1000 requests
// a second: generous, so only a runaway loop or a client that ignores the
// X-RateLimit headers hits it). Use RateLimitNext to script a 429.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(c *config) { c.rateLimit, c.rateWindow = limit, window }
}

// WithClock makes the fake read the time from now instead of time.Now: the
// interaction clock (the deadline of the first callback, the token
// lifetime), rate-limit windows and retry_after, and every timestamp and
// snowflake the fake makes. A test that owns the clock decides what "4 s
// later" is, so a loaded machine cannot turn a prompt callback into a late
// one, and a late one needs no sleep (see Clock). Socket deadlines (the
// heartbeat timeout, write timeouts) stay on the real clock: they guard real
// connections.
//
// now is called from the fake's handler goroutines, so it must be safe for
// concurrent use. A clock that stands still is fine: IDs still increase, and
// a rate-limit window simply never ends, which the default limit of 1000
// requests per window leaves room for.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithPrivilegedIntents sets which privileged intents (GUILD_MEMBERS,
// GUILD_PRESENCES, MESSAGE_CONTENT) the application may request, as enabled
// in Discord's developer portal. Default: MESSAGE_CONTENT only. Identifying
// with another privileged intent closes the gateway with 4014, as Discord
// does.
func WithPrivilegedIntents(mask int64) Option {
	return func(c *config) { c.privilegedAllowed = mask }
}

// New starts a fake on loopback and closes it when the test ends. tb may be
// a wrapper around the test's T (for example one that records Errorf
// instead of failing) as long as it delegates Helper, Cleanup, Fatalf and
// Skipf. New skips the test when the shared spec is not available.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		token:               "test-token",
		bot:                 User{ID: "1100000000000000001", Username: "seriesbot", Bot: true},
		guildID:             "1200000000000000001",
		channelID:           "1300000000000000001",
		heartbeat:           45 * time.Second,
		heartbeatGrace:      5 * time.Second,
		interactionDeadline: 3 * time.Second,
		tokenLifetime:       15 * time.Minute,
		rateLimit:           1000,
		rateWindow:          time.Second,
		privilegedAllowed:   IntentMessageContent,
		now:                 time.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.appID == "" {
		cfg.appID = cfg.bot.ID
	}
	s := &Server{
		tb:      tb,
		cfg:     cfg,
		spec:    loadSpec(tb),
		changed: make(chan struct{}),
		rl:      newRateLimits(),
		gw:      newGateway(),
	}
	s.state = newModel(cfg)

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveREST)
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	s.http = httptest.NewUnstartedServer(mux)
	// net/http logs what it cannot tell a handler (a broken connection,
	// a handler panic) on the server's own logger; through the test's log
	// it shows only where the test's output does (-v, or a failure).
	s.http.Config.ErrorLog = log.New(tbWriter{tb}, "discordtest: ", 0)
	s.http.Start()
	base, err := discordapi.ParseBaseURL(s.http.URL)
	if err != nil {
		s.http.Close()
		tb.Fatalf("discordtest: %v", err)
	}
	s.base = base
	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(s.close)
	return s
}

// close ends every gateway connection, waits for their goroutines and stops
// the HTTP server; after it no handler can report to the test.
func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	conns := s.gw.allConns()
	s.mu.Unlock()
	for _, c := range conns {
		c.closeAbruptly()
	}
	s.wg.Wait()
	s.http.Close()
	s.transport.CloseIdleConnections()
}

// now is the fake's clock (WithClock).
func (s *Server) now() time.Time { return s.cfg.now() }

// tbWriter sends a logger's lines to the test's log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Logf("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// URL is the base URL to give discordapi.Transport (or ParseBaseURL).
func (s *Server) URL() string { return s.http.URL }

// GatewayURL is what GET /gateway returns.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
}

// HTTPClient returns a client whose requests to https://discord.com/ go to
// this server, for session.Client.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: discordapi.Transport(s.base, s.transport), Timeout: 10 * time.Second}
}

// Token is the bot token the server accepts, without the "Bot " prefix.
func (s *Server) Token() string { return s.cfg.token }

// BotUser is the bot's user.
func (s *Server) BotUser() User { return s.cfg.bot }

// ApplicationID is the application the bot belongs to.
func (s *Server) ApplicationID() string { return s.cfg.appID }

// GuildID is the one guild the bot is in.
func (s *Server) GuildID() string { return s.cfg.guildID }

// ChannelID is the guild's text channel that exists from the start.
func (s *Server) ChannelID() string { return s.cfg.channelID }

// BotRoleID is the role Discord manages for the bot in the guild (named
// after it, tagged with its ID), which people can mention as @Bot too.
func (s *Server) BotRoleID() string { return botRoleID }

// botRoleID is the guild's role for the bot.
const botRoleID = "1500000000000000900"

// Violations returns every violation so far, oldest first. Each has also
// been reported through the test's Errorf.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.state.violations...)
}

// violate records a violation and fails the test. It may be called from any
// goroutine, so it uses Errorf, never Fatal.
func (s *Server) violate(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	s.state.violations = append(s.state.violations, msg)
	s.notifyLocked()
	s.mu.Unlock()
	s.tb.Errorf("discordtest: violation: %s", msg)
}

// notifyLocked wakes every Wait*. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// discordEpoch is the first second of 2015, where snowflakes start.
const discordEpoch = 1420070400000

// newIDLocked returns a fresh snowflake: increasing, so that "before" and
// "after" in message history compare like Discord's. s.mu must be held.
func (s *Server) newIDLocked() string {
	s.idSeq++
	ms := uint64(s.now().UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|(s.idSeq&0x3fffff), 10)
}

// WaitFor blocks until cond returns true or ctx ends (DefaultWait when ctx
// has no deadline). cond is called after every change in the fake (a
// request, a gateway event, a violation) and must not block; it may call
// the Server's accessors.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWait)
		defer cancel()
	}
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: wait: %w", ctx.Err())
		}
	}
}
