package retrieval

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// stopWords carry no topic: question words, auxiliaries, articles and
// pronouns. Dropping them keeps "What is DingTalk?" about DingTalk.
var stopWords = setOf(
	"a", "about", "above", "after", "again", "all", "also", "am", "among", "an", "and", "any", "are", "as", "at",
	"be", "because", "been", "before", "being", "between", "both", "but", "by",
	"can", "could", "did", "do", "does", "doing", "during", "each", "either", "else", "ever",
	"few", "for", "from", "further", "get", "gets", "getting", "got", "gotten", "had", "has", "have", "having",
	"he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "kind", "let", "like", "me", "might", "more", "most", "much", "must", "my",
	"no", "nor", "not", "now", "of", "off", "on", "once", "one's", "only", "or", "other", "our", "ours",
	"out", "over", "own", "please", "same", "shall", "she", "should", "so", "some", "such",
	"tell", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
	"this", "those", "through", "to", "too", "under", "until", "up", "us", "very",
	"was", "we", "were", "what", "whats", "when", "where", "which", "while", "who", "whom", "whose", "why",
	"will", "with", "would", "you", "your", "yours", "s", "t", "d", "ll", "re", "ve",
	"know", "explain", "describe", "summarize", "summarise", "compare", "show", "define", "outline", "recent", "recently", "last", "lately", "currently",
	// chat filler: questions typed in a chat channel carry these, and they
	// say nothing about the topic
	"lol", "lmao", "nah", "yeah", "yep", "ok", "okay", "hey", "hi", "hello", "pls", "plz", "please", "thanks", "thx",
	"btw", "tbh", "imo", "r", "u", "ur", "ya", "gonna", "wanna", "gotta", "actually", "even", "really", "ever",
	"bruh", "bro", "smth", "sth", "noob", "rn", "idk", "ngl", "fr", "lmk", "tho", "til", "kinda", "sorta",
	"wat", "wut", "wot", "smh", "tbf", "afaik", "iirc", "fwiw", "imho", "omg", "wtf", "idc", "ikr", "nvm",
	"ppl", "bc", "cuz", "coz", "abt", "rly", "srsly", "hmm", "pls", "yall", "gimme", "lemme",
	"stuff", "thing", "things", "guys", "anyone", "someone", "somebody", "basically", "literally", "exactly", "give", "say", "said", "series", "article", "part",
)

// negated is what is left of a negation once its "'t" is cut off
// ("wasn't"); not "won", which is a word of its own.
var negated = setOf("isn", "aren", "wasn", "weren", "don", "doesn", "didn", "hasn", "haven", "hadn", "wouldn", "couldn", "shouldn", "ain")

// isStopWord reports whether w, lower-cased, carries no topic: a stop word,
// or one typed with its clitic but not its apostrophe, as chat types them
// ("whos", "thats" for "who's", "that's"; "dont", "isnt" for "don't",
// "isn't"). "wont" stays a word.
func isStopWord(w string) bool {
	if stopWords[w] || negated[w] {
		return true
	}
	n := len(w)
	if n <= 3 {
		return false
	}
	stem := w[:n-1]
	return w[n-1] == 's' && cliticHosts[stem] || w[n-1] == 't' && (negated[stem] || stem == "can")
}

// cliticHosts are the stop words an "'s" of "is" or "has" follows ("who's
// that", "how's it going"), which chat writes without the apostrophe.
// Other stop words take an "s" of their own ("says", "gives"), which is no
// clitic.
var cliticHosts = setOf("who", "what", "wat", "how", "where", "when", "why", "that", "there", "here", "she", "let")

// selectors pick one of several things ("Alibaba's main business"): they
// say which is asked about, not what, so a series that never writes them
// may still answer.
var selectors = setOf("main", "major", "primary", "principal", "chief", "key", "central", "predominant", "dominant", "foremost",
	// and of a count, that they are told apart ("how many separate
	// businesses")
	"different", "separate", "distinct", "individual", "various")

// nameSuffixes end company names without telling them apart: "Alibaba
// Group" and "Alibaba" are the same name.
var nameSuffixes = setOf("group", "inc", "co", "corp", "corporation", "ltd", "limited", "holdings", "plc", "company")

// synonyms maps a stem onto the stem the corpus is most likely to use, so a
// paraphrased question meets the prose. It is deliberately small and about
// this domain (a company's businesses and figures): a general thesaurus
// would join words that the series keeps apart.
var synonyms = map[string]string{
	// money coming in
	"sal": "revenu", "turnov": "revenu", "earn": "revenu", "mak": "revenu",
	"generat": "revenu", "toplin": "revenu",
	// money left over
	"profit": "incom", "profitabl": "incom", "margin": "incom",
	// beginnings
	"start": "found", "launch": "found", "creat": "found", "establish": "found", "began": "found",
	"begin": "found", "begun": "found", "origin": "found", "set": "found", "born": "found",
	"introduc": "found",
	// buying companies
	"buy": "acquir", "bought": "acquir", "purchas": "acquir", "takeov": "acquir", "acquisition": "acquir",
	// people served
	"client": "custom", "consum": "custom", "shopp": "custom", "buyer": "custom",
	// who does business
	"firm": "business", "enterpris": "business", "compani": "business", "merchant": "business",
	// what a group calls its parts ("the cloud arm")
	"arm": "segment", "divis": "segment",
	"shop": "commerc", "stor": "commerc", "storefront": "commerc",
	// places (their adjectives are read as them: english.ProperNouns)
	"europ": "europe", "southeast": "southeast", "domestic": "china",
	// change over time
	"uneven": "smooth", "bumpi": "smooth", "volatil": "smooth", "erratic": "smooth", "fluctuat": "smooth",
	"jump": "steepest", "leap": "steepest", "spik": "steepest", "surg": "steepest", "steep": "steepest",
	"pac": "rat", "speed": "rat", "annual": "year", "expand": "growth", "expans": "growth", "cagr": "compound",
	"servic": "serv", "add": "found",
	"taxi": "rid", "cab": "rid", "viewer": "user", "view": "user", "audienc": "user",
	// what the segments do
	"gam": "game", "videogam": "game", "movi": "film", "cinema": "film", "studio": "film",
	"pictur": "film", "navigation": "map", "navigat": "map", "gp": "map", "speak": "speaker",
	"workplac": "collabor", "collaborat": "collabor", "collaborativ": "collabor", "collaboration": "collabor", "chat": "collabor", "messag": "collabor", "team": "collabor",
	"fintech": "financ", "financial": "financ", "paid": "payment", "pay": "payment",
	"ticket": "ticket", "stream": "video",
	"larg": "biggest", "largest": "biggest", "big": "biggest", "lead": "biggest",
	"cost": "cost", "expens": "cost", "spend": "cost",
	"grow": "growth", "grew": "growth", "ris": "growth", "ros": "growth", "increas": "growth",
	"climb": "growth", "soar": "growth", "balloon": "growth", "skyrocket": "growth", "escalat": "growth",
	"yr": "year", "mov": "shift", "reclassifi": "shift", "transfer": "shift", "end": "clos",
	"shar": "percent", "portion": "percent", "proportion": "percent", "contribut": "percent",
	"tick": "list", "exchang": "list",
	"ecommerc": "commerc", "e-commerc": "commerc", "retail": "commerc", "marketplac": "commerc",
	"worldwid": "world", "planet": "world", "global": "world", "abroad": "international", "oversea": "international", "globalisation": "international", "globalization": "international",
}

// hanLexicon maps Chinese words onto the English stems of the corpus, so a
// question in Chinese reaches English prose beyond the Chinese names the
// series gives in parentheses.
var hanLexicon = map[string]string{
	"收入": "revenu", "营收": "revenu", "营业额": "revenu", "赚": "revenu",
	"成立": "found", "创立": "found", "创办": "found", "推出": "found", "创建": "found",
	"收购": "acquir", "并购": "acquir", "买下": "acquir",
	"客户": "custom", "用户": "custom", "消费者": "custom",
	"游戏": "game", "电影": "film", "影业": "film", "地图": "map", "导航": "map",
	"音箱": "speaker", "云": "cloud", "支付": "payment", "金融": "financ",
	"视频": "video", "电商": "commerc", "零售": "commerc", "批发": "wholesal",
	"成本": "cost", "增长": "growth", "推高": "growth", "上升": "growth",
	"创新": "innovation", "板块": "segment", "分部": "segment", "业务": "business", "云计算": "cloud comput",
	"调整": "shift", "转移": "shift", "财年": "fiscal year", "结束": "clos", "投入": "invest", "投资": "invest",
	"领域": "area", "今后": "futur", "未来": "futur", "国际": "international", "海外": "international", "占比": "percent", "比例": "percent",
	"票务": "ticket", "服务": "serv", "复合": "compound", "增长率": "rat", "股票": "stock", "代码": "cod", "股价": "stock", "门票": "ticket", "上市": "list", "小企业": "business",
	"娱乐": "entertainment", "媒体": "media", "财务": "financ", "年": "year",
	"香港": "hong kong", "百分之": "percent", "起家": "found", "最早": "found",
	"中国": "china", "平台": "platform", "活跃": "activ", "按月": "month", "月活": "month activ", "长视频": "long form",
}

// hanConcepts finds thesaurus words inside a run of Han characters.
// It walks the words in a fixed order: the embedder sums floats, and a
// map's random order would make vectors differ in the last bits between runs.
func hanConcepts(run []rune) []string {
	var out []string
	s := string(run)
	for _, w := range hanWords {
		if strings.Contains(s, w) {
			out = append(out, strings.Fields(hanLexicon[w])...)
		}
	}
	return out
}

var hanWords = func() []string {
	ws := make([]string, 0, len(hanLexicon))
	for w := range hanLexicon {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	return ws
}()

func canonical(s string) string {
	if c, ok := synonyms[s]; ok {
		return c
	}
	return s
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// hanStops are Chinese function words: question words, particles and
// copulas. A Han run is cut at them before it is split into bigrams, so
// 钉钉是什么 yields 钉钉 and not the noise of 是什 and 什么.
var hanStops = []string{
	"为什么", "什么时候", "哪一年", "什么", "多少", "怎么", "怎样", "哪些", "哪个", "哪里", "以前", "时候", "如何",
	"是", "的", "了", "吗", "呢", "吧", "谁", "被", "在", "和", "与", "有", "为", "做", "叫", "哪", "几", "么", "个", "年",
	"我", "你", "他", "她", "它", "们", "这", "那", "请", "问", "从", "到", "对", "把", "给", "让", "会", "能", "要", "就", "都", "也", "还",
}

// splitHanStops cuts run at the function words, longest first.
func splitHanStops(run []rune) [][]rune {
	var pieces [][]rune
	start := 0
	for i := 0; i < len(run); {
		n := hanStopAt(run, i)
		if n == 0 {
			i++
			continue
		}
		if i > start {
			pieces = append(pieces, run[start:i])
		}
		i += n
		start = i
	}
	if start < len(run) {
		pieces = append(pieces, run[start:])
	}
	return pieces
}

func hanStopAt(run []rune, i int) int {
	for _, w := range hanStops {
		wr := []rune(w)
		if i+len(wr) <= len(run) && string(run[i:i+len(wr)]) == w {
			return len(wr)
		}
	}
	return 0
}

// phrases are multi-word expressions whose words mean nothing apart: "top
// line" is revenue, not a line at the top. Each is tried only when one of
// its keys starts a word of the text (startsWord): regular expressions are
// the slowest part of analysis, and most texts hold none of these.
var phrases = []struct {
	keys []string
	re   func() *regexp.Regexp
	with string
}{
	{[]string{"line"}, lazily(`(?i)\btop[ -]line\b`), "revenue"},
	{[]string{"line"}, lazily(`(?i)\bbottom[ -]line\b`), "profit"},
	{[]string{"bring", "brought", "pull", "rake"}, lazily(`(?i)\b(bring|brings|brought|pull|pulls|pulled|rake|rakes|raked)( \w+)? in\b`), "earn"},
	{[]string{"from"}, lazily(`(?i)\bcome from\b|\bcame from\b`), "origin"},
	// A range of years written short ("2017-21") is the years in full.
	{[]string{"-", "–"}, lazily(`\b((?:19|20)\d\d)\s?[-–]\s?(\d\d)\b`), "$1–20$2"},
	// "Make" is earning in "how much did it make", and creating in "why
	// did they make Alipay" or "when was DingTalk made": a question of why,
	// when or who asks of the making, not the money.
	{[]string{"make", "made"}, lazily(`(?i)\b((?:why|when|who)(?:'d|’d)?(?:\s+[\w']+){0,5}?)\s+(?:make|makes|made)\b`), "$1 create"},
	// "First" beside a beginning says no more than the beginning does
	// ("when it first started out"): it is not the "first" of an order.
	{[]string{"first"}, lazily(`(?i)\bfirst\s+(start|started|starts|began|begin|begins|launched|launch|set up|founded|came out|appeared|opened)\b|\b(start|started|began|launched|founded)\s+(?:out\s+)?first\b`), "$1$2"},
	// So it does a few words from it ("Alibaba's first business when it
	// started", "when it began, what was its first line of business").
	{[]string{"first"}, lazily(`(?i)\bfirst\b((?:\s+[\w']+){1,6}?\s+(?:start|started|starts|began|begin|begins|founded|beginning))\b|\b((?:start|started|began|founded|beginning)(?:[\s,]+[\w']+){1,6}?[\s,]+)first\b`), "$1$2"},
	// Taking off is gaining momentum, not taking: "did Alibaba Cloud take
	// off right after it launched?" is not answered by what Part 2 takes
	// up.
	{[]string{"off", "catch", "caught", "traction"}, lazily(`(?i)\b(?:take|takes|took|taken|taking)\s+off\b|\b(?:catch|catches|caught|catching)\s+on\b|\b(?:gain|gains|gained|gaining)\s+traction\b`), "gain momentum"},
	// A share of a market is no share of revenue ("shar" is "percent"):
	// one word, which a series that never gives one never uses.
	{[]string{"market"}, lazily(`(?i)\bmarket[ -]shares?\b|\b(?:percent|percentage|share|proportion)\s+of\s+((?:[\w'’-]+\s+){0,4}?)market\b`), "${1}marketshare"},
	// Nor is the price of a share: a price the series never gives.
	{[]string{"price"}, lazily(`(?i)\b(?:share|stock) prices?\b`), "shareprice"},
	// Going up is rising, and coming down falling: "why did it go up so
	// much?" is not answered by what Alibaba will "go on" investing in.
	{[]string{"up"}, lazily(`(?i)\b(?:go|goes|going|gone|went)\s+up\b`), "rise"},
	{[]string{"down"}, lazily(`(?i)\b(?:go|goes|going|gone|went|come|comes|came|coming)\s+down\b`), "fall"},
	// "Right now" is now.
	{[]string{"right"}, lazily(`(?i)\bright now\b`), "now"},
	// Going live is being launched.
	{[]string{"live"}, lazily(`(?i)\b(?:go|goes|went|gone|going) live\b`), "launch"},
	// "Used to" marks the past ("what was Amap used to be called"), as
	// "was" does, and says no more.
	{[]string{"used"}, lazily(`(?i)\bused to\b`), ""},
	// Finance shorthand, as people type it in a chat: "fy21" is fiscal
	// 2021, "rev" revenue.
	{[]string{"fy"}, lazily(`(?i)\bfy\s?'?(\d{2})\b`), "fiscal 20$1"},
	{[]string{"fy"}, lazily(`(?i)\bfy\s?(\d{4})\b`), "fiscal $1"},
	{[]string{"fy"}, lazily(`(?i)\bfy\b`), "fiscal year"},
	{[]string{"rev"}, lazily(`(?i)\brevs?\b`), "revenue"},
	{[]string{"gmv"}, lazily(`(?i)\bgmv\b`), "gross merchandise volume"},
	{[]string{"yoy"}, lazily(`(?i)\by-?o-?y\b`), "year over year"},
	{[]string{"cagr"}, lazily(`(?i)\bcagr\b`), "compound annual growth rate"},
	{[]string{"bn"}, lazily(`(?i)(\d)\s?bn\b|\bbn\b`), "${1} billion"},
	{[]string{"mn"}, lazily(`(?i)(\d)\s?mn\b|\bmn\b`), "${1} million"},
	{[]string{"mau"}, lazily(`(?i)\bmaus?\b`), "monthly active users"},
	{[]string{"biz"}, lazily(`(?i)\bbiz\b`), "business"},
	// Selling business to business is wholesale, and to consumers retail.
	{[]string{"b2b"}, lazily(`(?i)\bb2b\b`), "wholesale"},
	{[]string{"b2c"}, lazily(`(?i)\bb2c\b`), "retail"},
}

// lazily compiles expr the first time it is asked for: most phrases
// never meet a text whose words start with their keys, and compiling them
// all was a third of the package's initialisation.
func lazily(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// startsWord reports whether key stands in lower where no letter comes
// before it: "up" in "go up" or "up-to-date", not in "group". Every phrase
// starts its key where a word does, or after a figure ("5bn"), so a text
// without such a key cannot match, and most texts are passed over without
// running a single expression.
func startsWord(lower, key string) bool {
	for i := 0; ; {
		j := strings.Index(lower[i:], key)
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || !isASCIILetter(lower[i-1]) {
			return true
		}
		i++
	}
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func replacePhrases(text string) string {
	var lower string
	for _, p := range phrases {
		if lower == "" {
			lower = strings.ToLower(text)
		}
		for _, k := range p.keys {
			if startsWord(lower, k) {
				text = p.re().ReplaceAllString(text, p.with)
				lower = ""
				break
			}
		}
	}
	return text
}
