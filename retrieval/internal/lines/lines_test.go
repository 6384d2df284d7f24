package lines

import "testing"

func TestFind(t *testing.T) {
	const text = "apple\nbanana\ncherry\n"
	for _, tt := range []struct {
		want string
		ok   bool
	}{{"apple", true}, {"banana", true}, {"cherry", true}, {"", false}, {"app", false}, {"cherryx", false}, {"zebra", false}} {
		if line, ok := Find(text, tt.want, Whole); ok != tt.ok || ok && line != tt.want {
			t.Errorf("Find(%q) = %q, %v; want %v", tt.want, line, ok, tt.ok)
		}
	}
	byKey := "01 one\n02 two\n10 ten\n"
	first := func(line string) string { return line[:2] }
	if line, ok := Find(byKey, "02", first); !ok || line != "02 two" {
		t.Errorf(`Find("02") = %q, %v`, line, ok)
	}
	if _, ok := Find(byKey, "03", first); ok {
		t.Error(`Find("03") found a line`)
	}
	if _, ok := Find("", "a", Whole); ok {
		t.Error("found a line in no text")
	}
}
