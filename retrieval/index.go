package retrieval

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	chromem "github.com/philippgille/chromem-go"

	"seriesbot/corpus"
	"seriesbot/retrieval/english"
)

// Hit is a passage found for a question, with the scores that ranked it.
type Hit struct {
	Passage corpus.Passage
	// Score is the fused rank score; it orders hits but means nothing
	// across questions.
	Score float64
	// Similarity is the cosine similarity of question and passage vectors;
	// 0 for a passage only the BM25 ranking found.
	Similarity float64
	// Coverage is the share of the question's content (by IDF weight) found
	// in the passage, 0..1. Unlike Score it is comparable across questions;
	// whether the series answers a question is decided per sentence with a
	// Matcher, this is the passage's share of that.
	Coverage float64
}

// Options narrow a search.
type Options struct {
	K    int // number of hits wanted; ≤ 0 means 5
	Part int // only passages of this part; 0 means all parts
	// Prefer, when set, marks passages of the kind the question asks for
	// (one with a year for "when…?"); they are ranked above otherwise
	// equal ones. It is called for every passage a search weighs, so it
	// should look up what it knows rather than read the text.
	Prefer func(p corpus.Passage) bool
}

// Index holds the passages of a corpus, their vectors in chromem-go and a
// BM25 index over the same text. It is immutable once built and safe for
// concurrent searches; a reload builds a new Index beside the old one.
type Index struct {
	passages []corpus.Passage
	byID     map[string]int
	coll     *chromem.Collection
	// terms holds each passage's content terms (with its heading), so
	// measuring a question against a passage does not analyse it again.
	terms []map[string]bool
	lex   *bm25
	emb   Embedder
	// model is the embedder's identity as vectors are reused under it
	// (see Vectors.Model); hashes, each passage's content hash; vecs,
	// its unit vector, of dims dimensions.
	model   string
	hashes  []string
	vecs    [][]float32
	dims    int
	db      *chromem.DB
	aliases aliases
	vocab   vocabulary
	// entities are the corpus's names of several words (learnEntities).
	entities []entity
}

// indexedText is what both indexes see of a passage: its section heading
// adds the topic a paragraph leaves implicit ("Cloud Computing").
func indexedText(p corpus.Passage) string {
	if p.Section == "" {
		return p.Text
	}
	return p.Section + ". " + p.Text
}

// Build indexes passages. With a nil embedder it fits a LocalEmbedder on
// the passages, which is the offline default.
func Build(ctx context.Context, passages []corpus.Passage, emb Embedder) (*Index, error) {
	ix, _, err := BuildWith(ctx, passages, emb, BuildOptions{})
	return ix, err
}

// BuildOptions are what an incremental build starts from.
type BuildOptions struct {
	// Reuse holds the vectors of earlier builds (the index being served,
	// or one read from disk). A passage whose content hash one of them
	// holds for this build's embedder is not embedded again.
	Reuse []*Vectors
	// Progress, when set, is told after each request to the embedder
	// how many of the passages to embed have their vectors.
	Progress func(done, total int)
}

// BuildStats say what a build cost.
type BuildStats struct {
	// Embedded is how many passages were sent to the embedder; Reused,
	// how many took their vector from BuildOptions.Reuse.
	Embedded, Reused int
}

// embedChunk is how many texts Build hands the embedder at once: a
// multiple of bot/llm's batch, so chunking adds no request, and small
// enough for a progress bar to move.
const embedChunk = 256

// BuildWith is Build reusing the vectors of earlier builds: only passages
// whose content is new for the embedder are embedded. The local embedder
// is fitted on the whole corpus, so its vectors are reused only when no
// passage changed (see Vectors.Model).
func BuildWith(ctx context.Context, passages []corpus.Passage, emb Embedder, opt BuildOptions) (*Index, BuildStats, error) {
	var stats BuildStats
	byID := make(map[string]int, len(passages))
	for i, p := range passages {
		if _, dup := byID[p.ID]; dup || p.ID == "" {
			return nil, stats, fmt.Errorf("build index: passage %d has a missing or duplicate id %q", i, p.ID)
		}
		byID[p.ID] = i
	}
	// Each text is analysed once, for every use Build makes of it. The
	// passages are analysed side by side (inParallel), then the
	// vocabulary, the BM25 index and the vectors are made from them at
	// once: building the index is most of what a one-question
	// `seriesbot ask` does, and a machine has more than one core.
	texts := make([]string, len(passages))
	hashes := make([]string, len(passages))
	analyzed := make([][]term, len(passages))
	inParallel(len(passages), func(i int) {
		texts[i] = indexedText(passages[i])
		hashes[i] = contentHash(texts[i])
		analyzed[i] = analyze(texts[i])
	})
	var local *LocalEmbedder
	model := ""
	if emb == nil {
		local = fitLocal(analyzed, 0)
		emb = local
		model = local.Name() + "@" + corpusFingerprint(hashes)
	} else {
		model = emb.Name()
	}
	ix := &Index{
		passages: slices.Clone(passages),
		terms:    make([]map[string]bool, len(passages)),
		byID:     byID,
		emb:      emb,
		model:    model,
		hashes:   hashes,
	}
	lexDocs := make([][]string, len(passages))
	var learning sync.WaitGroup
	learning.Go(func() {
		ix.vocab = learnVocabulary(analyzed)
		ix.aliases = learnAliases(texts, func(w string) bool { _, ok := ix.vocab.stems[w]; return ok })
		ix.aliases.isName = func(w string) bool { t, ok := ix.vocab.stems[w]; return ok && ix.vocab.names[t] }
	})
	learning.Go(func() {
		for i := range passages {
			lexDocs[i] = contentOf(analyzed[i])
			ix.terms[i] = make(map[string]bool, len(lexDocs[i]))
			for _, t := range lexDocs[i] {
				ix.terms[i][t] = true
			}
		}
		ix.lex = newBM25(lexDocs)
	})
	vecs, stats, err := embedPassages(ctx, ix, texts, local, analyzed, opt)
	learning.Wait()
	if err != nil {
		return nil, stats, err
	}
	ix.entities = ix.learnEntities()
	ix.lex.names = ix.vocab.names
	if err := ix.store(ctx, texts, vecs); err != nil {
		return nil, stats, fmt.Errorf("build index: %w", err)
	}
	return ix, stats, nil
}

// store puts the vectors of the passages, whose indexed texts are texts,
// in a new chromem-go collection for the index to search.
func (ix *Index) store(ctx context.Context, texts []string, vecs [][]float32) error {
	ix.vecs = vecs
	if len(vecs) > 0 {
		ix.dims = len(vecs[0])
	}
	dims := strconv.Itoa(ix.dims)
	ids := make([]string, len(ix.passages))
	metas := make([]map[string]string, len(ix.passages))
	for i, p := range ix.passages {
		ids[i] = p.ID
		metas[i] = map[string]string{"part": strconv.Itoa(p.Part), metaHash: ix.hashes[i], metaModel: ix.model, metaDims: dims}
	}
	ix.db = chromem.NewDB()
	coll, err := ix.db.CreateCollection(collectionName, map[string]string{"embedder": ix.emb.Name()}, EmbeddingFunc(ix.emb))
	if err != nil {
		return err
	}
	ix.coll = coll
	if len(ix.passages) == 0 {
		return nil
	}
	if err := coll.AddConcurrently(ctx, ids, vecs, metas, texts, runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("add to vector store: %w", err)
	}
	return nil
}

// embedPassages finds a vector for every passage: reused when an earlier
// build made it with the same model, else made now. Vectors made now are
// scaled to unit length; reused ones already are, and are shared with the
// index they come from, which may be serving: they are never written to.
func embedPassages(ctx context.Context, ix *Index, texts []string, local *LocalEmbedder, analyzed [][]term, opt BuildOptions) ([][]float32, BuildStats, error) {
	var stats BuildStats
	vecs := make([][]float32, len(texts))
	reuse := findVectors(opt.Reuse, ix.model)
	var todo []int
	for i, h := range ix.hashes {
		if v, ok := reuse.lookup(h); ok {
			vecs[i] = v
			stats.Reused++
			continue
		}
		todo = append(todo, i)
	}
	if local != nil {
		inParallel(len(todo), func(j int) { vecs[todo[j]] = local.vectorOf(analyzed[todo[j]]) })
		stats.Embedded = len(todo)
		return vecs, stats, nil
	}
	name := ix.emb.Name()
	for start := 0; start < len(todo); start += embedChunk {
		chunk := todo[start:min(start+embedChunk, len(todo))]
		in := make([]string, len(chunk))
		for j, i := range chunk {
			in[j] = texts[i]
		}
		out, err := ix.emb.Embed(ctx, in)
		stats.Embedded += len(in)
		if err != nil {
			return nil, stats, fmt.Errorf("build index: embed %d passages with %s: %w", len(todo), name, err)
		}
		if len(out) != len(in) {
			return nil, stats, fmt.Errorf("build index: embedder %s returned %d vectors for %d passages", name, len(out), len(in))
		}
		for j, i := range chunk {
			vecs[i] = normalize(out[j])
		}
		if opt.Progress != nil {
			opt.Progress(start+len(chunk), len(todo))
		}
	}
	// A model that changed its width under the same name (a server
	// configured anew) makes the kept vectors incomparable: embed all.
	if stats.Reused > 0 && len(todo) > 0 && len(vecs[todo[0]]) != reuse.Dims {
		again, more, err := embedPassages(ctx, ix, texts, nil, nil, BuildOptions{Progress: opt.Progress})
		more.Embedded += stats.Embedded
		return again, more, err
	}
	for i, v := range vecs {
		if len(v) != len(vecs[0]) {
			return nil, stats, fmt.Errorf("build index: embedder %s made vectors of %d and %d dimensions (passages 1 and %d)", name, len(vecs[0]), len(v), i+1)
		}
	}
	return vecs, stats, nil
}

// inParallel calls do(i) for every i below n, on as many goroutines as
// there are processors, each taking the next i as it finishes one.
func inParallel(n int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}

// Len is the number of passages indexed.
func (ix *Index) Len() int { return len(ix.passages) }

// Passages returns the indexed passages in corpus order.
func (ix *Index) Passages() []corpus.Passage { return ix.passages }

// Embedder names the embedder the vectors were made with.
func (ix *Index) Embedder() string { return ix.emb.Name() }

// rrfK damps the weight of top ranks in reciprocal rank fusion. 60 is the
// value of the original paper; the eval command measures alternatives.
const rrfK = 60

// preferBoost is what fitting Options.Prefer adds to a fused score: half of
// what a first place in one ranking is worth, enough to reorder near ties
// and not to lift a passage that shares little with the question.
var preferBoost = 0.5 / (rrfK + 1)

// Search finds the passages that best answer question.
func (ix *Index) Search(ctx context.Context, question string, opt Options) ([]Hit, error) {
	k := opt.K
	if k <= 0 {
		k = 5
	}
	question, qTerms, _ := ix.read(ix.aliases.expand(question))
	if len(ix.passages) == 0 || len(qTerms) == 0 {
		return nil, nil
	}
	allow := func(int) bool { return true }
	var where map[string]string
	if opt.Part > 0 {
		where = map[string]string{"part": strconv.Itoa(opt.Part)}
		allow = func(d int) bool { return ix.passages[d].Part == opt.Part }
	}
	// Each ranking contributes a pool larger than k so that a passage ranked
	// well by one and modestly by the other can still win.
	pool := min(max(4*k, 30), len(ix.passages))

	vecs, err := ix.emb.Embed(ctx, []string{question})
	if err != nil {
		return nil, fmt.Errorf("embed question with %s: %w", ix.emb.Name(), err)
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embed question with %s: %d vectors for 1 text", ix.emb.Name(), len(vecs))
	}
	dense, err := ix.coll.QueryEmbedding(ctx, normalize(vecs[0]), pool, where, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	lex := ix.lex.search(termTexts(qTerms), allow, pool)

	type fused struct {
		doc   int
		score float64
		sim   float64
		named bool
	}
	acc := make(map[int]*fused, len(dense)+len(lex))
	get := func(d int) *fused {
		f, ok := acc[d]
		if !ok {
			f = &fused{doc: d}
			acc[d] = f
		}
		return f
	}
	// chromem-go orders equal similarities arbitrarily (it scans a map from
	// several goroutines). Rank ties by corpus order so the same question
	// always gets the same answer, and drop passages whose vectors point
	// away from the question: they share nothing with it.
	type vhit struct {
		doc int
		sim float64
	}
	vhits := make([]vhit, 0, len(dense))
	for _, res := range dense {
		if res.Similarity > 0 {
			vhits = append(vhits, vhit{ix.byID[res.ID], float64(res.Similarity)})
		}
	}
	slices.SortFunc(vhits, func(a, b vhit) int {
		if a.sim != b.sim {
			if a.sim > b.sim {
				return -1
			}
			return 1
		}
		return a.doc - b.doc
	})
	for r, v := range vhits {
		f := get(v.doc)
		f.score += 1 / float64(rrfK+r+1)
		f.sim = v.sim
	}
	for r, s := range lex {
		get(s.doc).score += 1 / float64(rrfK+r+1)
	}
	var names []string
	for _, t := range qTerms {
		if t.content && ix.lex.isName(t) {
			names = append(names, t.text)
		}
	}
	all := make([]*fused, 0, len(acc))
	for _, f := range acc {
		if opt.Prefer != nil && opt.Prefer(ix.passages[f.doc]) {
			f.score += preferBoost
		}
		f.named = slices.ContainsFunc(names, func(n string) bool { return ix.terms[f.doc][n] })
		all = append(all, f)
	}
	// A passage that names something the question names comes before every
	// passage that names none of it: "who founded iQIYI?" is about iQIYI,
	// however many passages tell who founded something else.
	slices.SortFunc(all, func(a, b *fused) int {
		if a.named != b.named {
			if a.named {
				return -1
			}
			return 1
		}
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return a.doc - b.doc
	})
	if len(all) > k {
		all = all[:k]
	}
	hits := make([]Hit, len(all))
	for i, f := range all {
		p := ix.passages[f.doc]
		hits[i] = Hit{
			Passage:    p,
			Score:      f.score,
			Similarity: f.sim,
			Coverage:   ix.lex.match(qTerms, ix.terms[f.doc], nil).Coverage,
		}
	}
	return hits, nil
}

// contentTerms are the terms BM25 and coverage work on: words and CJK
// bigrams, not word pairs.
func contentTerms(text string) []term {
	ts := analyze(text)
	out := ts[:0]
	for _, t := range ts {
		if t.content {
			out = append(out, t)
		}
	}
	return out
}

// contentOf lists the texts of the content terms of ts.
func contentOf(ts []term) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.content {
			out = append(out, t.text)
		}
	}
	return out
}

func termTexts(ts []term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

func termSet(text string) map[string]bool {
	m := make(map[string]bool)
	for _, t := range contentTerms(text) {
		m[t.text] = true
	}
	return m
}

// Match measures how much of question text contains, with this index's
// term weights.
func (ix *Index) Match(question, text string) Match {
	return ix.Matcher(question).Match(text)
}

// Matcher measures many texts against one question, analysing it once: the
// answerer uses it to pick the sentences that answer.
type Matcher struct {
	ix    *Index
	terms []term
	// rare and asked split the question's terms for InPassing: its rare
	// names, and the rest.
	rare, asked map[string]bool
	// named holds, for each name of several words the question gives
	// ("Alibaba Cloud"), the words that tell it from the corpus's other
	// names (Lacks).
	named [][]string
	// unqualified holds the words the question puts before a term the
	// corpus always writes after another (vocabulary.qualifier).
	unqualified []string
	// or is another reading of the question (Or).
	or *Matcher
}

// Or returns m carrying other, another reading of the same question, for
// the caller to measure sentences with as well (Alternative): a follow-up
// read with the question before it ("when did alibaba take amap private?
// whats its main rival?") may be read with only what that question named
// ("amap whats its main rival?"). m's own matches are unchanged.
func (m Matcher) Or(other Matcher) Matcher {
	m.or = &other
	return m
}

// OpensOn reports whether s opens on a name of m's question: among its
// first words, or the first after an opening phrase ("On the basis of
// monthly active users, Youku was …"), where InPassing looks for a subject.
func (m Matcher) OpensOn(s Sentence) bool {
	for i, t := range s.seq {
		if i >= leadTerms && (s.opening < 0 || i < s.opening || i >= s.opening+leadTerms) {
			continue
		}
		if slices.ContainsFunc(m.terms, func(q term) bool { return q.text == t && (q.proper || m.ix.vocab.names[q.text]) }) {
			return true
		}
	}
	return false
}

// Alternative returns the reading Or gave m, if any.
func (m Matcher) Alternative() (Matcher, bool) {
	if m.or == nil {
		return Matcher{}, false
	}
	return *m.or, true
}

// Matcher prepares question for Match. Chinese names the corpus gives in
// English too are read as the English names, and typos of the corpus's
// words as those words.
func (ix *Index) Matcher(question string) Matcher {
	_, terms, pairs := ix.read(ix.aliases.translate(question))
	m := Matcher{ix: ix, terms: terms, named: ix.namesIn(pairs, terms), unqualified: ix.unqualified(pairs, terms)}
	n := float64(len(ix.lex.docLen))
	for _, t := range terms {
		df := len(ix.lex.postings[t.text])
		if df > 0 && (t.proper || ix.vocab.names[t.text]) && float64(df) <= rareNameShare*n && !unicode.IsDigit([]rune(t.text)[0]) {
			if m.rare == nil {
				m.rare = map[string]bool{}
			}
			m.rare[t.text] = true
		} else {
			if m.asked == nil {
				m.asked = map[string]bool{}
			}
			m.asked[t.text] = true
		}
	}
	return m
}

// likeness finds the word a question likens something to, after "like"
// ("is Youku a short video app like TikTok?"). A question that asks for a
// peer or a rival ("a version of", "similar to", "compete with") asks
// about the other side as much (peerAsked), and one that weighs both sides
// ("versus", "compared to", "bigger than") asks about each of them: in
// neither is it a mere point of reference.
var (
	// (The letters are outside the case-blind group: \p{L} holds both
	// cases already, and folding it costs a fifth of a millisecond.)
	likeness  = regexp.MustCompile(`(?i:\blike\s+(?:(?:a|an|the|their|its|his|her|our|your)\s+)?)([\p{L}\p{N}]+)`)
	peerAsked = regexp.MustCompile(`(?i)\b(?:rivals?|rivalry|competitors?|compet\w*|versions?|equivalents?|counterparts?|alternatives?|similar|comparable|akin|analogous|clones?|copy|copies|versus|vs|compared?)\b`)
)

// minLikened is how many terms a question must have besides what it likens
// something to for that to be left out, one of them a name the corpus
// uses: "is Alibaba like Amazon?" asks about Amazon as much as about
// Alibaba, which the series never compares.
const minLikened = 2

// Unliken returns question without the names the corpus never uses that
// it only likens something to ("is Youku a short video app like
// TikTok?"): a point of reference, not what is asked about, when enough
// else is asked (minLikened). Read before the words that only ask for a
// kind of answer are taken out, so that a rival asked for ("rivals like
// AWS") is seen.
func (ix *Index) Unliken(question string) string {
	if peerAsked.MatchString(question) {
		return question
	}
	found := likeness.FindAllStringSubmatchIndex(question, -1)
	if len(found) == 0 {
		return question
	}
	_, terms, _ := ix.read(ix.aliases.translate(question))
	var refs []string
	for _, loc := range found {
		refs = append(refs, strings.ToLower(question[loc[2]:loc[3]]))
	}
	reference := func(t term) bool { return len(ix.lex.postings[t.text]) == 0 && slices.Contains(refs, t.surface) }
	rest := slices.DeleteFunc(slices.Clone(terms), reference)
	if len(rest) == len(terms) || len(rest) < minLikened || !slices.ContainsFunc(rest, func(t term) bool { return ix.vocab.names[t.text] }) {
		return question
	}
	var b strings.Builder
	last := 0
	for _, loc := range found {
		if w := strings.ToLower(question[loc[2]:loc[3]]); slices.ContainsFunc(terms, func(t term) bool { return t.surface == w && reference(t) }) {
			b.WriteString(question[last:loc[2]])
			last = loc[3]
		}
	}
	b.WriteString(question[last:])
	return b.String()
}

// read corrects the typos of question against the corpus and returns it
// with its content terms, those read as typos marked, and its word pairs
// ("net incom"), from the one analysis.
func (ix *Index) read(question string) (string, []term, []string) {
	question, typos := ix.vocab.correct(question, func(t string) bool { return len(ix.lex.postings[t]) > 0 })
	var terms []term
	var pairs []string
	for _, t := range analyze(question) {
		switch {
		case t.content:
			terms = append(terms, t)
		case strings.Contains(t.text, " "):
			pairs = append(pairs, t.text)
		}
	}
	for i := range terms {
		terms[i].typo = typos[terms[i].text]
		terms[i].common = terms[i].surface != "" && english.IsCommon(terms[i].surface)
		terms[i].foreign = len(ix.lex.postings[terms[i].text]) == 0 && (foreignWord(terms[i]) || ix.vocab.acronym(terms[i]))
	}
	// A name of the corpus typed with an s and no apostrophe ("alibabas
	// share price") owns what follows, as "alibaba's" does: the series'
	// names take no plural.
	for i, t := range terms {
		if t.possessor || !ix.vocab.names[t.text] || !strings.HasSuffix(t.surface, "s") {
			continue
		}
		if _, written := ix.vocab.stems[t.surface]; written {
			continue
		}
		terms[i].possessor = true
		for j := i + 1; j <= i+maxOwned && j < len(terms) && slices.Contains(pairs, terms[j-1].text+" "+terms[j].text); j++ {
			terms[j].owned = true
			if plural(terms[j].surface) {
				break
			}
		}
	}
	// A Chinese word the corpus never uses names what the question is
	// about only when it names nothing the corpus does: 腾讯 of 腾讯的营收,
	// not 上线 of 钉钉是哪年上线的.
	for _, t := range terms {
		if ix.lex.names[t.text] && !t.concept && len(ix.lex.postings[t.text]) > 0 && !unicode.IsDigit([]rune(t.text)[0]) {
			for i := range terms {
				terms[i].hanWord = false
			}
			break
		}
	}
	return question, terms, pairs
}

// entity is a name of several words the corpus gives: the word pairs a
// question names it by, and the words that tell it from the others.
type entity struct {
	words, pairs, telling []string
}

// learnEntities finds the names of several words the corpus gives (an
// English name it gives a Chinese one for: "Alibaba Cloud (阿里云)") and
// the words of each that tell it from the others: not a word of half the
// passages or more ("Alibaba"), nor an ending ("Group").
func (ix *Index) learnEntities() []entity {
	n := float64(len(ix.lex.docLen))
	var out []entity
	for _, name := range ix.aliases.english() {
		words := contentOf(analyze(name))
		if len(words) < 2 {
			continue
		}
		e := entity{words: words}
		for i := 1; i < len(words); i++ {
			e.pairs = append(e.pairs, words[i-1]+" "+words[i])
		}
		for _, w := range words {
			if !nameSuffixes[w] && float64(len(ix.lex.postings[w])) < distinctShare*n {
				e.telling = append(e.telling, w)
			}
		}
		if len(e.telling) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// namesIn returns the telling words of each entity a question, read as
// terms and word pairs, names.
func (ix *Index) namesIn(questionPairs []string, terms []term) [][]string {
	var has, pairs map[string]bool
	var out [][]string
	for _, e := range ix.entities {
		if has == nil {
			has = make(map[string]bool, len(terms))
			for _, t := range terms {
				has[t.text] = true
			}
		}
		if slices.ContainsFunc(e.words, func(w string) bool { return !has[w] }) {
			continue
		}
		if pairs == nil {
			pairs = make(map[string]bool, len(questionPairs))
			for _, p := range questionPairs {
				pairs[p] = true
			}
		}
		if !slices.ContainsFunc(e.pairs, func(p string) bool { return !pairs[p] }) {
			out = append(out, e.telling)
		}
	}
	return out
}

// distinctShare is the share of the passages from which a word of a name
// no longer tells it from the corpus's other names: "Alibaba" of "Alibaba
// Cloud", "Alibaba Pictures" and "Alibaba Group".
const distinctShare = 0.5

// Lacks reports whether text, read in context (a sentence under its
// heading), leaves out a name of several words the question gives, having
// none of the words that tell it from the others: "Alibaba's operating
// income was held back" is not about Alibaba Cloud, however much else of
// "Alibaba Cloud's revenue before 2020" it shares.
func (m Matcher) Lacks(text, context TermSet) bool {
	for _, words := range m.named {
		for _, w := range words {
			if !text[w] && !context[w] {
				return true
			}
		}
	}
	return false
}

// AboutAnother reports whether s opens on a name of several words the
// corpus gives, of which the question has only the words it shares with
// the corpus's other names: "Alibaba Pictures trades … under the code
// HKEX: 1060" is about Alibaba Pictures, not the Alibaba whose stock
// "should I buy alibaba stock" asks about, nor does "Alibaba Cloud was
// launched in 2009" say when Alibaba started.
func (m Matcher) AboutAnother(s Sentence) bool {
	asked := func(w string) bool { return slices.ContainsFunc(m.terms, func(t term) bool { return t.text == w }) }
	for _, e := range m.ix.entities {
		n := len(e.words)
		if len(e.telling) == 0 || !slices.Equal(s.seq[:min(n, len(s.seq))], e.words) && (s.opening < 0 || !slices.Equal(s.seq[s.opening:min(s.opening+n, len(s.seq))], e.words)) {
			continue
		}
		if !slices.ContainsFunc(e.telling, asked) && slices.ContainsFunc(e.words, asked) {
			return true
		}
	}
	return false
}

// HasRareNames reports whether the question gives a rare name: one of few
// passages, as InPassing reads them.
func (m Matcher) HasRareNames() bool { return len(m.rare) > 0 }

// NamesRare reports whether text holds a rare name of the question.
func (m Matcher) NamesRare(text, context TermSet) bool {
	for w := range m.rare {
		if text[w] || context[w] {
			return true
		}
	}
	return false
}

// rareNameShare is the largest share of the corpus's passages a name may
// occur in and still tell passages apart (Matcher.InPassing): "Alibaba"
// is in every passage of the series, "Bilibili" in one.
const rareNameShare = 0.2

// relativePronouns open a clause that describes the name before it.
var relativePronouns = setOf("which", "who", "whom", "whose", "that", "where")

// nearWords is how many words apart (not counting stop words) a name and
// what is asked about it may stand in a sentence that does not name it in
// passing.
const nearWords = 4

// leadTerms is how many words open a sentence, where its subject stands,
// and maxOpening how many an opening phrase before a comma may have.
const (
	leadTerms  = 3
	maxOpening = 6
)

// InPassing reports whether text names the question's rare names (those
// of few passages) only in passing: none among its first words, where the
// subject stands, and none near another word of the question. "Bilibili's
// revenue in 2021" is not answered by "Youku was the third biggest … as of
// March 2021, trailing only iQIYI … and Bilibili", nor "how many users does
// WeChat have" by a sentence on DingTalk that ends "alongside Tencent's
// WeChat for Business". A question that asks nothing but its names ("what
// was UCWeb?") is answered by a mention in passing: it is what the series
// says of them. Nor is a mention followed by what the name is, set off by
// a comma, one in passing: "what company was UCWeb?" is answered by
// "…among them UCWeb, back then a widely used browser maker and internet
// company".
func (m Matcher) InPassing(s Sentence) bool {
	if len(m.rare) == 0 || len(m.asked) == 0 {
		return false
	}
	lead := func(i int) bool {
		if i < leadTerms || s.opening >= 0 && i >= s.opening && i < s.opening+leadTerms {
			return true
		}
		k := s.clauseOf(i)
		start := 0
		if k > 0 {
			start = s.clauses[k-1]
		}
		return k < len(s.alias) && s.alias[k] && i < start+leadTerms
	}
	// A sentence whose subject is a name the question gives, of several
	// words, is about it, whatever else it names: "Alibaba Pictures trades
	// … under the code HKEX: 1060" answers "Alibaba Pictures' ticker on
	// HKEX".
	for _, words := range m.named {
		if !slices.ContainsFunc(words, func(w string) bool {
			i := slices.Index(s.seq, w)
			return i < 0 || !lead(i)
		}) {
			return false
		}
	}
	var at, others []int
	for i, t := range s.seq {
		switch {
		case m.rare[t]:
			if lead(i) {
				return false
			}
			at = append(at, i)
		case m.asked[t] && !unicode.IsDigit(rune(t[0])):
			// A year beside a name says when, not what is asked of it:
			// "… as of March 2021, trailing only iQIYI, which Baidu
			// founded" says nothing of Baidu's revenue in 2021.
			others = append(others, i)
		}
	}
	if len(at) == 0 {
		return false
	}
	for _, i := range at {
		for _, j := range others {
			if j-i <= nearWords && i-j <= nearWords && !s.describesAnother(i, j) {
				return false
			}
		}
		for _, t := range s.apposed(i) {
			if m.asked[t] {
				return false
			}
		}
	}
	return true
}

// Sentence is a sentence read for matching questions against: what it says
// (Terms, as Terms gives them), in order, and where an opening phrase ("On
// the basis of monthly active users, Youku was …") ends.
type Sentence struct {
	Terms   TermSet
	seq     []string
	opening int // content terms before the opening phrase's comma, or -1
	// clauses holds where each part of the sentence between commas ends,
	// in content terms, and relative which of them open on a relative
	// pronoun.
	clauses  []int
	relative []bool
	// alias marks the parts that give another name of the subject ("Amap
	// (高德地图), known as AutoNavi …"): a name there is the subject's.
	alias []bool
}

// clauseOf returns which part of the sentence between commas term i is in.
func (s Sentence) clauseOf(i int) int {
	for k, end := range s.clauses {
		if i < end {
			return k
		}
	}
	return len(s.clauses)
}

// describesAnother reports whether term j stands in a relative clause
// ("…, which Baidu founded,") that term i is not in: such a clause says
// something of the name before it, not of i ("… trailing only iQIYI,
// which Baidu founded, and Bilibili" says nothing of who founded
// Bilibili).
func (s Sentence) describesAnother(i, j int) bool {
	k := s.clauseOf(j)
	return k < len(s.relative) && s.relative[k] && s.clauseOf(i) != k
}

// apposed returns the terms of the clause after the one term i ends, if it
// ends one: there a sentence says what the name before the comma is
// ("among them UCWeb, back then a widely used browser maker and internet
// company").
func (s Sentence) apposed(i int) []string {
	for k, end := range s.clauses {
		if end == i+1 && k+1 < len(s.clauses) {
			return s.seq[end:s.clauses[k+1]]
		}
		if end > i {
			break
		}
	}
	return nil
}

// Sentence reads text for Matcher.InPassing and MatchTerms, analysing it
// once.
func (ix *Index) Sentence(text string) Sentence {
	s := Sentence{opening: -1}
	for _, clause := range strings.Split(text, ", ") {
		s.seq = append(s.seq, contentOf(contentTerms(clause))...)
		s.clauses = append(s.clauses, len(s.seq))
		first, _, _ := strings.Cut(clause, " ")
		s.relative = append(s.relative, relativePronouns[strings.ToLower(first)])
		s.alias = append(s.alias, aliasClause.MatchString(clause))
	}
	s.Terms = make(TermSet, len(s.seq))
	for _, t := range s.seq {
		s.Terms[t] = true
	}
	if head, _, ok := strings.Cut(text, ","); ok && opensPhrase(head) {
		if n := len(contentTerms(head)); n <= maxOpening {
			s.opening = n
		}
	}
	return s
}

// aliasClause opens a part of a sentence that gives another name of its
// subject.
var aliasClause = regexp.MustCompile(`(?i)^(?:(?:formerly|previously|once|also|then|originally)\s+)?(?:known as|called|named)\b|^(?:formerly|previously)\b`)

// opensPhrase reports whether text begins as an opening phrase does, on a
// preposition or a participle ("On the basis of …", "In 2021", "Ranked by
// revenue", "According to …").
func opensPhrase(text string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	first = strings.ToLower(first)
	return phraseOpeners[first] || (strings.HasSuffix(first, "ed") || strings.HasSuffix(first, "ing")) && english.IsWord(first)
}

// phraseOpeners are the prepositions an opening phrase begins with.
var phraseOpeners = setOf("in", "on", "at", "as", "by", "since", "from", "during", "over", "after", "before", "for", "with", "under", "unlike", "like", "among", "between", "despite", "through", "within", "beyond", "besides")

// Unsaid returns the words of what the question asks about that the
// corpus never uses: "dividend" of "does Alibaba pay a dividend?", "cap"
// of "Alibaba's market cap". No sentence of the series can say what it
// never names, however much else of the question it shares. Names and
// figures are left to Match, which weighs them as names.
func (m Matcher) Unsaid() []string {
	var out []string
	for i, t := range m.terms {
		if !t.owned || t.han || t.surface == "" || unicode.IsDigit([]rune(t.surface)[0]) || len(m.ix.lex.postings[t.text]) > 0 {
			continue
		}
		// A clipping of the word the corpus always writes before the next
		// one is that word: "alibaba's op income" is its operating income.
		if i+1 < len(m.terms) && len(t.surface) >= 2 && strings.HasPrefix(m.ix.vocab.qualifier[m.terms[i+1].text], t.surface) {
			continue
		}
		// Names are Match's to weigh; and what follows an article is as
		// often how something is asked ("a good summary", "a quick
		// question") as what: a common word there is not what is asked.
		// An acronym is no name here ("alibaba's ceo"): it is said as a
		// word, and a series that never uses it never mentions it.
		if t.proper || t.capital || t.possessor || t.foreign && len(t.surface) >= minForeignLen || t.article && (t.common && !t.counted || !english.IsWord(t.surface)) {
			continue
		}
		if !slices.Contains(out, t.surface) {
			out = append(out, t.surface)
		}
	}
	for _, w := range m.unqualified {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// unqualified finds the words of a question (its word pairs and terms) that stand
// where the corpus always writes another word: the "net" of "net
// income", a series that writes only of operating income. A word of the
// corpus is no such word, nor one the question gives beside the corpus's
// own ("is it long or short form video?"), nor its clipping ("op
// income").
func (ix *Index) unqualified(pairs []string, terms []term) []string {
	if len(ix.vocab.qualifier) == 0 {
		return nil
	}
	var out []string
	for _, p := range pairs {
		before, head, _ := strings.Cut(p, " ")
		q := ix.vocab.qualifier[head]
		// A clipping of the corpus's word is that word ("op income").
		if q == "" || strings.HasPrefix(q, before) || len(ix.lex.postings[before]) > 0 {
			continue
		}
		i := slices.IndexFunc(terms, func(t term) bool { return t.text == before })
		if i < 0 || slices.ContainsFunc(terms, func(t term) bool { return t.text == q }) {
			continue
		}
		if t := terms[i]; !t.foreign && !t.typo && english.IsWord(t.surface) && !slices.Contains(out, t.surface) {
			out = append(out, t.surface)
		}
	}
	return out
}

// Match measures how much of the question text contains.
func (m Matcher) Match(text string) Match {
	return m.ix.lex.match(m.terms, termSet(text), nil)
}

// TermSet is what a text says, as Matcher measures it against questions:
// its content terms. A text measured against many questions is analysed
// once.
type TermSet map[string]bool

// Terms analyses text into its TermSet.
func (ix *Index) Terms(text string) TermSet { return termSet(text) }

// MatchTerms is MatchIn for texts analysed beforehand with Terms.
func (m Matcher) MatchTerms(text, context TermSet) Match {
	return m.ix.lex.match(m.terms, text, context)
}

// MatchIn measures how much of the question text contains, read in
// context (a sentence under its section heading): a question word found
// only in the context counts for half. "Tencent's cloud revenue" is not
// answered by a sentence naming Tencent under the heading Cloud
// Computing.
func (m Matcher) MatchIn(text, context string) Match {
	return m.ix.lex.match(m.terms, termSet(text), termSet(context))
}

// Holds reports whether p is a passage of the index, text and all.
func (ix *Index) Holds(p corpus.Passage) bool {
	i, ok := ix.byID[p.ID]
	return ok && ix.passages[i].Text == p.Text
}

// MatchPassage measures how much of the question a passage of the index
// contains, with its section heading, from the terms stored at build time.
// A passage the index does not hold is analysed as text.
func (m Matcher) MatchPassage(p corpus.Passage) Match {
	if i, ok := m.ix.byID[p.ID]; ok && m.ix.passages[i].Text == p.Text {
		return m.ix.lex.match(m.terms, m.ix.terms[i], nil)
	}
	return m.Match(indexedText(p))
}

// Subjects returns the words of text that name what it is about: words the
// corpus writes as names, however text writes them ("youku"), and words
// capitalised inside text; typos read as the corpus's words, each once, in
// order. A follow-up that names nothing ("and when was it launched?") is
// about the subjects of the question before it.
func (ix *Index) Subjects(text string) []string {
	_, terms, _ := ix.read(ix.aliases.translate(text))
	var out []string
	for _, t := range terms {
		if t.surface == "" || unicode.IsDigit([]rune(t.surface)[0]) || !(t.proper || ix.vocab.names[t.text]) {
			continue
		}
		if !slices.Contains(out, t.surface) {
			out = append(out, t.surface)
		}
	}
	return out
}
