// Package eval measures answer quality: a question set is run through an
// Answerer and through a plain BM25 baseline in the same run, so that a
// figure always stands beside what a simple system gets on the same
// questions.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"seriesbot/bot"
	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// Case is one line of a question set: an on-topic question with
// strings the answering passage (and answer) must contain and the part it
// comes from, or an off-topic question the bot must decline.
type Case struct {
	Q        string   `json:"q"`
	Expect   []string `json:"expect,omitempty"`
	Part     int      `json:"part,omitempty"`
	OffTopic bool     `json:"offtopic,omitempty"`
	// History holds questions asked before Q in the same conversation,
	// oldest first: Q is a follow-up, answered with their answers as its
	// context.
	History []string `json:"history,omitempty"`
}

// Read parses a JSONL question set. Errors name the line.
func Read(r io.Reader) ([]Case, error) {
	var qs []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		var q Case
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("line %d: text after the JSON object", n)
		}
		switch {
		case strings.TrimSpace(q.Q) == "":
			return nil, fmt.Errorf("line %d: no question (\"q\")", n)
		case askable(q.Q) != nil:
			return nil, fmt.Errorf("line %d: %w", n, askable(q.Q))
		case slices.ContainsFunc(q.History, func(h string) bool { return askable(h) != nil }):
			return nil, fmt.Errorf("line %d: history: a question that cannot be asked", n)
		case q.OffTopic && len(q.Expect) > 0:
			return nil, fmt.Errorf("line %d: an off-topic question cannot expect answers", n)
		case !q.OffTopic && len(q.Expect) == 0:
			return nil, fmt.Errorf("line %d: give \"expect\" strings or mark the question \"offtopic\": true", n)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errors.New("no questions")
	}
	return qs, nil
}

func askable(text string) error {
	_, err := bot.NewQuestion(text)
	return err
}

// Report holds the measures of one system over a question set.
type Report struct {
	System   string  `json:"system"`
	OnTopic  int     `json:"on_topic"`
	OffTopic int     `json:"off_topic"`
	Hit1     float64 `json:"hit_at_1"`
	Hit3     float64 `json:"hit_at_3"`
	MRR      float64 `json:"mrr"`
	// AnswerContains is the share of on-topic questions whose answer is
	// grounded and contains every expected string.
	AnswerContains float64 `json:"answer_contains_expected"`
	// Refusal is the share of off-topic questions the system declined.
	Refusal float64 `json:"offtopic_refusal"`
	// Answered is the share of on-topic questions the system did not
	// decline: the cost side of Refusal.
	Answered float64 `json:"on_topic_answered"`
	// ReachModel is the share of on-topic questions a language model
	// would be asked, when the answerer has one: the gate before the
	// model must let through every question a passage bears on. Nil for
	// a system without a model.
	ReachModel *float64 `json:"on_topic_reaching_model,omitempty"`
	Misses     []string `json:"misses,omitempty"`
}

// rank is where the evidence for q is complete among hits: the first n
// whose passages of the expected part hold every expected string between
// them (0 when they never do). For a question one passage answers, that is
// the rank of the first passage holding all of them; a comparison needs a
// passage for each side.
func rank(q Case, hits []retrieval.Hit) int {
	found := make([]bool, len(q.Expect))
	missing := len(q.Expect)
	for i, h := range hits {
		if q.Part > 0 && h.Passage.Part != q.Part {
			continue
		}
		text := strings.ToLower(h.Passage.Text)
		for j, w := range q.Expect {
			if !found[j] && strings.Contains(text, strings.ToLower(w)) {
				found[j] = true
				missing--
			}
		}
		if missing == 0 {
			return i + 1
		}
	}
	return 0
}

func containsAll(text string, want []string) bool {
	t := strings.ToLower(text)
	for _, w := range want {
		if !strings.Contains(t, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// evalRanks is how many hits each question's rank is looked for in.
const evalRanks = 10

type scorer struct {
	r       Report
	mrr     float64
	h1, h3  int
	contain int
	refused int
	answer  int
}

func (s *scorer) onTopic(q Case, hits []retrieval.Hit, ans bot.Answer) {
	s.r.OnTopic++
	rank := rank(q, hits)
	if rank == 1 {
		s.h1++
	}
	if rank >= 1 && rank <= 3 {
		s.h3++
	}
	if rank > 0 {
		s.mrr += 1 / float64(rank)
	}
	if ans.Grounded {
		s.answer++
	}
	ok := ans.Grounded && containsAll(ans.Text, q.Expect)
	if ok {
		s.contain++
	}
	if rank != 1 || !ok {
		s.r.Misses = append(s.r.Misses, fmt.Sprintf("rank %d, answer ok %v: %s", rank, ok, q.Q))
	}
}

func (s *scorer) offTopic(q Case, ans bot.Answer) {
	s.r.OffTopic++
	if !ans.Grounded {
		s.refused++
	} else {
		s.r.Misses = append(s.r.Misses, "answered off-topic: "+q.Q)
	}
}

func (s *scorer) report() Report {
	r := s.r
	if r.OnTopic > 0 {
		n := float64(r.OnTopic)
		r.Hit1, r.Hit3, r.MRR = float64(s.h1)/n, float64(s.h3)/n, s.mrr/n
		r.AnswerContains, r.Answered = float64(s.contain)/n, float64(s.answer)/n
	}
	if r.OffTopic > 0 {
		r.Refusal = float64(s.refused) / float64(r.OffTopic)
	}
	return r
}

// Run runs every question through the answerer; k is the number of
// passages the answerer retrieves (0 = its default). Ranks are always
// looked for among evalRanks hits, searched for as the answerer searches.
func Run(ctx context.Context, a *bot.Answerer, qs []Case, k int) (Report, error) {
	s := scorer{r: Report{System: "seriesbot (" + a.Snapshot().Index.Embedder() + " + BM25, fused)"}}
	for _, c := range qs {
		q, err := bot.NewQuestion(c.Q)
		if err != nil {
			return Report{}, fmt.Errorf("question %q: %w", c.Q, err)
		}
		q.K = k
		if q.History, err = conversation(ctx, a, c.History, k); err != nil {
			return Report{}, err
		}
		ans, err := a.Answer(ctx, q, nil)
		if err != nil {
			return Report{}, fmt.Errorf("answer %q: %w", c.Q, err)
		}
		if c.OffTopic {
			s.offTopic(c, ans)
			continue
		}
		q.K = evalRanks
		hits, err := a.Search(ctx, q)
		if err != nil {
			return Report{}, fmt.Errorf("search %q: %w", c.Q, err)
		}
		s.onTopic(c, hits, ans)
	}
	return s.report(), nil
}

// Reach measures how many of the on-topic questions of qs an answerer of
// snap with a language model would ask the model: it runs them with a
// model that answers at once, in process, and counts the questions it was
// asked to answer (a follow-up's condensing aside).
func Reach(ctx context.Context, snap *bot.Snapshot, qs []Case, k int) (float64, error) {
	chat := &countingChat{}
	a := bot.NewAnswerer(snap)
	a.LLM = chat
	// The stand-in's condensing replies are unusable by design; the
	// answerer's warnings about them say nothing.
	a.Log = slog.New(slog.DiscardHandler)
	reached, onTopic := 0, 0
	for _, c := range qs {
		if c.OffTopic {
			continue
		}
		onTopic++
		q, err := bot.NewQuestion(c.Q)
		if err != nil {
			return 0, fmt.Errorf("question %q: %w", c.Q, err)
		}
		q.K = k
		if q.History, err = conversation(ctx, a, c.History, k); err != nil {
			return 0, err
		}
		before := chat.answers
		if _, err := a.Answer(ctx, q, nil); err != nil {
			return 0, fmt.Errorf("answer %q: %w", c.Q, err)
		}
		if chat.answers > before {
			reached++
		}
	}
	if onTopic == 0 {
		return 0, nil
	}
	return float64(reached) / float64(onTopic), nil
}

// countingChat stands for a language model in Reach: it counts the calls
// that ask it for an answer (those with the system prompt; condensing a
// follow-up has none) and answers at once, citing nothing. Asked to
// condense a follow-up it returns nothing usable, so that the follow-up
// is read as it would be offline: the measure does not credit a model's
// reading of a conversation.
type countingChat struct{ answers int }

func (c *countingChat) Stream(_ context.Context, msgs []bot.Message, _ func(string)) (string, error) {
	if len(msgs) == 0 || msgs[0].Role != bot.RoleSystem {
		return "", nil
	}
	c.answers++
	return "The sources do not say.", nil
}

// conversation asks the earlier questions of a follow-up in turn, each
// with the turns before it, as a user in a thread would have, and returns
// the turns.
func conversation(ctx context.Context, a *bot.Answerer, earlier []string, k int) ([]bot.Turn, error) {
	var turns []bot.Turn
	for _, text := range earlier {
		q, err := bot.NewQuestion(text)
		if err != nil {
			return nil, fmt.Errorf("history %q: %w", text, err)
		}
		q.K, q.History = k, turns
		ans, err := a.Answer(ctx, q, nil)
		if err != nil {
			return nil, fmt.Errorf("answer %q: %w", text, err)
		}
		turns = append(turns, bot.Turn{Question: q.Text(), Answer: ans.Text})
	}
	return turns, nil
}

// Baseline measures plain BM25 over the paragraphs of lib. Its answer is
// the best paragraph, and it declines only when no paragraph shares a word
// with the question (and, for a follow-up, the questions before it).
func Baseline(lib *corpus.Library, qs []Case) Report {
	var paras []corpus.Passage
	for _, a := range lib.Articles {
		for _, sec := range a.Sections {
			for _, p := range sec.Paragraphs {
				paras = append(paras, corpus.Passage{Part: a.Part, Title: a.Title, URL: a.URL, Section: sec.Heading, Text: p})
			}
		}
	}
	b := retrieval.NewBaseline(paras)
	s := scorer{r: Report{System: "baseline (plain BM25 over paragraphs)"}}
	for _, q := range qs {
		// A follow-up is searched with the conversation before it: the
		// simplest way a system without a notion of turns reads one.
		hits := b.Search(strings.Join(append(slices.Clone(q.History), q.Q), " "), evalRanks)
		var ans bot.Answer
		if len(hits) > 0 {
			ans = bot.Answer{Text: hits[0].Passage.Text, Grounded: true}
		}
		if q.OffTopic {
			s.offTopic(q, ans)
		} else {
			s.onTopic(q, hits, ans)
		}
	}
	return s.report()
}
