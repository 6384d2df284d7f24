package bot

import (
	"fmt"
	"testing"
)

func TestRewriteCitations(t *testing.T) {
	tests := []struct {
		text  string
		n     int
		want  string
		cited []int
	}{
		{"A [2]. B [1].", 3, "A [1]. B [2].", []int{1, 0}},
		{"A [2,1]. B [ 1 ; 2 ].", 3, "A [1][2]. B [1][2].", []int{1, 0}},
		{"A [1, 1, 9].", 3, "A [1].", []int{0}},
		{"A [1][1].", 1, "A [1][1].", []int{0}},
		{"[4] A [0].", 3, "A.", nil},
		{"In [2021], revenue rose [1].", 1, "In, revenue rose [1].", []int{0}},
		{"See [note] and [1]", 1, "See [note] and [1]", []int{0}},
	}
	for _, tt := range tests {
		got, cited := rewriteCitations(tt.text, tt.n)
		if got != tt.want || fmt.Sprint(cited) != fmt.Sprint(tt.cited) {
			t.Errorf("rewriteCitations(%q, %d) = %q, %v; want %q, %v", tt.text, tt.n, got, cited, tt.want, tt.cited)
		}
	}
}
