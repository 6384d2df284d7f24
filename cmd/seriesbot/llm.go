package main

import (
	"cmp"
	"context"
	"flag"
	"log/slog"
	"os"
	"strings"
	"time"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/retrieval"
)

// Environment variables of the language model. The key is read from the
// environment only: a key on the command line would show in process lists
// and shell history.
const (
	envAPIKey     = "OPENAI_API_KEY"
	envBaseURL    = "OPENAI_BASE_URL"
	envChatModel  = "SERIESBOT_CHAT_MODEL"
	envEmbedModel = "SERIESBOT_EMBED_MODEL"
)

// maxBudget bounds --budget: far beyond any retrieval of 50 passages.
const maxBudget = 200_000

// llmFlags configure the language model and the embedder. Each flag left
// unset falls back to its environment variable.
type llmFlags struct {
	baseURL, chatModel, embedModel string
	offline                        bool
	timeout                        time.Duration
	budget                         int
}

func (f *llmFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.baseURL, "base-url", "", "`URL` of an OpenAI-compatible API, e.g. http://localhost:11434/v1 for Ollama (default $"+envBaseURL+", else OpenAI's)")
	fs.StringVar(&f.chatModel, "chat-model", "", "chat `MODEL` that writes the answers (default $"+envChatModel+", else "+llm.DefaultChatModel+")")
	fs.StringVar(&f.embedModel, "embed-model", "", "embedding `MODEL` for passages and questions (default $"+envEmbedModel+", else the local embedder)")
	fs.BoolVar(&f.offline, "offline", false, "quote the series without a language model, even when $"+envAPIKey+" is set")
	fs.DurationVar(&f.timeout, "timeout", llm.DefaultTimeout, "time limit of each call to the language model, retries included")
	fs.IntVar(&f.budget, "budget", bot.DefaultPromptBudget, "prompt size in `TOKENS` (estimated); passages are added best first until it is reached")
}

func (f *llmFlags) check() error {
	if f.timeout <= 0 {
		return usagef("--timeout %v: must be positive", f.timeout)
	}
	if f.budget < 1 || f.budget > maxBudget {
		return usagef("--budget %d: must be between 1 and %d", f.budget, maxBudget)
	}
	return nil
}

// llmSetup is what the flags and environment resolve to: a service when a
// language model is configured, and the models to use with it.
type llmSetup struct {
	apiKey, baseURL       string
	chatModel, embedModel string
}

// resolve reads the environment under the flags. Without --offline, a key
// or a base URL turns the language model on.
func (f *llmFlags) resolve() (llmSetup, error) {
	var s llmSetup
	key := strings.TrimSpace(os.Getenv(envAPIKey))
	base := strings.TrimSpace(cmp.Or(f.baseURL, os.Getenv(envBaseURL)))
	embed := strings.TrimSpace(cmp.Or(f.embedModel, os.Getenv(envEmbedModel)))
	if f.offline {
		return s, nil
	}
	if key == "" && base == "" {
		if f.chatModel != "" || f.embedModel != "" {
			return s, usagef("--chat-model and --embed-model need $%s or --base-url", envAPIKey)
		}
		return s, nil
	}
	s.apiKey, s.baseURL = key, base
	s.chatModel = strings.TrimSpace(cmp.Or(f.chatModel, os.Getenv(envChatModel), llm.DefaultChatModel))
	s.embedModel = embed
	return s, nil
}

// configured reports whether a language model service is configured.
func (s llmSetup) configured() bool { return s.apiKey != "" || s.baseURL != "" }

// embedder is the remote embedder, or nil for the local one.
func (s llmSetup) embedder(timeout time.Duration) retrieval.Embedder {
	if !s.configured() || s.embedModel == "" {
		return nil
	}
	return &llm.Embedder{Client: llm.NewClient(s.apiKey, s.baseURL), Model: s.embedModel, Timeout: timeout}
}

// chat is the language model that writes answers, or nil to quote.
func (s llmSetup) chat(timeout time.Duration) bot.Chat {
	if !s.configured() {
		return nil
	}
	return &llm.Chat{Client: llm.NewClient(s.apiKey, s.baseURL), Model: s.chatModel, Timeout: timeout}
}

// loadWith builds the library with emb; when the remote embedder fails the
// series is still served, indexed by the local embedder.
func (lf *libraryFlags) loadWith(ctx context.Context, emb retrieval.Embedder, log *slog.Logger) (*bot.Snapshot, error) {
	if emb == nil {
		return lf.load(ctx, nil, log)
	}
	lib, err := lf.load(ctx, emb, log)
	if err == nil || ctx.Err() != nil {
		return lib, err
	}
	// If the corpus itself is at fault, loading it again says so. The
	// stand-in is not saved: the store keeps the model's index.
	local := *lf
	local.store = nil
	lib, localErr := local.load(ctx, nil, log)
	if localErr != nil {
		return nil, localErr
	}
	log.Warn("the embedding model is unavailable; passages are indexed by the local embedder", "embedder", emb.Name(), "err", err)
	return lib, nil
}
