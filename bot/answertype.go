package bot

import (
	"regexp"
	"strings"
)

// answerKind is what a question asks for, read from its question words.
// An extractive answer that quotes a sentence without a number to "how
// much…?" is wrong however many words it shares with the question.
type answerKind int

const (
	kindAny answerKind = iota
	kindNumber
	kindTime
)

var (
	timeWords   = []string{"when ", "what year", "which year", "what date", "how long ago", "什么时候", "哪一年", "哪年", "何时", "哪一天"}
	numberWords = []string{"how much", "how many", "how big", "how large", "what share", "what percentage", "what percent", "what proportion", "what portion", "what rate", "what pace", "多少", "几", "比例", "占比"}
	hasYear     = regexp.MustCompile(`\b(19|20)\d\d\b|(19|20)\d\d年|January|February|March|April|May|June|July|August|September|October|November|December`)
	// A count or an amount: a figure that is not just a year, a
	// percentage, or a number word. "How many users…?" is not answered by
	// "in March 2021".
	hasNumber = regexp.MustCompile(`\d+(\.\d+)?\s*(%|percent|million|billion|trillion)|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|trillion)\b|RMB\s?\d|\$\s?\d|\b([02-9]\d{0,2}|1\d{0,2}|\d{5,})\b`)
)

func kindOf(question string) answerKind {
	q := strings.ToLower(question) + " "
	for _, w := range timeWords {
		if strings.Contains(q, w) {
			return kindTime
		}
	}
	for _, w := range numberWords {
		if strings.Contains(q, w) {
			return kindNumber
		}
	}
	return kindAny
}

// fits reports whether sentence can answer a question of kind k.
func (k answerKind) fits(sentence string) bool {
	switch k {
	case kindTime:
		return hasYear.MatchString(sentence)
	case kindNumber:
		return hasNumber.MatchString(sentence)
	}
	return true
}
