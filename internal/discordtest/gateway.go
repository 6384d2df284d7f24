package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes (Discord's numbering).
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// knownIntents covers every intent bit Discord defines today; a bit above
// them closes the connection with 4013 as on Discord.
const knownIntents int64 = 1<<26 - 1

// privilegedIntents need a switch in the developer portal.
const privilegedIntents = IntentGuildMembers | IntentGuildPresences | IntentMessageContent

// writeWait bounds every write to a client, so a stuck client cannot stall
// the test's dispatches for long.
const writeWait = 5 * time.Second

// Identify is one IDENTIFY the bot sent.
type Identify struct {
	At       time.Time
	Intents  int64
	Shard    [2]int // [0,1] when the client sent none
	Compress bool   // payload compression asked for; the fake answers uncompressed, which Discord allows
	// Properties are the connection properties ($os, $browser, ... for
	// discordgo, which still uses the old $-prefixed keys).
	Properties     map[string]any
	LargeThreshold int
	// Accepted is false when the fake closed the connection instead of
	// sending READY; CloseCode says why.
	Accepted  bool
	CloseCode int
}

// Has reports whether the identify asked for intent.
func (i Identify) Has(intent int64) bool { return i.Intents&intent == intent }

// Resume is one RESUME the bot sent.
type Resume struct {
	At        time.Time
	SessionID string
	Seq       int64
	// Accepted: the fake replayed Replayed missed events and sent RESUMED.
	// Otherwise it sent op 9 (invalid session).
	Accepted bool
	Replayed int
}

// GatewayEvent is one dispatch the fake tried to send.
type GatewayEvent struct {
	At   time.Time
	Type string
	Seq  int64 // 0 when withheld
	// Sent is true when a connection was open; otherwise the event waits in
	// the session for a RESUME to replay it.
	Sent bool
	// Withheld explains why the bot does not get the event at all (no
	// session, or the intent that subscribes to it was not requested).
	Withheld string
}

// GatewayState is a snapshot of the gateway side.
type GatewayState struct {
	Connections int // WebSocket connections accepted
	Identifies  []Identify
	Resumes     []Resume
	Heartbeats  int
	Events      []GatewayEvent
	// SessionID is the session dispatches go to ("" before READY).
	SessionID string
	// Connected: that session has a live connection right now.
	Connected bool
	// ClientCloseCodes lists the close codes clients sent, in order.
	ClientCloseCodes []int
}

// gateway is the gateway side of the model. Guarded by Server.mu.
type gateway struct {
	sessions   map[string]*gwSession
	current    *gwSession
	conns      map[*gwConn]struct{}
	state      GatewayState
	readyCount int
}

// gwSession is a gateway session: it outlives connections, so a RESUME can
// replay what a dropped connection missed.
type gwSession struct {
	id      string
	intents int64
	shard   [2]int
	version string
	// sendMu orders sequence numbers with writes: held from assigning a
	// seq until the frame is written, and across a resume's replay.
	sendMu  sync.Mutex
	seq     int64
	log     []loggedEvent
	conn    *gwConn
	invalid bool
}

type loggedEvent struct {
	seq     int64
	payload []byte
}

// gwConn is one WebSocket connection.
type gwConn struct {
	ws      *websocket.Conn
	writeMu sync.Mutex
	// Guarded by Server.mu:
	session    *gwSession
	identified bool
}

func newGateway() *gateway {
	return &gateway{sessions: map[string]*gwSession{}, conns: map[*gwConn]struct{}{}}
}

func (g *gateway) allConns() []*gwConn {
	out := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		out = append(out, c)
	}
	return out
}

// write sends one text frame.
func (c *gwConn) write(payload []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteMessage(websocket.TextMessage, payload)
}

// writeOp sends a non-dispatch payload: {"op":op,"d":d,"s":null,"t":null}.
func (c *gwConn) writeOp(op int, d any) error {
	b, err := json.Marshal(map[string]any{"op": op, "d": d, "s": nil, "t": nil})
	if err != nil {
		return err
	}
	return c.write(b)
}

// closeWith sends a close frame with Discord's code and reason, then drops
// the connection.
func (c *gwConn) closeWith(code int, reason string) {
	c.writeMu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeWait))
	c.writeMu.Unlock()
	c.ws.Close()
}

// closeAbruptly drops the TCP connection without a close frame, like a
// network failure.
func (c *gwConn) closeAbruptly() { c.ws.Close() }

var upgrader = websocket.Upgrader{
	// The bot is not a browser; there is no origin to check.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveGateway upgrades to a WebSocket and serves the gateway protocol on
// it until the connection ends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		s.violate("GET %s without a WebSocket upgrade", r.URL.Path)
		http.Error(w, "gateway expects a WebSocket upgrade", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	version := q.Get("v")
	var problem string
	switch {
	case version != "9" && version != "10":
		problem = fmt.Sprintf("gateway version v=%q (discordgo sends 9)", version)
	case q.Get("encoding") != "json":
		problem = fmt.Sprintf("encoding=%q; the fake speaks json only", q.Get("encoding"))
	case q.Get("compress") != "":
		problem = fmt.Sprintf("compress=%q transport compression is not supported by the fake", q.Get("compress"))
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "server closing", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.violate("gateway upgrade: %v", err)
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.gw.conns[c] = struct{}{}
	s.gw.state.Connections++
	s.notifyLocked()
	s.mu.Unlock()
	defer s.dropConn(c)

	if problem != "" {
		s.violate("gateway connect: %s", problem)
		c.closeWith(4012, "Invalid API version.")
		return
	}
	if err := c.writeOp(opHello, map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds()}); err != nil {
		return
	}
	s.readLoop(c, version)
}

// dropConn forgets a finished connection; its session stays resumable.
func (s *Server) dropConn(c *gwConn) {
	c.ws.Close()
	s.mu.Lock()
	delete(s.gw.conns, c)
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	s.notifyLocked()
	s.mu.Unlock()
}

// readLoop serves one connection's frames.
func (s *Server) readLoop(c *gwConn, version string) {
	// Discord drops a client that stops heartbeating; twice the interval
	// plus a grace keeps slow CI from tripping it.
	deadline := 2*s.cfg.heartbeat + s.cfg.heartbeatGrace
	for {
		c.ws.SetReadDeadline(time.Now().Add(deadline))
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				s.violate("gateway: nothing from the client for %v (heartbeat_interval %v): it stopped heartbeating", deadline, s.cfg.heartbeat)
				c.closeWith(4009, "Session timed out.")
				return
			}
			s.connEnded(c, err)
			return
		}
		if mt != websocket.TextMessage {
			s.violate("gateway: binary frame from the client; the fake speaks json text frames")
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		var p struct {
			Op *int            `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(data, &p); err != nil || p.Op == nil {
			s.violate("gateway: undecodable payload %q", truncate(string(data), 200))
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		s.mu.Lock()
		identified := c.identified
		s.mu.Unlock()
		switch op := *p.Op; {
		case op == opHeartbeat:
			s.mu.Lock()
			s.gw.state.Heartbeats++
			s.notifyLocked()
			s.mu.Unlock()
			if c.writeOp(opHeartbeatACK, nil) != nil {
				return
			}
		case op == opIdentify:
			if identified {
				s.violate("gateway: second IDENTIFY on one connection")
				c.closeWith(4005, "Already authenticated.")
				return
			}
			if !s.identify(c, p.D, version) {
				return
			}
		case op == opResume:
			if identified {
				s.violate("gateway: RESUME on an identified connection")
				c.closeWith(4005, "Already authenticated.")
				return
			}
			if !s.resume(c, p.D) {
				return
			}
		case !identified:
			s.violate("gateway: op %d before IDENTIFY", op)
			c.closeWith(4003, "Not authenticated.")
			return
		case op == opPresenceUpdate, op == opVoiceState, op == opRequestMembers:
			// Accepted and ignored: nothing in the fake depends on them.
		default:
			s.violate("gateway: unknown opcode %d", op)
			c.closeWith(4001, "Unknown opcode.")
			return
		}
	}
}

// connEnded records how a connection ended. A client that closes with 1000
// or 1001 ends its session on Discord, so a later RESUME of it fails.
func (s *Server) connEnded(c *gwConn, err error) {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.state.ClientCloseCodes = append(s.gw.state.ClientCloseCodes, ce.Code)
	if (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) && c.session != nil {
		c.session.invalid = true
	}
	s.notifyLocked()
}

// validToken accepts the bot token with or without "Bot ": discordgo sends
// it prefixed in IDENTIFY, and Discord accepts that.
func (s *Server) validToken(tok string) bool {
	return tok == s.cfg.token || tok == "Bot "+s.cfg.token
}

// identify handles op 2: check it, start a session, send READY and the
// guild. It returns false when it closed the connection.
func (s *Server) identify(c *gwConn, raw json.RawMessage, version string) bool {
	var d struct {
		Token          string         `json:"token"`
		Intents        *int64         `json:"intents"`
		Shard          *[2]int        `json:"shard"`
		Compress       bool           `json:"compress"`
		Properties     map[string]any `json:"properties"`
		LargeThreshold int            `json:"large_threshold"`
	}
	rec := Identify{At: s.now(), Shard: [2]int{0, 1}}
	fail := func(code int, reason, why string) bool {
		rec.CloseCode = code
		s.mu.Lock()
		s.gw.state.Identifies = append(s.gw.state.Identifies, rec)
		s.notifyLocked()
		s.mu.Unlock()
		if why != "" {
			s.violate("gateway IDENTIFY: %s", why)
		}
		c.closeWith(code, reason)
		return false
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return fail(4002, "Error while decoding payload.", "undecodable: "+err.Error())
	}
	rec.Compress, rec.Properties, rec.LargeThreshold = d.Compress, d.Properties, d.LargeThreshold
	if d.Intents != nil {
		rec.Intents = *d.Intents
	}
	if d.Shard != nil {
		rec.Shard = *d.Shard
	}
	switch {
	case !s.validToken(d.Token):
		// Like a 401 on REST: a configuration error the bot must surface,
		// not a protocol violation.
		return fail(4004, "Authentication failed.", "")
	case d.Intents == nil:
		return fail(4013, "Invalid intent(s).", "no intents (required since API v8)")
	case *d.Intents&^knownIntents != 0:
		return fail(4013, "Invalid intent(s).", fmt.Sprintf("unknown intent bits %#x", *d.Intents&^knownIntents))
	case *d.Intents&privilegedIntents&^s.cfg.privilegedAllowed != 0:
		return fail(4014, "Disallowed intent(s).", fmt.Sprintf("privileged intents %#x not enabled for the application", *d.Intents&privilegedIntents&^s.cfg.privilegedAllowed))
	case rec.Shard[1] < 1 || rec.Shard[0] < 0 || rec.Shard[0] >= rec.Shard[1]:
		return fail(4010, "Invalid shard.", fmt.Sprintf("shard %v", rec.Shard))
	}
	rec.Accepted = true

	sess := &gwSession{id: newSessionID(), intents: rec.Intents, shard: rec.Shard, version: version, conn: c}
	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	s.mu.Lock()
	if prev := s.gw.current; prev != nil && prev.conn != nil && prev.conn != c {
		// One shard, one connection: Discord would not keep two.
		defer prev.conn.closeWith(4000, "Replaced by a new session.")
	}
	c.identified, c.session = true, sess
	s.gw.sessions[sess.id] = sess
	s.gw.current = sess
	s.gw.state.Identifies = append(s.gw.state.Identifies, rec)
	ready := s.readyLocked(sess)
	var guild map[string]any
	if sess.intents&IntentGuilds != 0 {
		guild = s.guildCreateLocked()
	}
	s.mu.Unlock()

	if !s.sendLocked(sess, "READY", ready) {
		return false
	}
	if guild != nil && !s.sendLocked(sess, "GUILD_CREATE", guild) {
		return false
	}
	s.mu.Lock()
	s.gw.readyCount++
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

// resume handles op 6: replay what the session missed, then RESUMED; or
// op 9 when the session cannot be resumed.
func (s *Server) resume(c *gwConn, raw json.RawMessage) bool {
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		s.violate("gateway RESUME: undecodable: %v", err)
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	rec := Resume{At: s.now(), SessionID: d.SessionID, Seq: d.Seq}
	if !s.validToken(d.Token) {
		s.mu.Lock()
		s.gw.state.Resumes = append(s.gw.state.Resumes, rec)
		s.notifyLocked()
		s.mu.Unlock()
		c.closeWith(4004, "Authentication failed.")
		return false
	}
	s.mu.Lock()
	sess := s.gw.sessions[d.SessionID]
	s.mu.Unlock()
	if sess == nil {
		return s.invalidSession(c, rec)
	}

	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	s.mu.Lock()
	if sess.invalid || d.Seq > sess.seq {
		s.mu.Unlock()
		return s.invalidSession(c, rec)
	}
	if old := sess.conn; old != nil && old != c {
		defer old.closeWith(4000, "Session resumed elsewhere.")
	}
	sess.conn = c
	c.identified, c.session = true, sess
	s.gw.current = sess
	var missed [][]byte
	for _, e := range sess.log {
		if e.seq > d.Seq {
			missed = append(missed, e.payload)
		}
	}
	rec.Accepted, rec.Replayed = true, len(missed)
	s.mu.Unlock()

	for _, p := range missed {
		if c.write(p) != nil {
			return false
		}
	}
	ok := s.sendLocked(sess, "RESUMED", map[string]any{"_trace": []any{"discordtest"}})
	s.mu.Lock()
	s.gw.state.Resumes = append(s.gw.state.Resumes, rec)
	s.notifyLocked()
	s.mu.Unlock()
	return ok
}

// invalidSession answers a RESUME that cannot be honoured with op 9
// (d=false: identify anew). The connection stays open for that IDENTIFY.
func (s *Server) invalidSession(c *gwConn, rec Resume) bool {
	s.mu.Lock()
	s.gw.state.Resumes = append(s.gw.state.Resumes, rec)
	s.notifyLocked()
	s.mu.Unlock()
	return c.writeOp(opInvalidSession, false) == nil
}

// sendLocked assigns the session's next sequence number to an event, logs
// it for replay and writes it when the session has a connection. The
// caller holds sess.sendMu (not s.mu). It returns false on a write error.
func (s *Server) sendLocked(sess *gwSession, typ string, data map[string]any) bool {
	s.mu.Lock()
	sess.seq++
	seq := sess.seq
	payload, err := json.Marshal(map[string]any{"op": opDispatch, "s": seq, "t": typ, "d": data})
	if err != nil {
		s.mu.Unlock()
		s.violate("gateway: marshal %s: %v", typ, err)
		return false
	}
	sess.log = append(sess.log, loggedEvent{seq: seq, payload: payload})
	conn := sess.conn
	s.gw.state.Events = append(s.gw.state.Events, GatewayEvent{At: s.now(), Type: typ, Seq: seq, Sent: conn != nil})
	s.notifyLocked()
	s.mu.Unlock()
	if conn == nil {
		return true
	}
	return conn.write(payload) == nil
}

// dispatch sends an event to the bot's current session, if the session
// subscribed to it (need: the intent bit, 0 for always). gated events have
// their content removed unless MESSAGE_CONTENT was granted.
func (s *Server) dispatch(typ string, data map[string]any, need int64, gated bool) {
	s.mu.Lock()
	sess := s.gw.current
	withheld := ""
	switch {
	case s.closed:
		withheld = "server closed"
	case sess == nil:
		withheld = "no gateway session (the bot has not identified)"
	case need != 0 && sess.intents&need == 0:
		withheld = "intent " + intentName(need) + " not requested"
	}
	if withheld != "" {
		s.gw.state.Events = append(s.gw.state.Events, GatewayEvent{At: s.now(), Type: typ, Withheld: withheld})
		s.notifyLocked()
		s.mu.Unlock()
		return
	}
	if gated && sess.intents&IntentMessageContent == 0 {
		data = deepCopyMap(data)
		data["content"] = ""
		data["embeds"] = []any{}
		data["attachments"] = []any{}
		data["components"] = []any{}
		delete(data, "poll")
	}
	s.mu.Unlock()
	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	s.sendLocked(sess, typ, data)
}

func intentName(i int64) string {
	switch i {
	case IntentGuilds:
		return "GUILDS"
	case IntentGuildMessages:
		return "GUILD_MESSAGES"
	case IntentDirectMessages:
		return "DIRECT_MESSAGES"
	case IntentMessageContent:
		return "MESSAGE_CONTENT"
	}
	return strconv.FormatInt(i, 10)
}

// readyLocked builds READY. The guild is listed as unavailable and follows
// as GUILD_CREATE, the way Discord lazy-loads guilds. s.mu must be held.
func (s *Server) readyLocked(sess *gwSession) map[string]any {
	user := userObject(s.cfg.bot)
	user["verified"], user["mfa_enabled"], user["flags"] = true, false, 0
	v, _ := strconv.Atoi(sess.version)
	return map[string]any{
		"v": v, "user": user, "session_id": sess.id, "session_type": "normal",
		"resume_gateway_url": s.GatewayURL(),
		"guilds":             []any{map[string]any{"id": s.cfg.guildID, "unavailable": true}},
		"shard":              []int{sess.shard[0], sess.shard[1]},
		"application":        map[string]any{"id": s.cfg.appID, "flags": 0},
		"private_channels":   []any{}, "relationships": []any{}, "presences": []any{},
		"guild_join_requests": []any{}, "geo_ordered_rtc_regions": []any{},
		"user_settings": map[string]any{}, "_trace": []any{"discordtest"},
	}
}

// guildCreateLocked builds GUILD_CREATE for the one guild, with its text
// channels and threads, so a bot that reads discordgo's State finds them.
// s.mu must be held.
func (s *Server) guildCreateLocked() map[string]any {
	joined := timestamp(s.now().Add(-24 * time.Hour))
	channels, threads := []any{}, []any{}
	for _, ch := range s.state.channels {
		switch ch.Type {
		case ChannelTypeGuildText:
			channels = append(channels, s.channelObject(ch))
		case ChannelTypePublicThread:
			threads = append(threads, s.channelObject(ch))
		}
	}
	return map[string]any{
		"id": s.cfg.guildID, "name": "Test Guild", "icon": nil, "owner_id": DefaultUser().ID,
		"unavailable": false, "large": false, "member_count": 2, "joined_at": joined,
		"verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
		"mfa_level": 0, "premium_tier": 0, "preferred_locale": "en-US", "features": []any{},
		"system_channel_id": s.cfg.channelID, "channels": channels, "threads": threads,
		"roles": []any{map[string]any{
			"id": s.cfg.guildID, "name": "@everyone", "permissions": "1071698660929", "position": 0,
			"color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0,
		}, map[string]any{
			// The role Discord creates for a bot when it joins a guild.
			"id": botRoleID, "name": s.cfg.bot.Username, "permissions": "309237730304", "position": 1,
			"color": 0, "hoist": false, "managed": true, "mentionable": false, "flags": 0,
			"tags": map[string]any{"bot_id": s.cfg.bot.ID},
		}},
		"members": []any{map[string]any{
			"user": userObject(s.cfg.bot), "roles": []any{botRoleID}, "joined_at": joined, "deaf": false, "mute": false, "flags": 0,
		}},
		"emojis": []any{}, "stickers": []any{}, "voice_states": []any{}, "presences": []any{},
		"stage_instances": []any{}, "guild_scheduled_events": []any{},
	}
}

func newSessionID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Gateway returns a snapshot of the gateway side: identifies (with their
// intents), resumes, heartbeats and every dispatch.
func (s *Server) Gateway() GatewayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.gw.state
	st.Identifies = append([]Identify(nil), st.Identifies...)
	st.Resumes = append([]Resume(nil), st.Resumes...)
	st.Events = append([]GatewayEvent(nil), st.Events...)
	st.ClientCloseCodes = append([]int(nil), st.ClientCloseCodes...)
	if sess := s.gw.current; sess != nil {
		st.SessionID = sess.id
		st.Connected = sess.conn != nil
	}
	return st
}

// WaitForReady blocks until a client has identified and received READY.
func (s *Server) WaitForReady(ctx context.Context) error {
	return s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.gw.readyCount > 0
	})
}

// WaitForResumes blocks until n RESUMEs have been accepted in all.
func (s *Server) WaitForResumes(ctx context.Context, n int) error {
	return s.WaitFor(ctx, func() bool {
		got := 0
		for _, r := range s.Gateway().Resumes {
			if r.Accepted {
				got++
			}
		}
		return got >= n
	})
}

// WaitForHeartbeats blocks until clients have sent n heartbeats in all.
//
// A test that closes a discordgo session right after Open should wait for
// one first: discordgo starts its heartbeat goroutine at the end of Open,
// and if that goroutine's write meets a connection Close is already
// shutting, it calls reconnect, which then retries for ever in the
// background. With a short heartbeat interval any beat can meet Close, so
// set session.ShouldReconnectOnError = false in tests too, before Open:
// discordgo reads it without a lock.
func (s *Server) WaitForHeartbeats(ctx context.Context, n int) error {
	return s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.gw.state.Heartbeats >= n
	})
}

// DropConnection closes the bot's gateway connection without a close frame,
// as a network failure would. The session stays resumable: events
// dispatched meanwhile are replayed when the bot sends RESUME.
func (s *Server) DropConnection() {
	if c := s.currentConn(); c != nil {
		c.closeAbruptly()
	}
}

// RequestReconnect sends op 7, Discord's "reconnect and resume" request.
func (s *Server) RequestReconnect() {
	if c := s.currentConn(); c != nil {
		c.writeOp(opReconnect, nil)
	}
}

// currentConn is the connection of the current gateway session, if any.
func (s *Server) currentConn() *gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.gw.current; sess != nil {
		return sess.conn
	}
	return nil
}
