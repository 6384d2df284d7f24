package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strings"
	"sync"
	"time"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// Snapshot is what the answerer serves: the corpus and the index built over
// it, swapped together on reload so they never disagree.
type Snapshot struct {
	Corpus *corpus.Library
	// Index is searched with the embedder it was built with, which it
	// holds: vectors of two models are never compared.
	Index *retrieval.Index
	// Local indexes the same passages with the local embedder when Index
	// uses a remote one, so that a question is still answered when the
	// remote embedder fails. Nil otherwise.
	Local *retrieval.Index
	// Series is what the prompts call the corpus; empty means
	// prompts.DefaultSeries.
	Series string
	// Version is the stored version served (see retrieval.Store); empty
	// when the index lives in memory only.
	Version string
	// fingerprint identifies what is served and how it was indexed, to
	// tell whether it is stored already.
	fingerprint string

	// read holds what answering needs of each passage, by ID, read the
	// first time a question needs it (passage): a question is answered in
	// a fraction of a millisecond because its sentences are not analysed
	// again for it, and a command that asks one question (ask) reads only
	// the passages it retrieves.
	readMu sync.Mutex
	read   map[string]*readPassage
	// kindsRead holds the kinds of answer each passage holds, for ranking
	// (kinds), read without the rest of readPassage.
	kindsRead map[string]kindSet
	// sentenceKinds holds the kinds of answer of each sentence of each
	// passage, when they were read before the snapshot was (one written
	// down, UnmarshalSnapshot): readOne need not read them again.
	sentenceKinds map[string][]kindSet
}

// readPassage is a passage as answering reads it: its sentences with their
// terms and the kinds of answer each can hold, its heading's terms, and
// the kinds of answer the whole passage holds.
type readPassage struct {
	heading retrieval.TermSet
	// title holds the terms of the passage's article title: what a
	// question naming the part by its subject ("the financial part") reads
	// its sentences in, besides their context.
	title     retrieval.TermSet
	sentences []readSentence
	kinds     kindSet
}

type readSentence struct {
	text  string
	read  retrieval.Sentence
	kinds kindSet
	// presents marks a sentence that says what a part of the series
	// presents; lead is its first word past an opening phrase, where its
	// subject stands (see opensWith).
	presents bool
	lead     string
	// context is what the sentence is read in: its passage's heading, and
	// the words by which the sentence after it refers back to it ("Part 4
	// of the series returns to this growth strategy"), which say what it
	// was about. A question word found only there counts for less.
	context retrieval.TermSet
}

// kinds returns the kinds of answer p holds, as passage does, reading only
// what they need: search asks it of many passages, answering reads few.
func (s *Snapshot) kinds(p corpus.Passage) kindSet {
	if !s.Index.Holds(p) {
		return passageKinds(p)
	}
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if r, ok := s.read[p.ID]; ok {
		return r.kinds
	}
	k, ok := s.kindsRead[p.ID]
	if !ok {
		k = passageKinds(p)
		if s.kindsRead == nil {
			s.kindsRead = make(map[string]kindSet, s.Index.Len())
		}
		s.kindsRead[p.ID] = k
	}
	return k
}

// passageKinds reads the kinds of answer p's sentences hold.
func passageKinds(p corpus.Passage) kindSet {
	var k kindSet
	for _, s := range sentenceKinds(p) {
		k |= s
	}
	return k
}

// sentenceKinds reads the kinds of answer each of p's sentences holds.
func sentenceKinds(p corpus.Passage) []kindSet {
	var out []kindSet
	for _, s := range corpus.Sentences(p.Text) {
		out = append(out, kindsOf(s))
	}
	return out
}

// passage returns what answering needs of p, read the first time it is
// asked for, and kept; a passage the index does not hold is read anew each
// time.
func (s *Snapshot) passage(p corpus.Passage) *readPassage {
	if !s.Index.Holds(p) {
		return readOne(s.Index, p, nil)
	}
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if r, ok := s.read[p.ID]; ok {
		return r
	}
	r := readOne(s.Index, p, s.sentenceKinds[p.ID])
	if s.read == nil {
		s.read = make(map[string]*readPassage, s.Index.Len())
	}
	s.read[p.ID] = r
	return r
}

// readOne reads p for answering. kinds, when not nil, are the kinds of
// answer of its sentences, read before.
func readOne(ix *retrieval.Index, p corpus.Passage, kinds []kindSet) *readPassage {
	r := &readPassage{heading: ix.Terms(p.Section), title: ix.Terms(p.Title)}
	sentences := corpus.Sentences(p.Text)
	if len(kinds) != len(sentences) {
		kinds = nil
	}
	for i, s := range sentences {
		read := ix.Sentence(s)
		rs := readSentence{
			text:     s,
			read:     read,
			presents: presentsTheSeries.MatchString(s),
			lead:     leadWord(s),
		}
		if kinds != nil {
			rs.kinds = kinds[i]
		} else {
			rs.kinds = kindsOf(s)
		}
		r.kinds |= rs.kinds
		r.sentences = append(r.sentences, rs)
	}
	for i := range r.sentences {
		r.sentences[i].context = contextOf(ix, r.heading, r.sentences, i)
	}
	return r
}

// contextOf is what sentence i is read in: heading, and the words by which
// the sentence after it refers back to it, when it does.
func contextOf(ix *retrieval.Index, heading retrieval.TermSet, sentences []readSentence, i int) retrieval.TermSet {
	if i+1 >= len(sentences) {
		return heading
	}
	named := refersBack.FindStringSubmatch(sentences[i+1].text)
	if named == nil || notReferring[strings.ToLower(strings.Fields(named[1])[0])] {
		return heading
	}
	c := maps.Clone(heading)
	if c == nil {
		c = retrieval.TermSet{}
	}
	maps.Copy(c, ix.Terms(named[1]))
	return c
}

// refersBack finds a sentence that names what the one before it said by
// a demonstrative ("this growth strategy", "these businesses"), and the
// words it names it by: up to three, to the punctuation.
var refersBack = newLazyRegexp(`(?i)\b(?:this|these)\s+([a-z]+(?:[ -][a-z]+){0,2})`)

// notReferring are the words after "this" or "these" that name no earlier
// sentence: a verb ("this is why"), or a time ("this year").
var notReferring = map[string]bool{
	"is": true, "was": true, "are": true, "were": true, "has": true, "have": true, "had": true, "means": true, "meant": true, "shows": true, "showed": true, "makes": true, "made": true,
	"year": true, "years": true, "month": true, "months": true, "quarter": true, "quarters": true, "week": true, "weeks": true, "time": true, "day": true, "days": true,
}

// Loader builds what the answerer serves from a corpus source. It is kept
// by the caller so that a reload re-reads the same source the same way.
type Loader struct {
	// Dir is a folder of articles; empty means the embedded default corpus.
	Dir string
	// Embedder makes passage vectors; nil means the offline local embedder.
	// A remote one (bot/llm's) is called only for passages whose text it
	// has not embedded before (see Update), and a local index is built
	// beside it as a fallback (Snapshot.Local).
	Embedder retrieval.Embedder
	// MaxChars bounds passages; 0 means the corpus default.
	MaxChars int
	// Read reads the corpus. previous is the corpus served or stored
	// before (nil on a first load without a store), for a reader that
	// keeps an article it cannot read now. Nil means Dir, or the embedded
	// default, read as files, with no fetches to report.
	Read func(ctx context.Context, previous *corpus.Library) (*corpus.Library, SourceReport, error)
	// Store keeps the index between runs and shares it with the other
	// processes of a shard set; nil keeps it in memory only.
	Store *retrieval.Store
	// Strict refuses a load in which any source failed, instead of
	// serving the rest.
	Strict bool
	// Progress, when set, is told how far a stage ("embedding") has come.
	Progress func(stage string, done, total int)
	// Log receives what a load recovered from (a corrupt stored index);
	// nil means slog.Default().
	Log *slog.Logger
}

func (l Loader) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}

// Load reads the corpus and builds its index, from scratch or from what
// the store holds. Files that could not be read are reported in warn (a
// *corpus.LoadError) while the rest load; err is set only when nothing
// usable was loaded.
func (l Loader) Load(ctx context.Context) (snap *Snapshot, warn error, err error) {
	snap, rep, err := l.Update(ctx, nil)
	if err != nil && !errors.Is(err, ErrNotSaved) {
		return nil, rep.warn, err
	}
	return snap, rep.warn, nil
}

// ErrNotSaved marks an Update whose index was built, and returned, but
// could not be written to the store.
var ErrNotSaved = errors.New("the index was not saved")

// Update reads the corpus again and builds its index beside current (nil
// on a first load), reusing every vector that current, or the store,
// already holds for a passage's text: an unchanged corpus costs no
// embedding call. The result is written to the store as a new version
// when it differs from the stored one.
//
// An error means nothing changed for whoever serves current — except
// ErrNotSaved, returned with a snapshot that is good to serve but was not
// written. The report is filled as far as the load got.
func (l Loader) Update(ctx context.Context, current *Snapshot) (*Snapshot, Report, error) {
	started := time.Now()
	rep := Report{Errors: []SourceError{}}
	finish := func(snap *Snapshot, err error) (*Snapshot, Report, error) {
		rep.TookMS = time.Since(started).Milliseconds()
		return snap, rep, err
	}

	var previous *corpus.Library
	var reuse []*retrieval.Vectors
	stored := ""
	if current != nil {
		previous = current.Corpus
		reuse = current.vectors()
	}
	saved, upToDate, err := l.stored(ctx, current)
	switch {
	case ctx.Err() != nil:
		return finish(nil, ctx.Err())
	case err != nil && !errors.As(err, new(*retrieval.CorruptError)):
		// The store did not answer: embedding everything again would
		// cost what it is there to save.
		return finish(nil, fmt.Errorf("read the stored index: %w", err))
	case err != nil:
		// Rebuilt below, and the rebuilt index replaces it.
		l.log().Warn("the stored index cannot be used; building it again", "store", l.Store, "err", err)
		rep.Errors = append(rep.Errors, SourceError{Source: l.Store.String(), Error: err.Error()})
	case saved != nil:
		stored = saved.Fingerprint
		reuse = append(reuse, saved.Vectors...)
		if previous == nil {
			previous = saved.Library
		}
	case upToDate:
		stored = current.fingerprint
	}

	lib, src, err := l.read(ctx, previous)
	rep.Fetched = src.Fetched
	rep.Errors = append(rep.Errors, src.Errors...)
	rep.Articles.Failed = len(src.Errors)
	rep.warn = src.warn
	if err != nil {
		return finish(nil, err)
	}
	if l.Strict && len(src.Errors) > 0 {
		return finish(nil, fmt.Errorf("%d source(s) could not be read, and a strict load takes all or nothing: %s: %s",
			len(src.Errors), src.Errors[0].Source, src.Errors[0].Error))
	}
	rep.Stale = src.Stale
	rep.Articles.diff(previous, lib, src.Stale)

	snap, stats, err := l.build(ctx, lib, reuse)
	rep.Passages = snap.passages()
	rep.Embedded = stats.Embedded
	if err != nil {
		return finish(nil, err)
	}
	if l.Store == nil {
		return finish(snap, nil)
	}
	if stored != "" && stored == snap.fingerprint {
		snap.Version = current.versionOr(saved)
		return finish(snap, nil)
	}
	indexes := []*retrieval.Index{snap.Index}
	if snap.Local != nil {
		indexes = append(indexes, snap.Local)
	}
	version, err := l.Store.Save(ctx, lib, l.MaxChars, snap.fingerprint, indexes...)
	if err != nil {
		// Marked as the version it replaces, so that following the store
		// (Commands.Follow) swaps in only a version saved after it.
		snap.Version = current.versionOr(saved)
		rep.Errors = append(rep.Errors, SourceError{Source: l.Store.String(), Error: err.Error()})
		return finish(snap, fmt.Errorf("%w: %w", ErrNotSaved, err))
	}
	snap.Version = version
	rep.Saved = true
	return finish(snap, nil)
}

// stored reads the store's current version, unless current is that
// version already (upToDate): its vectors are at hand.
func (l Loader) stored(ctx context.Context, current *Snapshot) (saved *retrieval.Saved, upToDate bool, err error) {
	if l.Store == nil {
		return nil, false, nil
	}
	if current != nil && current.Version != "" {
		v, err := l.Store.Version(ctx)
		if err == nil && v == current.Version {
			return nil, true, nil
		}
	}
	saved, err = l.Store.Load(ctx)
	return saved, false, err
}

// Latest returns the store's current version when it is not the one
// current serves (another process saved a new one), built without reading
// the corpus or embedding what the store holds vectors for; nil when
// current is up to date or the store is empty.
func (l Loader) Latest(ctx context.Context, current *Snapshot) (*Snapshot, error) {
	if l.Store == nil {
		return nil, nil
	}
	v, err := l.Store.Version(ctx)
	if err != nil || v == "" || (current != nil && v == current.Version) {
		return nil, err
	}
	saved, err := l.Store.Load(ctx)
	if err != nil || saved == nil {
		return nil, err
	}
	snap, _, err := l.build(ctx, saved.Library, saved.Vectors)
	if err != nil {
		return nil, err
	}
	snap.Version = saved.Version
	return snap, nil
}

// read reads the corpus with Read, or from Dir (the embedded default when
// empty).
func (l Loader) read(ctx context.Context, previous *corpus.Library) (*corpus.Library, SourceReport, error) {
	if l.Read != nil {
		return l.Read(ctx, previous)
	}
	var src SourceReport
	if l.Dir == "" {
		return corpus.Default(), src, nil
	}
	st, err := os.Stat(l.Dir)
	if err != nil {
		return nil, src, fmt.Errorf("corpus %s: %w", l.Dir, err)
	}
	if !st.IsDir() {
		return nil, src, fmt.Errorf("corpus %s: not a directory", l.Dir)
	}
	c, err := corpus.Load(os.DirFS(l.Dir))
	var le *corpus.LoadError
	if errors.As(err, &le) && c != nil {
		src.warn, err = err, nil
		for _, f := range le.Files {
			src.Errors = append(src.Errors, SourceError{Source: f.Name, Error: f.Err.Error()})
		}
	}
	if err != nil {
		return nil, src, fmt.Errorf("corpus %s: %w", l.Dir, err)
	}
	return c, src, nil
}

// build indexes lib, reusing the vectors in reuse.
func (l Loader) build(ctx context.Context, lib *corpus.Library, reuse []*retrieval.Vectors) (*Snapshot, retrieval.BuildStats, error) {
	passages := lib.Passages(l.MaxChars)
	opt := retrieval.BuildOptions{Reuse: reuse}
	if l.Progress != nil {
		opt.Progress = func(done, total int) { l.Progress("embedding", done, total) }
	}
	ix, stats, err := retrieval.BuildWith(ctx, passages, l.Embedder, opt)
	if err != nil {
		return nil, stats, err
	}
	snap := &Snapshot{Corpus: lib, Index: ix, Series: seriesName(l.Dir, lib)}
	if l.Embedder != nil {
		// Milliseconds to build, and it keeps questions answered when
		// the remote embedder is down.
		if snap.Local, _, err = retrieval.BuildWith(ctx, passages, nil, retrieval.BuildOptions{Reuse: reuse}); err != nil {
			return nil, stats, err
		}
	}
	snap.fingerprint = fingerprint(lib, l.MaxChars, snap)
	return snap, stats, nil
}

// fingerprint identifies what a snapshot serves and how it was indexed:
// two with the same need not be stored twice.
func fingerprint(lib *corpus.Library, maxChars int, snap *Snapshot) string {
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(lib); err != nil {
		return "" // never equal to a stored one: the index is saved again
	}
	fmt.Fprintf(h, "%d\x00%s\x00", maxChars, snap.Index.Model())
	if snap.Local != nil {
		h.Write([]byte(snap.Local.Model()))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// vectors returns what a build beside s can reuse.
func (s *Snapshot) vectors() []*retrieval.Vectors {
	out := []*retrieval.Vectors{s.Index.Vectors()}
	if s.Local != nil {
		out = append(out, s.Local.Vectors())
	}
	return out
}

// versionOr is the stored version s serves, else saved's.
func (s *Snapshot) versionOr(saved *retrieval.Saved) string {
	if saved != nil {
		return saved.Version
	}
	if s != nil {
		return s.Version
	}
	return ""
}

func (s *Snapshot) passages() int {
	if s == nil {
		return 0
	}
	return s.Index.Len()
}

// seriesName is what the prompts call a corpus: empty (the default) for the
// embedded series, else the series its manifest or articles name.
func seriesName(dir string, c *corpus.Library) string {
	switch {
	case dir == "":
		return ""
	case c.Manifest.Series != "":
		return "the " + c.Manifest.Series + " article series"
	}
	return "an article series"
}
