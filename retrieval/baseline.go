package retrieval

import (
	"strings"
	"unicode"

	"seriesbot/corpus"
)

// Baseline is plain BM25 over whole paragraphs with the simplest tokenizer
// (lower-cased words, CJK characters one by one, no stemming, no stop
// words, no vectors). It exists to be beaten: the eval command reports it
// beside the real index so every retrieval change is measured against a
// fixed, well-known reference.
type Baseline struct {
	passages []corpus.Passage
	lex      *bm25
}

// NewBaseline indexes passages as they are, without section headings.
func NewBaseline(passages []corpus.Passage) *Baseline {
	docs := make([][]string, len(passages))
	for i, p := range passages {
		docs[i] = plainTokens(p.Text)
	}
	return &Baseline{passages: passages, lex: newBM25(docs)}
}

// Search returns up to k passages by BM25 score; a passage that shares no
// word with the question is never returned.
func (b *Baseline) Search(question string, k int) []Hit {
	res := b.lex.search(plainTokens(question), nil, k)
	hits := make([]Hit, len(res))
	for i, r := range res {
		hits[i] = Hit{Passage: b.passages[r.doc], Score: r.score}
	}
	return hits
}

func plainTokens(text string) []string {
	var out []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			out = append(out, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}
