package discord

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

// ApplicationCommands returns cmds as Discord application commands: what
// the bot registers with one bulk overwrite, and what `seriesbot commands
// --json` prints.
func ApplicationCommands(cmds []bot.Command) []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(cmds))
	for _, c := range cmds {
		ac := &discordgo.ApplicationCommand{
			Type:        discordgo.ChatApplicationCommand,
			Name:        c.Name,
			Description: c.Description,
			Options:     []*discordgo.ApplicationCommandOption{},
		}
		if c.Admin {
			// Hidden from members who cannot manage the server, until a
			// server admin says otherwise in its integration settings;
			// the handler checks again, since that setting can be changed.
			perms := int64(discordgo.PermissionManageGuild)
			ac.DefaultMemberPermissions = &perms
		}
		for _, o := range c.Options {
			ac.Options = append(ac.Options, discordOption(o))
		}
		out = append(out, ac)
	}
	return out
}

// CommandsJSON is the body of the bulk overwrite that registers
// cmds: ApplicationCommands as JSON, except that default_member_permissions is
// a number. discordgo writes it as a string, as Discord's reference shows
// it; Discord's OpenAPI spec types it as an integer in requests.
func CommandsJSON(cmds []bot.Command) ([]byte, error) {
	raw, err := json.Marshal(ApplicationCommands(cmds))
	if err != nil {
		return nil, fmt.Errorf("encode commands: %w", err)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("encode commands: %w", err)
	}
	for _, c := range list {
		var perms string
		if p, ok := c["default_member_permissions"]; ok && json.Unmarshal(p, &perms) == nil {
			c["default_member_permissions"] = json.RawMessage(perms)
		}
	}
	return json.Marshal(list)
}

func discordOption(o bot.Option) *discordgo.ApplicationCommandOption {
	do := &discordgo.ApplicationCommandOption{
		Name:        o.Name,
		Description: o.Description,
		Required:    o.Required,
		MaxLength:   o.MaxLength,
	}
	switch o.Type {
	case bot.OptionInteger:
		do.Type = discordgo.ApplicationCommandOptionInteger
		if len(o.Choices) == 0 {
			least := 1.0
			do.MinValue = &least
		}
	default:
		do.Type = discordgo.ApplicationCommandOptionString
	}
	for _, ch := range o.Choices {
		var v any = ch.Value
		if o.Type == bot.OptionInteger {
			n, _ := strconv.Atoi(ch.Value)
			v = n
		}
		do.Choices = append(do.Choices, &discordgo.ApplicationCommandOptionChoice{Name: ch.Name, Value: v})
	}
	return do
}

// discordInvocation reads the options Discord sent for a command of cmds.
func discordInvocation(cmds []bot.Command, data discordgo.ApplicationCommandInteractionData) (bot.Invocation, error) {
	cmd, ok := bot.FindCommand(cmds, data.Name)
	if !ok {
		// Registered from an older corpus, or by an older version.
		return bot.Invocation{Command: data.Name}, errUnknownCommand
	}
	values := map[string]string{}
	for _, o := range data.Options {
		switch o.Type {
		case discordgo.ApplicationCommandOptionInteger:
			values[o.Name] = strconv.FormatInt(o.IntValue(), 10)
		case discordgo.ApplicationCommandOptionString:
			values[o.Name] = o.StringValue()
		}
	}
	return bot.NewInvocation(cmd, values)
}
