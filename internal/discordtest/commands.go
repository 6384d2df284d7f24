package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Commands returns the commands registered for guildID, or the global ones
// for "", in registration order.
func (s *Server) Commands(guildID string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Command
	for _, d := range s.state.commands[guildID] {
		raw, _ := json.Marshal(d.obj)
		out = append(out, Command{ID: d.id, Name: d.name, Type: d.typ, Description: d.desc, GuildID: d.guildID, Raw: raw})
	}
	return out
}

// commandScope checks the route's application and guild. On success s.mu is
// held and the caller must unlock.
func (c *call) commandScope() (guildID string, ok bool) {
	if app := c.params["application_id"]; app != c.s.cfg.appID {
		c.reject(http.StatusForbidden, 50001, "Missing Access", "commands of application "+app+", not "+c.s.cfg.appID)
		return "", false
	}
	guildID = c.params["guild_id"]
	if guildID != "" && guildID != c.s.cfg.guildID {
		c.reject(http.StatusForbidden, 50001, "Missing Access", "commands of guild "+guildID+" the bot is not in")
		return "", false
	}
	c.s.mu.Lock()
	return guildID, true
}

func (c *call) getCommands() {
	guildID, ok := c.commandScope()
	if !ok {
		return
	}
	out := []any{}
	for _, d := range c.s.state.commands[guildID] {
		out = append(out, deepCopyMap(d.obj))
	}
	c.s.mu.Unlock()
	c.json(http.StatusOK, out)
}

// putCommands is the bulk overwrite: the list replaces every command of the
// scope. A command keeps its ID when one of the same name and type existed,
// as on Discord, so permissions set on it survive a redeploy.
func (c *call) putCommands() {
	if errs := checkCommands(c.arr); len(errs) > 0 {
		c.rejectFields(errs)
		return
	}
	guildID, ok := c.commandScope()
	if !ok {
		return
	}
	s := c.s
	old := map[string]*commandDef{}
	for _, d := range s.state.commands[guildID] {
		old[strconv.Itoa(d.typ)+"/"+d.name] = d
	}
	defs := make([]*commandDef, 0, len(c.arr))
	out := make([]any, 0, len(c.arr))
	for _, v := range c.arr {
		in, _ := v.(map[string]any)
		d := &commandDef{name: str(in["name"]), typ: commandType(in), desc: str(in["description"]), guildID: guildID}
		if prev, ok := old[strconv.Itoa(d.typ)+"/"+d.name]; ok {
			d.id = prev.id
		} else {
			d.id = s.newIDLocked()
		}
		d.options = parseOptions(in["options"])
		obj := map[string]any{
			"id": d.id, "application_id": s.cfg.appID, "version": s.newIDLocked(), "type": d.typ,
			"name": d.name, "description": d.desc, "default_member_permissions": nil, "nsfw": false,
			"options": orEmpty(in["options"]),
		}
		if guildID != "" {
			obj["guild_id"] = guildID
		}
		for _, k := range []string{"default_member_permissions", "contexts", "integration_types", "name_localizations", "description_localizations", "nsfw"} {
			if v, ok := in[k]; ok && v != nil {
				obj[k] = v
			}
		}
		d.obj = obj
		defs = append(defs, d)
		out = append(out, deepCopyMap(obj))
	}
	s.state.commands[guildID] = defs
	s.notifyLocked()
	s.mu.Unlock()
	c.json(http.StatusOK, out)
}

// parseOptions keeps what dispatching needs of an option tree.
func parseOptions(v any) []optionDef {
	var out []optionDef
	for _, o := range orEmpty(v) {
		m, ok := o.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, optionDef{name: str(m["name"]), typ: int(num(m["type"])), required: m["required"] == true, options: parseOptions(m["options"])})
	}
	return out
}

// findCommandLocked finds a registered chat-input command by name, guild
// commands first as Discord's client shows them. s.mu must be held.
func (s *Server) findCommandLocked(name, guildID string) *commandDef {
	scopes := []string{""}
	if guildID != "" {
		scopes = []string{guildID, ""}
	}
	for _, scope := range scopes {
		for _, d := range s.state.commands[scope] {
			if d.name == name && d.typ == 1 {
				return d
			}
		}
	}
	return nil
}
