package eval_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"seriesbot/bot"
	"seriesbot/bot/eval"
)

func TestReadEvalQuestionsNamesTheBadLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not json", `{"q":"a","offtopic":true}` + "\n" + `{oops`, "line 2"},
		{"no question", `{"expect":["x"]}`, "line 1: no question"},
		{"unknown field", `{"q":"a","expected":["x"]}`, "line 1"},
		{"neither", `{"q":"a"}`, "line 1: give"},
		{"both", `{"q":"a","offtopic":true,"expect":["x"]}`, "line 1: an off-topic"},
		{"empty", "\n\n", "no questions"},
		{"junk after the object", `{"q":"a","offtopic":true} trailing`, "line 1: text after"},
		{"two objects", `{"q":"a","offtopic":true}{"q":"b","offtopic":true}`, "line 1: text after"},
		{"too long", "\n" + `{"q":"` + strings.Repeat("x", 1001) + `","offtopic":true}`, "line 2: Your question is 1,001 characters long"},
		{"unaskable history", `{"q":"and then?","expect":["x"],"part":1,"history":["???"]}`, "line 1: history"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eval.Read(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// measure runs the question set testdata/name on the embedded series.
func measure(t *testing.T, name string) (*bot.Snapshot, []eval.Case, eval.Report) {
	t.Helper()
	f, err := os.Open("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := eval.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := bot.Loader{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := eval.Run(context.Background(), bot.NewAnswerer(snap), qs, 0)
	if err != nil {
		t.Fatal(err)
	}
	return snap, qs, r
}

// TestQualityOnTheQuestionSet guards answer quality: on the committed
// question set the bot must stay above fixed floors and above the plain
// BM25 baseline measured in the same run. The floors sit just under the
// figures in BENCHMARKS.md (and at the product targets: hit@1 ≥ 0.85,
// hit@3 ≥ 0.95, off-topic refusal ≥ 0.9) so a regression fails here.
func TestQualityOnTheQuestionSet(t *testing.T) {
	snap, qs, ours := measure(t, "questions.jsonl")
	base := eval.Baseline(snap.Corpus, qs)
	t.Logf("ours: %+v", ours)
	t.Logf("baseline: hit@1 %.3f hit@3 %.3f refusal %.3f", base.Hit1, base.Hit3, base.Refusal)

	if ours.OnTopic < 50 || ours.OffTopic < 10 {
		t.Fatalf("question set too small: %d on-topic, %d off-topic", ours.OnTopic, ours.OffTopic)
	}
	floors := []struct {
		name       string
		got, floor float64
		base       float64
	}{
		{"hit@1", ours.Hit1, 0.91, base.Hit1},
		{"hit@3", ours.Hit3, 0.97, base.Hit3},
		{"MRR", ours.MRR, 0.94, base.MRR},
		{"off-topic refusal", ours.Refusal, 0.90, base.Refusal},
		{"answer contains expected", ours.AnswerContains, 0.89, base.AnswerContains},
	}
	for _, f := range floors {
		if f.got < f.floor {
			t.Errorf("%s = %.3f, below the floor %.2f", f.name, f.got, f.floor)
		}
	}
	for _, f := range floors[:4] {
		if f.got <= f.base {
			t.Errorf("%s = %.3f does not beat the baseline's %.3f", f.name, f.got, f.base)
		}
	}
}

// TestFollowUpChains: a case with history is asked after its earlier
// questions, in one conversation, and scored on its own answer.
func TestFollowUpChains(t *testing.T) {
	qs, err := eval.Read(strings.NewReader(`{"q":"When was it launched?","expect":["2015"],"part":2,"history":["What is DingTalk?"]}` + "\n" +
		`{"q":"When was it launched?","expect":["2015"],"part":2}`))
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := bot.Loader{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := eval.Run(context.Background(), bot.NewAnswerer(snap), qs[:1], 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.AnswerContains != 1 || r.Hit3 != 1 {
		t.Errorf("the follow-up with its history: %+v", r)
	}
	// Without the history, "it" is nothing: the same question is not
	// answered with DingTalk's launch.
	r, err = eval.Run(context.Background(), bot.NewAnswerer(snap), qs[1:], 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.AnswerContains == 1 && r.Hit1 == 1 {
		t.Errorf("the follow-up alone was answered as if it had its history: %+v", r)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(`{"q":"When was DingTalk launched?","expect":["2015"],"part":2}` + "\n" + `{"q":"x","offtopic":true}`)
	f.Add("{\"q\":\"\"}\n\n{")
	f.Fuzz(func(t *testing.T, in string) {
		qs, err := eval.Read(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, q := range qs {
			if strings.TrimSpace(q.Q) == "" || q.OffTopic == (len(q.Expect) > 0) {
				t.Fatalf("accepted an invalid question: %+v", q)
			}
		}
	})
}

// TestQualityOnTheTypedSets guards the sets of questions typed the way
// people type in Discord, which the bot is tuned on: testdata/chat.jsonl,
// and the two written apart from the code (dev.jsonl, dev2.jsonl). The
// floors sit just under what they measure, and nearly every on-topic
// question must reach a language model when one is configured.
func TestQualityOnTheTypedSets(t *testing.T) {
	for _, set := range []struct {
		file              string
		contains, refusal float64
	}{
		{"chat.jsonl", 0.96, 0.95},
		{"dev.jsonl", 0.94, 0.94},
		{"dev2.jsonl", 0.94, 0.97},
	} {
		t.Run(set.file, func(t *testing.T) {
			snap, qs, ours := measure(t, set.file)
			reach, err := eval.Reach(context.Background(), snap, qs, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name       string
				got, floor float64
			}{
				{"answer contains expected", ours.AnswerContains, set.contains},
				{"off-topic refusal", ours.Refusal, set.refusal},
				{"on-topic reaching a model", reach, 0.97},
			} {
				if f.got < f.floor {
					t.Errorf("%s = %.3f, below the floor %.2f", f.name, f.got, f.floor)
				}
			}
		})
	}
}
