package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds what the fake reads of a request body (Discord's own cap
// for uploads is of the same order).
const maxBody = 25 << 20

// authMode says whether a route needs the bot token.
type authMode int

const (
	authBot      authMode = iota // Authorization: Bot <token> required
	authOptional                 // interaction token in the path is the credential
)

// route is one REST route the fake serves.
type route struct {
	method   string
	template string // the spec's path, e.g. /channels/{channel_id}/messages
	segs     []string
	inSpec   bool // false: Discord has the route, the trimmed spec does not
	auth     authMode
	// uploads: the route takes files (multipart/form-data) and stores
	// them on the message.
	uploads bool
	handle  func(*call)
}

// routes lists what the fake serves. Literal segments (@me, @original) are
// listed before the parameter they would otherwise match.
var routes = []route{
	{method: "GET", template: "/gateway", inSpec: true, handle: (*call).getGateway},
	{method: "GET", template: "/gateway/bot", inSpec: true, handle: (*call).getGatewayBot},
	{method: "GET", template: "/users/@me", inSpec: true, handle: (*call).getMe},
	{method: "POST", template: "/users/@me/channels", handle: (*call).createDM},
	{method: "GET", template: "/applications/{application_id}/commands", inSpec: true, handle: (*call).getCommands},
	{method: "PUT", template: "/applications/{application_id}/commands", inSpec: true, handle: (*call).putCommands},
	{method: "GET", template: "/applications/{application_id}/guilds/{guild_id}/commands", inSpec: true, handle: (*call).getCommands},
	{method: "PUT", template: "/applications/{application_id}/guilds/{guild_id}/commands", inSpec: true, handle: (*call).putCommands},
	{method: "GET", template: "/channels/{channel_id}", handle: (*call).getChannel},
	{method: "GET", template: "/channels/{channel_id}/messages", inSpec: true, handle: (*call).listMessages},
	{method: "POST", template: "/channels/{channel_id}/messages", inSpec: true, handle: (*call).createMessage},
	{method: "GET", template: "/channels/{channel_id}/messages/{message_id}", inSpec: true, handle: (*call).getMessage},
	{method: "PATCH", template: "/channels/{channel_id}/messages/{message_id}", inSpec: true, handle: (*call).editMessage},
	{method: "DELETE", template: "/channels/{channel_id}/messages/{message_id}", inSpec: true, handle: (*call).deleteMessage},
	{method: "POST", template: "/channels/{channel_id}/messages/{message_id}/threads", inSpec: true, handle: (*call).startThread},
	{method: "POST", template: "/channels/{channel_id}/typing", inSpec: true, handle: (*call).typing},
	{method: "POST", template: "/interactions/{interaction_id}/{interaction_token}/callback", inSpec: true, auth: authOptional, handle: (*call).interactionCallback},
	{method: "POST", template: "/webhooks/{webhook_id}/{webhook_token}", inSpec: true, auth: authOptional, uploads: true, handle: (*call).executeWebhook},
	{method: "GET", template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", inSpec: true, auth: authOptional, handle: (*call).getWebhookMessage},
	{method: "PATCH", template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", inSpec: true, auth: authOptional, uploads: true, handle: (*call).editWebhookMessage},
	{method: "DELETE", template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", inSpec: true, auth: authOptional, handle: (*call).deleteWebhookMessage},
	{method: "GET", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", inSpec: true, auth: authOptional, handle: (*call).getWebhookMessage},
	{method: "PATCH", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", inSpec: true, auth: authOptional, uploads: true, handle: (*call).editWebhookMessage},
	{method: "DELETE", template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", inSpec: true, auth: authOptional, handle: (*call).deleteWebhookMessage},
}

func init() {
	for i := range routes {
		routes[i].segs = segments(routes[i].template)
	}
}

// segments splits a path into its non-empty segments.
func segments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// splitVersion splits "/api/v9/channels/1" into "9" and "/channels/1".
func splitVersion(p string) (version, rest string, ok bool) {
	after, found := strings.CutPrefix(p, "/api/v")
	if !found {
		return "", "", false
	}
	version, rest, _ = strings.Cut(after, "/")
	return version, "/" + rest, version != ""
}

// matchRoute finds the route for a request. pathKnown is true when some
// route has the path but not the method.
func matchRoute(method string, segs []string) (rt *route, params map[string]string, pathKnown bool) {
	for i := range routes {
		r := &routes[i]
		p, ok := matchSegs(r.segs, segs)
		if !ok {
			continue
		}
		if r.method != method {
			pathKnown = true
			continue
		}
		return r, p, true
	}
	return nil, nil, pathKnown
}

func matchSegs(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			params[strings.Trim(t, "{}")] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// call is one REST request being served.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	route  *route
	params map[string]string
	body   []byte
	obj    map[string]any // decoded body when it is a JSON object
	files  []upload       // the files of a multipart body
	arr    []any          // decoded body when it is a JSON array
	now    time.Time
	status int
}

// serveREST is the entry point for /api/: route, authenticate, rate-limit,
// validate against the spec, then hand over to the route's handler.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, w: w, r: r, now: s.now()}
	version, path, ok := splitVersion(r.URL.Path)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		c.discordError(http.StatusBadRequest, 0, "400: Bad Request")
		return
	}
	c.body = body
	rec := Request{At: c.now, Method: r.Method, Path: path, Query: r.URL.RawQuery}
	if len(body) > 0 {
		rec.Body = append(json.RawMessage(nil), body...)
	}
	defer func() {
		rec.Status = c.status
		s.mu.Lock()
		s.state.requests = append(s.state.requests, rec)
		s.notifyLocked()
		s.mu.Unlock()
	}()

	if !ok {
		rec.Path = r.URL.Path
		s.violate("%s %s: not under /api/v{version}/", r.Method, r.URL.Path)
		c.discordError(http.StatusNotFound, 0, "404: Not Found")
		return
	}
	if version != "9" && version != "10" {
		s.violate("%s %s: API version v%s; discordgo v0.29.0 uses v9 and Discord serves v9 and v10", r.Method, r.URL.Path, version)
	}
	segs := segments(path)
	rt, params, pathKnown := matchRoute(r.Method, segs)
	if rt == nil {
		if pathKnown {
			s.violate("%s %s: method not allowed", r.Method, path)
			c.discordError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
			return
		}
		s.violate("%s %s: route not served by the fake (add it to discordtest if the bot needs it)", r.Method, path)
		c.discordError(http.StatusNotFound, 0, "404: Not Found")
		return
	}
	c.route, c.params = rt, params
	rec.Route = rt.template

	s.mu.Lock()
	rate := s.rl.checkLocked(s.cfg, r.Method, segs, r.Method+" "+rt.template, bucketKey(r.Method, rt.template, params), c.now)
	s.mu.Unlock()
	for k, v := range rate.header {
		w.Header()[k] = v
	}
	if rate.violation != "" {
		s.violate("%s", rate.violation)
	}
	if rate.limited {
		c.json(http.StatusTooManyRequests, map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": json.Number(seconds(rate.retryAfter)),
			"global":      false,
		})
		return
	}

	if !c.authorized() {
		// A wrong token is a configuration error, not a protocol violation:
		// the bot sees Discord's 401 and the test can assert on it.
		c.discordError(http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}

	specReq := r
	if len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case mt == "multipart/form-data" && rt.uploads:
			payload, files, errs := readMultipart(r.Header.Get("Content-Type"), body)
			if len(errs) > 0 {
				s.violate("%s %s: multipart body: %s", r.Method, rt.template, strings.Join(errs, "; "))
				c.discordError(http.StatusBadRequest, 50035, "Invalid Form Body")
				return
			}
			// From here on the body is the JSON of payload_json, and
			// is checked against the spec as JSON.
			body, c.body, c.files = payload, payload, files
			rec.Body = append(json.RawMessage(nil), payload...)
			for _, f := range files {
				rec.Files = append(rec.Files, f.filename)
			}
			specReq = r.Clone(r.Context())
			specReq.Header.Set("Content-Type", "application/json")
		case mt == "multipart/form-data":
			s.violate("%s %s: files sent to a route the fake takes none on (it stores them on webhook messages)", r.Method, rt.template)
			c.discordError(http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		case mt != "application/json":
			s.violate("%s %s: body sent as %q; the fake understands application/json, and multipart/form-data with files", r.Method, rt.template, mt)
			c.discordError(http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
	}
	if rt.inSpec {
		if errs := validateAgainstSpec(s.spec, specReq, path, body); len(errs) > 0 {
			s.violate("%s %s: does not match Discord's OpenAPI spec: %s", r.Method, rt.template, strings.Join(errs, "; "))
			c.formError(specFieldErrors(errs))
			return
		}
	}
	s.mu.Lock()
	failure := s.takeFailureLocked(r.Method, segs)
	s.mu.Unlock()
	if failure != 0 {
		c.discordError(failure, 0, fmt.Sprintf("%d: %s", failure, http.StatusText(failure)))
		return
	}
	if len(body) > 0 {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			s.violate("%s %s: body is not JSON: %v", r.Method, rt.template, err)
			c.discordError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return
		}
		c.obj, _ = v.(map[string]any)
		c.arr, _ = v.([]any)
	}
	rt.handle(c)
}

// authorized checks the Authorization header: required and exact for bot
// routes; for interaction and webhook routes the token in the path is the
// credential, but a header that is there must still be right.
func (c *call) authorized() bool {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return c.route.auth == authOptional
	}
	return h == "Bot "+c.s.cfg.token
}

// specFieldErrors turns validator lines into Discord-shaped field errors.
func specFieldErrors(lines []string) []fieldError {
	out := make([]fieldError, 0, len(lines))
	for _, l := range lines {
		path := ""
		if i := strings.Index(l, "$"); i >= 0 {
			rest := l[i+1:]
			if j := strings.Index(rest, ":"); j >= 0 {
				rest = rest[:j]
			}
			rest = strings.NewReplacer("[", ".", "]", "").Replace(rest)
			path = strings.Trim(rest, ".")
		}
		out = append(out, fieldError{Path: path, Code: "SPEC_VIOLATION", Message: l})
	}
	return out
}

// json writes v with status.
func (c *call) json(status int, v any) {
	c.status = status
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	if err := json.NewEncoder(c.w).Encode(v); err != nil {
		c.s.tb.Logf("discordtest: write response: %v", err)
	}
}

// noContent answers 204.
func (c *call) noContent() {
	c.status = http.StatusNoContent
	c.w.WriteHeader(http.StatusNoContent)
}

// discordError answers with Discord's error shape {"message","code"}.
func (c *call) discordError(status, code int, msg string) {
	c.json(status, map[string]any{"message": msg, "code": code})
}

// formError answers Discord's 400 Invalid Form Body with nested field errors.
func (c *call) formError(errs []fieldError) {
	c.json(http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": errorTree(errs)})
}

// where names the request in violation messages.
func (c *call) where() string { return c.r.Method + " " + c.route.template }

// rejectFields records a violation for field errors and answers 400.
func (c *call) rejectFields(errs []fieldError) {
	c.s.violate("%s: %s", c.where(), describeFieldErrors(errs))
	c.formError(errs)
}

// reject records a violation and answers with Discord's error.
func (c *call) reject(status, code int, msg, why string) {
	c.s.violate("%s: %s (%d %s)", c.where(), why, code, msg)
	c.discordError(status, code, msg)
}

// requireAllowedMentions enforces this project's rule that every message a
// bot creates or edits says which mentions may ping. Discord itself would
// accept the request, so the fake records the violation and goes on.
func (c *call) requireAllowedMentions(body map[string]any, what string) {
	if body == nil || body["allowed_mentions"] == nil {
		c.s.violate("%s: %s without allowed_mentions (set it on every message, e.g. {\"parse\":[]}, so user text can never ping)", c.where(), what)
	}
}

// getGateway answers discordgo's Open: the WebSocket URL of this server.
func (c *call) getGateway() {
	c.json(http.StatusOK, map[string]any{"url": c.s.GatewayURL()})
}

func (c *call) getGatewayBot() {
	c.json(http.StatusOK, map[string]any{
		"url":    c.s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (c *call) getMe() {
	c.json(http.StatusOK, userObject(c.s.cfg.bot))
}

// userObject is a user as Discord serialises it.
func userObject(u User) map[string]any {
	o := map[string]any{
		"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": nil,
		"avatar": nil, "public_flags": 0,
	}
	if u.Bot {
		o["bot"] = true
	}
	return o
}

// timestamp formats t as Discord does (ISO 8601, microseconds, +00:00).
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// unknown builds the 404 bodies of Discord's "Unknown X" errors.
func (c *call) unknown(what string, code int, id string) {
	c.reject(http.StatusNotFound, code, "Unknown "+what, fmt.Sprintf("unknown %s %s", strings.ToLower(what), id))
}

// Requests returns every REST request so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.state.requests...)
}
