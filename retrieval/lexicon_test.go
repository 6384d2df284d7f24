package retrieval

import (
	"strings"
	"testing"

	"seriesbot/corpus"
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

func TestStartsWord(t *testing.T) {
	for _, c := range []struct {
		text, key string
		want      bool
	}{
		{"why did it go up so much", "up", true},
		{"up-to-date", "up", true},
		{"the group grew", "up", false},
		{"a group that went up", "up", true}, // a later occurrence counts
		{"revenue of rmb5bn", "bn", true},    // after a figure
		{"2017-21", "-", true},
		{"online sales", "line", false},
		{"top-line growth", "line", true},
		{"", "up", false},
	} {
		if got := startsWord(c.text, c.key); got != c.want {
			t.Errorf("startsWord(%q, %q) = %v, want %v", c.text, c.key, got, c.want)
		}
	}
}

// Checking keys changes no reading: the series' passages and the phrases'
// own examples come out the same as with every expression run on them.
func TestPhrasesKeyedByWordStart(t *testing.T) {
	var texts []string
	for _, p := range corpus.Default().Passages(0) {
		texts = append(texts, indexedText(p))
	}
	for _, text := range append(texts, []string{
		"Why did they make Alipay?", "how much did the cloud arm pull in", "did Alibaba Cloud take off",
		"what is its market share", "RMB5bn in FY21", "revenue 2017-21", "its top-line grew",
		"the group's revenue went up", "Alibaba's share price right now", "b2b and b2c",
	}...) {
		slow := text
		for _, p := range phrases {
			slow = p.re().ReplaceAllString(slow, p.with)
		}
		if got := replacePhrases(text); got != slow {
			t.Errorf("replacePhrases(%q) = %q, want %q", text, got, slow)
		}
	}
}

// Passing over passages without a Chinese name in brackets loses no alias:
// every text the expression matches is one hanInBrackets keeps.
func TestHanInBracketsKeepsEveryAlias(t *testing.T) {
	texts := []string{
		"Alibaba Cloud (阿里云) leads", "Amap (Chinese: 高德地图)", "Amap (Chinese:高德地图) and Youku (优酷)",
		"(in RMB) Taobao (淘宝)", "no name (here) at all", "Cainiao (菜鸟", "(", "Tmall (天猫",
	}
	for _, p := range corpus.Default().Passages(0) {
		texts = append(texts, indexedText(p))
	}
	kept := 0
	for _, text := range texts {
		if aliasPattern.MatchString(text) && !hanInBrackets(text) {
			t.Errorf("hanInBrackets(%q) = false, but it names %q", text, aliasPattern.FindString(text))
		}
		if hanInBrackets(text) {
			kept++
		}
	}
	if kept == len(texts) {
		t.Errorf("hanInBrackets kept all %d texts: it passes over none", kept)
	}
	for _, text := range []string{"Taobao (淘宝)", "Amap (Chinese: 高德地图)", "after (RMB) comes Youku (优酷)"} {
		if !hanInBrackets(text) {
			t.Errorf("hanInBrackets(%q) = false, want true", text)
		}
	}
}
