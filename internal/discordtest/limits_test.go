package discordtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// rep builds a JSON string literal of n copies of s.
func rep(s string, n int) string { return `"` + strings.Repeat(s, n) + `"` }

// list builds a JSON array of n copies of item.
func list(item string, n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = item
	}
	return "[" + strings.Join(items, ",") + "]"
}

// distinct joins n items made by item(i) with commas.
func distinct(n int, item func(int) string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = item(i)
	}
	return strings.Join(items, ",")
}

func TestCheckMessage(t *testing.T) {
	button := `{"type":2,"style":1,"label":"b","custom_id":"x"}`
	row := `{"type":1,"components":[` + button + `]}`
	tests := []struct {
		name, body string
		want       []string // paths of the expected errors; none means valid
	}{
		{"plain", `{"content":"hi","allowed_mentions":{"parse":[]}}`, nil},
		{"content at limit", `{"content":` + rep("é", 2000) + `}`, nil},
		{"content over limit", `{"content":` + rep("a", 2001) + `}`, []string{"content"}},
		{"embed title", `{"embeds":[{"title":` + rep("a", 257) + `}]}`, []string{"embeds.0.title"}},
		{"embed description", `{"embeds":[{"description":` + rep("a", 4097) + `}]}`, []string{"embeds.0.description"}},
		{"embed fields", `{"embeds":[{"fields":` + list(`{"name":"n","value":"v"}`, 26) + `}]}`, []string{"embeds.0.fields"}},
		{"embed field value", `{"embeds":[{"fields":[{"name":"n","value":` + rep("a", 1025) + `}]}]}`, []string{"embeds.0.fields.0.value"}},
		{"too many embeds", `{"embeds":` + list(`{"title":"t"}`, 11) + `}`, []string{"embeds"}},
		{"embeds total", `{"embeds":` + list(`{"description":`+rep("a", 3001)+`}`, 2) + `}`, []string{"embeds"}},
		{"embeds total at limit", `{"embeds":` + list(`{"description":`+rep("a", 3000)+`}`, 2) + `}`, nil},
		{"five rows of five", `{"components":` + list(`{"type":1,"components":`+list(button, 5)+`}`, 5) + `}`, nil},
		{"six rows", `{"components":` + list(row, 6) + `}`, []string{"components"}},
		{"six buttons", `{"components":[{"type":1,"components":` + list(button, 6) + `}]}`, []string{"components.0.components"}},
		{"button outside a row", `{"components":[` + button + `]}`, []string{"components.0.type"}},
		{"empty custom_id", `{"components":[{"type":1,"components":[{"type":2,"style":1,"label":"b","custom_id":""}]}]}`, []string{"components.0.components.0.custom_id"}},
		{"long custom_id", `{"components":[{"type":1,"components":[{"type":2,"style":1,"label":"b","custom_id":` + rep("a", 101) + `}]}]}`, []string{"components.0.components.0.custom_id"}},
		{"button without custom_id", `{"components":[{"type":1,"components":[{"type":2,"style":1,"label":"b"}]}]}`, []string{"components.0.components.0.custom_id"}},
		{"link button", `{"components":[{"type":1,"components":[{"type":2,"style":5,"label":"b","url":"https://x"}]}]}`, nil},
		{"link button with custom_id", `{"components":[{"type":1,"components":[{"type":2,"style":5,"label":"b","url":"https://x","custom_id":"c"}]}]}`, []string{"components.0.components.0.custom_id"}},
		{"select shares a row", `{"components":[{"type":1,"components":[{"type":3,"custom_id":"s","options":[]},` + button + `]}]}`, []string{"components.0.components.0"}},
		{"parse users with user list", `{"content":"x","allowed_mentions":{"parse":["users"],"users":["1"]}}`, []string{"allowed_mentions.parse"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := decode(t, tt.body).(map[string]any)
			got := checkMessage(body, "")
			var paths []string
			for _, e := range got {
				paths = append(paths, e.Path)
			}
			if strings.Join(paths, "|") != strings.Join(tt.want, "|") {
				t.Errorf("errors at %q, want %q (%s)", paths, tt.want, describeFieldErrors(got))
			}
		})
	}
}

func TestCheckMessagePrefix(t *testing.T) {
	body, _ := decode(t, `{"content":`+rep("a", 2001)+`}`).(map[string]any)
	got := checkMessage(body, "data")
	if len(got) != 1 || got[0].Path != "data.content" {
		t.Fatalf("got %+v", got)
	}
}

func TestCheckCommands(t *testing.T) {
	opt := func(name string, required bool) string {
		r := "false"
		if required {
			r = "true"
		}
		return `{"type":3,"name":"` + name + `","description":"d","required":` + r + `}`
	}
	tests := []struct {
		name, body string
		want       []string
	}{
		{"valid", `[{"name":"ask","description":"Ask","options":[` + opt("q", true) + `,` + opt("n", false) + `]}]`, nil},
		{"discordgo's null options", `[{"name":"ask","description":"Ask","options":null}]`, nil},
		{"upper case", `[{"name":"Ask","description":"d"}]`, []string{"0.name"}},
		{"space", `[{"name":"ask me","description":"d"}]`, []string{"0.name"}},
		{"name 33", `[{"name":` + rep("a", 33) + `,"description":"d"}]`, []string{"0.name"}},
		{"name 32", `[{"name":` + rep("a", 32) + `,"description":"d"}]`, nil},
		{"no description", `[{"name":"ask","description":""}]`, []string{"0.description"}},
		{"description 101", `[{"name":"ask","description":` + rep("a", 101) + `}]`, []string{"0.description"}},
		{"26 options", `[{"name":"ask","description":"d","options":[` + distinct(26, func(i int) string { return opt(fmt.Sprintf("o%d", i), false) }) + `]}]`, []string{"0.options"}},
		{"25 options", `[{"name":"ask","description":"d","options":[` + distinct(25, func(i int) string { return opt(fmt.Sprintf("o%d", i), false) }) + `]}]`, nil},
		{"same option twice", `[{"name":"ask","description":"d","options":[` + opt("o", false) + `,` + opt("o", false) + `]}]`, []string{"0.options.1.name"}},
		{"26 choices", `[{"name":"ask","description":"d","options":[{"type":3,"name":"o","description":"d","choices":` + list(`{"name":"c","value":"v"}`, 26) + `}]}]`, []string{"0.options.0.choices"}},
		{"required after optional", `[{"name":"ask","description":"d","options":[` + opt("a", false) + `,` + opt("b", true) + `]}]`, []string{"0.options.1.required"}},
		{"duplicate command", `[{"name":"ask","description":"d"},{"name":"ask","description":"d"}]`, []string{"1.name"}},
		{"sub-command option names", `[{"name":"ask","description":"d","options":[{"type":1,"name":"sub","description":"d","options":[` + opt("Bad", true) + `]}]}]`, []string{"0.options.0.options.0.name"}},
		{"message command", `[{"type":3,"name":"Ask about this","description":""}]`, nil},
		{"message command with description", `[{"type":3,"name":"Ask","description":"d"}]`, []string{"0.description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arr, _ := decode(t, tt.body).([]any)
			got := checkCommands(arr)
			var paths []string
			for _, e := range got {
				paths = append(paths, e.Path)
			}
			if strings.Join(paths, "|") != strings.Join(tt.want, "|") {
				t.Errorf("errors at %q, want %q (%s)", paths, tt.want, describeFieldErrors(got))
			}
		})
	}
}

func TestErrorTreeHasDiscordShape(t *testing.T) {
	tree := errorTree([]fieldError{
		{Path: "embeds.0.title", Code: "BASE_TYPE_MAX_LENGTH", Message: "too long"},
		{Path: "embeds.0.title", Code: "OTHER", Message: "also"},
		{Path: "content", Code: "C", Message: "m"},
	})
	b, _ := json.Marshal(tree)
	want := `{"content":{"_errors":[{"code":"C","message":"m"}]},"embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"too long"},{"code":"OTHER","message":"also"}]}}}}`
	if string(b) != want {
		t.Errorf("tree = %s\nwant   %s", b, want)
	}
}

func TestSpecFieldErrorsPaths(t *testing.T) {
	got := specFieldErrors([]string{
		"POST request body for '/x' failed to validate schema: $.data.content: maxLength: got 5, want 4",
		"PUT request body for '/y' failed to validate schema: $[0].description: maxLength",
		"Path parameter 'channel_id' failed to validate: /: 'abc' does not match",
	})
	for i, want := range []string{"data.content", "0.description", ""} {
		if got[i].Path != want {
			t.Errorf("path %d = %q, want %q", i, got[i].Path, want)
		}
	}
}

func TestRateScriptMatches(t *testing.T) {
	tests := []struct {
		pattern, method, path string
		want                  bool
	}{
		{"POST /channels/{channel_id}/messages", "POST", "/channels/1/messages", true},
		{"POST /channels/{channel_id}/messages", "GET", "/channels/1/messages", false},
		{"/channels/*/messages", "GET", "/channels/1/messages", true},
		{"/channels/1/messages", "POST", "/channels/2/messages", false},
		{"PATCH /webhooks/{a}/{b}/messages/@original", "PATCH", "/webhooks/1/tok/messages/@original", true},
		{"PATCH /webhooks/{a}/{b}/messages/@original", "PATCH", "/webhooks/1/tok/messages/5", false},
		{"POST /api/v9/channels/{id}/messages", "POST", "/channels/1/messages", true},
		{"/channels/{id}", "GET", "/channels/1/messages", false},
	}
	for _, tt := range tests {
		rl := &Server{rl: newRateLimits(), changed: make(chan struct{})}
		rl.RateLimitNext(tt.pattern, 0)
		if got := rl.rl.scripts[0].matches(tt.method, segments(tt.path)); got != tt.want {
			t.Errorf("%q matches %s %s = %v, want %v", tt.pattern, tt.method, tt.path, got, tt.want)
		}
	}
}

// FuzzCheckers feeds arbitrary JSON to the limit checks: whatever a bot
// sends, the fake must answer, never panic.
func FuzzCheckers(f *testing.F) {
	for _, s := range []string{
		`{"content":"x","embeds":[{"title":"t","fields":[{"name":"n","value":"v"}]}],"components":[{"type":1,"components":[{"type":2,"style":5}]}]}`,
		`[{"name":"ask","description":"d","options":[{"type":1,"options":[{"choices":[{"name":1}]}]}]}]`,
		`{"embeds":[1,"x",null],"components":[null,{"type":1,"components":[null,3]}],"allowed_mentions":{"parse":["users"],"users":[1]}}`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		if m, ok := v.(map[string]any); ok {
			errorTree(checkMessage(m, "data"))
			isEmptyMessage(m)
		}
		if a, ok := v.([]any); ok {
			errorTree(checkCommands(a))
		}
	})
}
