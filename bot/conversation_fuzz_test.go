package bot

import (
	"context"
	"testing"
)

// FuzzConversation asks any question after any two earlier ones, offline,
// as `chat` and a Discord thread do: an answer always comes, says
// something, and cites only what it lists. A conversation that opens on
// what reads like a follow-up ("what about DingTalk?") once made the next
// question panic.
func FuzzConversation(f *testing.F) {
	for _, c := range [][3]string{
		{"", "what about dingtalk?", "when was it launched"},
		{"How much revenue did Alibaba Cloud make?", "and how many customers?", "and before that?"},
		{"which segment is bigger, cloud or digital media?", "and innovation initiatives?", "what about ant group"},
		{"what did alibaba buy before 2015?", "and after that?", "what was it called before"},
		{"hi", "thanks!", "what was the operating margin in 2022"},
		{"阿里云的收入是多少？", "<@123> and dingtalk?", "what about its customers?"},
	} {
		f.Add(c[0], c[1], c[2])
	}
	a := defaultAnswerer(f)
	f.Fuzz(func(t *testing.T, first, second, last string) {
		var turns []Turn
		for _, text := range []string{first, second, last} {
			q, err := NewQuestion(text)
			if err != nil {
				continue // every transport says why, and asks nothing
			}
			q.History = turns
			ans, err := a.Answer(context.Background(), q, nil)
			if err != nil {
				t.Fatalf("Answer(%q after %d turns): %v", text, len(turns), err)
			}
			if ans.Text == "" {
				t.Fatalf("Answer(%q after %d turns) says nothing", text, len(turns))
			}
			if ans.Grounded && len(ans.Sources) == 0 {
				t.Fatalf("Answer(%q) is grounded but cites nothing: %q", text, ans.Text)
			}
			checkCitations(t, ans)
			turns = append(turns, Turn{Question: text, Answer: ans.Text})
		}
	})
}
