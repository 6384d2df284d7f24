package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/discord"
	"seriesbot/bot/llm"
	"seriesbot/bot/metrics"
)

// Environment of the operating surface.
const (
	envHTTPAddr  = "SERIESBOT_HTTP_ADDR"
	envLogFormat = "SERIESBOT_LOG_FORMAT"
)

// defaultHTTPAddr is where serve's operating endpoints listen unless
// SERIESBOT_HTTP_ADDR says otherwise: loopback, so that nothing is exposed
// beyond the machine until an operator chooses to.
const defaultHTTPAddr = "127.0.0.1:8080"

// opsFlags configure what an operator sees of serve: its logs, and its
// endpoints for health, readiness and metrics.
type opsFlags struct {
	httpAddr, logFormat string
	httpAddrSet         bool
}

func (f *opsFlags) register(fs *flag.FlagSet) {
	fs.Func("http-addr", "`ADDRESS` of /healthz, /readyz and /metrics, empty for none (default $"+envHTTPAddr+", else "+defaultHTTPAddr+")", func(v string) error {
		f.httpAddr, f.httpAddrSet = strings.TrimSpace(v), true
		return nil
	})
	fs.StringVar(&f.logFormat, "log-format", "", "text or json (default $"+envLogFormat+", else text)")
}

// addr is where the endpoints listen, "" for nowhere. An empty
// SERIESBOT_HTTP_ADDR turns them off; an unset one means the default.
func (f *opsFlags) addr() string {
	if f.httpAddrSet {
		return f.httpAddr
	}
	if v, ok := os.LookupEnv(envHTTPAddr); ok {
		return strings.TrimSpace(v)
	}
	return defaultHTTPAddr
}

// logger logs from level on, in the chosen format: text for people, JSON
// (one object a line) for a log collector.
func (f *opsFlags) logger(stderr io.Writer, level slog.Level) (*slog.Logger, error) {
	v, name := setting(f.logFormat, "log-format", envLogFormat)
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(cmp.Or(v, "text")) {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return nil, usagef("%s %q: want text or json", name, v)
}

// opsState is what readiness and the metrics read of the bot; each part is
// set once it exists.
type opsState struct {
	answerer atomic.Pointer[bot.Answerer]
	bot      atomic.Pointer[discord.Bot]
}

// ready reports what keeps the bot from serving, "" when nothing does.
func (s *opsState) ready() string {
	switch b := s.bot.Load(); {
	case s.answerer.Load() == nil:
		return "the index is not loaded yet"
	case b == nil || !b.Connected():
		return "not connected to Discord's gateway, or shutting down"
	}
	return ""
}

// passages is the size of the index being served.
func (s *opsState) passages() int {
	if a := s.answerer.Load(); a != nil {
		return a.Snapshot().Index.Len()
	}
	return 0
}

// instrument has the metrics told about what cmds does: its reloads, and
// the calls of its language model.
func instrument(cmds *bot.Commands, m *metrics.Metrics) {
	cmds.OnReload = m.Reload
	if c, ok := cmds.Answerer.LLM.(*llm.Chat); ok {
		c.Meter = m
	}
}

// opsHandler serves the operating endpoints:
//   - /healthz: 200 while the process serves HTTP at all;
//   - /readyz: 200 once the index is loaded and the gateway connected, 503
//     with the reason otherwise (a load balancer or an orchestrator waits
//     on it);
//   - /metrics: Prometheus's text format.
func opsHandler(state *opsState, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if why := state.ready(); why != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: "+why)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// Timeouts of the operating server: its clients are probes and scrapers,
// quick or gone.
const (
	opsReadTimeout     = 10 * time.Second
	opsWriteTimeout    = 30 * time.Second
	opsShutdownTimeout = 5 * time.Second
)

// startOps listens on addr and serves h until the returned stop is called.
// A port that cannot be listened on is an error at once, before anything
// else starts: a second instance on the same port should not half-start.
func startOps(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for /healthz, /readyz and /metrics (%s): %w", addr, envHTTPAddr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: opsReadTimeout, ReadTimeout: opsReadTimeout, WriteTimeout: opsWriteTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the operating endpoints stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	log.Info("operating endpoints", "addr", ln.Addr().String(), "paths", "/healthz /readyz /metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), opsShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	}, nil
}

// healthcheckTimeout bounds `seriesbot healthcheck`: a container runtime
// runs it every few seconds, and a hung bot must count as unhealthy.
const healthcheckTimeout = 3 * time.Second

// runHealthcheck asks a running serve whether it is up (GET /healthz),
// for containers without a shell or curl. It exits 0 when it is, 1 when it
// is not.
func runHealthcheck(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	var of opsFlags
	fs.Func("http-addr", "`ADDRESS` serve listens on (default $"+envHTTPAddr+", else "+defaultHTTPAddr+")", func(v string) error {
		of.httpAddr, of.httpAddrSet = strings.TrimSpace(v), true
		return nil
	})
	pos, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("healthcheck: unexpected argument %q", pos[0])
	}
	addr := of.addr()
	if addr == "" {
		return fmt.Errorf("healthcheck: $%s is empty, so serve has no endpoints to check", envHTTPAddr)
	}
	u := "http://" + dialable(addr) + "/healthz"
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", u, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", u, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// dialable turns a listen address into one to connect to: ":8080" and
// "0.0.0.0:8080" listen on every interface, loopback among them.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
