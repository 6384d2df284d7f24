package discordtest

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retrySlack forgives a request that comes a hair early, after a 429 or at
// a bucket's reset: the fake sends retry_after and X-RateLimit-Reset-After
// rounded to milliseconds, and discordgo turns them into Durations by
// truncating, so 0.29 s can become 289 ms. Without the slack a client that
// waits exactly as told could be reported for not waiting.
const retrySlack = 2 * time.Millisecond

// rateLimits keeps Discord-like buckets: one per route and major parameter
// (channel, guild, webhook), counted in fixed windows. Guarded by Server.mu.
type rateLimits struct {
	buckets map[string]*bucket
	scripts []rateScript
}

type bucket struct {
	hash         string
	windowStart  time.Time
	count        int
	blockedUntil time.Time // set by a 429: a request before it is too early
}

// rateScript is one 429 that RateLimitNext scheduled, or one server error
// that FailNext did.
type rateScript struct {
	pattern    string
	method     string
	segs       []string
	retryAfter time.Duration
	status     int
}

func newRateLimits() *rateLimits { return &rateLimits{buckets: map[string]*bucket{}} }

// RateLimitNext makes the next request that matches route fail with 429,
// retry_after set to retryAfter (rounded to the millisecond, as Discord
// sends it). route is "[METHOD ]/path" where the path is the spec's form
// without /api/vN; a segment in braces or "*" matches any one segment:
// "POST /channels/{channel_id}/messages", "/webhooks/*/*/messages/@original".
// A retry to the same bucket before retryAfter has passed is a violation.
func (s *Server) RateLimitNext(route string, retryAfter time.Duration) {
	retryAfter = retryAfter.Round(time.Millisecond)
	if retryAfter <= 0 {
		retryAfter = time.Millisecond
	}
	sc := routeScript(route)
	sc.retryAfter = retryAfter
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rl.scripts = append(s.rl.scripts, sc)
}

// FailNext makes the next request that matches route (written as for
// RateLimitNext) fail with status, a server error (500, 502, 503, 504),
// before the fake acts on it: nothing the request asked for happens, as
// when Discord fails. Each call scripts one failure.
func (s *Server) FailNext(route string, status int) {
	if status < 500 || status > 599 {
		s.tb.Fatalf("discordtest: FailNext(%q, %d): not a server error", route, status)
		return
	}
	sc := routeScript(route)
	sc.status = status
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, sc)
}

// takeFailureLocked returns the status of the first scripted failure that
// matches a request, and unschedules it; 0 when none does.
func (s *Server) takeFailureLocked(method string, segs []string) int {
	for i, sc := range s.failures {
		if sc.matches(method, segs) {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
			return sc.status
		}
	}
	return 0
}

// routeScript reads a route pattern "[METHOD ]/path".
func routeScript(route string) rateScript {
	method, path, ok := strings.Cut(strings.TrimSpace(route), " ")
	if !ok {
		method, path = "", method
	}
	path = strings.TrimSpace(path)
	if _, rest, ok := splitVersion(path); ok {
		path = rest
	}
	return rateScript{pattern: route, method: strings.ToUpper(method), segs: segments(path)}
}

// matches reports whether a request's method and path segments fit.
func (r rateScript) matches(method string, segs []string) bool {
	if r.method != "" && r.method != method {
		return false
	}
	if len(r.segs) != len(segs) {
		return false
	}
	for i, p := range r.segs {
		if p == "*" || (strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}")) {
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return true
}

// rateOutcome is what the rate limiter decided for one request.
type rateOutcome struct {
	header     http.Header
	limited    bool
	retryAfter time.Duration
	violation  string
}

// checkLocked counts a request against its bucket and decides whether it
// gets a 429. s.mu must be held.
// where names the route (its template: no IDs or tokens) in violations.
func (rl *rateLimits) checkLocked(cfg config, method string, segs []string, where, key string, now time.Time) rateOutcome {
	b := rl.buckets[key]
	if b == nil {
		h := fnv.New64a()
		h.Write([]byte(key))
		b = &bucket{hash: fmt.Sprintf("%016x", h.Sum64()), windowStart: now}
		rl.buckets[key] = b
	}
	if now.Add(retrySlack).Sub(b.windowStart) >= cfg.rateWindow {
		b.windowStart, b.count = now, 0
	}
	b.count++
	out := rateOutcome{header: http.Header{}}
	reset := b.windowStart.Add(cfg.rateWindow)
	remaining := cfg.rateLimit - b.count

	if now.Add(retrySlack).Before(b.blockedUntil) {
		out.limited = true
		out.retryAfter = b.blockedUntil.Sub(now)
		out.violation = fmt.Sprintf("%s: retried %v before retry_after had passed", where, out.retryAfter.Round(time.Millisecond))
	} else if i := rl.scriptIndex(method, segs); i >= 0 {
		out.limited = true
		out.retryAfter = rl.scripts[i].retryAfter
		rl.scripts = append(rl.scripts[:i], rl.scripts[i+1:]...)
	} else if remaining < 0 {
		out.limited = true
		out.retryAfter = reset.Sub(now)
		out.violation = fmt.Sprintf("%s: exceeded the bucket's %d requests per %v although X-RateLimit-Remaining said 0", where, cfg.rateLimit, cfg.rateWindow)
	}
	if out.limited {
		b.blockedUntil = now.Add(out.retryAfter)
		reset = b.blockedUntil
		remaining = 0
	}
	if remaining < 0 {
		remaining = 0
	}
	h := out.header
	h.Set("X-RateLimit-Limit", strconv.Itoa(cfg.rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(reset.UnixMilli())/1000))
	h.Set("X-RateLimit-Reset-After", seconds(reset.Sub(now)))
	h.Set("X-RateLimit-Bucket", b.hash)
	if out.limited {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(out.retryAfter.Seconds()))))
		h.Set("X-RateLimit-Scope", "user")
	}
	return out
}

func (rl *rateLimits) scriptIndex(method string, segs []string) int {
	for i, sc := range rl.scripts {
		if sc.matches(method, segs) {
			return i
		}
	}
	return -1
}

// seconds formats d the way Discord's headers and retry_after do.
func seconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%.3f", d.Seconds())
}

// bucketKey groups requests the way Discord's buckets do: by route and by
// the route's major parameter.
func bucketKey(method, route string, params map[string]string) string {
	major := params["channel_id"] + params["guild_id"] + params["webhook_id"] + "/" + params["webhook_token"] + params["interaction_id"]
	return method + " " + route + " " + major
}
