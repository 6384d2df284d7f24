package discord

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is how often one user may ask: Burst questions at once, then N
// every Per on average. The zero Rate sets no limit.
type Rate struct {
	N     int
	Per   time.Duration
	Burst int
}

// DefaultRate lets a user ask three questions in a row, then about one
// every ten seconds: a person reading the answers never notices it, a
// script looping over the bot does.
var DefaultRate = Rate{N: 6, Per: time.Minute, Burst: 3}

// rateUnits are the units ParseRate accepts after the slash.
var rateUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "second": time.Second,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute,
	"h": time.Hour, "hour": time.Hour,
}

// ParseRate reads a rate written "N/UNIT" or "N/UNIT:BURST", with UNIT one
// of s, min or h (also sec, second, m, minute, hour): "6/min:3" is six
// questions a minute with at most three at once. Without BURST, N
// questions may come at once. "off" (or "0") sets no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "off" || s == "0" || s == "none" {
		return Rate{}, nil
	}
	spec, burstText, hasBurst := strings.Cut(s, ":")
	countText, unit, ok := strings.Cut(spec, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/UNIT[:BURST], e.g. 6/min:3, or off", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(countText))
	if err != nil || n < 1 {
		return Rate{}, fmt.Errorf("rate %q: %q is not a positive whole number", s, countText)
	}
	per, ok := rateUnits[strings.TrimSpace(unit)]
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: unknown unit %q (use s, min or h)", s, unit)
	}
	r := Rate{N: n, Per: per, Burst: n}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burstText))
		if err != nil || b < 1 {
			return Rate{}, fmt.Errorf("rate %q: burst %q is not a positive whole number", s, burstText)
		}
		r.Burst = b
	}
	return r, nil
}

// String writes r as ParseRate reads it.
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	unit := "s"
	switch r.Per {
	case time.Minute:
		unit = "min"
	case time.Hour:
		unit = "h"
	}
	return fmt.Sprintf("%d/%s:%d", r.N, unit, r.Burst)
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.N <= 0 || r.Per <= 0 }

// maxTrackedUsers bounds the limiters kept in memory; past it, the users
// whose allowance is full again (who have not asked for a while) are
// forgotten, which changes nothing for them.
const maxTrackedUsers = 10_000

// userLimiter applies a Rate to each user separately.
type userLimiter struct {
	rate  Rate
	mu    sync.Mutex
	users map[string]*rate.Limiter
	// told holds, for each user refused, until when they have been told
	// to slow down: a flood is told once, not once a message.
	told map[string]time.Time
}

func newUserLimiter(r Rate) *userLimiter {
	return &userLimiter{rate: r, users: map[string]*rate.Limiter{}, told: map[string]time.Time{}}
}

// allow takes one question from user's allowance at now, or reports how
// long until the next one is allowed. An interaction is always answered
// (Discord shows a failure otherwise), privately, so its refusals are
// not counted as told.
func (l *userLimiter) allow(user string, now time.Time) (ok bool, wait time.Duration) {
	ok, wait, _ = l.take(user, now, false)
	return ok, wait
}

// admit is allow that also says whether a refused user should be told:
// the first refusal is, those that follow until the wait it announced has
// passed are not, so that a user (or a script) flooding a channel gets
// one "slow down" instead of one post per message.
func (l *userLimiter) admit(user string, now time.Time) (ok bool, wait time.Duration, tell bool) {
	return l.take(user, now, true)
}

// take is allow, and with remember admit.
func (l *userLimiter) take(user string, now time.Time, remember bool) (ok bool, wait time.Duration, tell bool) {
	if l == nil || l.rate.Unlimited() {
		return true, 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, found := l.users[user]
	if !found {
		if len(l.users) >= maxTrackedUsers {
			l.forgetIdle(now)
		}
		lim = rate.NewLimiter(rate.Limit(float64(l.rate.N)/l.rate.Per.Seconds()), l.rate.Burst)
		l.users[user] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		if !remember {
			return false, d, true
		}
		if until, told := l.told[user]; told && now.Before(until) {
			return false, d, false
		}
		l.told[user] = now.Add(d)
		return false, d, true
	}
	delete(l.told, user)
	return true, 0, false
}

// forgetIdle drops the limiters that are full again, and the refusals
// whose wait has passed. l.mu must be held.
func (l *userLimiter) forgetIdle(now time.Time) {
	for u, lim := range l.users {
		if lim.TokensAt(now) >= float64(l.rate.Burst) {
			delete(l.users, u)
		}
	}
	for u, until := range l.told {
		if !now.Before(until) {
			delete(l.told, u)
		}
	}
}

// slowDown tells a user who asked too fast when to ask again.
func slowDown(wait time.Duration) string {
	secs := int((wait + time.Second - 1) / time.Second)
	return fmt.Sprintf("Slow down: you are asking faster than this bot answers. Try again in %d s.", max(secs, 1))
}
