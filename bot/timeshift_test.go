package bot

import (
	"strings"
	"testing"
)

func TestEraOf(t *testing.T) {
	cloud := []Turn{{Question: "How much revenue did Alibaba Cloud make?", Answer: "In fiscal 2021, Alibaba Cloud earned RMB60 billion [1]. It was third in 2020 [2]."}}
	noYear := []Turn{{Question: "What is DingTalk?", Answer: "DingTalk is a collaborative digital workplace [1]."}}
	tests := []struct {
		q       string
		history []Turn
		ok      bool
		want    era
	}{
		{"and before that?", cloud, true, era{before: true, year: 2020}},
		{"what about after that", cloud, true, era{before: false, year: 2021}},
		{"And earlier?", cloud, true, era{before: true, year: 2020}},
		{"prior to that?", cloud, true, era{before: true, year: 2020}},
		{"hey bot and the year before?", cloud, true, era{before: true, year: 2020}},
		{"and later", cloud, true, era{before: false, year: 2021}},
		{"and before that?", noYear, false, era{}},                   // nothing to be before
		{"and before that?", nil, false, era{}},                      // no conversation
		{"before 2017?", cloud, true, era{before: true, year: 2017}}, // a time of its own
		{"what was it called before?", cloud, false, era{}},          // a question of its own
		// A question naming its years asks of them, with or without a
		// conversation.
		{"what did alibaba buy before 2015?", nil, true, era{before: true, year: 2015}},
		{"and after 2019", cloud, true, era{year: 2019}},
		{"what happened since 2016", nil, true, era{year: 2015}},
		{"revenue up to 2018", nil, true, era{before: true, year: 2019}},
		{"cloud revenue in 2021", nil, true, era{exact: true, year: 2021}},
		{"cloud revenue for fiscal year 2020?", nil, true, era{exact: true, year: 2020}},
		{"revenue from 2017 to 2021", nil, false, era{}}, // a span, of which every year answers
	}
	for _, tt := range tests {
		q := question(t, tt.q)
		q.History = tt.history
		got, ok := eraOf(q)
		got.said, got.asked = "", ""
		tt.want.followUp = tt.ok && tt.history != nil && !strings.ContainsAny(tt.q, "0123456789")
		if ok != tt.ok || got != tt.want {
			t.Errorf("eraOf(%q) = %+v, %v; want %+v, %v", tt.q, got, ok, tt.want, tt.ok)
		}
	}
}

// TestFollowUpOfAnotherTime: "and before that?" asks the earlier question
// of an earlier time. It is answered with what the series says of the same
// thing from then, or told plainly that the series says nothing of it; it
// is never the earlier answer again.
func TestFollowUpOfAnotherTime(t *testing.T) {
	a := defaultAnswerer(t)
	tests := []struct {
		history    []string
		q          string
		want       string // in the answer
		grounded   bool
		notQuoting string // a sentence the answer must not quote
	}{
		// The series gives Alibaba Cloud no revenue before fiscal 2021;
		// the closest earlier fact about it is its rank in 2020, not
		// Alibaba's cost of revenue in 2017.
		{[]string{"How much revenue did Alibaba Cloud make?"}, "and before that?", "in 2020", false, "RMB60 billion"},
		{[]string{"what share of revenue was cost of revenue in 2021"}, "what about before that?", "The series says nothing about that from before 2017.", false, "59%"},
		{[]string{"when did alibaba buy youku"}, "and after that?", "The series says nothing about that from after 2016.", false, "2016 ["},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans := askAfter(t, a, tt.history, tt.q)
			if !strings.Contains(ans.Text, tt.want) || ans.Grounded != tt.grounded || strings.Contains(ans.Text, tt.notQuoting) {
				t.Errorf("answer = %+v; want %q in it, grounded %v, without %q", ans, tt.want, tt.grounded, tt.notQuoting)
			}
			if !ans.Grounded && strings.HasPrefix(ans.Text, "The series says nothing") && len(ans.Sources) != 0 {
				t.Errorf("nothing to say, yet sources: %+v", ans.Sources)
			}
			checkCitations(t, ans)
		})
	}
}

// TestQuestionsOfTheirYears: a question naming its years ("before 2015")
// or one year ("in 2021") is answered from those years only; when the
// series says what is asked only of others it is told so, and given the
// closest fact of those, and a question the series does not cover
// at all is refused as any other.
func TestQuestionsOfTheirYears(t *testing.T) {
	a := defaultAnswerer(t)
	for _, tt := range []struct {
		q, want, not string
		grounded     bool
	}{
		{"what did alibaba buy after 2015", "2016", "2014", true},
		{"what did alibaba acquire before 2015", "2014", "2016", true},
		// Told so, with what the series does say, cited: no bare refusal.
		{"when was taobao launched before 2000", "The series says nothing about that from before 2000. The closest it states: Taobao", "the parts", false},
		// One year, not before or after it: a figure of other years is
		// not the answer, however many words it shares.
		{"what was alibaba cloud's revenue in 2021", "RMB60 billion", "says nothing", true},
		{"what was alibaba cloud's revenue in 2019", "The series says nothing about that for 2019. The closest it states: In fiscal 2021, Alibaba Cloud earned RMB60 billion", "It covers", false},
		{"how many consumers did ant group serve in fiscal 2020", "The series says nothing about that for 2020. The closest it states: Ant Group served more than one billion consumers", "It covers", false},
		{"what was tencent's revenue after 2019", "The series does not cover that.", "says nothing", false},
		// Alibaba's cost of revenue in 2017 is of those years, but not
		// about Alibaba Cloud.
		{"how much revenue did alibaba cloud make before 2020", "Alibaba Cloud", "cost of revenue", false},
	} {
		ans := askAfter(t, a, nil, tt.q)
		if ans.Grounded != tt.grounded || !strings.Contains(ans.Text, tt.want) || strings.Contains(ans.Text, tt.not) {
			t.Errorf("%q: answer = %+v; want %q in it and not %q, grounded %v", tt.q, ans, tt.want, tt.not, tt.grounded)
		}
		checkCitations(t, ans)
	}
}
