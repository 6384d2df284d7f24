package corpus

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"only spaces", " \t\n\u00a0 ", nil},
		{"no end punctuation", "a line with no end", []string{"a line with no end"}},
		{"two sentences", "The group began in 1999. A marketplace followed in 2003.",
			[]string{"The group began in 1999.", "A marketplace followed in 2003."}},
		{"trims and collapses nothing inside", "  One.   Two.  ", []string{"One.", "Two."}},
		{"newline is whitespace", "One.\nTwo.", []string{"One.", "Two."}},
		{"digit starts a sentence", "Revenue rose. 2021 was strong.", []string{"Revenue rose.", "2021 was strong."}},
		{"lower-case does not start a sentence", "It rose 5 p.c. over the year. Next.", []string{"It rose 5 p.c. over the year.", "Next."}},
		{"exclamation and question", "Wow! Really? Yes.", []string{"Wow!", "Really?", "Yes."}},
		{"ellipsis ends a sentence", "Wait... Then it fell.", []string{"Wait...", "Then it fell."}},
		{"closing quote stays", `She said "it grew." Then it fell.`, []string{`She said "it grew."`, "Then it fell."}},
		{"closing bracket stays", "(A note in brackets.) The text goes on.", []string{"(A note in brackets.)", "The text goes on."}},
		{"opening quote starts", `It grew. "Fast," they said.`, []string{"It grew.", `"Fast," they said.`}},
		{"decimals", "GMV was RMB7.5 trillion. The whole was RMB8.12 trillion.",
			[]string{"GMV was RMB7.5 trillion.", "The whole was RMB8.12 trillion."}},
		{"percent decimals", "Growth was 31.4% a year. Margins held.", []string{"Growth was 31.4% a year.", "Margins held."}},
		{"e.g.", "Local services, e.g. Finding a restaurant, are offered. Next.",
			[]string{"Local services, e.g. Finding a restaurant, are offered.", "Next."}},
		{"i.e. in brackets", "The year to March (i.e. Fiscal 2021) was good.", []string{"The year to March (i.e. Fiscal 2021) was good."}},
		{"etc.", "Games, films, etc. All were bought.", []string{"Games, films, etc. All were bought."}},
		{"vs.", "Cloud vs. Retail is the question.", []string{"Cloud vs. Retail is the question."}},
		{"company suffixes", "Example Inc. And Sample Ltd. Merged with Demo Co. Last year.", []string{"Example Inc. And Sample Ltd. Merged with Demo Co. Last year."}},
		{"titles", "Mr. Ma met Dr. Tsai in St. Louis. They talked.", []string{"Mr. Ma met Dr. Tsai in St. Louis.", "They talked."}},
		{"U.S. then capital", "It listed in the U.S. In 2014 it raised money.", []string{"It listed in the U.S. In 2014 it raised money."}},
		{"U.S.-listed", "The U.S.-listed shares fell. Then rose.", []string{"The U.S.-listed shares fell.", "Then rose."}},
		{"initials", "J. K. Smith wrote it. She is known.", []string{"J. K. Smith wrote it.", "She is known."}},
		{"ticker in brackets", "Autonavi (NASDAQ: AMAP) was taken private. Amap is popular.",
			[]string{"Autonavi (NASDAQ: AMAP) was taken private.", "Amap is popular."}},
		{"ticker with exchange suffix", "It trades as 9988.HK in Hong Kong. Also BABA.N in New York.",
			[]string{"It trades as 9988.HK in Hong Kong.", "Also BABA.N in New York."}},
		{"ticker before a period", "It is listed on the HKEX as 1060. It was renamed.", []string{"It is listed on the HKEX as 1060.", "It was renamed."}},
		{"chinese", "阿里巴巴成立于1999年。淘宝于2003年上线！真的吗？", []string{"阿里巴巴成立于1999年。", "淘宝于2003年上线！", "真的吗？"}},
		{"chinese closing quote", "他说：“很好。”然后走了。", []string{"他说：“很好。”", "然后走了。"}},
		{"english then chinese", "The cloud is big. 它很大。Done.", []string{"The cloud is big.", "它很大。", "Done."}},
		{"nbsp after period", "One.\u00a0Two.", []string{"One.", "Two."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSentences(t, tt.in, got)
		})
	}
}

// checkSentences asserts the splitter's contract: no empty or untrimmed
// pieces, and together the pieces hold every non-space character of in.
func checkSentences(t *testing.T, in string, got []string) {
	t.Helper()
	var joined strings.Builder
	for _, s := range got {
		if s == "" || strings.TrimSpace(s) != s {
			t.Errorf("Sentences(%q) returned an empty or untrimmed piece %q", in, s)
		}
		joined.WriteString(dropSpace(s))
	}
	if want := dropSpace(in); joined.String() != want {
		t.Errorf("Sentences(%q) lost or changed text:\n got %q\nwant %q", in, joined.String(), want)
	}
}

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"", "One. Two.", "e.g. This", "RMB7.5 trillion. Next", "阿里巴巴。淘宝！", "U.S. In", "a.\u00a0B", "x.\xff Y", "... !? .",
		`He said "ok." Then`, "J. K. Smith. She",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSentences(t, in, Sentences(in))
	})
}
