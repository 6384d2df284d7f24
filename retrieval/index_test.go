package retrieval

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"seriesbot/corpus"
)

var defaultIx struct {
	once sync.Once
	ix   *Index
	err  error
}

// defaultIndex is the index of the embedded default corpus with the local
// embedder, built once per test binary: an Index is immutable, so tests
// can share it.
func defaultIndex(t testing.TB) *Index {
	t.Helper()
	defaultIx.once.Do(func() {
		defaultIx.ix, defaultIx.err = Build(context.Background(), corpus.Default().Passages(0), nil)
	})
	if defaultIx.err != nil {
		t.Fatalf("build default index: %v", defaultIx.err)
	}
	return defaultIx.ix
}

func search(t *testing.T, ix *Index, question string, opt Options) []Hit {
	t.Helper()
	hits, err := ix.Search(context.Background(), question, opt)
	if err != nil {
		t.Fatalf("Search(%q, %+v): %v", question, opt, err)
	}
	return hits
}

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Passage.ID
	}
	return ids
}

// passageWith returns the one passage of the default corpus whose text
// contains s.
func passageWith(t *testing.T, s string) corpus.Passage {
	t.Helper()
	var found []corpus.Passage
	for _, p := range corpus.Default().Passages(0) {
		if strings.Contains(p.Text, s) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d passages of the default corpus contain %q, want 1", len(found), s)
	}
	return found[0]
}

func TestSearchFindsTheAnswer(t *testing.T) {
	ix := defaultIndex(t)
	tests := []struct {
		name     string
		question string
		within   int    // the answer is among the first within hits
		text     string // the answering passage contains this
		url      string // and its URL contains this
	}{
		{"revenue figure", "How much revenue did Alibaba Cloud make?", 1, "RMB60 billion", "part-2"},
		{"paraphrased revenue", "What were Alibaba Cloud's sales?", 1, "RMB60 billion", "part-2"},
		{"Chinese name", "钉钉是什么？", 1, "DingTalk", "part-2"},
		{"name in pinyin", "how many customers does aliyun have", 1, "4 million", "part-2"},
		{"pinyin in syllables", "gaode ditu used to be called what", 1, "AutoNavi", "part-2"},
		{"described, not named", "Which workplace collaboration app does Alibaba run?", 3, "DingTalk", "part-2"},
		{"launch date", "When was DingTalk launched?", 1, "launched in 2015", "part-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(t, ix, tt.question, Options{})
			if len(hits) < tt.within {
				t.Fatalf("Search(%q) gave %d hits %q, want at least %d", tt.question, len(hits), hitIDs(hits), tt.within)
			}
			for _, h := range hits[:tt.within] {
				if strings.Contains(h.Passage.Text, tt.text) {
					if !strings.Contains(h.Passage.URL, tt.url) {
						t.Errorf("answer %s cites %q, want a URL containing %q", h.Passage.ID, h.Passage.URL, tt.url)
					}
					return
				}
			}
			t.Errorf("Search(%q): no passage containing %q in the first %d hits %q", tt.question, tt.text, tt.within, hitIDs(hits))
		})
	}
}

// TestInnerCapitalsMakeNames: a word the corpus writes with a capital
// inside it ("iQIYI") is a name, however a question writes it.
func TestInnerCapitalsMakeNames(t *testing.T) {
	ix := defaultIndex(t)
	for _, q := range []string{"who founded iqiyi", "who founded iQIYI"} {
		if got := ix.Subjects(q); !slices.Equal(got, []string{"iqiyi"}) {
			t.Errorf("Subjects(%q) = %q, want [iqiyi]", q, got)
		}
	}
}

func TestSearchHitsAreOrderedAndDistinct(t *testing.T) {
	ix := defaultIndex(t)
	for _, q := range []string{"How much revenue did Alibaba Cloud make?", "钉钉是什么？", "Which workplace collaboration app does Alibaba run?"} {
		hits := search(t, ix, q, Options{K: 10})
		if len(hits) == 0 || len(hits) > 10 {
			t.Errorf("Search(%q, K 10) gave %d hits, want 1 to 10", q, len(hits))
		}
		seen := map[string]bool{}
		for i, h := range hits {
			if seen[h.Passage.ID] {
				t.Errorf("Search(%q): passage %s returned twice", q, h.Passage.ID)
			}
			seen[h.Passage.ID] = true
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("Search(%q): hit %d scores %v, above hit %d's %v", q, i, h.Score, i-1, hits[i-1].Score)
			}
			if h.Coverage < 0 || h.Coverage > 1 {
				t.Errorf("Search(%q): hit %s has coverage %v, want 0..1", q, h.Passage.ID, h.Coverage)
			}
		}
	}
}

func TestSearchOptions(t *testing.T) {
	ix := defaultIndex(t)
	const q = "How much revenue did Alibaba Cloud make?"
	tests := []struct {
		name           string
		opt            Options
		minLen, maxLen int // number of hits
	}{
		{"default K is 5", Options{}, 5, 5},
		{"negative K is 5", Options{K: -3}, 5, 5},
		{"K 1", Options{K: 1}, 1, 1},
		{"K beyond the corpus returns the corpus at most", Options{K: 1000}, 1, ix.Len()},
		{"part 3 only", Options{Part: 3}, 5, 5},
		{"part 1 with K beyond the part", Options{Part: 1, K: 1000}, 1, partSize(t, 1)},
		{"a part the corpus lacks", Options{Part: 9}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(t, ix, q, tt.opt)
			if len(hits) < tt.minLen || len(hits) > tt.maxLen {
				t.Errorf("got %d hits, want %d to %d", len(hits), tt.minLen, tt.maxLen)
			}
			if tt.opt.Part == 0 {
				return
			}
			for _, h := range hits {
				if h.Passage.Part != tt.opt.Part {
					t.Errorf("Options{Part: %d} returned %s of part %d", tt.opt.Part, h.Passage.ID, h.Passage.Part)
				}
			}
		})
	}
}

func partSize(t *testing.T, part int) int {
	t.Helper()
	n := 0
	for _, p := range corpus.Default().Passages(0) {
		if p.Part == part {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("default corpus has no passage of part %d", part)
	}
	return n
}

// TestSearchNothingToSearchFor: a question with no content word finds
// nothing, and says so without an error.
func TestSearchNothingToSearchFor(t *testing.T) {
	ix := defaultIndex(t)
	for _, q := range []string{"", "   ", "What is it?", "Who are they and what do they do?", "?!", "…", "是什么？"} {
		hits, err := ix.Search(context.Background(), q, Options{})
		if err != nil || len(hits) != 0 {
			t.Errorf("Search(%q) = %q, %v; want no hits and no error", q, hitIDs(hits), err)
		}
	}
}

func TestSearchEmptyIndex(t *testing.T) {
	ix, err := Build(context.Background(), nil, nil)
	if err != nil {
		t.Fatalf("Build with no passages: %v", err)
	}
	if ix.Len() != 0 {
		t.Errorf("Len() = %d, want 0", ix.Len())
	}
	for _, opt := range []Options{{}, {K: 1000}, {Part: 2}} {
		hits, err := ix.Search(context.Background(), "How much revenue did Alibaba Cloud make?", opt)
		if hits != nil || err != nil {
			t.Errorf("Search(%+v) on an empty index = %v, %v; want nil, nil", opt, hits, err)
		}
	}
}

func TestBuildRejectsBadIDs(t *testing.T) {
	ps := corpus.Default().Passages(0)
	dup := ps[3].ID
	tests := []struct {
		name   string
		mutate func([]corpus.Passage)
		wantID string // quoted in the error
	}{
		{"duplicate id", func(ps []corpus.Passage) { ps[7].ID = dup }, `"` + dup + `"`},
		{"empty id", func(ps []corpus.Passage) { ps[5].ID = "" }, `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := corpus.Default().Passages(0)
			tt.mutate(bad)
			ix, err := Build(context.Background(), bad, nil)
			if err == nil {
				t.Fatalf("Build succeeded with %d passages, want an error", ix.Len())
			}
			if !strings.Contains(err.Error(), tt.wantID) {
				t.Errorf("Build error %q does not name the id %s", err, tt.wantID)
			}
		})
	}
}

// TestMatch: coverage tells a question the series answers from one it does
// not, which is what the answerer relies on to decline.
func TestMatch(t *testing.T) {
	ix := defaultIndex(t)
	// Far below what the answerer quotes from (0.45): a passage sharing a
	// year with the question is not about it. Words the series never uses
	// that are not names weigh little (a paraphrase is not a new topic),
	// so a shared rare word like "2018" reaches a fifth of the question.
	t.Run("off-topic question matches no passage", func(t *testing.T) {
		for _, q := range []string{"What is the capital of France?", "Who won the 2018 World Cup?"} {
			for _, p := range ix.Passages() {
				if m := ix.Match(q, p.Text); m.Coverage >= 0.25 {
					t.Errorf("Match(%q, %s) coverage %.3f, want < 0.25", q, p.ID, m.Coverage)
				}
			}
		}
	})
	tests := []struct {
		question string
		text     string // the passage answering it contains this
	}{
		{"When was DingTalk launched?", "DingTalk (钉钉) is a collaborative digital workplace"},
		{"How much revenue did Alibaba Cloud make?", "RMB60 billion"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			p := passageWith(t, tt.text)
			m := ix.Match(tt.question, p.Text)
			if m.Coverage < 0.8 {
				t.Errorf("Match(%q, %s) = %+v, want coverage ≥ 0.8", tt.question, p.ID, m)
			}
			if m.Matched > m.Terms || m.Terms == 0 {
				t.Errorf("Match(%q, %s) = %+v: matched terms out of range", tt.question, p.ID, m)
			}
		})
	}
}

// TestMatcherLikeness: a name the corpus never gives that a question only
// likens something to is no name of what it asks about; a name it does give
// is matched as any other, and one asked about as a rival, a peer or the
// other side of a comparison stays.
func TestMatcherLikeness(t *testing.T) {
	ix := defaultIndex(t)
	tests := []struct {
		question  string
		names     int // names of the question
		foreignIn bool
	}{
		{"is youku a short video app like tiktok?", 1, false},
		{"whats alibabas online store in turkey, something like Amazon", 2, false},
		{"is dingtalk like zoom", 2, false},                          // a name the corpus gives is matched
		{"is alibaba like Amazon", 2, true},                          // little else is asked
		{"does alibaba compete with companies like Amazon", 2, true}, // a rival is asked about
		{"what is the chinese version of Twitter", 2, true},          // so is a peer
		{"how does alibaba cloud compare to AWS", 2, true},           // both sides are asked about
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			m := ix.Matcher(ix.Unliken(tt.question)).Match("")
			if m.Names != tt.names || (m.Names > m.KnownNames) != tt.foreignIn {
				t.Errorf("Matcher(Unliken(%q)) = %+v, want %d names, some unknown = %v", tt.question, m, tt.names, tt.foreignIn)
			}
		})
	}
}

// TestMatcherOr: a Matcher carries another reading of its question for
// the caller, and measures as it did without it.
func TestMatcherOr(t *testing.T) {
	ix := defaultIndex(t)
	sentence := ix.Terms("Amap and Baidu Maps are the two navigation apps that Chinese users rely on most.")
	merged := ix.Matcher("when did alibaba take amap private? whats its rival")
	alone := ix.Matcher("amap whats its rival")
	both := merged.Or(alone)
	if got, want := both.MatchTerms(sentence, nil), merged.MatchTerms(sentence, nil); got != want {
		t.Errorf("Or changed the match: %+v, want %+v", got, want)
	}
	alt, ok := both.Alternative()
	if !ok || alt.MatchTerms(sentence, nil) != alone.MatchTerms(sentence, nil) || !alt.OpensOn(ix.Sentence("Amap and Baidu Maps are the two navigation apps.")) {
		t.Errorf("Alternative = %v; want the reading naming amap", ok)
	}
	if alt.OpensOn(ix.Sentence("Alibaba bought the company that became Amap.")) {
		t.Error("a sentence naming Amap late opens on it")
	}
	if _, ok := merged.Alternative(); ok {
		t.Error("a Matcher without Or has an alternative")
	}
}

// TestSearchConcurrent: an Index serves many conversations at once; run
// with -race. Every goroutine must see the answers a lone caller sees.
func TestSearchConcurrent(t *testing.T) {
	ix := defaultIndex(t)
	questions := []struct {
		q   string
		opt Options
	}{
		{"How much revenue did Alibaba Cloud make?", Options{}},
		{"Which workplace collaboration app does Alibaba run?", Options{K: 3}},
		{"When was DingTalk launched?", Options{}},
		{"How much revenue did Alibaba Cloud make?", Options{Part: 3}},
		// Most passages share nothing with this one: ties must not be
		// broken differently from one search to the next.
		{"钉钉是什么？", Options{K: 10}},
	}
	want := make([][]Hit, len(questions))
	for i, qq := range questions {
		want[i] = search(t, ix, qq.q, qq.opt)
	}
	const goroutines, rounds = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*len(questions))
	for g := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				for i := range questions {
					qq := questions[(i+g)%len(questions)]
					got, err := ix.Search(context.Background(), qq.q, qq.opt)
					if err != nil {
						errs <- fmt.Errorf("goroutine %d round %d: Search(%q): %w", g, r, qq.q, err)
						continue
					}
					if w := want[(i+g)%len(questions)]; !reflect.DeepEqual(got, w) {
						errs <- fmt.Errorf("goroutine %d round %d: Search(%q) = %q, alone it was %q", g, r, qq.q, hitIDs(got), hitIDs(w))
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// remoteModel stands in for a remote embedding model (an HTTP API we do not
// run in tests). It answers with the vectors of a local embedder, and can
// fail or miscount from a given call on.
type remoteModel struct {
	name     string
	local    *LocalEmbedder
	failFrom int   // the first call (0-based) that fails; < 0 never
	err      error // what a failing call returns
	short    int   // vectors left off every answer
	mu       sync.Mutex
	calls    int
}

func (m *remoteModel) Name() string { return m.name }

func (m *remoteModel) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	m.mu.Lock()
	call := m.calls
	m.calls++
	m.mu.Unlock()
	if m.failFrom >= 0 && call >= m.failFrom {
		return nil, m.err
	}
	vs, err := m.local.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	return vs[:max(0, len(vs)-m.short)], nil
}

var errRateLimited = errors.New("429 too many requests")

func TestBuildEmbedderFailures(t *testing.T) {
	ps := corpus.Default().Passages(0)
	local := NewLocalEmbedder(defaultTexts(t), 0)
	tests := []struct {
		name      string
		model     *remoteModel
		wantErr   error    // errors.Is target; nil for none
		wantInMsg []string // the message must name these
	}{
		{
			"model fails",
			&remoteModel{name: "remote-embed-v3", local: local, failFrom: 0, err: errRateLimited},
			errRateLimited,
			[]string{"remote-embed-v3"},
		},
		{
			"model returns too few vectors",
			&remoteModel{name: "remote-embed-v3", local: local, failFrom: -1, short: 1},
			nil,
			[]string{"remote-embed-v3", fmt.Sprint(len(ps) - 1), fmt.Sprint(len(ps))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := Build(context.Background(), ps, tt.model)
			if err == nil {
				t.Fatalf("Build succeeded with %d passages, want an error", ix.Len())
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Build error %q does not wrap %q", err, tt.wantErr)
			}
			for _, s := range tt.wantInMsg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Build error %q does not mention %q", err, s)
				}
			}
		})
	}
}

// TestSearchEmbedderFailure: a remote model that worked at build time and
// fails on a question makes Search report it, not return empty hits.
func TestSearchEmbedderFailure(t *testing.T) {
	ps := corpus.Default().Passages(0)
	model := &remoteModel{name: "remote-embed-v3", local: NewLocalEmbedder(defaultTexts(t), 0), failFrom: 1, err: errRateLimited}
	ix, err := Build(context.Background(), ps, model)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if got := ix.Embedder(); got != "remote-embed-v3" {
		t.Errorf("Embedder() = %q, want the model's name", got)
	}
	hits, err := ix.Search(context.Background(), "How much revenue did Alibaba Cloud make?", Options{})
	if !errors.Is(err, errRateLimited) {
		t.Fatalf("Search = %q, %v; want an error wrapping %q", hitIDs(hits), err, errRateLimited)
	}
	if !strings.Contains(err.Error(), "remote-embed-v3") {
		t.Errorf("Search error %q does not name the embedder", err)
	}
}

func TestBuildNamesTheLocalEmbedder(t *testing.T) {
	if got, want := defaultIndex(t).Embedder(), fmt.Sprint(DefaultDims); !strings.Contains(got, "local") || !strings.Contains(got, want) {
		t.Errorf("Embedder() = %q, want the local embedder with %s dims", got, want)
	}
}

func TestInParallelCallsEachOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		calls := make([]int, n)
		var mu sync.Mutex
		inParallel(n, func(i int) {
			mu.Lock()
			calls[i]++
			mu.Unlock()
		})
		for i, c := range calls {
			if c != 1 {
				t.Errorf("n=%d: do(%d) called %d times", n, i, c)
			}
		}
	}
}

// Building side by side reads the corpus as building one passage after
// another would: two builds rank and cover alike.
func TestBuildIsDeterministic(t *testing.T) {
	ps := corpus.Default().Passages(0)
	var ixs [2]*Index
	for i := range ixs {
		ix, err := Build(context.Background(), ps, nil)
		if err != nil {
			t.Fatal(err)
		}
		ixs[i] = ix
	}
	if !reflect.DeepEqual(ixs[0].vecs, ixs[1].vecs) || !reflect.DeepEqual(ixs[0].vocab, ixs[1].vocab) || !reflect.DeepEqual(ixs[0].lex, ixs[1].lex) || !reflect.DeepEqual(ixs[0].entities, ixs[1].entities) {
		t.Fatal("two builds of the default corpus differ")
	}
	for _, q := range []string{"How much revenue did Alibaba Cloud make?", "what is youku", "who are dingtalk's rivals"} {
		a, _ := ixs[0].Search(context.Background(), q, Options{})
		b, _ := ixs[1].Search(context.Background(), q, Options{})
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: the two builds return different hits", q)
		}
	}
}

// The local vectors, summed sparsely, are to the bit what summing into the
// dense vector and normalising it gives.
func TestLocalVectorsAsDenseSums(t *testing.T) {
	ps := corpus.Default().Passages(0)
	docs := make([][]term, len(ps))
	for i, p := range ps {
		docs[i] = analyze(indexedText(p))
	}
	e := fitLocal(docs, 0)
	dense := func(terms []term) []float32 {
		count := map[string]float64{}
		weight := map[string]float64{}
		var order []string
		for _, t := range terms {
			if _, ok := count[t.text]; !ok {
				order = append(order, t.text)
				weight[t.text] = t.weight
			}
			count[t.text]++
		}
		v := make([]float32, e.dims)
		for _, t := range order {
			w, ok := e.idf[t]
			if !ok {
				w = e.maxIDF
			}
			w *= weight[t] * (1 + math.Log(count[t]))
			h := fnv.New64a()
			h.Write([]byte(t))
			s := h.Sum64()
			if s>>63 == 1 {
				w = -w
			}
			v[int(s%uint64(e.dims))] += float32(w)
		}
		return normalize(v)
	}
	for i, d := range append(docs, nil, analyze("what is youku"), analyze("阿里云")) {
		if got, want := e.vectorOf(d), dense(d); !slices.Equal(got, want) {
			t.Errorf("text %d: the sparse sum differs from the dense one", i)
		}
	}
}
