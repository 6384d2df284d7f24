package retrieval

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"seriesbot/retrieval/pinyin"
)

// aliases maps the Chinese name of a company or product to the English one,
// learned from the corpus itself: the series writes "Alibaba Cloud (阿里云)".
// A question that uses the Chinese name (阿里云的收入是多少？) then asks
// about the English name, which the rest of the passage uses.
//
// The same names typed in pinyin, as people without a Chinese keyboard
// type them ("aliyun", "gaode ditu"), are aliases too: pinyin is what
// go-pinyin reads the Chinese name as (retrieval/pinyin), written with or without spaces or
// hyphens between syllables.
type aliases struct {
	han    []string // Chinese names, longest first so 阿里巴巴集团 wins over 阿里巴巴
	name   map[string]string
	pinyin []pinyinAlias // longest first, as han
	// isName tells the words the corpus writes as names, lower-cased,
	// which a Chinese word of a question may be the pinyin of.
	isName func(word string) bool
}

// separators are what may stand between the syllables of a pinyin name.
var separators = strings.NewReplacer(" ", "", "\t", "", "-", "")

type pinyinAlias struct {
	// re, of expr, is compiled when a question first holds joined: a
	// dozen expressions compiled for every load, and seldom asked for.
	expr string
	re   func() *regexp.Regexp
	name string
	// joined is the pinyin without separators ("gaodeditu"): a question
	// that does not hold it once its spaces and hyphens are taken out
	// cannot match re.
	joined string
}

var aliasPattern = regexp.MustCompile(`([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*){0,3})[ \t]*\((?:Chinese:[ \t]*)?(\p{Han}{2,})\)`)

// hanInBrackets reports whether t has a bracket that Chinese characters
// open, after "Chinese:" or not, as every match of aliasPattern does: most
// passages have none, and searching them with the expression was a tenth
// of building the index.
func hanInBrackets(t string) bool {
	for i := strings.IndexByte(t, '('); i >= 0; {
		rest := strings.TrimLeft(strings.TrimPrefix(t[i+1:], "Chinese:"), " \t")
		if r, _ := utf8.DecodeRuneInString(rest); unicode.Is(unicode.Han, r) {
			return true
		}
		j := strings.IndexByte(t[i+1:], '(')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// hanSuffixes are generic endings a question often drops: 阿里巴巴影业集团
// is asked about as 阿里巴巴影业, 大麦网 as 大麦.
var hanSuffixes = []string{"集团", "公司", "网"}

// learnAliases learns the Chinese names texts give beside English ones,
// and their pinyin; known reports whether a word, lower-cased, is one the
// corpus uses (a name whose pinyin it uses is typed as it writes it).
func learnAliases(texts []string, known func(word string) bool) aliases {
	a := aliases{name: make(map[string]string)}
	add := func(han, name string) {
		if _, ok := a.name[han]; !ok && len([]rune(han)) >= 2 {
			a.name[han] = name
			a.han = append(a.han, han)
		}
	}
	for _, t := range texts {
		if !hanInBrackets(t) {
			continue
		}
		for _, m := range aliasPattern.FindAllStringSubmatch(t, -1) {
			name, han := m[1], m[2]
			add(han, name)
			for _, suf := range hanSuffixes {
				if short, ok := strings.CutSuffix(han, suf); ok {
					add(short, name)
				}
			}
		}
	}
	slices.SortStableFunc(a.han, func(x, y string) int { return len(y) - len(x) })
	for _, han := range a.han {
		syllables, ok := pinyin.Syllables(han)
		if !ok {
			continue // a character without a reading
		}
		// A name whose pinyin is a word of the corpus already ("youku",
		// "alibaba") is typed as the corpus writes it.
		joined := strings.Join(syllables, "")
		if known(joined) {
			continue
		}
		for i, syl := range syllables {
			syllables[i] = regexp.QuoteMeta(syl)
		}
		expr := `(?i)\b` + strings.Join(syllables, `[ \t-]?`) + `\b`
		a.pinyin = append(a.pinyin, pinyinAlias{expr: expr, re: lazily(expr), name: a.name[han], joined: joined})
	}
	return a
}

// hanRun finds runs of Chinese characters.
var hanRun = regexp.MustCompile(`\p{Han}{2,}`)

// readAsPinyin replaces the Chinese words of question that the series
// writes in pinyin (淘宝 for Taobao, when it never gives the Chinese
// name) by the word it writes, and returns those words too; known tells
// the words it writes. The longest word is taken, up to four characters.
func readAsPinyin(question string, known func(word string) bool) (string, []string) {
	if !hanRun.MatchString(question) {
		return question, nil
	}
	var found []string
	read := hanRun.ReplaceAllStringFunc(question, func(run string) string {
		rs := []rune(run)
		var b strings.Builder
		for i := 0; i < len(rs); {
			n := 0
			for l := min(4, len(rs)-i); l >= 2; l-- {
				syl, ok := pinyin.Syllables(string(rs[i : i+l]))
				if w := strings.Join(syl, ""); ok && known(w) {
					n = l
					b.WriteString(" " + w + " ")
					found = append(found, w)
					break
				}
			}
			if n == 0 {
				b.WriteRune(rs[i])
				n = 1
			}
			i += n
		}
		return b.String()
	})
	return read, found
}

// replacePinyin replaces the names question types in pinyin by their
// English names. Unlike a Chinese name, the pinyin is not in the passage
// beside the English one, so nothing is lost by replacing it.
func (a aliases) replacePinyin(question string) string {
	if len(a.pinyin) == 0 {
		return question
	}
	squashed := strings.ToLower(separators.Replace(question))
	for _, p := range a.pinyin {
		if strings.Contains(squashed, p.joined) && p.re().MatchString(question) {
			question = p.re().ReplaceAllLiteralString(question, p.name)
		}
	}
	return question
}

// expand adds the English names of the Chinese names in question, for
// retrieval: the passage that introduces a company by both names is then
// found by either.
func (a aliases) expand(question string) string {
	question = a.replacePinyin(question)
	var extra []string
	rest := question // what the Chinese names the corpus gives leave
	for _, h := range a.han {
		if strings.Contains(rest, h) {
			extra = append(extra, a.name[h])
			rest = strings.ReplaceAll(rest, h, " ")
		}
	}
	if a.isName != nil {
		_, found := readAsPinyin(rest, a.isName)
		extra = append(extra, found...)
	}
	if len(extra) == 0 {
		return question
	}
	return question + " (" + strings.Join(extra, ", ") + ")"
}

// translate replaces the Chinese names in question by their English names,
// for picking sentences. Replacing rather than adding matters there: the
// Chinese name appears once, beside the English one, so keeping it would
// pull every question about a company towards the sentence that
// introduces it.
func (a aliases) translate(question string) string {
	question = a.replacePinyin(question)
	for _, h := range a.han {
		if strings.Contains(question, h) {
			question = strings.ReplaceAll(question, h, " "+a.name[h]+" ")
		}
	}
	if a.isName != nil {
		question, _ = readAsPinyin(question, a.isName)
	}
	return question
}

// english returns the English names the corpus gives Chinese ones for,
// each once.
func (a aliases) english() []string {
	var out []string
	for _, han := range a.han {
		if n := a.name[han]; !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
