package retrieval

import "testing"

// TestThesaurusTargetsAreStems guards the thesaurus against a target the
// analyzer can never produce from the corpus side: "rate" is stemmed to
// "rat", so a synonym mapped onto "rate" would meet nothing.
func TestThesaurusTargetsAreStems(t *testing.T) {
	check := func(from, to string) {
		t.Helper()
		if got := canonical(stem(to)); got != to {
			t.Errorf("%q maps to %q, but the text %q analyses to %q", from, to, to, got)
		}
	}
	for from, to := range synonyms {
		check(from, to)
	}
	for from, to := range hanLexicon {
		check(from, to)
	}
}
