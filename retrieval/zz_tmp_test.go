package retrieval

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"seriesbot/corpus"
)

func TestZZMatch(t *testing.T) {
	ps := corpus.Default().Passages(0)
	ix, err := Build(context.Background(), ps, NewLocalEmbedder(defaultTexts(t), 0))
	if err != nil {
		t.Fatal(err)
	}
	q := os.Getenv("Q")
	_, terms := ix.read(ix.aliases.translate(q))
	for _, tm := range terms {
		fmt.Printf("%+v known=%v df=%d\n", tm, len(ix.lex.postings[tm.text]) > 0, len(ix.lex.postings[tm.text]))
	}
	hits, _ := ix.Search(context.Background(), q, Options{K: 5})
	m := ix.Matcher(q)
	for _, h := range hits {
		fmt.Printf("%s | %+v | %.60s\n", h.Passage.ID, m.MatchPassage(h.Passage), h.Passage.Text)
	}
}

func TestZZSent(t *testing.T) {
	ix := defaultIndex(t)
	q := os.Getenv("Q")
	m := ix.Matcher(q)
	for _, s := range strings.Split(os.Getenv("S"), "|") {
		fmt.Printf("%+v | %s\n", m.Match(s), s)
	}
}
