package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"seriesbot/corpus"
)

func defaultSummarizer(t *testing.T) *Summarizer {
	t.Helper()
	return &Summarizer{Answerer: defaultAnswerer(t)}
}

// Each segment and part of the shipped corpus summarises offline. What a
// summary must state is read from the corpus, not written here: every
// figure its front matter lists for the scope, and the names the scope's
// sentences attach figures and dated events to (the businesses, when they
// started, what they earn).
func TestOfflineSummaryOfEveryScope(t *testing.T) {
	s := defaultSummarizer(t)
	snap := s.Answerer.Snapshot()
	for _, sc := range Scopes(snap.Corpus) {
		t.Run(sc.Value, func(t *testing.T) {
			sum, err := s.Summarize(context.Background(), sc.Value, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !sum.Grounded || sum.Note != "" || sum.Scope != sc {
				t.Fatalf("summary = %+v", sum)
			}
			if !strings.HasPrefix(sum.Text, sc.Name+" — ") {
				t.Errorf("the lead line does not name %q:\n%s", sc.Name, sum.Text)
			}
			checkCitations(t, Answer{Text: sum.Text, Sources: sum.Sources})
			plain := citation.ReplaceAllString(sum.Text, "")

			figures := figuresOf(snap.Corpus, sc)
			if sc.Segment != "" && len(figures) == 0 && slices.ContainsFunc(snap.Corpus.Articles, func(a corpus.Article) bool {
				return slices.ContainsFunc(a.Figures, func(f corpus.Figure) bool { return f.Segment == sc.Segment })
			}) {
				t.Fatal("figuresOf lost the segment's figures")
			}
			for _, f := range figures {
				if !slices.ContainsFunc(corpus.Sentences(plain), f.StatedIn) {
					t.Errorf("the summary does not state %s (%s, line %d of its file):\n%s", f.Stated(), f.Label, f.Line, sum.Text)
				}
			}
			if sc.Segment != "" {
				for _, name := range factNames(snap, sc) {
					if !strings.Contains(strings.ToLower(plain), name) {
						t.Errorf("the summary never names %q, which the series gives facts about:\n%s", name, sum.Text)
					}
				}
			}

			// Sources: one per (part, section), each within the scope,
			// every section of the scope quoted, in series order.
			var quoted []string
			for _, src := range sum.Sources {
				k := sectionKey(corpus.Passage{Part: src.Part, Section: src.Section})
				if slices.Contains(quoted, k) {
					t.Errorf("(part %d, %s) is listed twice", src.Part, src.Section)
				}
				quoted = append(quoted, k)
				if src.URL == "" || src.Text == "" {
					t.Errorf("source %+v has no URL or text", src)
				}
			}
			var order []string
			for _, p := range snap.Index.Passages() {
				if k := sectionKey(p); sc.holds(p) && p.Section != corpus.IntroHeading && !slices.Contains(order, k) {
					order = append(order, k)
				}
			}
			for _, k := range order {
				if !slices.Contains(quoted, k) {
					t.Errorf("section %q of the scope is not quoted", k)
				}
			}

			// No sentence twice, none that only introduces.
			sentences := corpus.Sentences(plain)
			for i, line := range sentences {
				if slices.Contains(sentences[:i], line) {
					t.Errorf("%q is said twice", line)
				}
				if presentsTheSeries.MatchString(line) && !strings.HasPrefix(line, sc.Name) {
					t.Errorf("%q only introduces", line)
				}
			}
			if sc.Segment != "" && len([]rune(sum.Text)) > maxSummaryRunes+200 {
				t.Errorf("a segment's summary is %d characters; it should fit one message", len([]rune(sum.Text)))
			}
		})
	}
}

// factNames are the names the scope's sentences give figures or dated
// events for, lower-case: what a reader of its summary expects to see.
func factNames(snap *Snapshot, sc Scope) []string {
	var out []string
	var passages []corpus.Passage
	for _, p := range snap.Index.Passages() {
		if sc.holds(p) {
			passages = append(passages, p)
		}
	}
	for _, s := range readScope(snap, passages, figuresOf(snap.Corpus, sc)) {
		if s.intro || !(s.figure || s.event && len(s.dates) > 0) || len(s.names) == 0 {
			continue
		}
		if !slices.Contains(out, s.names[0]) {
			out = append(out, s.names[0])
		}
	}
	return out
}

// The faults found in the summaries before they were chosen by content:
// facts a reader asks first that were missing.
func TestOfflineSummaryKeepsTheKeyFacts(t *testing.T) {
	s := defaultSummarizer(t)
	tests := []struct {
		scope string
		want  []string
		not   []string
	}{
		{"cloud", []string{"2009", "RMB60 billion", "4 million customers", "China and across Asia Pacific", "third-largest IaaS"}, []string{"Cloud Computing: "}},
		{"ant-group", []string{"one billion consumers", "80 million small businesses"}, nil},
		{"digital-media", []string{"Youku"}, nil},
		{"financials", []string{"31.4%", "38%", "59%"}, []string{"gives a financial overview"}},
	}
	for _, tt := range tests {
		sum, err := s.Summarize(context.Background(), tt.scope, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(sum.Text, w) {
				t.Errorf("%s: summary lacks %q:\n%s", tt.scope, w, sum.Text)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(sum.Text, n) {
				t.Errorf("%s: summary has %q:\n%s", tt.scope, n, sum.Text)
			}
		}
	}
}

func TestResolveScope(t *testing.T) {
	lib := corpus.Default()
	tests := []struct {
		in   string
		want string // value; "" for an unknown scope
	}{
		{"cloud", "cloud"},
		{" Cloud computing ", "cloud"},
		{"DIGITAL-MEDIA", "digital-media"},
		{"part-2", "part-2"},
		{"part:2", "part-2"},
		{"Part 3", "part-3"},
		{"part-4", ""}, // listed in the manifest, but no text
		{"moon", ""},
	}
	for _, tt := range tests {
		sc, err := ResolveScope(lib, tt.in)
		var ue *UnknownScopeError
		switch {
		case tt.want == "" && !errors.As(err, &ue):
			t.Errorf("ResolveScope(%q) = %+v, %v; want an UnknownScopeError", tt.in, sc, err)
		case tt.want == "":
			for _, v := range []string{"cloud (Cloud computing)", "part-1 (Part 1 — ", "part-3"} {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not list %q", err, v)
				}
			}
		case err != nil || sc.Value != tt.want:
			t.Errorf("ResolveScope(%q) = %+v, %v; want %s", tt.in, sc, err, tt.want)
		}
	}
}

// Choices come from the corpus: every segment and every part with text,
// each once, typeable as given.
func TestSummaryChoices(t *testing.T) {
	lib := corpus.Default()
	cmd, ok := summaryCommand(lib)
	if !ok {
		t.Fatal("no /summary for the default corpus")
	}
	var values []string
	for _, c := range cmd.Options[0].Choices {
		values = append(values, c.Value)
		if c.Name == "" || len([]rune(c.Name)) > maxChoiceName || strings.ContainsAny(c.Value, " \t") {
			t.Errorf("choice %+v", c)
		}
		if sc, err := ResolveScope(lib, c.Value); err != nil || sc.Name != c.Name {
			t.Errorf("choice %+v resolves to %+v, %v", c, sc, err)
		}
	}
	want := append(slices.Clone(lib.Segments()), "part-1", "part-2", "part-3")
	if !slices.Equal(values, want) {
		t.Errorf("choices = %v, want %v", values, want)
	}
	if p := cmd.Options[1]; p.Name != OptionPart || len(p.Choices) != 3 {
		t.Errorf("part option = %+v", p)
	}
}

func TestSummaryReply(t *testing.T) {
	c := defaultCommands(t)
	ctx := context.Background()
	tests := []struct {
		name        string
		inv         Invocation
		wantPrivate bool
		want        string
	}{
		{"segment", Invocation{Command: "summary", Segment: "cloud"}, false, "Cloud computing — "},
		{"part option", Invocation{Command: "summary", Question: Question{Part: 3}}, false, "Part 3 — "},
		{"part typed", Invocation{Command: "summary", Segment: "part-1"}, false, "Part 1 — "},
		{"unknown", Invocation{Command: "summary", Segment: "moon"}, true, `There is no segment "moon". The segments are: ecosystem (The Alibaba ecosystem), `},
		{"nothing asked", Invocation{Command: "summary"}, true, "/summary needs segment:<segment> or part:<part>. The segments are: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Run(ctx, tt.inv, nil)
			if r.Private != tt.wantPrivate || !strings.HasPrefix(r.Text, tt.want) {
				t.Fatalf("reply = %+v, want private=%v and text starting %q", r, tt.wantPrivate, tt.want)
			}
			if tt.wantPrivate {
				return
			}
			checkCitations(t, Answer{Text: r.Text, Sources: r.Sources})
			if !r.Feedback || len(r.Links) == 0 {
				t.Errorf("reply = %+v", r)
			}
			seen := map[string]bool{}
			for _, l := range r.Links {
				if seen[l.URL] {
					t.Errorf("link %s twice", l.URL)
				}
				seen[l.URL] = true
			}
		})
	}
}

// A chart is drawn from front-matter figures that compare, and only then.
func TestSummaryChart(t *testing.T) {
	lib := corpus.Default()
	tests := []struct {
		scope string
		want  *Chart
	}{
		{"cloud", &Chart{Title: "Share of Alibaba's revenue in 2021", Unit: "%", Bars: []Bar{
			{"Cloud computing", 8, true}, {"Digital media and entertainment", 4, false}, {"Innovation initiatives", 1, false}}}},
		{"part-2", &Chart{Title: "Share of Alibaba's revenue in 2021", Unit: "%", Bars: []Bar{
			{"Cloud computing", 8, true}, {"Digital media and entertainment", 4, true}, {"Innovation initiatives", 1, true}}}},
		{"financials", &Chart{Title: "Cost of revenue as a share of revenue", Unit: "%", Bars: []Bar{{"2017", 38, true}, {"2021", 59, true}}}},
		{"commerce", &Chart{Title: "GMV in fiscal 2021", Unit: "RMB trillion", Bars: []Bar{{"China retail marketplaces", 7.5, true}, {"Whole Alibaba ecosystem", 8.12, true}}}},
		{"ant-group", nil}, // two figures, in different units
		{"ecosystem", nil},
	}
	for _, tt := range tests {
		sc, err := ResolveScope(lib, tt.scope)
		if err != nil {
			t.Fatal(err)
		}
		got := chartOf(lib, sc)
		if (got == nil) != (tt.want == nil) || got != nil && (got.Title != tt.want.Title || got.Unit != tt.want.Unit || !slices.Equal(got.Bars, tt.want.Bars)) {
			t.Errorf("%s: chart = %+v, want %+v", tt.scope, got, tt.want)
		}
	}
}

// A drawn chart comes with the reply, and a chart that cannot be drawn
// leaves the summary without one.
func TestSummaryImage(t *testing.T) {
	var drawn []Chart
	a := defaultAnswerer(t)
	a.Log = quietLog
	s := &Summarizer{Answerer: a, Charts: func(c Chart) ([]byte, error) {
		drawn = append(drawn, c)
		if c.Unit != "%" {
			return nil, errors.New("no such unit")
		}
		return []byte("png"), nil
	}}
	sum, err := s.Summarize(context.Background(), "cloud", nil)
	if err != nil || sum.Image == nil || string(sum.Image.PNG) != "png" || sum.Image.Name != ChartFile ||
		!strings.Contains(sum.Image.Alt, "Cloud computing 8%") {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	if r := SummaryReply(sum); r.Image != sum.Image {
		t.Errorf("reply image = %+v", r.Image)
	}
	if sum, err := s.Summarize(context.Background(), "commerce", nil); err != nil || sum.Image != nil || sum.Chart == nil {
		t.Errorf("an undrawable chart: %+v, %v", sum, err)
	}
	if len(drawn) != 2 {
		t.Errorf("%d charts drawn, want 2", len(drawn))
	}
}
