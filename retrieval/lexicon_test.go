package retrieval

import (
	"strings"
	"testing"
)

// TestThesaurusTargetsAreStems guards the thesaurus against a target the
// analyzer can never produce from the corpus side: "rate" is stemmed to
// "rat", so a synonym mapped onto "rate" would meet nothing.
func TestThesaurusTargetsAreStems(t *testing.T) {
	check := func(from, to string) {
		t.Helper()
		// A stem is what some word analyses to: the target itself, or the
		// target with the final e the stemmer removed ("clos" from "close").
		if got := canonical(stem(to)); got != to && canonical(stem(to+"e")) != to {
			t.Errorf("%q maps to %q, but the text %q analyses to %q", from, to, to, got)
		}
	}
	for from, to := range synonyms {
		check(from, to)
	}
	for from, to := range hanLexicon {
		for _, t := range strings.Fields(to) {
			check(from, t)
		}
	}
}
