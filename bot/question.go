package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestionRunes bounds a question. Longer input is almost never a real
// question, and it would crowd passages out of any prompt built from it.
const MaxQuestionRunes = 1000

// What makes a text unaskable; NewQuestion's errors wrap one of them, so a
// caller can tell them apart with errors.Is.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
	ErrNoWords         = errors.New("the question has no words to search for")
)

// QuestionError says why a text cannot be asked, in words for the user who
// typed it: every transport shows its message as it is.
type QuestionError struct {
	// Kind is ErrEmptyQuestion, ErrQuestionTooLong or ErrNoWords.
	Kind error
	msg  string
}

func (e *QuestionError) Error() string { return e.msg }
func (e *QuestionError) Unwrap() error { return e.Kind }

// Question is what a user asked, checked once where it came in (NewQuestion),
// with the narrowing they chose. The zero Question is empty and cannot be
// answered.
type Question struct {
	text string
	// search is text as retrieval reads it: without the chat around the
	// question (see searchable).
	search string
	Part   int // 0 = all parts
	K      int // passages to retrieve; 0 = default
	// History holds the earlier turns of the conversation, oldest first,
	// so that a follow-up ("when was it launched?") is understood.
	History []Turn
}

// NewQuestion checks text and returns it as a question, trimmed. Its error,
// a *QuestionError, is the message to show the user.
func NewQuestion(text string) (Question, error) {
	t := strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(t); {
	case t == "":
		return Question{}, &QuestionError{Kind: ErrEmptyQuestion,
			msg: "Your question is empty: write what you want to know about the series."}
	case n > MaxQuestionRunes:
		return Question{}, &QuestionError{Kind: ErrQuestionTooLong,
			msg: fmt.Sprintf("Your question is %s characters long; questions are limited to %s. Please shorten it and ask again.",
				thousands(n), thousands(MaxQuestionRunes))}
	case !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return Question{}, &QuestionError{Kind: ErrNoWords,
			msg: "Your question has no words to search for: write what you want to know about the series in words."}
	}
	return Question{text: t, search: searchable(t)}, nil
}

// Text is the question as asked, trimmed.
func (q Question) Text() string { return q.text }

// thousands writes n with a comma every three digits, as the replies do.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
