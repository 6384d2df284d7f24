package corpus

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseMarkdownFigures(t *testing.T) {
	const body = "## Cloud\nIn 2021, cloud made up 8% of revenue. It earned RMB60 billion from 4 million customers in 2021. Ant served more than one billion consumers.\n"
	tests := []struct {
		name    string
		figures string
		want    []Figure
		wantErr string // "": no error
	}{
		{
			name:    "percentage, currency and counted units",
			figures: "  - {label: Cloud, measure: share, value: 8, unit: \"%\", year: 2021, section: Cloud}\n  - {label: Revenue, value: 60, unit: RMB billion, year: 2021, section: cloud}\n  - {label: Customers, value: 4, unit: million customers, section: Cloud}\n",
			want: []Figure{
				{Label: "Cloud", Measure: "share", Value: 8, Unit: "%", Year: 2021, Section: "Cloud", Segment: "cloud", Line: 5},
				{Label: "Revenue", Value: 60, Unit: "RMB billion", Year: 2021, Section: "Cloud", Segment: "cloud", Line: 6},
				{Label: "Customers", Value: 4, Unit: "million customers", Section: "Cloud", Segment: "cloud", Line: 7},
			},
		},
		{
			name:    "a small value written as a word",
			figures: "  - {label: Consumers, value: 1, unit: billion consumers, section: Cloud}\n",
			want:    []Figure{{Label: "Consumers", Value: 1, Unit: "billion consumers", Section: "Cloud", Segment: "cloud", Line: 5}},
		},
		{
			name:    "a value the text does not state",
			figures: "  - {label: Cloud, value: 9, unit: \"%\", section: Cloud}\n",
			wantErr: `line 5: figures: "Cloud": no sentence of section "Cloud" states 9%`,
		},
		{
			name:    "a value inside a larger number is not stated",
			figures: "  - {label: Cloud, value: 0, unit: billion, section: Cloud}\n",
			wantErr: `line 5: figures: "Cloud": no sentence of section "Cloud" states 0 billion`,
		},
		{
			name:    "the right value for another year",
			figures: "  - {label: Cloud, value: 8, unit: \"%\", year: 2020, section: Cloud}\n",
			wantErr: `states 8% for 2020`,
		},
		{
			name:    "a section that does not exist",
			figures: "  - label: Cloud\n    value: 8\n    unit: \"%\"\n    section: Clouds\n",
			wantErr: `line 5: figures: "Cloud": no section is headed "Clouds"`,
		},
		{
			name:    "an unknown key",
			figures: "  - label: Cloud\n    valeu: 8\n",
			wantErr: `line 6: figures: unknown key "valeu"`,
		},
		{
			name:    "a value that is not a number",
			figures: "  - {label: Cloud, value: eight, unit: \"%\", section: Cloud}\n",
			wantErr: `line 5: figures: value "eight" is not a number`,
		},
		{
			name:    "no value",
			figures: "  - {label: Cloud, unit: \"%\", section: Cloud}\n",
			wantErr: `line 5: figures: "Cloud" has no value`,
		},
		{
			name:    "not a list",
			figures: "  label: Cloud\n",
			wantErr: `line 4: figures: expected a list`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "---\ntitle: T\nsegments: {Cloud: cloud}\nfigures:\n" + tt.figures + "---\n" + body
			a, err := ParseMarkdown("t.md", []byte(in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Figures) != len(tt.want) {
				t.Fatalf("figures = %+v, want %+v", a.Figures, tt.want)
			}
			for i := range tt.want {
				if a.Figures[i] != tt.want[i] {
					t.Errorf("figure %d = %+v, want %+v", i, a.Figures[i], tt.want[i])
				}
			}
		})
	}
}

// A figure the text does not state keeps its file out of the corpus, and
// the error names the file and the line.
func TestLoadNamesTheFileOfAnUnstatedFigure(t *testing.T) {
	fsys := fstest.MapFS{
		"good.md": {Data: []byte("---\ntitle: Good\npart: 1\n---\n## A\nText of 2021.\n")},
		"bad.md":  {Data: []byte("---\ntitle: Bad\npart: 2\nfigures:\n  - {label: X, value: 5, unit: \"%\", section: A}\n---\n## A\nIt made 6%.\n")},
	}
	lib, err := Load(fsys)
	var le *LoadError
	if !errors.As(err, &le) || lib == nil || len(lib.Articles) != 1 {
		t.Fatalf("Load = %v, %v; want the good file loaded and a LoadError", lib, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "bad.md") || !strings.Contains(msg, "line 5") || !strings.Contains(msg, "5%") {
		t.Errorf("error %q should name bad.md, line 5 and the figure 5%%", msg)
	}
}

func TestFigureStated(t *testing.T) {
	tests := []struct {
		f    Figure
		want string
	}{
		{Figure{Value: 8, Unit: "%"}, "8%"},
		{Figure{Value: 7.5, Unit: "RMB trillion"}, "RMB7.5 trillion"},
		{Figure{Value: 60, Unit: "RMB"}, "RMB60"},
		{Figure{Value: 4, Unit: "million customers"}, "4 million customers"},
		{Figure{Value: 31.4}, "31.4"},
	}
	for _, tt := range tests {
		if got := tt.f.Stated(); got != tt.want {
			t.Errorf("%+v.Stated() = %q, want %q", tt.f, got, tt.want)
		}
	}
}

// Every figure of the shipped corpus is stated by its section and has a
// segment, so charts and summaries can rely on them.
func TestDefaultFigures(t *testing.T) {
	n := 0
	for _, a := range Default().Articles {
		for _, f := range a.Figures {
			n++
			if f.Segment == "" {
				t.Errorf("%s line %d: figure %q has no segment", a.Source, f.Line, f.Label)
			}
		}
	}
	if n == 0 {
		t.Fatal("the default corpus lists no figures")
	}
}

func TestStatedIn(t *testing.T) {
	tests := []struct {
		f        Figure
		sentence string
		want     bool
	}{
		{Figure{Value: 8, Unit: "%"}, "Cloud made up 8% of revenue.", true},
		{Figure{Value: 8, Unit: "%"}, "Cloud made up 38% of revenue.", false},
		{Figure{Value: 8, Unit: "%"}, "Cloud made up 3.8% of revenue.", false},
		{Figure{Value: 8, Unit: "%"}, "8% at the start", true},
		{Figure{Value: 60, Unit: "RMB billion"}, "it earned rmb60 Billion", true},
		{Figure{Value: 60, Unit: "RMB billion"}, "it earned RMB60 billions", false},
		{Figure{Value: 4, Unit: "million customers"}, "four million customers", true},
		{Figure{Value: 4, Unit: "million customers", Year: 2021}, "4 million customers in 2021.", true},
		{Figure{Value: 4, Unit: "million customers", Year: 2021}, "4 million customers in 2020.", false},
		{Figure{Value: 4, Unit: "million customers", Year: 2021}, "4 million customers by 20210.", false},
		{Figure{Value: 5, Unit: "€ billion"}, "It made 5 € billion.", true},
		{Figure{Value: 5, Unit: "€ billion"}, "It made 15 € billion.", false},
	}
	for _, tt := range tests {
		if got := tt.f.StatedIn(tt.sentence); got != tt.want {
			t.Errorf("%q.StatedIn(%q) = %v, want %v", tt.f.Stated(), tt.sentence, got, tt.want)
		}
	}
}

// standsIn reads every sentence of the shipped corpus as the expressions
// it replaces did, for every figure the corpus lists.
func TestStandsInAsExpressions(t *testing.T) {
	for _, a := range Default().Articles {
		for _, f := range a.Figures {
			forms := []string{f.Stated(), f.ValueText() + "%", strconv.Itoa(f.Year)}
			for _, sec := range a.Sections {
				for _, p := range sec.Paragraphs {
					for _, s := range Sentences(p) {
						for _, form := range forms {
							want := regexp.MustCompile(`(?i)(?:^|[^\w.,])` + regexp.QuoteMeta(form) + `(?:$|[^\w])`).MatchString(s)
							if got := standsIn(s, form, isFigureBoundary); got != want {
								t.Errorf("standsIn(%q, %q) = %v, the expression says %v", s, form, got, want)
							}
						}
					}
				}
			}
		}
	}
}
