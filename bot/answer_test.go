package bot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"seriesbot/internal/sharedtest"
)

const part2URL = "https://investorinsights.asia/post/alibaba-part-2-alibaba-cloud-digital-media-and-innovation-initiatives"

var (
	defaultOnce sync.Once
	defaultSnap *Snapshot
	defaultErr  error
)

// defaultAnswerer serves the embedded series; the index is built once per
// test binary.
func defaultAnswerer(t testing.TB) *Answerer {
	t.Helper()
	defaultOnce.Do(func() { defaultSnap, _, defaultErr = Loader{}.Load(context.Background()) })
	if defaultErr != nil {
		t.Fatalf("load default corpus: %v", defaultErr)
	}
	return NewAnswerer(defaultSnap)
}

// question checks text as a transport does; the test fails if it cannot
// be asked.
func question(t testing.TB, text string) Question {
	t.Helper()
	q, err := NewQuestion(text)
	if err != nil {
		t.Fatalf("NewQuestion(%q): %v", text, err)
	}
	return q
}

// inPart is q narrowed to part n.
func inPart(q Question, n int) Question {
	q.Part = n
	return q
}

var citation = regexp.MustCompile(`\[(\d+)\]`)

// checkCitations asserts that every [n] points at a listed source and every
// listed source is cited.
func checkCitations(t *testing.T, a Answer) {
	t.Helper()
	cited := map[int]bool{}
	for _, m := range citation.FindAllStringSubmatch(a.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(a.Sources) {
			t.Errorf("answer cites [%d] but lists %d sources: %q", n, len(a.Sources), a.Text)
		}
		cited[n] = true
	}
	for i := range a.Sources {
		if !cited[i+1] {
			t.Errorf("source %d is listed but never cited: %q", i+1, a.Text)
		}
	}
}

func TestAnswerGrounded(t *testing.T) {
	a := defaultAnswerer(t)
	tests := []struct {
		question string
		want     []string // in the answer text
		wantURL  string   // of the first source
	}{
		{"How much revenue did Alibaba Cloud make?", []string{"RMB60 billion"}, part2URL},
		{"钉钉是什么？", []string{"DingTalk"}, part2URL},
		{"When did Alibaba acquire Youku?", []string{"Youku", "2016"}, part2URL},
		{"What was Alibaba's revenue compound annual growth rate from 2017 to 2021?", []string{"31.4%"},
			"https://www.investorinsights.asia/post/alibaba-part-3-a-financial-overview-of-alibaba-group"},
		// Named only in passing in the series, and asked about alone.
		{"what was ucweb", []string{"browser maker"}, part2URL},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			ans, err := a.Answer(context.Background(), question(t, tt.question), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Grounded || len(ans.Sources) == 0 {
				t.Fatalf("not grounded: %q", ans.Text)
			}
			for _, w := range tt.want {
				if !strings.Contains(ans.Text, w) {
					t.Errorf("answer lacks %q: %q", w, ans.Text)
				}
			}
			if got := ans.Sources[0].URL; got != tt.wantURL {
				t.Errorf("first source URL = %q, want %q", got, tt.wantURL)
			}
			checkCitations(t, ans)
			text := FormatText(ans)
			if !strings.Contains(text, "Sources:") || !strings.Contains(text, tt.wantURL) {
				t.Errorf("formatted answer lacks its sources with links:\n%s", text)
			}
		})
	}
}

func TestAnswerDeclinesWhatTheSeriesDoesNotCover(t *testing.T) {
	a := defaultAnswerer(t)
	for _, q := range []string{
		"What is the capital of France?",
		"How do I bake sourdough bread?",
		"What was Pinduoduo's GMV in 2021?",
		"What was Tencent's revenue in 2021?",
		"今天北京的天气怎么样？",
		// The name the question is about starts it, so it is capitalised
		// like any first word; the series never names it all the same.
		"Pinduoduo revenue 2021",
		"Amazon cloud revenue?",
		// Typed in lower case, a name is still no word of English.
		"how much revenue did pinduoduo make last year",
		"meituan revenue yoy?",
		"腾讯2021年的营收是多少？", // a Chinese name the series never gives
		// Names the series gives only in passing, in sentences about
		// something else.
		"bilibili revenue 2021?",
		"how many users does wechat have",
		"what was cainiao's revenue",
		"tencent cloud market share in china?",
		// Acronyms the series never uses are names it never gives.
		"what was aws revenue in 2020",
		"when is ant group going to ipo",
		// The series gives the stock code of Alibaba Pictures, not of
		// Alibaba.
		"what is alibaba's own hong kong stock code?",
		// A Chinese name the series never gives, beside common words it
		// does (平台: platform; 中国: China).
		"拼多多是什么平台",
		"中国移动的营收是多少",
		"what does tencent's gaming division do",
		// Nor any share price, however Alibaba is typed.
		"whats baba share price rn",
		"whats alibabas share price right now?",
	} {
		t.Run(q, func(t *testing.T) {
			ans, err := a.Answer(context.Background(), question(t, q), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Grounded || len(ans.Sources) != 0 {
				t.Fatalf("answered an off-topic question: %q", ans.Text)
			}
			for _, w := range []string{"does not cover", "Part 1", part2URL, "Part 4"} {
				if !strings.Contains(ans.Text, w) {
					t.Errorf("refusal lacks %q: %q", w, ans.Text)
				}
			}
			if strings.Contains(ans.Text, "[1]") {
				t.Errorf("refusal cites a source: %q", ans.Text)
			}
		})
	}
}

// TestEveryQuotedSentenceIsAboutTheQuestion: further sentences are held to
// the same bar as the best one, so an answer about Alibaba Cloud's
// customers does not go on about the consumers Ant Group serves.
func TestEveryQuotedSentenceIsAboutTheQuestion(t *testing.T) {
	a := defaultAnswerer(t)
	ans, err := a.Answer(context.Background(), question(t, "How many customers does Alibaba Cloud serve?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "4 million") {
		t.Fatalf("answer = %q", ans.Text)
	}
	if strings.Contains(ans.Text, "Ant Group") {
		t.Errorf("answer quotes a sentence about another company: %q", ans.Text)
	}
}

// TestFullWidthQuestion: letters typed in full width (common with Chinese
// input methods) read as the ordinary ones.
func TestFullWidthQuestion(t *testing.T) {
	a := defaultAnswerer(t)
	ans, err := a.Answer(context.Background(), question(t, "What is ＤｉｎｇＴａｌｋ？"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "2015") {
		t.Errorf("full-width DingTalk: %q", ans.Text)
	}
}

func TestAnswerPartFilter(t *testing.T) {
	a := defaultAnswerer(t)
	ans, err := a.Answer(context.Background(), inPart(question(t, "What is DingTalk?"), 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.Contains(ans.Text, "Part 3 of the series does not cover that") {
		t.Errorf("DingTalk is not in Part 3, got %q", ans.Text)
	}
	ans, err = a.Answer(context.Background(), inPart(question(t, "What is DingTalk?"), 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || ans.Sources[0].Part != 2 {
		t.Errorf("part 2 answer = %+v", ans)
	}
}

func TestNewQuestionRefusesWhatCannotBeAsked(t *testing.T) {
	tests := []struct {
		name string
		text string
		want error
		msg  string // in the message for the user
	}{
		{"empty", "", ErrEmptyQuestion, "Your question is empty"},
		{"blank", " \n\t ", ErrEmptyQuestion, "Your question is empty"},
		{"too long", strings.Repeat("cloud ", MaxQuestionRunes), ErrQuestionTooLong, "5,999 characters long; questions are limited to 1,000"},
		{"punctuation only", "???", ErrNoWords, "no words to search for"},
		{"emoji only", "🙂🙂", ErrNoWords, "no words to search for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewQuestion(tt.text)
			var qe *QuestionError
			if !errors.Is(err, tt.want) || !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want %v saying %q", err, tt.want, tt.msg)
			}
		})
	}
	// The limit counts characters, not bytes: a Chinese question of the
	// maximum length is accepted.
	if q, err := NewQuestion(strings.Repeat("钉", MaxQuestionRunes)); err != nil || q.Text() != strings.Repeat("钉", MaxQuestionRunes) {
		t.Errorf("NewQuestion(%d Chinese characters) = %v", MaxQuestionRunes, err)
	}
	if q, _ := NewQuestion("  What is DingTalk? \n"); q.Text() != "What is DingTalk?" {
		t.Errorf("question kept its blanks: %q", q.Text())
	}
	// Only a checked question is answered.
	if _, err := defaultAnswerer(t).Answer(context.Background(), Question{}, nil); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("Answer(Question{}) = %v, want ErrEmptyQuestion", err)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const lotusArticle = `---
series: Lotus
part: 1
title: "Lotus (Part 1): The Tea Business"
url: https://example.com/lotus-part-1
---
## Tea

Lotus Tea sold 12 million tins of oolong in 2020, mostly in Fujian.
`

func TestSwapServesTheNewSnapshot(t *testing.T) {
	a := defaultAnswerer(t)
	dir := writeFiles(t, map[string]string{"lotus.md": lotusArticle})
	lib, warn, err := Loader{Dir: dir}.Load(context.Background())
	if err != nil || warn != nil {
		t.Fatalf("load: %v, %v", err, warn)
	}
	old := a.Swap(lib)
	if old == nil || old.Index.Len() == 0 {
		t.Fatal("Swap did not return the snapshot served before")
	}
	ans, err := a.Answer(context.Background(), question(t, "How many tins of oolong did Lotus Tea sell?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "12 million") || ans.Sources[0].URL != "https://example.com/lotus-part-1" {
		t.Errorf("after swap: %+v", ans)
	}
}

func TestLoaderReportsBrokenFilesAndKeepsTheRest(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"lotus.md":  lotusArticle,
		"broken.md": "---\ntitle: never closed\n",
	})
	lib, warn, err := Loader{Dir: dir}.Load(context.Background())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if warn == nil || !strings.Contains(warn.Error(), "broken.md") {
		t.Errorf("warning should name broken.md, got %v", warn)
	}
	if lib.Index.Len() == 0 {
		t.Error("the good file was not loaded")
	}

	_, _, err = Loader{Dir: filepath.Join(dir, "missing")}.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing dir: err = %v, want it named", err)
	}
	empty := t.TempDir()
	if _, _, err := (Loader{Dir: empty}).Load(context.Background()); err == nil {
		t.Error("an empty corpus dir should be an error")
	}
}

// TestAnswersFromTheRealPart2Page loads the page as the user supplied it
// (rendered to text, blog template and all) and answers from it.
func TestAnswersFromTheRealPart2Page(t *testing.T) {
	src := sharedtest.Path(t, "series/000_b4f39b9538fbf4a7.txt")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"part2.txt": string(data)})
	lib, warn, err := Loader{Dir: dir}.Load(context.Background())
	if err != nil || warn != nil {
		t.Fatalf("load: %v, %v", err, warn)
	}
	a := NewAnswerer(lib)
	ans, err := a.Answer(context.Background(), question(t, "How much revenue did Alibaba Cloud make in fiscal 2021?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "RMB60 billion") {
		t.Errorf("answer from the real page: %q", ans.Text)
	}
	for _, junk := range []string{"subscribe", "Writer's picture", "top of page"} {
		if strings.Contains(FormatText(ans), junk) {
			t.Errorf("answer quotes blog template text %q", junk)
		}
	}
}

// TestDeclineListsArticlesWithoutParts: a corpus of articles that carry no
// part number still tells the user what it covers.
func TestDeclineListsArticlesWithoutParts(t *testing.T) {
	dir := writeFiles(t, map[string]string{"notes.txt": "Tea notes\n\nLotus Tea sold 12 million tins of oolong in 2020.\n"})
	lib, warn, err := Loader{Dir: dir}.Load(context.Background())
	if err != nil || warn != nil {
		t.Fatalf("load: %v, %v", err, warn)
	}
	ans, err := NewAnswerer(lib).Answer(context.Background(), question(t, "What is the capital of France?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.Contains(ans.Text, "It covers:\n- Tea notes") {
		t.Errorf("decline = %q", ans.Text)
	}
}

func TestOfflineFollowUpMergesThePreviousQuestion(t *testing.T) {
	a := defaultAnswerer(t)
	q := question(t, "When was it launched?")
	q.History = []Turn{{Question: "What is DingTalk?", Answer: "DingTalk is …"}}
	ans, err := a.Answer(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "DingTalk") || !strings.Contains(ans.Text, "2015") {
		t.Errorf("follow-up answer = %q", ans.Text)
	}
	if ans.Question != q.Text() {
		t.Errorf("question = %q", ans.Question)
	}
}

// TestQuestionsAsPeopleTypeThem: a mention, a greeting, chatter, a typo,
// finance shorthand or lower case do not keep the series' answer from a
// question, on any transport (they all go through NewQuestion).
func TestQuestionsAsPeopleTypeThem(t *testing.T) {
	a := defaultAnswerer(t)
	tests := []struct {
		question string
		want     string // in the answer
	}{
		{"what is youku bruh", "long-form video"},
		{"hey bot, what is youku", "long-form video"},
		{"what is youku?? asking for a friend", "long-form video"},
		{"@everyone what is DingTalk?", "2015"},
		{"<@123456789012345678> what is dingtalk", "2015"},
		{"wat is dingtlak", "2015"},
		{"alibab clodu revenue", "RMB60 billion"},
		{"cloud rev fy21?", "RMB60 billion"},
		{"<:thonk:123456789012345678> where does trendyol operate 🙏", "Turkey"},
		{"how many customers does aliyun have", "4 million"},
		{"ok so what is dingtalk, my boss mentioned it", "2015"},
		{"优酷在中国长视频平台里排第几？", "third"},
		{"what rank is youku among video platforms in china", "third"},
		{"which places does Lazada serve?", "Southeast Asia"}, // places, not a place in an order
		{"quick q what yr did taobao go live", "2003"},
		{"yo wut is dingtalk smh", "2015"},
		{"which video platforms beat youku on mau", "iQIYI"},
		{"淘宝是什么时候推出的", "2003"}, // the series writes Taobao, never 淘宝
		{"钉钉是哪年上线的", "2015"},
		{"what kind of biz did alibab start out as", "wholesale"},
		{"what are ant group's main products", "insurance"},                                 // "main" picks, the series need not say it
		{"which alibaba platform covers south asia? pakistan bangladesh etc", "Daraz"},      // places it does not name are in regions it does
		{"What kind of business was Alibaba Group when it first started out?", "wholesale"}, // "first" of a beginning, not of an order
		{"which site serves southeast asia", "Lazada"},                                      // the subject is the one asked for
		{"which site serves indonesia", "Lazada"},
		{"why'd they even make alipay in the first place lol", "trust"}, // making, not earning
		{"how much did alibaba cloud make in fy21", "RMB60 billion"},    // earning
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			ans, err := a.Answer(context.Background(), question(t, tt.question), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Grounded || !strings.Contains(ans.Text, tt.want) {
				t.Errorf("answer = %q, want it grounded with %q", ans.Text, tt.want)
			}
			checkCitations(t, ans)
		})
	}
}

// TestSmallTalkIsNotARefusal: "hi" gets a line about the bot, not the
// refusal with every part listed.
func TestSmallTalkIsNotARefusal(t *testing.T) {
	a := defaultAnswerer(t)
	for q, want := range map[string]string{"hi": "I answer questions about", "thanks!": "Glad to help", "what can you do?": "/help"} {
		ans, err := a.Answer(context.Background(), question(t, q), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.SmallTalk || ans.Grounded || !strings.Contains(ans.Text, want) || strings.Contains(ans.Text, "does not cover") || len(ans.Sources) != 0 {
			t.Errorf("%q answered %+v", q, ans)
		}
	}
}

// TestComparisonQuotesEachSide: "which is bigger, A or B?" is answered with
// the figure the series gives for each side, both cited.
func TestComparisonQuotesEachSide(t *testing.T) {
	a := defaultAnswerer(t)
	ans, err := a.Answer(context.Background(), question(t, "which segment is bigger, cloud or digital media?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "8%") || !strings.Contains(ans.Text, "4%") || len(ans.Sources) != 2 {
		t.Errorf("answer = %+v", ans)
	}
	checkCitations(t, ans)
}

func TestComparisonSides(t *testing.T) {
	tests := []struct{ q, a, b string }{
		{"which segment is bigger, cloud or digital media?", "cloud", "digital media"},
		{"which is larger, innovation initiatives or cloud computing?", "innovation initiatives", "cloud computing"},
		{"is Alibaba Cloud bigger than DingTalk?", "Alibaba Cloud", "DingTalk"},
		{"what is DingTalk?", "", ""},
		{"is Youku bigger or smaller?", "", ""},
		// What stands between the comparative and "than" is what is
		// measured.
		{"does the innovation initiatives segment make more money than digital media?", "the innovation initiatives segment make", "digital media"},
		{"does cloud bring in more revenue than digital media", "cloud bring in", "digital media"},
		{"did alibaba spend more on cloud than on media", "on cloud", "on media"},
	}
	for _, tt := range tests {
		a, b, _, ok := comparisonSides(tt.q)
		if a != tt.a || b != tt.b || ok != (tt.a != "") {
			t.Errorf("comparisonSides(%q) = %q, %q, %v; want %q, %q", tt.q, a, b, ok, tt.a, tt.b)
		}
	}
}

// TestWhatTheSeriesDoesNotSay: asked who founded Alibaba, the bot says the
// series does not say, and gives the closest fact it does state, cited;
// neither the refusal with the parts list nor an unrelated sentence.
func TestWhatTheSeriesDoesNotSay(t *testing.T) {
	ans, err := defaultAnswerer(t).Answer(context.Background(), question(t, "who founded alibaba"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.HasPrefix(ans.Text, "The series does not say who.") || !strings.Contains(ans.Text, "1999") || len(ans.Sources) != 1 || strings.Contains(ans.Text, "It covers:") {
		t.Errorf("answer = %+v", ans)
	}
	checkCitations(t, ans)

	// "The number of" asks for a count, which a rank does not give.
	ans, err = defaultAnswerer(t).Answer(context.Background(), question(t, "exact number of youku monthly active users pls"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.HasPrefix(ans.Text, "The series gives no figure for that.") {
		t.Errorf("answer = %+v", ans)
	}

	// "Number one" ranks; it counts nothing.
	ans, err = defaultAnswerer(t).Answer(context.Background(), question(t, "how many tmall genie units were sold in 2020"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Grounded || !strings.HasPrefix(ans.Text, "The series gives no figure for that. The closest it states: T-Mall Genie sold more units in 2020") {
		t.Errorf("answer = %+v", ans)
	}
}

// TestWhatTheSeriesNeverMentions: a question about something the series has
// no word for ("Alibaba's market cap") is told so, in its own words, with
// the closest fact it does state when one covers the rest of the question,
// and without any when none does; a word that only derives from one of the
// series' ("percentage" of percent) is no such word.
func TestWhatTheSeriesNeverMentions(t *testing.T) {
	a := defaultAnswerer(t)
	tests := []struct {
		q       string
		part    int
		head    string // the answer starts so
		closest string // and quotes this, or lists the parts when ""
	}{
		{"what was alibaba's net income in fy21", 0, "The series never mentions “net”.", "operating income"},
		{"who is alibaba's ceo these days", 0, "The series never mentions “ceo”.", ""},
		{"what is Alibaba's market cap?", 3, "Part 3 of the series never mentions “cap”.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := a.Answer(context.Background(), inPart(question(t, tt.q), tt.part), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Grounded || !strings.HasPrefix(ans.Text, tt.head) {
				t.Fatalf("answer = %+v, want it ungrounded and starting %q", ans, tt.head)
			}
			if tt.closest == "" {
				if len(ans.Sources) != 0 || !strings.Contains(ans.Text, "It covers:") {
					t.Errorf("answer = %+v, want the parts listed and nothing cited", ans)
				}
				return
			}
			if !strings.Contains(ans.Text, "The closest it states: ") || !strings.Contains(ans.Text, tt.closest) || len(ans.Sources) != 1 {
				t.Errorf("answer = %+v, want the closest fact (%q) quoted and cited", ans, tt.closest)
			}
			checkCitations(t, ans)
		})
	}
	ans, err := a.Answer(context.Background(), question(t, "What was cost of revenue as a percentage of revenue in 2021?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "59%") {
		t.Errorf("answer = %+v, want 59%% quoted", ans)
	}
}

// TestWhichOnesAreNamed: asked which things or where, the answer names
// them, from the sentences that follow the one introducing them; a
// sentence that names the answer itself is quoted alone.
func TestWhichOnesAreNamed(t *testing.T) {
	a := defaultAnswerer(t)
	for q, want := range map[string][]string{
		"Which international e-commerce platforms does Alibaba run outside China?": {"Lazada", "Daraz", "Trendyol", "Turkey"},
		"@everyone outside china, where does alibaba run e-commerce platforms?":    {"Southeast Asia", "South Asia", "Turkey"},
	} {
		ans, err := a.Answer(context.Background(), question(t, q), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !ans.Grounded || !strings.Contains(ans.Text, w) {
				t.Errorf("%q: answer = %q, want it to name %q", q, ans.Text, w)
			}
		}
		if len(ans.Sources) != 1 {
			t.Errorf("%q: %d sources, want the one passage", q, len(ans.Sources))
		}
		checkCitations(t, ans)
	}
	ans, err := a.Answer(context.Background(), question(t, "Which Alibaba platform serves Turkey?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ans.Text, "Trendyol is Alibaba's e-commerce platform serving Turkey") || strings.Contains(ans.Text, "Lazada") {
		t.Errorf("answer = %q, want the Trendyol sentence alone", ans.Text)
	}
}

// TestWhyIsAnsweredWithTheReason: asked why, the answer gives the reason the
// series goes on to state, not only the fact the question restates; a
// sentence that gives its reason itself is answer enough.
func TestWhyIsAnsweredWithTheReason(t *testing.T) {
	a := defaultAnswerer(t)
	for q, want := range map[string]string{
		"Why have Alibaba's profits been uneven?":                          "38% of revenue in 2017 to 59%",
		"Why does Alibaba expect its cost of revenue to continue to rise?": "direct selling",
		// What the question asks about is what a reason is given for,
		// not the reason for something else ("operating income was held
		// back because cost of revenue climbed").
		"why did cost of revenue increase": "down to logistics",
	} {
		ans, err := a.Answer(context.Background(), question(t, q), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Grounded || !strings.Contains(ans.Text, want) || len(ans.Sources) != 1 {
			t.Errorf("%q: answer = %+v, want the reason (%q) from one passage", q, ans, want)
		}
		checkCitations(t, ans)
	}
	ans, err := a.Answer(context.Background(), question(t, "why did alibaba set up alipay?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ans.Text, "Alipay was set up to serve Alibaba's online shopping business by solving the problem of trust") {
		t.Errorf("answer = %q, want the sentence with the reason first", ans.Text)
	}
}

// TestFollowUpChains: a follow-up that names nothing is about what the
// conversation was about, however many turns back it was named; a
// question that names its own subject starts a new topic.
func TestFollowUpChains(t *testing.T) {
	a := defaultAnswerer(t)
	tests := []struct {
		history []string
		q, want string
	}{
		{[]string{"How much revenue did Alibaba Cloud make?"}, "and how many customers?", "4 million customers"},
		{[]string{"tell me about youku", "how does it rank in china?"}, "and when was it bought?", "2016"},
		{[]string{"When was Alibaba Cloud launched?", "how much revenue did it make in fiscal 2021?"}, "what about its ranking?", "third-largest"},
		{[]string{"What is DingTalk?"}, "When was Taobao launched?", "2003"},
		// "came" and "along" are words of the series too, but common
		// English words count for little, however rarely it uses them.
		{[]string{"when did alibaba start"}, "and taobao came along in which year?", "2003"},
		// A follow-up naming something new asks the earlier question of it.
		{[]string{"which platform does alibaba run in southeast asia"}, "what about turkey", "Trendyol"},
		{[]string{"what was alibaba's revenue growth rate 2017-21"}, "and did operating income grow just as smoothly?", "less smoothly"},
		// What the earlier question asked about is not the follow-up's.
		{[]string{"is alibaba a monopoly"}, "and when was taobao launched?", "2003"},
		{[]string{"what is alibaba's market cap"}, "and how much revenue did alibaba cloud make?", "RMB60 billion"},
		// A question asked in full stands alone though it names nothing,
		// and is what a later follow-up is about.
		{[]string{"what % of rev is cloud computing"}, "what's stylized fact #1 in the financial overview part?", "total revenue went up in every year"},
		{[]string{"how fast did alibaba's revenue grow from 2017 to 2021?", "did operating income grow as smoothly?"}, "why not?", "59%"},
		// "When" asks for a date, not for the year the question before
		// it named.
		{[]string{"How much revenue did Alibaba Cloud make in fiscal 2021?"}, "and when was it launched?", "launched in 2009"},
		// "Which year" only asks for a date: "had the biggest jump" is no
		// subject of its own.
		{[]string{"why did alibabas cost of revenue go up so much"}, "which year had the biggest jump", "2018 to 2019"},
		// What the questions before asked weighs nothing against what a
		// follow-up asks of what they named.
		{[]string{"what was amap called before alibaba got it?", "when did alibaba take it private?"}, "whats its main rival?", "Baidu Maps"},
		{[]string{"what is youku", "when did alibaba buy youku?"}, "who's ahead of it", "iQIYI"},
		// One that named nothing was about what its answer named.
		{[]string{"what's stylized fact #1 in the financial overview part?"}, "what's the growth rate", "31.4%"},
		// Going up is rising, not going on.
		{[]string{"when did alibaba's cost of revenue jump the most?"}, "why did it go up so much?", "down to logistics"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans := askAfter(t, a, tt.history, tt.q)
			if !ans.Grounded || !strings.Contains(ans.Text, tt.want) {
				t.Errorf("answer = %q, want %q", ans.Text, tt.want)
			}
		})
	}
	// Read with what the question before named, a sentence must open on it
	// and give what is asked: one naming it in passing is no answer.
	for _, tt := range []struct {
		history []string
		q       string
	}{
		{[]string{"who won the world cup"}, "when was it launched?"},
		{[]string{"how much revenue did alibaba cloud make in 2021?"}, "who are its rivals"},
	} {
		if ans := askAfter(t, a, tt.history, tt.q); ans.Grounded {
			t.Errorf("%q after %q answered %q", tt.q, tt.history, ans.Text)
		}
	}
}

// TestNamesPart: a question naming a part by its subject reads its
// sentences with the part's title; one naming it by number does not.
func TestNamesPart(t *testing.T) {
	for q, want := range map[string]bool{
		"how does the financial part lay out its findings": true,
		"what does the cloud article say":                  true,
		"how does part 1 rate alibaba's cloud biz":         false,
		"is cloud part of alibaba":                         false,
	} {
		if got := namesPart(q); got != want {
			t.Errorf("namesPart(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestFollowUpNamingItsSubject: a follow-up that names something new
// ("what about DingTalk?") is what "it" means from then on.
func TestFollowUpNamingItsSubject(t *testing.T) {
	a := defaultAnswerer(t)
	ans := askAfter(t, a, []string{"tell me about alibaba cloud", "how many customers?", "what about dingtalk"}, "when was it launched")
	if !ans.Grounded || !strings.Contains(ans.Text, "2015") || strings.Contains(ans.Text, "2009") {
		t.Errorf("answer = %q, want DingTalk's launch (2015), not Alibaba Cloud's (2009)", ans.Text)
	}
	// A conversation that opens on such a follow-up has nothing before
	// it: "it" is what it named.
	for _, opening := range []string{"what about dingtalk?", "and dingtalk?", "what about its customers, dingtalk's"} {
		ans := askAfter(t, a, []string{opening}, "when was it launched")
		if !ans.Grounded || !strings.Contains(ans.Text, "2015") {
			t.Errorf("after %q: answer = %q, want DingTalk's launch (2015)", opening, ans.Text)
		}
	}
}

// askAfter asks q in a conversation that asked history first, each
// question answered in turn, and returns q's answer.
func askAfter(t *testing.T, a *Answerer, history []string, q string) Answer {
	t.Helper()
	var turns []Turn
	for _, h := range history {
		hq := question(t, h)
		hq.History = turns
		ans, err := a.Answer(context.Background(), hq, nil)
		if err != nil {
			t.Fatal(err)
		}
		turns = append(turns, Turn{Question: h, Answer: ans.Text})
	}
	fq := question(t, q)
	fq.History = turns
	ans, err := a.Answer(context.Background(), fq, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ans
}

// TestThanksInAThread: thanks after an answer is thanks, not the earlier
// question asked again.
func TestThanksInAThread(t *testing.T) {
	q := question(t, "thanks!")
	q.History = []Turn{{Question: "What is DingTalk?", Answer: "DingTalk is a workplace app [1]."}}
	ans, err := defaultAnswerer(t).Answer(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.SmallTalk || !strings.Contains(ans.Text, "Glad to help") {
		t.Errorf("answer = %+v", ans)
	}
}

// TestTheAnsweringPassageComesFirst: of the passages found, the one
// holding the sentence that answers comes first, even when another
// matches the question better as a whole: it is the first source, and the
// first passage a model reads.
func TestTheAnsweringPassageComesFirst(t *testing.T) {
	a := defaultAnswerer(t)
	for _, tt := range []struct{ q, want string }{
		{"What was Alibaba's GMV on its China retail marketplaces in fiscal 2021?", "7.5 trillion"},
		{"where does trendyol operate", "Turkey"},
		{"2021年营业成本占收入的比例是多少", "59%"},
	} {
		hits, err := a.Search(context.Background(), question(t, tt.q))
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, tt.want) {
			t.Errorf("%q: first passage %.80q…, want the one saying %q", tt.q, hits[0].Passage.Text, tt.want)
		}
	}
}

// TestFormerNames: asked what something was called before, the answer is
// the sentence giving its earlier name, not one saying what it is; when
// the series gives none, it says so and quotes what it does say.
func TestFormerNames(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"what was it called before":          kindFormerName,
		"gaode ditu used to go by what name": kindFormerName,
		"what was amap's old name":           kindFormerName,
		"what is amap called":                kindAny,
		"what name does the series use":      kindAny,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"gaode ditu used to go by what name", "AutoNavi", true},
		{"what was amap's old name", "AutoNavi", true},
		{"what was alibaba pictures called before alibaba took it over", "ChinaVision Media", true},
		{"what was taobao called before", "The series gives no earlier name for that. The closest it states: ", false},
	})
}

// TestComparisonFollowUps: after a comparison, "and X?" brings one more
// side in, answered with X's figure, however many sides came before it.
func TestComparisonFollowUps(t *testing.T) {
	a := defaultAnswerer(t)
	cmp := "which is bigger, cloud or digital media?"
	for _, tt := range []struct {
		history []string
		q, want string
	}{
		{[]string{cmp}, "and innovation initiatives?", "1% of Alibaba's revenue"},
		{[]string{cmp, "and innovation initiatives?"}, "what about ant group", "Ant Group"},
	} {
		ans := askAfter(t, a, tt.history, tt.q)
		if !ans.Grounded || !strings.Contains(ans.Text, tt.want) || strings.Contains(ans.Text, "Part 2 of the series") || len(ans.Sources) != 1 {
			t.Errorf("%q: answer = %+v, want its figure (%q), cited", tt.q, ans, tt.want)
		}
		checkCitations(t, ans)
	}
}

// TestSentenceGivingAllTheNames: a sentence that gives every name of the
// question, a rare one among them, answers a question that words the rest
// otherwise, when no sentence that covers the question gives them all; a
// question asking for a figure still needs its figure's words.
func TestSentenceGivingAllTheNames(t *testing.T) {
	a := defaultAnswerer(t)
	for _, tt := range []struct {
		q, want  string
		grounded bool
	}{
		{"which online marketplace does alibaba run for turkish shoppers", "Trendyol", true},
		{"how many daily users does dingtalk have", "The series never mentions “daily”.", false},
	} {
		ans := askAfter(t, a, nil, tt.q)
		if ans.Grounded != tt.grounded || !strings.HasPrefix(ans.Text, tt.want) {
			t.Errorf("%q: answer = %q (grounded %v), want it to open with %q, grounded %v", tt.q, ans.Text, ans.Grounded, tt.want, tt.grounded)
		}
		checkCitations(t, ans)
	}
}

// TestChineseWhenQuestions: 哪一年 asks for a year, as "what year" does; a
// sentence is not asked to share the word "year" (年), so Alibaba's fiscal
// year closing on 31 March does not answer when it was founded.
func TestChineseWhenQuestions(t *testing.T) {
	a := defaultAnswerer(t)
	for _, tt := range []struct{ q, want, not string }{
		{"阿里巴巴最早是在哪一年创办的？", "1999", "31 March"},
		{"淘宝是什么时候推出的", "2003", "31 March"},
		{"In what year was Alibaba founded?", "1999", "31 March"},
	} {
		ans := askAfter(t, a, nil, tt.q)
		if !ans.Grounded || !strings.Contains(ans.Text, tt.want) || strings.Contains(ans.Text, tt.not) {
			t.Errorf("%q: answer = %q, want %q in it and not %q", tt.q, ans.Text, tt.want, tt.not)
		}
		checkCitations(t, ans)
	}
}

// TestSearchPutsTheNamedFirst: a passage naming what the question names
// comes before those naming none of it, however the kind of answer asked
// for lifts them: "who founded iQIYI?" is about iQIYI, not about who
// founded Alibaba. A year beside the name says nothing of what is asked:
// Baidu's revenue is not answered by iQIYI's rank as of March 2021.
func TestSearchPutsTheNamedFirst(t *testing.T) {
	a := defaultAnswerer(t)
	hits, err := a.Search(context.Background(), question(t, "who founded iqiyi?"))
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "iQIYI") {
		t.Errorf("hits for who founded iqiyi: %v, want the passage naming iQIYI first", hits)
	}
	if ans := askAfter(t, a, nil, "baidu revenue fy21?"); ans.Grounded {
		t.Errorf("baidu revenue fy21: answer = %q, want it not grounded", ans.Text)
	}
}

// TestWhoDidIt: "…trailing only iQIYI, which Baidu founded, and Bilibili"
// says who founded iQIYI, not Bilibili: the relative clause describes the
// name before it.
func TestWhoDidIt(t *testing.T) {
	a := defaultAnswerer(t)
	for _, q := range []string{"who started iqiyi", "who created iQIYI?"} {
		// "iQIYI, which Baidu founded" says who: it is the answer, not
		// the closest thing to one.
		if ans := askAfter(t, a, nil, q); !ans.Grounded || !strings.Contains(ans.Text, "which Baidu founded") {
			t.Errorf("%s: answer = %+v, want it grounded in the sentence saying Baidu founded it", q, ans)
		}
	}
	if ans := askAfter(t, a, nil, "who founded bilibili"); strings.Contains(ans.Text, "Baidu") {
		t.Errorf("who founded bilibili: answer = %q, want nothing of who founded iQIYI", ans.Text)
	}
}

// TestRivals: a question asking for a rival is answered by the sentence that
// names what stands beside its subject, though no sentence says "rival";
// one about a business the series never names is still refused.
func TestRivals(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"who is dingtalk's big competitor in china": kindRival,
		"whats amap's main rival app":               kindRival,
		"钉钉的竞争对手是谁":                                 kindRival,
		"who founded alibaba":                       kindPerson,
		"whos the founder of alibaba":               kindPerson,
		"what is dingtalk":                          kindAny,
		// A rank, a date or a count is asked before a rival.
		"what rank is taobao among its competitors": kindRank,
		"how many competitors does dingtalk have":   kindNumber,
		"who will lead alibaba":                     kindPerson,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"who is dingtalk's big competitor in china", "WeChat for Business", true},
		{"whats amap's main rival app", "Baidu Maps", true},
		{"Is Amap the only popular navigation app in China, or does it have a major rival?", "Baidu Maps", true},
		{"who are youku's competitors", "iQIYI", true},
		{"who is jd's main rival", "The series does not cover that.", false},
	})
}

// checkKinds checks the kind of answer kindOf reads in each question.
func checkKinds(t *testing.T, want map[string]answerKind) {
	t.Helper()
	for q, k := range want {
		if got := kindOf(q); got != k {
			t.Errorf("kindOf(%q) = %v, want %v", q, got, k)
		}
	}
}

// wantAnswer is a question and what its answer must hold.
type wantAnswer struct {
	q, want  string
	grounded bool
}

// askEach asks each question alone and checks its answer and citations.
func askEach(t *testing.T, a *Answerer, tests []wantAnswer) {
	t.Helper()
	for _, tt := range tests {
		ans, err := a.Answer(context.Background(), question(t, tt.q), nil)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Grounded != tt.grounded || !strings.Contains(ans.Text, tt.want) {
			t.Errorf("%q: answer = %+v, want %q, grounded %v", tt.q, ans, tt.want, tt.grounded)
		}
		checkCitations(t, ans)
	}
}

// TestPurpose: a question of what something is for is answered by the
// sentence that states an aim, alone, and told so when none does.
func TestPurpose(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"what's the stated goal behind alibaba's digital media businesses": kindPurpose,
		"what was the purpose of alipay":                                   kindPurpose,
		"What is the boiling point of water?":                              kindAny,
		"why did alibaba buy youku":                                        kindAny,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"what is the aim of alibaba's entertainment businesses", "Alibaba says the purpose of its media and entertainment businesses", true},
		{"what's the goal of dingtalk", "The series states no aim for that. The closest it states: DingTalk", false},
	})
}

// TestEveryKindHasItsBit: kindsOf keeps one bit per kind in a kindSet; a
// kind past its width would never be found.
func TestEveryKindHasItsBit(t *testing.T) {
	for k := kindNumber; k <= kindListing; k++ {
		if kindSet(1)<<k == 0 {
			t.Errorf("kind %d does not fit in a kindSet", k)
		}
	}
}

// TestHowLong: "how long did it take" asks for a stretch of time, which a
// launch year alone does not give; "how long ago" asks for a date.
func TestHowLong(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"how long did it take alibaba cloud to catch on": kindDuration,
		"how long ago was alibaba founded":               kindTime,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"how long did it take alibaba cloud to actually catch on after it launched", "roughly a decade", true},
		{"how long ago was alibaba founded", "1999", true},
		{"how long has dingtalk been around", "The series does not say how long. The closest it states: DingTalk", false},
	})
}

// TestLayout: "how is the financial overview laid out?" is answered by the
// sentence after the one naming the overview, which goes on about the same
// part and says how it is arranged; the sentence after one naming a
// business in passing answers nothing about it.
func TestLayout(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"how is the financial overview article laid out": kindLayout,
		"what is the structure of part 3":                kindLayout,
		"what findings does part 3 set out":              kindAny, // what, not how
		"how many segments is alibaba split up into":     kindNumber,
		"what is the ownership structure of ant group":   kindAny, // no part of the series
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"how is the financial overview article structured", `Part 3 sets out its findings as numbered "stylized facts"`, true},
		{"How is the financial overview in Part 3 organised?", "stylized facts", true},
		// "The financial part" is Part 3, by its title.
		{"how does the financial part lay out its main findings? like what format", "stylized facts", true},
		{"how many daily users does microsoft teams have", "The series never mentions “daily”.", false},
	})
}

// TestBesides: what a question sets aside need not be in the answer, and a
// sentence adding to it is preferred.
func TestBesides(t *testing.T) {
	for q, want := range map[string]string{
		"besides maps, what else can you do in amap":  ", what else can you do in amap",
		"what does amap do besides maps":              "what does amap do ",
		"besides payments what financial stuff":       " what financial stuff",
		"whats the other navigation app besides amap": "whats the other navigation app ",
		"what is amap": "what is amap",
	} {
		if got := setAside(q); got != want {
			t.Errorf("setAside(%q) = %q, want %q", q, got, want)
		}
	}
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"besides maps, what else can you do in amap", "Amap also lets users search for local services and offers ride-hailing [1].", true},
		{"whats the other big navigation app in china besides amap", "Baidu Maps", true},
	})
}

// TestFuture: a question of what is to come is answered by what the series
// says Alibaba expects or plans, and a past fact is no forecast.
func TestFuture(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"will alibaba's cost of revenue keep going up? pls":             kindFuture,
		"what's part 4 of the alibaba series going to cover?":           kindFuture,
		"how much will cloud revenue be in 2025":                        kindNumber,
		"whats the forecast for alibaba cloud revenue next fiscal year": kindFuture,
		"what's the outlook for alibaba's cost of revenue":              kindFuture,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"will alibaba's cost of revenue keep going up? pls", "keep growing", true},
		{"what's part 4 of the alibaba series going to cover?", "Part 4 looks ahead to the Group's future", true},
		{"what will baba stock be trading at by end of next year", "The series does not cover that.", false},
		{"whats the forecast for alibaba cloud revenue next fiscal year", "The series makes no forecast of that.", false},
	})
}

// TestChineseName: the series gives a name in Chinese in brackets after the
// English one, which answers "what's the chinese name of…" without the
// words "Chinese name".
func TestChineseName(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"wats the chinese name of alibaba group": kindChineseName,
		"what is amap called in chinese":         kindChineseName,
		"when did taobao get its chinese name":   kindTime,
		"what is the chinese market like":        kindAny,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"wats the chinese name of alibaba group", "Alibaba Group (阿里巴巴集团)", true},
		{"what is alibaba pictures called in chinese", "阿里巴巴影业集团", true},
		{"what is tencent's name in chinese", "The series gives no Chinese name for that.", false},
	})
}

// TestLikeness: a question that likens something to another asks what it is
// like, which the series answers by naming its peers; a name the series never
// gives that the question only likens it to does not make it off-topic,
// unless little else is asked.
func TestLikeness(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"what apps is dingtalk similar to":                  kindRival,
		"is dingtalk basically alibaba's version of zoom":   kindRival,
		"what is dingtalk like":                             kindAny,
		"what version of tmall genie sold the most":         kindAny,
		"what are the alternatives for merchants on taobao": kindAny,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"is dingtalk basically alibaba's version of zoom?", "in the same category as Zoom and Microsoft Teams", true},
		{"is youku a short video app like tiktok?", "long-form video", true},
		{"is alibaba like amazon", "The series does not cover that.", false},
		{"how does alibaba cloud's revenue compare to aws", "The series does not cover that.", false},
		{"does alibaba cloud have rivals like aws", "The series does not cover that.", false},
	})
}

// TestReferredBack: a sentence is read with the words by which the one
// after it refers back to it ("Part 4 … returns to this growth strategy"):
// they say what it was about, though it never writes them.
func TestReferredBack(t *testing.T) {
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"what role does cloud play in alibabas growth strategy", "second pillar of the Group's growth", true},
	})
}

// TestListing: where something trades is given as an exchange and a code
// ("HKEX: 1060"), which answers a ticker question without the word; a
// listing the series does not give is told so.
func TestListing(t *testing.T) {
	checkKinds(t, map[string]answerKind{
		"alibaba pictures ticker?":                      kindListing,
		"is it listed anywhere":                         kindListing,
		"when was alibaba pictures listed":              kindTime,
		"阿里巴巴影业的股票代码是什么？":                               kindListing,
		"阿里巴巴影业在香港的股票代码是多少？":                            kindListing,
		"what does alibaba pictures produce":            kindAny,
		"天猫精灵上市后卖了多少台":                                  kindNumber, // 上市 is a product's launch too
		"what percentage of alibaba pictures is listed": kindNumber,
	})
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"who owns alibaba pictures? is it listed anywhere", "HKEX: 1060", true},
		{"what ticker did autonavi trade under before it went private?", "NASDAQ: AMAP", true},
		{"what is youku's stock code", "The series gives no stock code for that.", false},
		{"阿里巴巴影业在香港的股票代码是多少？", "HKEX: 1060", true},
	})
}

// TestNameOf: "the name of" asks for a name, which the series gives
// without the word: a sentence that says "under the name" does not come
// first for sharing it.
func TestNameOf(t *testing.T) {
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"quick q whats the name of alibabas ecommerce site in turkey", "Trendyol is Alibaba's e-commerce platform serving Turkey [1].", true},
	})
}

// TestWhatDoesItRun: "what does Alibaba run in South Asia?" asks for a
// thing by its name, which a sentence opening on that name gives, however
// late it names the place.
func TestWhatDoesItRun(t *testing.T) {
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"@SeriesBot what does alibab run in south asia lol", "Daraz is Alibaba's e-commerce platform serving South Asia", true},
		{"what does alibaba run in africa", "The series does not cover that.", false},
		{"what does tencent run in south asia", "The series does not cover that.", false},
		{"what online shopping platforms does alibaba run outside china?", "Trendyol is Alibaba's e-commerce platform serving Turkey", true},
		{"which regions outside china does alibabas intl ecommerce cover", "Trendyol is Alibaba's e-commerce platform serving Turkey", true},
	})
}

// TestAdvice: whether to buy or sell a stock is advice, which a series of
// analyses does not give; offline, it is told so rather than quoted the
// sentence that shares the most words. Investing that the series reports
// is still answered.
func TestAdvice(t *testing.T) {
	askEach(t, defaultAnswerer(t), []wantAnswer{
		{"hey bot should i buy baba stock or sell it", "The series gives no investment advice or share prices. It covers:", false},
		{"is alibaba a good investment", "The series gives no investment advice or share prices.", false},
		// Buying a product, or what Alibaba bought, is no advice asked.
		{"should i get a tmall genie", "T-Mall Genie", true},
		{"was youku worth buying for alibaba", "Youku (优酷) is an online platform for long-form video that Alibaba bought in 2016", true},
		{"should i buy alibaba stock lol", "The series gives no investment advice or share prices. It covers:\n- Part 1", false},
		{"what does alibaba plan to invest in", "new retail", true},
	})
}

// TestTheOneFor: "the one for South Asia" and "what is it called" ask for
// a thing by its name, as "which" does.
func TestTheOneFor(t *testing.T) {
	a := defaultAnswerer(t)
	ctx := context.Background()
	first, err := a.Answer(ctx, question(t, "what is lazada?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	q := question(t, "and whats the one for south asia called")
	q.History = []Turn{{Question: "what is lazada?", Answer: first.Text}}
	ans, err := a.Answer(ctx, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Grounded || !strings.Contains(ans.Text, "Daraz is Alibaba's e-commerce platform serving South Asia") {
		t.Errorf("follow-up answered %q (grounded %v), want Daraz", ans.Text, ans.Grounded)
	}
}

// TestCompoundQuestion: a question asking two things is answered with what
// each part adds, cited; one asking one thing is not split.
func TestCompoundQuestion(t *testing.T) {
	a := defaultAnswerer(t)
	ix := a.Snapshot().Index
	for q, want := range map[string][]string{
		"What was Alibaba Pictures called before Alibaba bought it, and what is its stock code?": {"What was Alibaba Pictures called before Alibaba bought it", "what is its stock code?"},
		"whats damai and when did alibaba get it":                                                {"whats damai", "when did alibaba get it"},
		"did alibaba cloud grow fast? how long til it took off":                                  {"did alibaba cloud grow fast?", "how long til it took off"},
		"which is bigger, cloud and digital media?":                                              nil,
		"and how many customers?":                                                                nil,
		"how much revenue and how much profit did alibaba make in 2021":                          nil, // "how much revenue" asks too little
		"what's the gap between revenue and what is reported as profit":                          nil,
	} {
		if got := compoundParts(ix, q); !slices.Equal(got, want) {
			t.Errorf("compoundParts(%q) = %q, want %q", q, got, want)
		}
	}
	ans, err := a.Answer(context.Background(), question(t, "What was Alibaba Pictures called before Alibaba bought it, and what is its stock code?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"ChinaVision Media", "HKEX: 1060"} {
		if !ans.Grounded || !strings.Contains(ans.Text, w) {
			t.Errorf("answer = %q (grounded %v), want %q", ans.Text, ans.Grounded, w)
		}
	}
	checkCitations(t, ans)
}

// TestSnapshotReadsOnlyWhatItNeeds: one question reads the sentences of the
// passages it retrieves, not of the whole series (what a single `ask`
// pays for), and the same passages read the same afterwards.
func TestSnapshotReadsOnlyWhatItNeeds(t *testing.T) {
	snap, _, err := Loader{}.Load(context.Background()) // a fresh one: the shared one is read by other tests
	if err != nil {
		t.Fatal(err)
	}
	a := NewAnswerer(snap)
	before, err := a.Answer(context.Background(), question(t, "what is youku"), nil)
	if err != nil {
		t.Fatal(err)
	}
	snap.readMu.Lock()
	read := len(snap.read)
	snap.readMu.Unlock()
	if read == 0 || read >= snap.Index.Len() {
		t.Errorf("one question read %d of %d passages", read, snap.Index.Len())
	}
	again, err := a.Answer(context.Background(), question(t, "what is youku"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Text != before.Text {
		t.Errorf("asked again: %q, first %q", again.Text, before.Text)
	}
}
