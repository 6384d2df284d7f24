package bot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"

	"seriesbot/bot"
	"seriesbot/bot/llm"
	"seriesbot/corpus"
	"seriesbot/internal/openaitest"
	"seriesbot/retrieval"
)

// These tests keep the index in a store (retrieval.Store) and count the
// passages sent to the fake OpenAI server's embeddings endpoint: what a
// start or reload costs with a remote embedding model.

// teaCorpus writes a corpus of parts articles to a new folder; text(n)
// is part n's text.
func teaCorpus(t *testing.T, parts int, text func(n int) string) string {
	t.Helper()
	dir := t.TempDir()
	for n := 1; n <= parts; n++ {
		writeArticle(t, dir, n, text(n))
	}
	return dir
}

func writeArticle(t *testing.T, dir string, n int, text string) {
	t.Helper()
	body := fmt.Sprintf("---\nseries: Lotus\npart: %d\ntitle: \"Lotus (Part %d): Tea\"\nurl: https://example.com/lotus-%d\n---\n## Tea\n\n%s\n", n, n, n, text)
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.md", n)), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// provinces tell the parts apart in questions.
var provinces = []string{"", "Fujian", "Yunnan", "Anhui", "Zhejiang"}

// partText is two paragraphs, so two passages, per part.
func partText(n int) string {
	return fmt.Sprintf("Lotus Tea opened %d shops in the hills of %s during the year of its founding, selling oolong to travellers and to the villages around them, and the shops paid for the next year's harvest as well.\n\nLotus Tea counted %d tea pickers in %s, who brought in the leaves of the spring and autumn harvests by hand, as its founders had done before any machine was bought for the work.", n*10, provinces[n], n*100, provinces[n])
}

// embedded counts the texts sent to the fake's embeddings endpoint.
func embedded(s *openaitest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == "/v1/embeddings" {
			if in, ok := r.Body["input"].([]any); ok {
				n += len(in)
			}
		}
	}
	return n
}

func remoteEmbedder(s *openaitest.Server) *llm.Embedder {
	return &llm.Embedder{Client: llm.NewClientWithConfig(s.ClientConfig()), Model: openaitest.DefaultEmbeddingModel, Retry: llm.Retry{Attempts: 1}}
}

func openStore(t *testing.T, where string) *retrieval.Store {
	t.Helper()
	s, err := retrieval.OpenStore(context.Background(), where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestTheIndexOnDisk runs the starts and reloads of a bot with a remote
// embedding model, each with a new Loader as a new process would.
func TestTheIndexOnDisk(t *testing.T) {
	ctx := testCtx(t)
	s := openaitest.New(t)
	dir := teaCorpus(t, 3, partText)
	data := filepath.Join(t.TempDir(), "data")
	loader := func() bot.Loader {
		return bot.Loader{Dir: dir, Embedder: remoteEmbedder(s), Store: openStore(t, data), Log: discardLog()}
	}

	first, rep, err := loader().Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != (bot.ArticleCounts{Added: 3}) || rep.Passages != 6 || rep.Embedded != 6 || embedded(s) != 6 || !rep.Saved || first.Version == "" {
		t.Fatalf("first load: %+v, %d texts embedded, version %q", rep, embedded(s), first.Version)
	}

	// A start with the corpus unchanged embeds nothing and saves nothing.
	before := s.Calls("/embeddings")
	warm, rep, err := loader().Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls := s.Calls("/embeddings") - before; calls != 0 || rep.Embedded != 0 || rep.Saved || warm.Version != first.Version {
		t.Errorf("unchanged start: %d embedding calls, %+v, version %q (first %q)", calls, rep, warm.Version, first.Version)
	}
	if rep.Articles != (bot.ArticleCounts{Unchanged: 3}) {
		t.Errorf("unchanged start: articles %+v", rep.Articles)
	}
	a := bot.NewAnswerer(warm)
	a.Log = discardLog()
	if ans, err := a.Answer(ctx, bot.Ask(t, "How many tea pickers did Lotus Tea count in Yunnan?"), nil); err != nil || !strings.Contains(ans.Text, "200") {
		t.Errorf("answer from the stored index: %+v, %v", ans, err)
	}

	// One changed article: only its passages are embedded.
	writeArticle(t, dir, 2, strings.Replace(partText(2), "200 tea pickers", "250 tea pickers", 1))
	before = embedded(s)
	changed, rep, err := loader().Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := embedded(s) - before; got != 1 || rep.Embedded != 1 || !rep.Saved || changed.Version == first.Version {
		t.Errorf("one changed passage: %d texts embedded, %+v", got, rep)
	}
	if rep.Articles != (bot.ArticleCounts{Changed: 1, Unchanged: 2}) {
		t.Errorf("one changed article: %+v", rep.Articles)
	}

	// The embedding service fails: the reload fails, what is served and
	// what is stored stay as they were.
	writeArticle(t, dir, 4, partText(4))
	s.FailNext(openaitest.ServerError{})
	snap, _, err := loader().Update(ctx, changed)
	if err == nil || snap != nil {
		t.Fatalf("reload with the embedder failing = %v, %v; want an error", snap, err)
	}
	if v, _ := openStore(t, data).Version(ctx); v != changed.Version {
		t.Errorf("stored version %q after a failed reload, want %q", v, changed.Version)
	}
}

// TestACorruptIndexIsRebuilt spoils the stored index: the next start
// says so, builds it again from the corpus and saves it whole.
func TestACorruptIndexIsRebuilt(t *testing.T) {
	ctx := testCtx(t)
	s := openaitest.New(t)
	dir := teaCorpus(t, 2, partText)
	data := t.TempDir()
	l := bot.Loader{Dir: dir, Embedder: remoteEmbedder(s), Store: openStore(t, data), Log: discardLog()}
	if _, _, err := l.Update(ctx, nil); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(data, "*.index-0.gob.gz"))
	if len(files) != 1 {
		t.Fatalf("index files: %v", files)
	}
	if err := os.WriteFile(files[0], []byte("\x1f\x8b\x08\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := embedded(s)
	snap, rep, err := l.Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, filepath.Base(files[0])) || rep.Errors[0].Source != data {
		t.Errorf("errors = %+v; want the corrupt file named", rep.Errors)
	}
	if got := embedded(s) - before; got != 4 || !rep.Saved {
		t.Errorf("rebuild: %d texts embedded, %+v", got, rep)
	}
	if _, rep, err := l.Update(ctx, nil); err != nil || rep.Embedded != 0 || len(rep.Errors) != 0 {
		t.Errorf("start after the rebuild: %+v, %v", rep, err)
	}
	if !strings.Contains(rep.Text(), "Skipped: "+data+": stored index file") || snap == nil {
		t.Errorf("report text:\n%s", rep.Text())
	}
}

// TestQuestionsAreAnsweredDuringReloads asks questions from several
// goroutines while reloads swap indexes in (run with -race): every
// question gets an answer.
func TestQuestionsAreAnsweredDuringReloads(t *testing.T) {
	ctx := testCtx(t)
	dir := teaCorpus(t, 3, partText)
	l := &bot.Loader{Dir: dir, Store: openStore(t, t.TempDir()), Log: discardLog()}
	snap, _, err := l.Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := bot.NewAnswerer(snap)
	a.Log = discardLog()
	c := &bot.Commands{Answerer: a, Loader: l, Log: discardLog()}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			for asked := 0; ; asked++ {
				select {
				case <-done:
					if asked == 0 {
						errs <- "no question was asked during the reloads"
					}
					return
				default:
				}
				r := c.Run(ctx, bot.Invocation{Command: bot.CommandAsk, Question: bot.Ask(t, "How many shops did Lotus Tea open?")}, nil)
				if !strings.Contains(r.Text, "shops") {
					errs <- fmt.Sprintf("answer during a reload: %q", r.Text)
					return
				}
			}
		})
	}
	for i := range 3 {
		writeArticle(t, dir, 1, strings.Replace(partText(1), "10 shops", fmt.Sprintf("%d shops", 11+i), 1))
		if r := c.Run(ctx, bot.Invocation{Command: bot.CommandReload}, nil); !r.Reloaded || !strings.Contains(r.Text, "Articles: 0 added, 1 changed, 0 removed, 2 unchanged, 0 failed.") {
			t.Errorf("reload %d: %s", i, r.Text)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if r := c.Run(ctx, bot.Invocation{Command: bot.CommandAsk, Question: bot.Ask(t, "How many shops did Lotus Tea open in Fujian?")}, nil); !strings.Contains(r.Text, "13 shops") {
		t.Errorf("answer after the reloads: %q", r.Text)
	}
}

// TestShardsServeOneIndex runs two shards on one store, as two processes
// on one data directory or bucket: a reload in one is served by the
// other at its next look at the store, without embedding anything.
func TestShardsServeOneIndex(t *testing.T) {
	for name, store := range map[string]func(t *testing.T) *retrieval.Store{
		"directory": func(t *testing.T) *retrieval.Store { return openStore(t, t.TempDir()) },
		"mem bucket": func(t *testing.T) *retrieval.Store {
			return retrieval.NewBucketStore(memblob.OpenBucket(nil), "mem://")
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			s := openaitest.New(t)
			dir := teaCorpus(t, 2, partText)
			shared := store(t)
			shard := func() *bot.Commands {
				l := &bot.Loader{Dir: dir, Embedder: remoteEmbedder(s), Store: shared, Log: discardLog()}
				snap, _, err := l.Update(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				a := bot.NewAnswerer(snap)
				a.Log = discardLog()
				return &bot.Commands{Answerer: a, Loader: l, Log: discardLog()}
			}
			one, two := shard(), shard()
			ticks := make(chan time.Time)
			following, stop := context.WithCancel(ctx)
			stopped := make(chan error)
			var swaps atomic.Int32
			go func() { stopped <- two.Follow(following, ticks, func() { swaps.Add(1) }) }()
			t.Cleanup(func() {
				stop()
				<-stopped
			})
			// The second tick is taken once the first is dealt with.
			tick := func() { ticks <- time.Time{}; ticks <- time.Time{} }

			tick()
			if v1, v2 := one.Answerer.Snapshot().Version, two.Answerer.Snapshot().Version; v1 != v2 {
				t.Fatalf("shards started on versions %q and %q", v1, v2)
			}
			if n := swaps.Load(); n != 0 {
				t.Errorf("%d swaps reported with nothing new to serve", n)
			}
			writeArticle(t, dir, 2, strings.Replace(partText(2), "200 tea pickers", "275 tea pickers", 1))
			if r := one.Run(ctx, bot.Invocation{Command: bot.CommandReload}, nil); !r.Reloaded {
				t.Fatalf("reload: %s", r.Text)
			}
			before := s.Calls("/embeddings")
			tick()
			if v1, v2 := one.Answerer.Snapshot().Version, two.Answerer.Snapshot().Version; v1 != v2 {
				t.Errorf("after a reload in one shard: versions %q and %q", v1, v2)
			}
			if n := s.Calls("/embeddings") - before; n != 0 {
				t.Errorf("the other shard made %d embedding calls to catch up", n)
			}
			if n := swaps.Load(); n != 1 {
				t.Errorf("%d swaps reported; want 1, for the version the reload saved", n)
			}
			q := bot.Ask(t, "How many tea pickers did Lotus Tea count in Yunnan?")
			r := two.Run(ctx, bot.Invocation{Command: bot.CommandAsk, Question: q}, nil)
			if !strings.Contains(r.Text, "275") {
				t.Errorf("the other shard answers %q", r.Text)
			}
		})
	}
}

// TestASecondReloadIsRefused holds a reload inside its corpus read, asks
// for another, and lets the first one finish: the second is refused with
// a clear reply, and questions are answered meanwhile.
func TestASecondReloadIsRefused(t *testing.T) {
	ctx := testCtx(t)
	dir := teaCorpus(t, 2, partText)
	entered, release := make(chan struct{}), make(chan struct{})
	l := &bot.Loader{Dir: dir, Store: openStore(t, t.TempDir()), Log: discardLog()}
	snap, _, err := l.Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := bot.Loader{Dir: dir}
	l.Read = func(ctx context.Context, _ *corpus.Library) (*corpus.Library, bot.SourceReport, error) {
		entered <- struct{}{}
		<-release
		s, _, err := files.Load(ctx)
		if err != nil {
			return nil, bot.SourceReport{}, err
		}
		return s.Corpus, bot.SourceReport{Fetched: bot.FetchCounts{NotModified: 2}}, nil
	}
	a := bot.NewAnswerer(snap)
	a.Log = discardLog()
	c := &bot.Commands{Answerer: a, Loader: l, Log: discardLog()}
	first := make(chan bot.Reply)
	go func() { first <- c.Run(ctx, bot.Invocation{Command: bot.CommandReload}, nil) }()
	<-entered
	if r := c.Run(ctx, bot.Invocation{Command: bot.CommandReload}, nil); !strings.Contains(r.Text, "A reload is already running") || r.Reloaded {
		t.Errorf("second reload: %+v", r)
	}
	if r := c.Run(ctx, bot.Invocation{Command: bot.CommandAsk, Question: bot.Ask(t, "How many shops did Lotus Tea open in Fujian?")}, nil); !strings.Contains(r.Text, "10 shops") {
		t.Errorf("answer during a reload: %q", r.Text)
	}
	close(release)
	r := <-first
	for _, want := range []string{"Nothing changed.", "Articles: 0 added, 0 changed, 0 removed, 2 unchanged, 0 failed.", "Passages: 4, of which 0 embedded now.", "Pages: 0 fetched, 2 not modified, 0 failed."} {
		if !strings.Contains(r.Text, want) || !r.Reloaded {
			t.Errorf("first reload's reply lacks %q:\n%s", want, r.Text)
		}
	}
}
