package bot

import (
	"testing"
	"unicode/utf8"
)

func TestSearchable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"what is youku", "what is youku"},
		{"what is youku bruh", "what is youku"},
		{"hey bot, what is youku", "what is youku"},
		{"what is youku?? asking for a friend", "what is youku?"},
		{"@everyone what is DingTalk?", "what is DingTalk?"},
		{"<@123456789012345678> what is dingtalk", "what is dingtalk"},
		{"<@!123> <@&456> in <#789>: when was Taobao launched?", "in : when was Taobao launched?"},
		{"@SeriesBot quick q: cloud rev fy21?", "cloud rev fy21?"},
		{"<:thonk:123456789012345678> where does trendyol operate 🙏", "where does trendyol operate"},
		{"hi! which company did alibaba pictures used to be? https://example.com/x", "which company did alibaba pictures used to be?"},
		{"what is youku!!!", "what is youku"},
		{"lol how many customers does alibaba cloud have lol", "how many customers does alibaba cloud have"},
		{"ok so, thanks in advance: when was Damai acquired? thx", "when was Damai acquired?"},
		{"hi", ""},
		{"thanks!", ""},
		{"👍", ""},
		// Filler inside a question is the question's own business.
		{"is Alibaba Cloud really the biggest?", "is Alibaba Cloud really the biggest?"},
		// Stretched words are read as spelt.
		{"whaaat is dingtalk lmaooo", "what is dingtalk"},
		{"sooo when was Taobao launched???", "when was Taobao launched?"},
		{"what is youku lolll", "what is youku"},
		{"is alibaba cloud the biggeeest?", "is alibaba cloud the biggest?"},
		{"What does Part III cover, XXX?", "What does Part III cover, XXX?"},
		{"is www.alibaba.com theirs?", "is theirs?"},
		{"hiii", ""},
		{"thank u!", ""},
		{"Zzz ok", "Z ok"},
	}
	for _, tt := range tests {
		if got := searchable(tt.in); got != tt.want {
			t.Errorf("searchable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSmallTalk(t *testing.T) {
	for q, want := range map[string]bool{
		"hi": true, "thanks!": true, "hey bot": true, "heyyy": true, "tysm": true, "good morning": true, "What can you do?": true, "who are you": true, "help": true,
		"what is youku": false, "who founded Alibaba?": false, "thanks, and what is DingTalk?": false,
	} {
		if got := smallTalk(searchable(q)); got != want {
			t.Errorf("smallTalk(%q) = %v, want %v", q, got, want)
		}
	}
}

// FuzzSearchable reads any message as a question: what it keeps is valid
// text with no Discord markup left in it, and reading it again changes
// nothing.
func FuzzSearchable(f *testing.F) {
	for _, s := range []string{
		"", "hey bot, what is youku?? asking for a friend", "<@123> <@&4> <#5> <:x:6> @everyone whaaat is dingtalk lmaooo",
		"sooo when was Taobao launched???", "Part III, XXX, www.alibaba.com", "hiii", "thank u!", "\xff\xfe", "😀👍🏽", "a\u200db",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := searchable(msg)
		if utf8.ValidString(msg) && !utf8.ValidString(got) {
			t.Fatalf("searchable(%q) = %q, not valid UTF-8", msg, got)
		}
		if discordSyntax.MatchString(got) {
			t.Fatalf("searchable(%q) = %q keeps Discord markup", msg, got)
		}
		if again := searchable(got); again != got {
			t.Fatalf("searchable(%q) = %q, but searchable of that is %q", msg, got, again)
		}
	})
}
