package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/metrics"
	"seriesbot/internal/discordtest"
	"seriesbot/internal/metricstest"
)

// TestServeOperatingEndpoints runs serve as an operator would, with the
// endpoints on and JSON logs, asks a question and votes on the answer,
// and reads back what a probe, a scraper and a log collector see.
func TestServeOperatingEndpoints(t *testing.T) {
	clearDiscordEnv(t)
	srv := discordtest.New(t)
	t.Setenv(envDiscordToken, srv.Token())
	t.Setenv(envDiscordAPI, srv.URL())
	t.Setenv(envGuildID, srv.GuildID())
	t.Setenv(envMentions, "off")
	t.Setenv(envHTTPAddr, "127.0.0.1:0")
	t.Setenv(envLogFormat, "json")
	// A corpus read from its manifest: the load reports its progress.
	t.Setenv(envCorpus, filepath.Join("..", "..", "corpus", "default", "corpus.yaml"))

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	wait, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	serve := startServe(ctx, wait)
	stderr := &serve.stderr
	if err := stderr.WaitFor(wait, `"msg":"operating endpoints"`); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	addr := logField(t, stderr.String(), "operating endpoints", "addr")
	base := "http://" + addr
	client := srv.HTTPClient()

	if err := srv.WaitFor(wait, func() bool { return len(srv.Commands(srv.GuildID())) == 5 && srv.Gateway().Heartbeats > 0 }); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if st, body := get(t, client, base+path); st != http.StatusOK {
			t.Errorf("GET %s = %d %q once serving", path, st, body)
		}
	}
	if r := runCLI(t, "", "healthcheck", "--http-addr", addr); r.code != 0 || r.stdout != "ok\n" {
		t.Errorf("healthcheck: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	in := srv.DispatchInteraction(discordtest.InteractionSpec{Command: "ask", Options: map[string]any{"question": "When was Taobao launched?"}})
	msg, err := srv.WaitForResponse(wait, in.ID)
	if err != nil || !strings.Contains(msg.Content, "2003") {
		t.Fatalf("answer = %+v, %v", msg, err)
	}
	vote := srv.DispatchInteraction(discordtest.InteractionSpec{CustomID: "fb:up:" + in.ID, MessageID: msg.ID})
	if _, err := srv.WaitForResponse(wait, vote.ID); err != nil {
		t.Fatal(err)
	}
	// The question is counted once its handler is over, just after the
	// answer is posted: wait for its log line.
	if err := stderr.WaitFor(wait, `"msg":"question"`); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if err := stderr.WaitFor(wait, `"msg":"feedback"`); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}

	fams := metricstest.Scrape(t, client, base+"/metrics")
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"seriesbot_questions_total", []string{"transport", "slash", "outcome", "answered"}, 1},
		{"seriesbot_questions_total", []string{"transport", "slash", "outcome", "fallback"}, 0},
		{"seriesbot_ack_seconds", nil, 1},
		{"seriesbot_answer_seconds", nil, 1},
		{"seriesbot_feedback_total", []string{"vote", "up"}, 1},
		{"seriesbot_feedback_total", []string{"vote", "down"}, 0},
		{"seriesbot_rate_limited_total", nil, 0},
		{"seriesbot_llm_inflight", nil, 0},
		{"seriesbot_llm_requests_total", []string{"outcome", "ok"}, 0},
		{"seriesbot_reloads_total", []string{"outcome", "ok"}, 0},
	} {
		if got := fams.Value(t, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if n := fams.Value(t, "seriesbot_index_passages"); n < 10 {
		t.Errorf("seriesbot_index_passages = %v, want the embedded series", n)
	}
	if _, ok := fams.Lookup("go_goroutines"); !ok {
		t.Error("no go_goroutines: the runtime's metrics are missing")
	}

	q := logRecord(t, stderr.String(), "question")
	if q["transport"] != "slash" || q["outcome"] != "answered" || q["interaction"] != in.ID || q["sources"].(float64) < 1 || q["latency"] == nil || q["ack"] == nil {
		t.Errorf("question logged as %v", q)
	}

	stop()
	serve.exited(t, "the stop signal")
	if r := runCLI(t, "", "healthcheck", "--http-addr", addr); r.code != exitFailure {
		t.Errorf("healthcheck of a stopped serve: exit %d, want %d", r.code, exitFailure)
	}
	// A JSON log is JSON throughout, the load's progress included.
	for line := range strings.Lines(stderr.String()) {
		if !json.Valid([]byte(line)) {
			t.Errorf("a log line is not JSON: %q", line)
		}
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}
}

// logRecord is the first JSON log record with message msg.
func logRecord(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q: %v", sc.Text(), err)
		}
		if rec["msg"] == msg {
			return rec
		}
	}
	t.Fatalf("no %q in the log:\n%s", msg, logs)
	return nil
}

func logField(t *testing.T, logs, msg, field string) string {
	t.Helper()
	v, _ := logRecord(t, logs, msg)[field].(string)
	return v
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text())
	}
	return resp.StatusCode, b.String()
}

// TestReadiness: /readyz says what keeps the bot from serving until the
// index is loaded and the gateway connected; /healthz answers throughout.
func TestReadiness(t *testing.T) {
	snap, _, err := bot.Loader{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		loaded   bool
		wantCode int
		wantBody string
	}{
		{"starting", false, http.StatusServiceUnavailable, "not ready: the index is not loaded yet"},
		{"loaded, not connected", true, http.StatusServiceUnavailable, "not ready: not connected to Discord's gateway, or shutting down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var state opsState
			if tt.loaded {
				state.answerer.Store(bot.NewAnswerer(snap))
			}
			srv := httptest.NewServer(opsHandler(&state, metrics.New(state.passages)))
			defer srv.Close()
			if st, body := get(t, srv.Client(), srv.URL+"/readyz"); st != tt.wantCode || body != tt.wantBody {
				t.Errorf("/readyz = %d %q, want %d %q", st, body, tt.wantCode, tt.wantBody)
			}
			if st, _ := get(t, srv.Client(), srv.URL+"/healthz"); st != http.StatusOK {
				t.Errorf("/healthz = %d", st)
			}
			fams := metricstest.Scrape(t, srv.Client(), srv.URL+"/metrics")
			if got, want := fams.Value(t, "seriesbot_index_passages"), float64(state.passages()); got != want {
				t.Errorf("seriesbot_index_passages = %v, want %v", got, want)
			}
		})
	}
}

// TestServePortTaken: a second serve on a port in use stops at once,
// naming the address and the setting.
func TestServePortTaken(t *testing.T) {
	clearDiscordEnv(t)
	taken := httptest.NewServer(http.NotFoundHandler())
	defer taken.Close()
	t.Setenv(envDiscordToken, "token")
	t.Setenv(envHTTPAddr, strings.TrimPrefix(taken.URL, "http://"))
	r := runCLI(t, "", "serve")
	if r.code != exitFailure || !strings.Contains(r.stderr, "listen on "+strings.TrimPrefix(taken.URL, "http://")) || !strings.Contains(r.stderr, envHTTPAddr) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestHealthcheck(t *testing.T) {
	up := httptest.NewServer(opsHandler(new(opsState), metrics.New(nil)))
	defer up.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer failing.Close()
	tests := []struct {
		name string
		addr string
		want int
	}{
		{"up", strings.TrimPrefix(up.URL, "http://"), 0},
		{"failing", strings.TrimPrefix(failing.URL, "http://"), exitFailure},
		{"nothing listening", "127.0.0.1:9", exitFailure},
		{"off", "", exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envHTTPAddr, tt.addr)
			if r := runCLI(t, "", "healthcheck"); r.code != tt.want {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.want, r.stderr)
			}
		})
	}
}

func TestDialable(t *testing.T) {
	for in, want := range map[string]string{
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "[::1]:8080",
		"10.0.0.5:9000":  "10.0.0.5:9000",
		"localhost:8080": "localhost:8080",
	} {
		if got := dialable(in); got != want {
			t.Errorf("dialable(%q) = %q, want %q", in, got, want)
		}
	}
}
