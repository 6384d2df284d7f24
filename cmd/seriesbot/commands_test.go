package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"seriesbot/bot"
	"seriesbot/bot/discord"
	"seriesbot/corpus"
)

func TestCommandsJSONIsWhatIsRegistered(t *testing.T) {
	r := runCLI(t, "", "commands", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	registered, err := discord.CommandsJSON(bot.CommandSet(corpus.Default()))
	if err != nil {
		t.Fatal(err)
	}
	var printed bytes.Buffer
	if err := json.Compact(&printed, []byte(r.stdout)); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if printed.String() != string(registered) {
		t.Errorf("printed:\n%s\nregistered:\n%s", printed.String(), registered)
	}
	var cmds []struct {
		Name        string `json:"name"`
		Permissions any    `json:"default_member_permissions"`
	}
	json.Unmarshal(registered, &cmds)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		if c.Name == "reload" && c.Permissions != float64(32) {
			t.Errorf("/reload default_member_permissions = %v", c.Permissions)
		}
	}
	if strings.Join(names, " ") != "ask summary parts reload help" {
		t.Errorf("commands = %v", names)
	}
}

func TestCommandsText(t *testing.T) {
	r := runCLI(t, "", "commands")
	if r.code != 0 || !strings.Contains(r.stdout, "/summary [segment:<segment>] [part:<part>]") || !strings.Contains(r.stdout, "cloud (Cloud computing)") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, "", "commands", "--corpus", "/nonexistent/corpus"); r.code != exitFailure || !strings.Contains(r.stderr, "/nonexistent/corpus") {
		t.Errorf("missing corpus: exit %d, %s", r.code, r.stderr)
	}
}
