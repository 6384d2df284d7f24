package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"seriesbot/internal/discordtest"
	"seriesbot/internal/logtest"
)

// clearDiscordEnv makes the tests independent of the machine's
// environment; each test sets what it needs.
func clearDiscordEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{envDiscordToken, envDiscordAPI, envGuildID, envAdminIDs, envMentions, envRate, envShardID, envShardCount, envLogLevel, envHTTPAddr, envLogFormat} {
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
	var stdout, stderr logtest.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--rate", "10/min:5"}, strings.NewReader(""), &stdout, &stderr)
	}()

	wait, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
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

	stop()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d after the stop signal:\n%s", c, stderr.String())
		}
	case <-wait.Done():
		t.Fatal("serve did not stop")
	}
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
