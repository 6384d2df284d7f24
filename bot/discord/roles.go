package discord

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// botRoles remembers, per guild, the role Discord manages for the bot (it
// creates one, named after the bot, when the bot joins). Members can
// mention it as "@Bot" as well as the bot's user, and mean the same.
//
// discordgo v0.29's Role has no tags, where Discord says whose role it
// is (tags.bot_id), so the roles are read from the raw gateway events.
type botRoles struct {
	mu      sync.Mutex
	byGuild map[string]string
	changed chan struct{} // closed on the next set; nil when nobody waits
}

func (r *botRoles) set(guildID, roleID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byGuild == nil {
		r.byGuild = map[string]string{}
	}
	r.byGuild[guildID] = roleID
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// wait waits until the bot's role in guildID is known, and returns it.
// discordgo hands events to their handlers in goroutines of their own, so
// nothing orders a guild's roles before what comes after them.
func (r *botRoles) wait(ctx context.Context, guildID string) (string, error) {
	for {
		r.mu.Lock()
		role := r.byGuild[guildID]
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		if role != "" {
			return role, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

func (r *botRoles) get(guildID string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byGuild[guildID]
}

// rawRole is a role as the gateway sends it, with its tags.
type rawRole struct {
	ID   string `json:"id"`
	Tags *struct {
		BotID string `json:"bot_id"`
	} `json:"tags"`
}

// onRawEvent learns the bot's role from the guilds' roles as they arrive
// and change.
func (d *Bot) onRawEvent(s *discordgo.Session, e *discordgo.Event) {
	var guildID string
	var roles []rawRole
	switch e.Type {
	case "GUILD_CREATE", "GUILD_UPDATE":
		var g struct {
			ID    string    `json:"id"`
			Roles []rawRole `json:"roles"`
		}
		if json.Unmarshal(e.RawData, &g) != nil {
			return
		}
		guildID, roles = g.ID, g.Roles
	case "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE":
		var ev struct {
			GuildID string  `json:"guild_id"`
			Role    rawRole `json:"role"`
		}
		if json.Unmarshal(e.RawData, &ev) != nil {
			return
		}
		guildID, roles = ev.GuildID, []rawRole{ev.Role}
	default:
		return
	}
	me := botUserID(s)
	for _, r := range roles {
		if r.Tags != nil && r.Tags.BotID != "" && r.Tags.BotID == me {
			d.roles.set(guildID, r.ID)
		}
	}
}

// mentionsBot reports whether m mentions the bot: its user, or its role in
// the guild.
func (d *Bot) mentionsBot(m *discordgo.MessageCreate, me string) bool {
	if slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u.ID == me }) {
		return true
	}
	role := d.roles.get(m.GuildID)
	return role != "" && slices.Contains(m.MentionRoles, role)
}
