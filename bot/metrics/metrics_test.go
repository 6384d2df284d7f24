package metrics_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"seriesbot/bot/discord"
	"seriesbot/bot/llm"
	"seriesbot/bot/metrics"
	"seriesbot/internal/metricstest"
)

// Metrics is what the Discord transport and the model adapter report to.
var (
	_ discord.Observer = (*metrics.Metrics)(nil)
	_ llm.Meter        = (*metrics.Metrics)(nil)
)

// TestMetricsAsScraped: what is reported is what a scraper reads.
func TestMetricsAsScraped(t *testing.T) {
	passages := 42
	m := metrics.New(func() int { return passages })
	m.Question("slash", "answered", 40*time.Millisecond, 900*time.Millisecond)
	m.Question("mention", "fallback", 0, 2*time.Second)
	m.Question("dm", "rate_limited", 0, time.Millisecond)
	m.RateLimited()
	m.Feedback("down")
	m.DiscordRetry("PATCH /webhooks/{id}/{token}/messages/@original")
	m.Reload(true)
	m.Reload(false)
	m.Reload(false)
	first := m.ModelCallStarted()
	second := m.ModelCallStarted()
	first("ok")

	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	scrape := func() metricstest.Families { return metricstest.Scrape(t, srv.Client(), srv.URL) }
	fams := scrape()
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"seriesbot_questions_total", []string{"transport", "slash", "outcome", "answered"}, 1},
		{"seriesbot_questions_total", []string{"transport", "mention", "outcome", "fallback"}, 1},
		{"seriesbot_questions_total", []string{"transport", "dm", "outcome", "rate_limited"}, 1},
		{"seriesbot_questions_total", []string{"transport", "thread", "outcome", "failed"}, 0},
		{"seriesbot_ack_seconds", nil, 1}, // only the slash command was acknowledged
		{"seriesbot_answer_seconds", nil, 3},
		{"seriesbot_rate_limited_total", nil, 1},
		{"seriesbot_feedback_total", []string{"vote", "down"}, 1},
		{"seriesbot_feedback_total", []string{"vote", "up"}, 0},
		{"seriesbot_discord_retries_total", []string{"route", "PATCH /webhooks/{id}/{token}/messages/@original"}, 1},
		{"seriesbot_reloads_total", []string{"outcome", "ok"}, 1},
		{"seriesbot_reloads_total", []string{"outcome", "failed"}, 2},
		{"seriesbot_llm_requests_total", []string{"outcome", "ok"}, 1},
		{"seriesbot_llm_requests_total", []string{"outcome", "timeout"}, 0},
		{"seriesbot_llm_inflight", nil, 1},
		{"seriesbot_index_passages", nil, 42},
	}
	for _, tt := range tests {
		if got := fams.Value(t, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if count, atMost := fams.Histogram(t, "seriesbot_answer_seconds", 1); count != 3 || atMost != 2 {
		t.Errorf("answer histogram: %d observations, %d of them within 1 s; want 3 and 2", count, atMost)
	}

	// The index gauge follows a reload; the call in flight ends.
	passages = 50
	second("timeout")
	fams = scrape()
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"seriesbot_index_passages", nil, 50},
		{"seriesbot_llm_inflight", nil, 0},
		{"seriesbot_llm_requests_total", []string{"outcome", "timeout"}, 1},
	} {
		if got := fams.Value(t, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}

// TestNilMetricsCountNothing: a caller without metrics passes nil.
func TestNilMetricsCountNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Question("slash", "answered", time.Second, time.Second)
	m.RateLimited()
	m.Feedback("up")
	m.DiscordRetry("GET /gateway")
	m.Reload(true)
	m.ModelCallStarted()("ok")
}
