// Package metrics counts what the bot does, for an operator to watch in
// Prometheus: questions and how they ended, how fast they were
// acknowledged and answered, the calls to the language model, rate limits,
// feedback, reloads and Discord's retried requests.
//
// Metrics has its own registry, not Prometheus's global one: two bots in
// one process (as in tests) count apart, and nothing another library
// registers globally shows up on /metrics. Its methods are safe for
// concurrent use, and a nil *Metrics counts nothing, so a caller that does
// not export metrics passes nil and pays a nil check.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values the counters start with, at zero, so that a dashboard or an
// alert on a rate sees the series before the first event.
var (
	// Transports are where a question was asked.
	Transports = []string{"slash", "mention", "thread", "dm"}
	// Outcomes are how a question ended: answered (from the model, or
	// offline by design), fallback (quoted because the model failed),
	// refused (nothing to answer, or a question the bot cannot take),
	// rate_limited (the user asked too fast) and failed (the bot could not
	// answer, or could not post the answer).
	Outcomes = []string{"answered", "fallback", "refused", "rate_limited", "failed"}
	// ModelOutcomes are how a call to the language model ended.
	ModelOutcomes = []string{"ok", "error", "timeout", "canceled"}
	// Votes are the feedback buttons.
	Votes = []string{"up", "down"}
	// ReloadOutcomes are how a reload of the corpus ended.
	ReloadOutcomes = []string{"ok", "failed"}
)

// Metrics holds the bot's metrics and the registry they are exported from.
type Metrics struct {
	reg         *prometheus.Registry
	questions   *prometheus.CounterVec
	ack         prometheus.Histogram
	answer      prometheus.Histogram
	llmRequests *prometheus.CounterVec
	llmInflight prometheus.Gauge
	rateLimited prometheus.Counter
	feedback    *prometheus.CounterVec
	reloads     *prometheus.CounterVec
	retries     *prometheus.CounterVec
}

// New returns the metrics in a registry of their own, with the Go runtime's
// and the process's (goroutines, memory, open files: what a leak shows in
// over months). passages, when not nil, is read at each scrape for
// seriesbot_index_passages, so the gauge follows reloads by itself.
func New(passages func() int) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seriesbot_questions_total",
			Help: "Questions received, by transport (slash, mention, thread, dm) and outcome (answered, fallback, refused, rate_limited, failed).",
		}, []string{"transport", "outcome"}),
		// Discord drops an interaction not acknowledged within 3 s: the
		// buckets are fine below it.
		ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "seriesbot_ack_seconds",
			Help:    "Time from receiving a slash command to Discord accepting its acknowledgement.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 1.5, 2, 2.5, 3, 5},
		}),
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "seriesbot_answer_seconds",
			Help:    "Time from receiving a question to its last message posted.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 4, 8, 15, 30, 60, 120},
		}),
		llmRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seriesbot_llm_requests_total",
			Help: "Calls to the language model, retries inside a call included in one, by outcome (ok, error, timeout, canceled).",
		}, []string{"outcome"}),
		llmInflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "seriesbot_llm_inflight",
			Help: "Calls to the language model in progress.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "seriesbot_rate_limited_total",
			Help: "Questions refused because their user asked too fast.",
		}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seriesbot_feedback_total",
			Help: "Clicks on the feedback buttons under answers, by vote (up, down).",
		}, []string{"vote"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seriesbot_reloads_total",
			Help: "Reloads of the corpus, by outcome (ok, failed).",
		}, []string{"outcome"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "seriesbot_discord_retries_total",
			Help: "Requests to Discord tried again after a server error or a failed connection, by route.",
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.questions, m.ack, m.answer, m.llmRequests, m.llmInflight, m.rateLimited,
		m.feedback, m.reloads, m.retries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if passages != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "seriesbot_index_passages",
			Help: "Passages in the index being served.",
		}, func() float64 { return float64(passages()) }))
	}
	for _, t := range Transports {
		for _, o := range Outcomes {
			m.questions.WithLabelValues(t, o)
		}
	}
	for _, o := range ModelOutcomes {
		m.llmRequests.WithLabelValues(o)
	}
	for _, v := range Votes {
		m.feedback.WithLabelValues(v)
	}
	for _, o := range ReloadOutcomes {
		m.reloads.WithLabelValues(o)
	}
	return m
}

// Handler serves the metrics in Prometheus's text format (or
// OpenMetrics, when the scraper asks for it). A failure to gather one
// metric is reported in the response, not as a crash.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{EnableOpenMetrics: true})
}

// Gatherer is the registry, for tests and for exporting it elsewhere.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Question counts a question that ended with outcome, asked through
// transport. answer is how long it took, from receipt to its last message;
// ack, for a slash command, how long its acknowledgement took (0 when
// there was none).
func (m *Metrics) Question(transport, outcome string, ack, answer time.Duration) {
	if m == nil {
		return
	}
	m.questions.WithLabelValues(transport, outcome).Inc()
	if ack > 0 {
		m.ack.Observe(ack.Seconds())
	}
	if answer > 0 {
		m.answer.Observe(answer.Seconds())
	}
}

// RateLimited counts a question refused because its user asked too fast.
func (m *Metrics) RateLimited() {
	if m == nil {
		return
	}
	m.rateLimited.Inc()
}

// Feedback counts a click on a feedback button.
func (m *Metrics) Feedback(vote string) {
	if m == nil {
		return
	}
	m.feedback.WithLabelValues(vote).Inc()
}

// DiscordRetry counts a request to Discord tried again; route names it
// without IDs or tokens ("PATCH /webhooks/{id}/{token}/messages/@original").
func (m *Metrics) DiscordRetry(route string) {
	if m == nil {
		return
	}
	m.retries.WithLabelValues(route).Inc()
}

// Reload counts a reload of the corpus, ok or not.
func (m *Metrics) Reload(ok bool) {
	if m == nil {
		return
	}
	outcome := "ok"
	if !ok {
		outcome = "failed"
	}
	m.reloads.WithLabelValues(outcome).Inc()
}

// ModelCallStarted counts a call to the language model in progress until
// the returned func is called with how it ended (one of ModelOutcomes).
// The func must be called exactly once.
func (m *Metrics) ModelCallStarted() (ended func(outcome string)) {
	if m == nil {
		return func(string) {}
	}
	m.llmInflight.Inc()
	return func(outcome string) {
		m.llmInflight.Dec()
		m.llmRequests.WithLabelValues(outcome).Inc()
	}
}
