package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"seriesbot/internal/discordtest"
	"seriesbot/internal/logtest"
	"seriesbot/internal/openaitest"
)

// clearDiscordEnv makes the tests independent of the machine's
// environment; each test sets what it needs.
func clearDiscordEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{envDiscordToken, envDiscordAPI, envGuildID, envAdminIDs, envMentions, envRate, envShardID, envShardCount, envLogLevel, envModelCalls, envModelWait, envGrace, envHTTPAddr, envLogFormat} {
		t.Setenv(v, "")
	}
}

func TestServeConfigurationErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no token", nil, nil, "set DISCORD_TOKEN to the bot's token"},
		{"bad API URL", map[string]string{envDiscordAPI: "127.0.0.1:8080"}, nil, "$DISCORD_API_URL: parse Discord base URL"},
		{"bad API URL flag", nil, []string{"--api-url", "ftp://x"}, "--api-url: parse Discord base URL"},
		{"bad guild", map[string]string{envGuildID: "my-server"}, nil, `$DISCORD_GUILD_ID "my-server"`},
		{"bad admin", map[string]string{envAdminIDs: "123, bob"}, nil, `$SERIESBOT_ADMIN_IDS: "bob" is not a user or role ID`},
		{"bad mentions", map[string]string{envMentions: "maybe"}, nil, `$SERIESBOT_MENTIONS "maybe": want on or off`},
		{"bad rate", map[string]string{envRate: "fast"}, nil, "$SERIESBOT_RATE: rate \"fast\""},
		{"shard out of range", map[string]string{envShardID: "2", envShardCount: "2"}, nil, "$SERIESBOT_SHARD_ID \"2\": want a shard number from 0 to 1"},
		{"no shards", map[string]string{envShardCount: "0"}, nil, "$SERIESBOT_SHARD_COUNT \"0\""},
		{"bad log level", map[string]string{envLogLevel: "loud"}, nil, "$SERIESBOT_LOG_LEVEL \"loud\""},
		{"bad log format", map[string]string{envLogFormat: "xml"}, nil, `$SERIESBOT_LOG_FORMAT "xml": want text or json`},
		{"bad log format flag", nil, []string{"--log-format", "yaml"}, `--log-format "yaml": want text or json`},
		{"argument", nil, []string{"now"}, `serve: unexpected argument "now"`},
		{"API URL with credentials", map[string]string{envDiscordAPI: "http://admin:hunter2@127.0.0.1:9/"}, nil, `"http://127.0.0.1:9/": credentials in the URL are not supported`},
		{"bad model calls", map[string]string{envModelCalls: "0"}, nil, `$SERIESBOT_MODEL_CALLS "0": want a whole number from 1 to 1000`},
		{"bad model wait", nil, []string{"--model-wait", "soon"}, `--model-wait "soon": want a positive duration`},
		{"bad grace", map[string]string{envGrace: "-1s"}, nil, `$SERIESBOT_SHUTDOWN_GRACE "-1s": want a positive duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearDiscordEnv(t)
			if tt.name != "no token" {
				t.Setenv(envDiscordToken, "token")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := runCLI(t, "", append([]string{"serve"}, tt.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
			if strings.Contains(r.stderr, "hunter2") {
				t.Errorf("stderr shows the password: %q", r.stderr)
			}
		})
	}
}

// TestServe runs `seriesbot serve` against the fake Discord, configured
// by the environment as an operator would, answers a question, and stops
// it as SIGTERM would.
func TestServe(t *testing.T) {
	clearDiscordEnv(t)
	srv := discordtest.New(t)
	t.Setenv(envDiscordToken, srv.Token())
	t.Setenv(envDiscordAPI, srv.URL())
	t.Setenv(envGuildID, srv.GuildID())
	t.Setenv(envMentions, "off")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	wait, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	serve := startServe(ctx, wait, "--rate", "10/min:5")
	stderr := &serve.stderr
	if err := srv.WaitFor(wait, func() bool { return len(srv.Commands(srv.GuildID())) == 5 && srv.Gateway().Heartbeats > 0 }); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if id := srv.Gateway().Identifies[0]; id.Has(discordtest.IntentMessageContent) {
		t.Error("Message Content requested with SERIESBOT_MENTIONS=off")
	}
	in := srv.DispatchInteraction(discordtest.InteractionSpec{Command: "ask", Options: map[string]any{"question": "When was Taobao launched?"}})
	msg, err := srv.WaitForResponse(wait, in.ID)
	if err != nil || !strings.Contains(msg.Content, "2003") {
		t.Errorf("answer = %+v, %v", msg, err)
	}

	// The commands reach the fake before the bot has read its reply and
	// logged it; on a loaded machine the question can be answered in
	// between.
	if err := stderr.WaitFor(wait, `msg="registered commands" count=5`); err != nil {
		t.Errorf("the registration was not logged: %v\n%s", err, stderr.String())
	}
	stop()
	serve.exited(t, "the stop signal")
	logs := stderr.String()
	for _, want := range []string{"msg=starting", "rate=10/min:5", "mentions=false", `msg="connected to Discord"`, `msg="registered commands" count=5`, "msg=stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, srv.Token()) {
		t.Error("the token was logged")
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}
}

func TestServeWithAWrongToken(t *testing.T) {
	clearDiscordEnv(t)
	srv := discordtest.New(t)
	t.Setenv(envDiscordToken, "Bot not-the-token")
	t.Setenv(envDiscordAPI, srv.URL())
	r := runCLI(t, "", "serve")
	if r.code != exitFailure || !strings.Contains(r.stderr, "Discord rejected the bot token") || !strings.Contains(r.stderr, "check DISCORD_TOKEN") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "not-the-token") {
		t.Error("the token was printed")
	}
}

// TestServeUnreachableAPI: with DISCORD_API_URL pointing where nothing
// listens, serve fails naming that server, where its requests went, not
// discord.com.
func TestServeUnreachableAPI(t *testing.T) {
	clearDiscordEnv(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.Listener.Addr().String()
	closed.Close()
	t.Setenv(envDiscordToken, "some-token")
	t.Setenv(envDiscordAPI, "http://"+addr+"/")
	r := runCLI(t, "", "serve")
	if r.code != exitFailure || !strings.Contains(r.stderr, "http://"+addr+"/api/v9/gateway") || strings.Contains(r.stderr, "discord.com") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d naming http://%s/api/v9/gateway", r.code, r.stderr, exitFailure, addr)
	}
}

// TestServeStopsOnSIGTERM sends the process a real SIGTERM while an answer
// waits on a language model that never starts answering: serve gives it
// the grace, then posts the answer quoted from the series with its note,
// closes the gateway and exits 0. Steps are ordered on what the fakes saw.
func TestServeStopsOnSIGTERM(t *testing.T) {
	clearDiscordEnv(t)
	model := openaitest.New(t)
	model.FailNext(openaitest.SlowFirstToken{Delay: time.Hour})
	// In front of the fake, a proxy tells when the chat request arrives.
	asked := make(chan struct{}, 1)
	target, _ := url.Parse(model.URL())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	proxy.ErrorLog = log.New(io.Discard, "", 0) // the cut call's cancellation is expected
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat/completions") {
			select {
			case asked <- struct{}{}:
			default:
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	srv := discordtest.New(t)
	t.Setenv(envDiscordToken, srv.Token())
	t.Setenv(envDiscordAPI, srv.URL())
	t.Setenv(envGuildID, srv.GuildID())
	t.Setenv(envMentions, "off")
	t.Setenv(envBaseURL, front.URL+target.Path)
	t.Setenv(envAPIKey, model.Key)
	t.Setenv(envGrace, "100ms")

	ctx, stop := signalContext()
	defer stop()
	wait, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	serve := startServe(ctx, wait)
	stderr := &serve.stderr
	if err := srv.WaitFor(wait, func() bool { return len(srv.Commands(srv.GuildID())) == 5 && srv.Gateway().Heartbeats > 0 }); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	in := srv.DispatchInteraction(discordtest.InteractionSpec{Command: "ask", Options: map[string]any{"question": "How much revenue did Alibaba Cloud make?"}})
	select {
	case <-asked:
	case <-wait.Done():
		t.Fatalf("the model was not asked\n%s", stderr.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	serve.exited(t, "SIGTERM")
	got, _ := srv.Interaction(in.ID)
	const note = "*The language model was unavailable (the bot is restarting); this answer is quoted from the series.*"
	if got.Original == nil || !strings.HasPrefix(got.Original.Content, note) || !strings.Contains(got.Original.Content, "RMB60 billion") {
		t.Errorf("answer after SIGTERM = %+v", got.Original)
	}
	if srv.Gateway().Connected {
		t.Error("the gateway is still connected")
	}
	if !strings.Contains(stderr.String(), "msg=stopped") {
		t.Errorf("log:\n%s", stderr.String())
	}
}

// servedCLI is `seriesbot serve` running in a test until its context ends.
type servedCLI struct {
	stderr logtest.Buffer
	code   chan int
	// wait bounds how long the test waits on it.
	wait context.Context
}

// startServe runs `seriesbot serve args…` on ctx.
func startServe(ctx, wait context.Context, args ...string) *servedCLI {
	s := &servedCLI{code: make(chan int, 1), wait: wait}
	go func() {
		var stdout logtest.Buffer
		s.code <- run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), &stdout, &s.stderr)
	}()
	return s
}

// exited waits for serve to end once told to (after says how), and fails
// the test unless it exits 0.
func (s *servedCLI) exited(t *testing.T, after string) {
	t.Helper()
	select {
	case c := <-s.code:
		if c != 0 {
			t.Errorf("exit %d after %s:\n%s", c, after, s.stderr.String())
		}
	case <-s.wait.Done():
		t.Fatal("serve did not stop")
	}
}
