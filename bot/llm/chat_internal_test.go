package llm

import "testing"

func TestLastFullSentence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alibaba Cloud earned RMB60 billion [1]. DingTalk was launched in 20", "Alibaba Cloud earned RMB60 billion [1]."},
		{"It earned RMB60 billion. [1] [2] More text [", "It earned RMB60 billion. [1] [2]"},
		{"阿里云收入600亿元[1]。钉钉于", "阿里云收入600亿元[1]。"},
		{"no sentence end at all", "no sentence end at all"},
		{"Figures: 7.5 and 8.12 trillion [1", "Figures: 7.5 and 8.12 trillion [1"},
	}
	for _, tt := range tests {
		if got := lastFullSentence(tt.in); got != tt.want {
			t.Errorf("lastFullSentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
