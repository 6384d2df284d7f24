package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/discord"
	"seriesbot/bot/metrics"
	"seriesbot/internal/discordapi"
)

// Environment of serve. The token is read from the environment only, like
// the API key: on the command line it would show in process lists.
const (
	envDiscordToken = "DISCORD_TOKEN"
	envDiscordAPI   = "DISCORD_API_URL"
	envGuildID      = "DISCORD_GUILD_ID"
	envAdminIDs     = "SERIESBOT_ADMIN_IDS"
	envMentions     = "SERIESBOT_MENTIONS"
	envRate         = "SERIESBOT_RATE"
	envShardID      = "SERIESBOT_SHARD_ID"
	envShardCount   = "SERIESBOT_SHARD_COUNT"
	envLogLevel     = "SERIESBOT_LOG_LEVEL"
	envModelCalls   = "SERIESBOT_MODEL_CALLS"
	envModelWait    = "SERIESBOT_MODEL_WAIT"
	envGrace        = "SERIESBOT_SHUTDOWN_GRACE"
)

// serveFlags mirror the environment; a flag that is set wins.
type serveFlags struct {
	apiURL, guild, admins, mentions, rate, shardID, shardCount, logLevel string
	modelCalls, modelWait, grace                                         string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.apiURL, "api-url", "", "base `URL` of a Discord-compatible API (default $"+envDiscordAPI+", else https://discord.com/)")
	fs.StringVar(&f.guild, "guild", "", "register the commands in this server `ID` only, where changes show at once (default $"+envGuildID+", else globally)")
	fs.StringVar(&f.admins, "admins", "", "comma-separated user and role `IDs` that may /reload besides members with Manage Server (default $"+envAdminIDs+")")
	fs.StringVar(&f.mentions, "mentions", "", "answer messages that mention the bot, in threads: on or off (default $"+envMentions+", else on; needs the Message Content intent)")
	fs.StringVar(&f.rate, "rate", "", "questions per user, N/UNIT[:BURST] with UNIT s, min or h, or off (default $"+envRate+", else "+discord.DefaultRate.String()+")")
	fs.StringVar(&f.shardID, "shard-id", "", "this process's shard, from 0 (default $"+envShardID+", else 0)")
	fs.StringVar(&f.shardCount, "shard-count", "", "number of shards, one process each (default $"+envShardCount+", else 1)")
	fs.StringVar(&f.logLevel, "log-level", "", "debug, info, warn or error (default $"+envLogLevel+", else info)")
	fs.StringVar(&f.modelCalls, "model-calls", "", fmt.Sprintf("language model calls running at once, for all questions together (default $%s, else %d)", envModelCalls, bot.DefaultModelCalls))
	fs.StringVar(&f.modelWait, "model-wait", "", fmt.Sprintf("how long a question waits for a model call before it is quoted from the series (default $%s, else %v)", envModelWait, bot.DefaultModelWait))
	fs.StringVar(&f.grace, "shutdown-grace", "", fmt.Sprintf("how long answers in progress may finish after SIGINT or SIGTERM; then those waiting on the model are quoted from the series (default $%s, else %v)", envGrace, discord.DefaultShutdownGrace))
}

// setting is a flag's value, else its environment variable's, with the
// name to quote in a message about it.
func setting(flagValue, flagName, env string) (value, name string) {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v, "--" + flagName
	}
	return strings.TrimSpace(os.Getenv(env)), "$" + env
}

// discordConfig reads the Discord settings from the flags and the
// environment, naming the setting at fault in its errors.
func (f *serveFlags) discordConfig() (discord.Config, error) {
	var cfg discord.Config
	token := strings.TrimSpace(os.Getenv(envDiscordToken))
	token = strings.TrimSpace(strings.TrimPrefix(token, "Bot "))
	if token == "" {
		return cfg, usagef("serve: set %s to the bot's token (Discord Developer Portal → your application → Bot → Reset Token)", envDiscordToken)
	}
	cfg.Token = token

	if v, name := setting(f.apiURL, "api-url", envDiscordAPI); v != "" {
		base, err := discordapi.ParseBaseURL(v)
		if err != nil {
			return cfg, usagef("%s: %v", name, err)
		}
		if !isDiscord(base) {
			cfg.APIBase = base
		}
	}
	if v, name := setting(f.guild, "guild", envGuildID); v != "" {
		if !isSnowflake(v) {
			return cfg, usagef("%s %q: want a server ID (digits; Discord: Server Settings → Widget, or Copy Server ID in developer mode)", name, v)
		}
		cfg.GuildID = v
	}
	if v, name := setting(f.admins, "admins", envAdminIDs); v != "" {
		for _, id := range strings.Split(v, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !isSnowflake(id) {
				return cfg, usagef("%s: %q is not a user or role ID (digits)", name, id)
			}
			cfg.AdminIDs = append(cfg.AdminIDs, id)
		}
	}
	mentions, name := setting(f.mentions, "mentions", envMentions)
	switch strings.ToLower(mentions) {
	case "", "on", "true", "yes", "1":
		cfg.Mentions = true
	case "off", "false", "no", "0":
	default:
		return cfg, usagef("%s %q: want on or off", name, mentions)
	}
	cfg.Rate = discord.DefaultRate
	if v, name := setting(f.rate, "rate", envRate); v != "" {
		r, err := discord.ParseRate(v)
		if err != nil {
			return cfg, usagef("%s: %v", name, err)
		}
		cfg.Rate = r
	}
	if v, name := setting(f.modelCalls, "model-calls", envModelCalls); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxModelCalls {
			return cfg, usagef("%s %q: want a whole number from 1 to %d", name, v, maxModelCalls)
		}
		cfg.ModelCalls = n
	}
	for _, d := range []struct {
		flagValue, flagName, env string
		to                       *time.Duration
	}{
		{f.modelWait, "model-wait", envModelWait, &cfg.ModelWait},
		{f.grace, "shutdown-grace", envGrace, &cfg.ShutdownGrace},
	} {
		if v, name := setting(d.flagValue, d.flagName, d.env); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return cfg, usagef("%s %q: want a positive duration such as 10s", name, v)
			}
			*d.to = t
		}
	}
	idText, idName := setting(f.shardID, "shard-id", envShardID)
	countText, countName := setting(f.shardCount, "shard-count", envShardCount)
	if idText != "" || countText != "" {
		count, err := strconv.Atoi(cmp.Or(countText, "1"))
		if err != nil || count < 1 {
			return cfg, usagef("%s %q: want a whole number of shards, at least 1", countName, countText)
		}
		id, err := strconv.Atoi(cmp.Or(idText, "0"))
		if err != nil || id < 0 || id >= count {
			return cfg, usagef("%s %q: want a shard number from 0 to %d (%s is %d)", idName, idText, count-1, countName, count)
		}
		cfg.ShardID, cfg.ShardCount = id, count
	}
	return cfg, nil
}

// maxModelCalls bounds --model-calls: far beyond what one process can
// stream, low enough to catch a typo.
const maxModelCalls = 1000

// isDiscord reports whether base is Discord itself.
func isDiscord(base *url.URL) bool {
	return base.Scheme == "https" && strings.EqualFold(base.Hostname(), "discord.com") && strings.Trim(base.Path, "/") == "" && base.Port() == ""
}

func isSnowflake(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func (f *serveFlags) logger(stderr io.Writer, of *opsFlags) (*slog.Logger, error) {
	v, name := setting(f.logLevel, "log-level", envLogLevel)
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmp.Or(v, "info"))); err != nil {
		return nil, usagef("%s %q: want debug, info, warn or error", name, v)
	}
	return of.logger(stderr, level)
}

// signalContext ends at SIGINT or SIGTERM, the signals that stop serve
// (a terminal's Ctrl-C, docker stop, systemd): serve then stops taking
// questions, lets those in progress finish within the grace, and exits 0.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// runServe puts the bot on Discord until SIGINT or SIGTERM, then lets the
// answers in progress finish and disconnects.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var bf botFlags
	bf.register(fs, defaultDataDir)
	var sf serveFlags
	sf.register(fs)
	pollFlag := fs.String("index-poll", "", "how often to look for an index another shard saved in the data directory, e.g. 30s, or off (default $"+envIndexPoll+", else "+defaultIndexPoll.String()+")")
	var of opsFlags
	of.register(fs)
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve: unexpected argument %q", pos[0])
	}
	if err := bf.check(); err != nil {
		return err
	}
	cfg, err := sf.discordConfig()
	if err != nil {
		return err
	}
	log, err := sf.logger(stderr, &of)
	if err != nil {
		return err
	}
	poll, err := indexPoll(*pollFlag)
	if err != nil {
		return err
	}
	discord.RouteLogs(log)
	// A terminal shows bars; otherwise progress goes to the log, in its
	// format (a JSON log stays JSON).
	bf.lib.progress = progress(stdout, stderr)
	if !isTerminal(stdout) {
		bf.lib.progress = logProgress(log)
	}
	bf.store.warn = log
	var state opsState
	m := metrics.New(state.passages)
	if addr := of.addr(); addr != "" {
		stopOps, err := startOps(addr, opsHandler(&state, m), log)
		if err != nil {
			return err
		}
		defer stopOps()
	}
	cmds, offline, err := bf.commands(ctx, log)
	if err != nil {
		return err
	}
	if store := cmds.Loader.Store; store != nil {
		defer store.Close()
	}
	instrument(cmds, m)
	state.answerer.Store(cmds.Answerer)
	cfg.Offline = offline
	cfg.Observer = m
	d, err := discord.New(cmds, cfg, log)
	if err != nil {
		return usagef("serve: %v", err)
	}
	state.bot.Store(d)
	if cmds.Loader.Store != nil && poll > 0 {
		// Every shard on this store serves the version last saved, and
		// offers its parts and segments as command choices. The
		// follower ends before serve returns, whatever ends it.
		followCtx, stopFollowing := context.WithCancel(ctx)
		ticker := time.NewTicker(poll)
		var following sync.WaitGroup
		following.Go(func() { cmds.Follow(followCtx, ticker.C, func() { d.RefreshCommands(followCtx) }) })
		defer func() {
			stopFollowing()
			ticker.Stop()
			following.Wait()
		}()
	}
	api := "https://discord.com/"
	if cfg.APIBase != nil {
		api = cfg.APIBase.String()
	}
	log.Info("starting", "api", api, "guild", cfg.GuildID, "mentions", cfg.Mentions, "rate", cfg.Rate.String(),
		"shard", cfg.ShardID, "shards", max(cfg.ShardCount, 1), "language_model", !offline,
		"model_calls", cmp.Or(cfg.ModelCalls, bot.DefaultModelCalls), "shutdown_grace", cmp.Or(cfg.ShutdownGrace, discord.DefaultShutdownGrace))
	switch err := d.Run(ctx); {
	case errors.Is(err, discord.ErrToken):
		return fmt.Errorf("%v: check %s (Developer Portal → your application → Bot → Reset Token)", err, envDiscordToken)
	case errors.Is(err, discord.ErrMessageContentIntent):
		return fmt.Errorf("%v: enable Message Content Intent in the Developer Portal (your application → Bot → Privileged Gateway Intents), or set %s=off to answer slash commands and DMs only", err, envMentions)
	case errors.Is(err, discord.ErrShard):
		return fmt.Errorf("%v: check %s and %s", err, envShardID, envShardCount)
	case err != nil:
		return err
	}
	log.Info("stopped")
	return nil
}
