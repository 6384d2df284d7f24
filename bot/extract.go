package bot

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"seriesbot/corpus"
	"seriesbot/retrieval"
)

// Weights of the sentence score: what the sentence itself covers of the
// question dominates; the passage it sits in and its rank break ties, so a
// sentence from the best passage wins over an equally good one elsewhere.
const (
	passageWeight = 0.3
	rankWeight    = 0.05
	// keepRatio: further sentences must score at least this share of the
	// best one, or the answer would pad with loosely related text.
	keepRatio = 0.75
)

// extract picks the sentences of hits that best answer question and cites
// each. It returns no sources when no sentence covers enough of the
// question: the decision is taken per sentence, not per passage, because a
// passage can hold every word of "Tencent's revenue in 2021" in three
// different sentences without saying anything about Tencent's revenue.
func (a *Answerer) extract(ix *retrieval.Index, question string, hits []retrieval.Hit) (string, []Source) {
	type candidate struct {
		hit   int
		text  string
		cov   float64
		score float64
	}
	var cands []candidate
	kind := kindOf(question)
	q := ix.Matcher(question)
	for i, h := range hits {
		// A passage that names none of the names in the question is about
		// something else: "Tencent's revenue in 2021" is not answered by
		// Alibaba Cloud's revenue in 2021.
		if pm := q.MatchPassage(h.Passage); pm.Names > 0 && pm.NamesMatched == 0 {
			continue
		}
		for _, s := range corpus.Sentences(h.Passage.Text) {
			// A sentence that cannot be the kind of answer asked for is
			// not an answer, however many words it shares.
			if !kind.fits(s) {
				continue
			}
			// The heading is context the sentence leaves implicit.
			m := q.Match(h.Passage.Section + ". " + s)
			// One word of a longer question is a coincidence, not an
			// answer: "Tencent's revenue in 2021" against a sentence that
			// only names Tencent.
			if m.Matched == 0 || m.Matched < min(2, m.Terms) {
				continue
			}
			// Every quoted sentence, not only the best, must cover enough of
			// the question and be about one of its names: "How many
			// customers does Alibaba Cloud serve?" is not answered by how
			// many consumers Ant Group serves.
			if m.Coverage < a.minCoverage() || m.Names > 0 && m.NamesMatched == 0 {
				continue
			}
			cov := m.Coverage
			score := cov + passageWeight*h.Coverage + rankWeight/float64(i+1)
			cands = append(cands, candidate{hit: i, text: s, cov: cov, score: score})
		}
	}
	if len(cands) == 0 {
		return "", nil
	}
	slices.SortStableFunc(cands, func(x, y candidate) int { return cmp.Compare(y.score, x.score) })
	maxN := a.MaxSentences
	if maxN <= 0 {
		maxN = 3
	}
	var chosen []candidate
	seen := make(map[string]bool)
	for _, c := range cands {
		if len(chosen) == maxN || c.score < keepRatio*cands[0].score {
			break
		}
		if seen[c.text] {
			continue
		}
		seen[c.text] = true
		chosen = append(chosen, c)
	}

	var sources []Source
	numOf := make(map[int]int) // hit index → citation number
	var b strings.Builder
	for _, c := range chosen {
		n, ok := numOf[c.hit]
		if !ok {
			h := hits[c.hit]
			n = len(sources) + 1
			numOf[c.hit] = n
			sources = append(sources, sourceOf(h, c.hit+1))
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(cite(c.text, n))
	}
	return b.String(), sources
}

// cite puts the marker [n] inside the sentence's final punctuation:
// "… revenue [1]." reads better than "… revenue. [1]".
func cite(sentence string, n int) string {
	marker := "[" + strconv.Itoa(n) + "]"
	s := strings.TrimRight(sentence, " ")
	for _, p := range []string{".", "!", "?", "。", "！", "？"} {
		if strings.HasSuffix(s, p) {
			return strings.TrimSuffix(s, p) + " " + marker + p
		}
	}
	return s + " " + marker
}
