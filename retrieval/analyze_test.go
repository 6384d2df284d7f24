package retrieval

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"seriesbot/corpus"
)

// contentTexts returns the terms of text that search and coverage work on
// (words and CJK bigrams, not word pairs), in order.
func contentTexts(t *testing.T, text string) []string {
	t.Helper()
	return termTexts(contentTerms(text))
}

func TestAnalyzeTerms(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []string // terms that must be there
		notWant []string // terms that must not be there
	}{
		{"possessive is the name", "Alibaba's", []string{"alibaba"}, []string{"s", "alibaba's"}},
		{"curly possessive is the name", "Alibaba’s", []string{"alibaba"}, []string{"s"}},
		{"currency splits from amount", "RMB60", []string{"rmb", "60"}, []string{"rmb60"}},
		{"decimal stays whole", "8.12", []string{"8.12"}, []string{"8", "12"}},
		{"decimal inside a sentence stays whole", "Revenue rose 8.12 percent.", []string{"8.12"}, []string{"8", "12"}},
		{"thousands separator dropped", "RMB1,000", []string{"rmb", "1000"}, []string{"1", "000"}},
		{"percent sign is a percent term", "8%", []string{"8", "percent"}, nil},
		{"Chinese name survives question words", "钉钉是什么？", []string{"钉钉"}, []string{"是什", "什么", "钉是", "么"}},
		{"Chinese revenue reaches English revenue", "收入", []string{canonical(stem("revenue"))}, nil},
		{"names left as written", "Alipay, Youku and DingTalk", []string{"alipay", "youku", "dingtalk"}, nil},
		{"stop words dropped", "What is the revenue of the Group?", []string{canonical(stem("revenue")), "group"}, []string{"what", "is", "the", "of"}},
		{"clitics typed without their apostrophe", "whos thats dont isnt cant", nil, []string{"who", "whos", "that", "dont", "isnt", "cant", "can"}},
		{"words that only look like a clitic", "the event it says it wont", []string{canonical(stem("event")), canonical(stem("wont"))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := contentTexts(t, tt.text)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("analyze(%q) = %q, want it to contain %q", tt.text, got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("analyze(%q) = %q, want no %q", tt.text, got, w)
				}
			}
		})
	}
}

// TestAnalyzeOnlyStopWords: a text with nothing to search for gives no term
// at all, so a question like "What is it?" finds nothing rather than noise.
func TestAnalyzeOnlyStopWords(t *testing.T) {
	for _, text := range []string{"", "What is it?", "the of and to", "?!", "。！？", "是什么？", "Tell me, please."} {
		if got := analyze(text); len(got) != 0 {
			t.Errorf("analyze(%q) = %+v, want no terms", text, got)
		}
	}
}

// TestAnalyzeWordsMeet checks that the paraphrases users type reach the
// words the series uses, and that the thesaurus keeps apart what the series
// keeps apart.
func TestAnalyzeWordsMeet(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		meet  bool
	}{
		{"sales and revenue", []string{"sales", "revenue", "Revenues"}, true},
		{"beginnings", []string{"started", "founded", "launched", "Launch", "starting"}, true},
		{"Chinese and English revenue", []string{"收入", "revenue"}, true},
		{"Chinese and English founding", []string{"成立", "founded"}, true},
		{"Chinese and English Hong Kong", []string{"香港", "Hong Kong"}, true},
		{"Chinese and English monthly active users", []string{"月活跃用户", "monthly active users"}, true},
		{"Chinese and English percent", []string{"百分之几", "what percent"}, true},
		{"plural and singular", []string{"customers", "customer"}, true},
		{"derivations of a word", []string{"operations", "operating", "operator", "operational"}, true},
		{"adverb and adjective", []string{"formerly", "former"}, true},
		{"thesaurus reached through inflections", []string{"closed", "ended", "closing"}, true},
		{"taking off is gaining momentum", []string{"gained momentum", "took off", "take off", "catching on"}, true},
		{"taking off is not taking up", []string{"take off", "takes up"}, false},
		{"going up is rising", []string{"went up", "rise", "rising"}, true},
		{"going up is not going on", []string{"go up", "go on"}, false},
		{"a share of a market is no share of revenue", []string{"market share", "share of revenue"}, false},
		{"a share's price is no share of revenue", []string{"share price", "share of revenue"}, false},
		{"a percent of a market is its share", []string{"percent of china's online retail market", "market share"}, true},
		{"what the market is of stays", []string{"share of china's video market", "video"}, true},
		{"b2b is wholesale", []string{"b2b", "wholesale"}, true},
		{"topline is revenue", []string{"topline", "top line", "revenue"}, true},
		{"a first business when it started is no first of an order", []string{"first business when it started", "first pillar"}, false},
		{"revenue is not profit", []string{"revenue", "profit"}, false},
		{"revenue is not cost", []string{"revenue", "cost"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := contentTexts(t, tt.words[0])
			for _, w := range tt.words[1:] {
				got := contentTexts(t, w)
				shared := slices.ContainsFunc(got, func(s string) bool { return slices.Contains(first, s) })
				if shared != tt.meet {
					t.Errorf("%q → %q and %q → %q: share a term = %v, want %v", tt.words[0], first, w, got, shared, tt.meet)
				}
			}
		})
	}
}

func defaultTexts(t testing.TB) []string {
	t.Helper()
	ps := corpus.Default().Passages(0)
	if len(ps) == 0 {
		t.Fatal("default corpus has no passages")
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = indexedText(p)
	}
	return texts
}

func embedOne(t *testing.T, e Embedder, text string) []float32 {
	t.Helper()
	vs, err := e.Embed(context.Background(), []string{text})
	if err != nil {
		t.Fatalf("Embed(%q): %v", text, err)
	}
	if len(vs) != 1 {
		t.Fatalf("Embed(%q) gave %d vectors, want 1", text, len(vs))
	}
	return vs[0]
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// checkUnit fails unless v is a finite vector of length 1.
func checkUnit(t *testing.T, what string, v []float32) {
	t.Helper()
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			t.Fatalf("%s: component %d is %v", what, i, x)
		}
	}
	if n := math.Sqrt(dot(v, v)); math.Abs(n-1) > 1e-5 {
		t.Errorf("%s: length %v, want 1", what, n)
	}
}

// TestLocalEmbedderDeterministic: the same text gives the same vector to the
// last bit, from one embedder and from two fitted on the same documents, so
// answers are reproducible across runs and machines.
func TestLocalEmbedderDeterministic(t *testing.T) {
	docs := defaultTexts(t)
	e1 := NewLocalEmbedder(docs, 0)
	e2 := NewLocalEmbedder(slices.Clone(docs), 0)
	texts := append([]string{
		"How much revenue did Alibaba Cloud make?",
		"钉钉是什么？",
		"阿里云的收入增长了多少？成立于哪一年？", // several thesaurus words in one Han run
		"",
	}, docs...)
	for _, text := range texts {
		a := embedOne(t, e1, text)
		b := embedOne(t, e1, text)
		c := embedOne(t, e2, text)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%.40q: component %d differs between two calls: %v vs %v", text, i, a[i], b[i])
			}
			if math.Float32bits(a[i]) != math.Float32bits(c[i]) {
				t.Fatalf("%.40q: component %d differs between two embedders fitted alike: %v vs %v", text, i, a[i], c[i])
			}
		}
	}
}

func TestLocalEmbedderUnitVectors(t *testing.T) {
	e := NewLocalEmbedder(defaultTexts(t), 0)
	tests := []struct {
		name, text string
	}{
		{"question", "How much revenue did Alibaba Cloud make?"},
		{"Chinese question", "钉钉是什么？"},
		{"word the corpus never uses", "Pinduoduo"},
		{"empty", ""},
		{"only stop words", "What is it that they do?"},
		{"only punctuation", "?!…"},
		{"repeated word", strings.Repeat("revenue ", 500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := embedOne(t, e, tt.text)
			if len(v) != DefaultDims {
				t.Fatalf("vector has %d dims, want %d", len(v), DefaultDims)
			}
			checkUnit(t, tt.text, v)
		})
	}
	t.Run("every passage", func(t *testing.T) {
		docs := defaultTexts(t)
		vs, err := e.Embed(context.Background(), docs)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != len(docs) {
			t.Fatalf("got %d vectors for %d texts", len(vs), len(docs))
		}
		for i, v := range vs {
			checkUnit(t, docs[i][:min(40, len(docs[i]))], v)
		}
	})
}

// TestLocalEmbedderSelfSimilarity: among the passages of the corpus, a
// passage's text is closest to itself. If hashing or weighting made two
// passages look alike, a question quoting one would find the other.
func TestLocalEmbedderSelfSimilarity(t *testing.T) {
	docs := defaultTexts(t)
	e := NewLocalEmbedder(docs, 0)
	vs, err := e.Embed(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range vs {
		self := dot(vs[i], vs[i])
		for j := range vs {
			if j == i {
				continue
			}
			if s := dot(vs[i], vs[j]); s >= self {
				t.Errorf("passage %d (%.40q) is as close to passage %d (%.40q) as to itself: %v ≥ %v", i, docs[i], j, docs[j], s, self)
			}
		}
	}
}

func TestLocalEmbedderName(t *testing.T) {
	tests := []struct {
		dims, want int
	}{
		{0, DefaultDims},
		{-1, DefaultDims},
		{512, 512},
		{4096, 4096},
	}
	for _, tt := range tests {
		e := NewLocalEmbedder([]string{"Alibaba Cloud earned revenue."}, tt.dims)
		if name := e.Name(); !strings.Contains(name, strconv.Itoa(tt.want)) {
			t.Errorf("NewLocalEmbedder(dims %d).Name() = %q, want it to name %d dims", tt.dims, name, tt.want)
		}
		if v := embedOne(t, e, "revenue"); len(v) != tt.want {
			t.Errorf("NewLocalEmbedder(dims %d) gives %d-dim vectors, want %d", tt.dims, len(v), tt.want)
		}
	}
	// Two widths must never be mistaken for one model.
	if a, b := NewLocalEmbedder(nil, 512).Name(), NewLocalEmbedder(nil, 1024).Name(); a == b {
		t.Errorf("embedders of 512 and 1024 dims share the name %q", a)
	}
}

// FuzzAnalyze feeds outside text (questions come from users) through the
// analyzer and the embedder: no panic, no empty term, and always a finite
// unit vector.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"", "How much revenue did Alibaba Cloud make?", "钉钉是什么？", "RMB60", "8.12", "8%", "Alibaba's",
		"RMB1,000.", "1.", ".5", "'s", "it's'", "阿里云 Cloud 收入 2021", "\xff\xfe", "what?!", "a-b/c (d) “e”",
	} {
		f.Add(s)
	}
	e := NewLocalEmbedder([]string{"Alibaba Cloud earned RMB60 billion of revenue.", "DingTalk (钉钉) was launched in 2015."}, 256)
	f.Fuzz(func(t *testing.T, text string) {
		for _, tm := range analyze(text) {
			if tm.text == "" || tm.weight <= 0 {
				t.Fatalf("analyze(%q) gave term %+v", text, tm)
			}
		}
		checkUnit(t, "vector", embedOne(t, e, text))
	})
}

// FuzzReadQuestion reads any text as a question of the embedded series:
// its Chinese and pinyin names translated, its typos corrected, what it
// asks about and its names in passing measured. None of it may fail, and
// what is read is text a question could hold.
func FuzzReadQuestion(f *testing.F) {
	for _, s := range []string{
		"", "aliyun revenue", "gaode-ditu used to be called what", "淘宝是什么时候推出的", "腾讯2021年的营收是多少",
		"whats alibaba's market cap", "does alibaba pay a dividend?", "bilibili revenue 2021", "a li yun 阿里云 alibaba",
		"\xff\xfe 阿", "a a a a", "'s 's", "On the basis of, x", "cost as a percentage",
	} {
		f.Add(s)
	}
	ix := defaultIndex(f)
	sentence := ix.Sentence("On the basis of monthly active users, Youku was the third biggest long-form online video platform in China as of March 2021, trailing only iQIYI, which Baidu founded, and Bilibili.")
	f.Fuzz(func(t *testing.T, q string) {
		for _, read := range []string{ix.aliases.translate(q), ix.aliases.expand(q)} {
			if utf8.ValidString(q) && !utf8.ValidString(read) {
				t.Fatalf("reading %q made invalid UTF-8: %q", q, read)
			}
		}
		m := ix.Matcher(q)
		for _, w := range m.Unsaid() {
			if w == "" {
				t.Fatalf("Unsaid(%q) holds an empty word", q)
			}
		}
		m.InPassing(sentence)
		m.InPassing(ix.Sentence(q))
		if c := m.Match("Alibaba Cloud earned RMB60 billion of revenue.").Coverage; c < 0 || c > 1 {
			t.Fatalf("Match(%q).Coverage = %v", q, c)
		}
	})
}
