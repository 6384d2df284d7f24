package discord

import (
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		err  string
	}{
		{"6/min:3", Rate{6, time.Minute, 3}, ""},
		{"6/min", Rate{6, time.Minute, 6}, ""},
		{" 1/S ", Rate{1, time.Second, 1}, ""},
		{"100/hour:10", Rate{100, time.Hour, 10}, ""},
		{"off", Rate{}, ""},
		{"0", Rate{}, ""},
		{"6", Rate{}, "N/UNIT"},
		{"six/min", Rate{}, "positive whole number"},
		{"0/min", Rate{}, "positive whole number"},
		{"6/day", Rate{}, "unknown unit"},
		{"6/min:0", Rate{}, "burst"},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseRate(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if back, err := ParseRate(got.String()); err != nil || back != got {
			t.Errorf("%q does not round-trip: %q → %+v, %v", tt.in, got.String(), back, err)
		}
	}
}

func TestUserLimiter(t *testing.T) {
	l := newUserLimiter(Rate{N: 6, Per: time.Minute, Burst: 3})
	now := time.Unix(1_700_000_000, 0)
	for i := range 3 {
		if ok, _ := l.allow("ada", now); !ok {
			t.Fatalf("question %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("ada", now)
	if ok || wait != 10*time.Second {
		t.Fatalf("fourth question: ok %v, wait %v; want refused for 10s", ok, wait)
	}
	// A refusal costs nothing: the wait does not grow.
	if _, again := l.allow("ada", now); again != wait {
		t.Errorf("second refusal waits %v, want %v", again, wait)
	}
	if ok, _ := l.allow("grace", now); !ok {
		t.Error("another user is limited too")
	}
	if ok, _ := l.allow("ada", now.Add(10*time.Second)); !ok {
		t.Error("refused after the wait")
	}
	if ok, _ := newUserLimiter(Rate{}).allow("ada", now); !ok {
		t.Error("the zero Rate limits")
	}
	if got := slowDown(9200 * time.Millisecond); !strings.Contains(got, "Try again in 10 s") {
		t.Errorf("slowDown = %q", got)
	}
}

func TestUserLimiterForgetsIdleUsers(t *testing.T) {
	l := newUserLimiter(Rate{N: 1, Per: time.Second, Burst: 1})
	now := time.Unix(1_700_000_000, 0)
	for i := range maxTrackedUsers {
		l.allow(string(rune('a'+i%26))+time.Duration(i).String(), now)
	}
	l.allow("late", now.Add(time.Minute))
	if n := len(l.users); n != 1 {
		t.Errorf("%d users tracked after the others went idle, want 1", n)
	}
}

// FuzzParseRate: whatever is typed in SERIESBOT_RATE is either refused or
// read as a rate that writes back to itself.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"6/min:3", "1/s", "off", "0", "10/hour:2", "5/min:0", "-1/s", "3/week", "/", "6/min:3:4", " 2 / h "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if r.Unlimited() {
			return
		}
		if r.N < 1 || r.Burst < 1 || r.Per <= 0 {
			t.Fatalf("ParseRate(%q) = %+v: not a usable rate", s, r)
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %+v, written %q, read back %+v, %v", s, r, r.String(), back, err)
		}
	})
}

// TestUserLimiterTellsAFloodOnce: a user refused is told once per wait;
// the refusals until it has passed are silent, and once it has, the next
// refusal is told again.
func TestUserLimiterTellsAFloodOnce(t *testing.T) {
	l := newUserLimiter(Rate{N: 1, Per: time.Minute, Burst: 1})
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		at       time.Duration
		ok, tell bool
	}{
		{0, true, false},
		{time.Second, false, true},
		{2 * time.Second, false, false},
		{59 * time.Second, false, false},
		{60 * time.Second, true, false},
		{61 * time.Second, false, true},
	}
	for _, s := range steps {
		ok, _, tell := l.admit("u", t0.Add(s.at))
		if ok != s.ok || tell != s.tell {
			t.Errorf("at %v: ok %v tell %v, want %v %v", s.at, ok, tell, s.ok, s.tell)
		}
	}
}
