package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// InteractionSpec describes what a user did: ran a slash command or
// clicked a component. Zero fields take defaults.
type InteractionSpec struct {
	// Command is the name of a registered chat-input command. The bot must
	// have registered it (globally or in the guild): Discord never sends an
	// interaction for a command that does not exist.
	Command string
	// Subcommand is "sub" or "group sub" for nested commands.
	Subcommand string
	// Options are the option values by name. Their types come from the
	// registered command, as they would on Discord; an unknown option or a
	// missing required one fails the test.
	Options map[string]any

	// CustomID makes a component interaction instead: a click on the
	// component with this custom_id, on MessageID or else on the newest
	// message in the channel that has one.
	CustomID  string
	MessageID string
	Values    []string // select menu choices

	// ChannelID defaults to the guild's text channel; a DM channel makes a
	// DM interaction (user instead of member, no guild).
	ChannelID string
	// User defaults to DefaultUser().
	User User
	// Permissions is the member's permission bit set in the channel, as
	// Discord's decimal string (default: everything but administrator).
	Permissions string
	// Locale defaults to "en-US".
	Locale string
}

// defaultPermissions is every permission bit up to 1<<46 but ADMINISTRATOR.
const defaultPermissions = "140737488355319"

// DispatchInteraction sends INTERACTION_CREATE to the bot with a fresh ID
// and token and starts the interaction's clock. It must be called from the
// test's goroutine: a spec that could not happen on Discord (unknown
// command or option, no such component, no gateway session) fails the test
// at once.
func (s *Server) DispatchInteraction(spec InteractionSpec) Interaction {
	s.tb.Helper()
	if spec.User.ID == "" {
		spec.User = DefaultUser()
	}
	if spec.ChannelID == "" {
		spec.ChannelID = s.cfg.channelID
	}
	if spec.Permissions == "" {
		spec.Permissions = defaultPermissions
	}
	if spec.Locale == "" {
		spec.Locale = "en-US"
	}

	s.mu.Lock()
	if s.gw.current == nil {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchInteraction: no gateway session; open the bot's session first (WaitForReady)")
		return Interaction{}
	}
	ch, ok := s.state.channels[spec.ChannelID]
	if !ok {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchInteraction: unknown channel %s", spec.ChannelID)
		return Interaction{}
	}
	s.state.users[spec.User.ID] = spec.User
	in := &interaction{Interaction: Interaction{
		ID: s.newIDLocked(), Token: newInteractionToken(), ApplicationID: s.cfg.appID,
		ChannelID: ch.ID, GuildID: ch.GuildID, User: spec.User,
	}}
	var data map[string]any
	var err error
	if spec.CustomID != "" {
		in.Type, in.CustomID = InteractionMessageComponent, spec.CustomID
		data, err = s.componentDataLocked(in, ch, spec)
	} else {
		in.Type, in.Name = InteractionApplicationCommand, spec.Command
		data, err = s.commandDataLocked(ch, spec)
	}
	if err != nil {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchInteraction: %v", err)
		return Interaction{}
	}
	payload := s.interactionPayloadLocked(in, ch, spec, data)
	raw, _ := json.Marshal(payload)
	in.Payload = raw
	in.DispatchedAt = s.now()
	s.state.interactions[in.ID] = in
	s.state.byToken[in.Token] = in
	s.notifyLocked()
	snap := in.snapshot()
	s.mu.Unlock()

	s.dispatch("INTERACTION_CREATE", payload, 0, false)
	return snap
}

// commandDataLocked builds data for an application command, typing the
// options from the registered definition. s.mu must be held.
func (s *Server) commandDataLocked(ch *channel, spec InteractionSpec) (map[string]any, error) {
	def := s.findCommandLocked(spec.Command, ch.GuildID)
	if def == nil {
		return nil, fmt.Errorf("command /%s is not registered (globally or in guild %s); the bot must register it first", spec.Command, s.cfg.guildID)
	}
	opts, err := buildOptions(def.options, spec.Subcommand, spec.Options, "/"+def.name)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"id": def.id, "name": def.name, "type": def.typ}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if def.guildID != "" {
		data["guild_id"] = def.guildID
	}
	return data, nil
}

// buildOptions nests the values under the sub-command path and types them.
func buildOptions(defs []optionDef, subPath string, values map[string]any, where string) ([]any, error) {
	if subPath != "" {
		name, rest, _ := strings.Cut(strings.TrimSpace(subPath), " ")
		for _, d := range defs {
			if d.name == name && (d.typ == 1 || d.typ == 2) {
				inner, err := buildOptions(d.options, rest, values, where+" "+name)
				if err != nil {
					return nil, err
				}
				return []any{map[string]any{"name": name, "type": d.typ, "options": inner}}, nil
			}
		}
		return nil, fmt.Errorf("%s has no sub-command %q", where, name)
	}
	byName := map[string]optionDef{}
	for _, d := range defs {
		byName[d.name] = d
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []any{}
	for _, n := range names {
		d, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("%s has no option %q", where, n)
		}
		v, err := optionValue(d, values[n])
		if err != nil {
			return nil, fmt.Errorf("%s option %q: %v", where, n, err)
		}
		out = append(out, map[string]any{"name": n, "type": d.typ, "value": v})
	}
	for _, d := range defs {
		if _, given := values[d.name]; d.required && !given {
			return nil, fmt.Errorf("%s: required option %q missing (Discord's client would not send the command)", where, d.name)
		}
	}
	return out, nil
}

// optionValue checks a value against its option type.
func optionValue(d optionDef, v any) (any, error) {
	switch d.typ {
	case 3, 6, 7, 8, 9: // string; user, channel, role, mentionable IDs
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string for type %d, got %T", d.typ, v)
		}
		return s, nil
	case 4:
		switch n := v.(type) {
		case int:
			return n, nil
		case int64:
			return n, nil
		}
		return nil, fmt.Errorf("want an integer, got %T", v)
	case 10:
		switch n := v.(type) {
		case int:
			return float64(n), nil
		case float64:
			return n, nil
		}
		return nil, fmt.Errorf("want a number, got %T", v)
	case 5:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want a bool, got %T", v)
		}
		return b, nil
	}
	return nil, fmt.Errorf("option type %d cannot take a value", d.typ)
}

// componentDataLocked finds the clicked component and builds data. s.mu
// must be held.
func (s *Server) componentDataLocked(in *interaction, ch *channel, spec InteractionSpec) (map[string]any, error) {
	var msg *message
	var comp map[string]any
	if spec.MessageID != "" {
		m, ok := s.state.messages[spec.MessageID]
		if !ok || str(m.obj["channel_id"]) != ch.ID {
			return nil, fmt.Errorf("no message %s in channel %s", spec.MessageID, ch.ID)
		}
		msg, comp = m, findComponent(m.obj["components"], spec.CustomID)
	} else {
		for i := len(ch.messages) - 1; i >= 0 && comp == nil; i-- {
			msg, comp = ch.messages[i], findComponent(ch.messages[i].obj["components"], spec.CustomID)
		}
	}
	if comp == nil {
		return nil, fmt.Errorf("no component with custom_id %q on a message in channel %s", spec.CustomID, ch.ID)
	}
	if comp["disabled"] == true {
		return nil, fmt.Errorf("component %q is disabled; a user cannot click it", spec.CustomID)
	}
	in.componentMessage = msg
	data := map[string]any{"custom_id": spec.CustomID, "component_type": int(num(comp["type"]))}
	if int(num(comp["type"])) != 2 {
		vals := []any{}
		for _, v := range spec.Values {
			vals = append(vals, v)
		}
		data["values"] = vals
	}
	return data, nil
}

// findComponent searches a component tree for a custom_id.
func findComponent(v any, customID string) map[string]any {
	for _, c := range orEmpty(v) {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if str(m["custom_id"]) == customID {
			return m
		}
		if found := findComponent(m["components"], customID); found != nil {
			return found
		}
	}
	return nil
}

// interactionPayloadLocked builds INTERACTION_CREATE's data the way Discord
// shapes it for guild and DM contexts. s.mu must be held.
func (s *Server) interactionPayloadLocked(in *interaction, ch *channel, spec InteractionSpec, data map[string]any) map[string]any {
	p := map[string]any{
		"id": in.ID, "application_id": in.ApplicationID, "type": in.Type, "token": in.Token, "version": 1,
		"data": data, "channel_id": ch.ID, "channel": s.channelObject(ch), "locale": spec.Locale,
		"app_permissions": defaultPermissions, "entitlements": []any{}, "attachment_size_limit": 10485760,
	}
	if ch.GuildID != "" {
		p["guild_id"] = ch.GuildID
		p["guild_locale"] = "en-US"
		p["guild"] = map[string]any{"id": ch.GuildID, "locale": "en-US", "features": []any{}}
		p["context"] = 0
		p["authorizing_integration_owners"] = map[string]any{"0": ch.GuildID}
		p["member"] = map[string]any{
			"user": userObject(spec.User), "roles": []any{}, "permissions": spec.Permissions,
			"joined_at": timestamp(s.now().Add(-time.Hour)), "deaf": false, "mute": false, "flags": 0,
			"nick": nil, "avatar": nil, "premium_since": nil, "pending": false,
		}
	} else {
		p["context"] = 1
		p["authorizing_integration_owners"] = map[string]any{"0": "0"}
		p["user"] = userObject(spec.User)
	}
	if in.componentMessage != nil {
		p["message"] = deepCopyMap(in.componentMessage.obj)
	}
	return p
}

// newInteractionToken makes a token of Discord's general shape (long,
// URL-safe), different every time.
func newInteractionToken() string {
	b := make([]byte, 96)
	rand.Read(b)
	return "aW50ZXJhY3Rpb246" + base64.RawURLEncoding.EncodeToString(b)
}

// Interaction returns a snapshot of a dispatched interaction.
func (s *Server) Interaction(id string) (Interaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.state.interactions[id]
	if !ok {
		return Interaction{}, false
	}
	return in.snapshot(), true
}

// WaitForInteraction blocks until the interaction satisfies match.
func (s *Server) WaitForInteraction(ctx context.Context, id string, match func(Interaction) bool) (Interaction, error) {
	var got Interaction
	err := s.WaitFor(ctx, func() bool {
		in, ok := s.Interaction(id)
		got = in
		return ok && match(in)
	})
	return got, err
}

// WaitForResponse blocks until the interaction has a final response: a
// message sent with the callback, or a deferred response edited (or
// replaced by the first follow-up) with its content. It returns that
// message.
func (s *Server) WaitForResponse(ctx context.Context, id string) (Message, error) {
	in, err := s.WaitForInteraction(ctx, id, func(in Interaction) bool {
		return in.Original != nil && !in.Original.Loading()
	})
	if err != nil {
		return Message{}, fmt.Errorf("interaction %s has no final response (callbacks: %d): %w", id, len(in.Callbacks), err)
	}
	return *in.Original, nil
}

// Interaction callback types (Discord's numbering).
const (
	callbackPong            = 1
	callbackMessage         = 4
	callbackDeferredMessage = 5
	callbackDeferredUpdate  = 6
	callbackUpdateMessage   = 7
	callbackAutocomplete    = 8
	callbackModal           = 9
)

// interactionCallback serves POST /interactions/{id}/{token}/callback with
// Discord's rules: one callback per interaction, within the deadline, of a
// type that fits the interaction.
func (c *call) interactionCallback() {
	s := c.s
	id, tok := c.params["interaction_id"], c.params["interaction_token"]
	typ := int(num(c.obj["type"]))
	data, _ := c.obj["data"].(map[string]any)

	s.mu.Lock()
	in := s.state.interactions[id]
	if in == nil || in.Token != tok {
		s.mu.Unlock()
		c.reject(http.StatusNotFound, 10062, "Unknown interaction", "callback for an interaction the fake did not dispatch (or with the wrong token)")
		return
	}
	cb := Callback{At: c.now, Type: typ, Body: append([]byte(nil), c.body...), Delay: c.now.Sub(in.DispatchedAt)}
	done := func(status int, accepted bool) {
		cb.Status, cb.Accepted = status, accepted
		in.Callbacks = append(in.Callbacks, cb)
		s.notifyLocked()
		s.mu.Unlock()
	}
	if in.Acknowledged() {
		done(http.StatusBadRequest, false)
		c.reject(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.", "second callback for interaction "+id)
		return
	}
	if cb.Delay > s.cfg.interactionDeadline {
		done(http.StatusNotFound, false)
		c.reject(http.StatusNotFound, 10062, "Unknown interaction",
			fmt.Sprintf("callback %v after dispatch, past the %v deadline (defer first when the answer takes time)", cb.Delay.Round(time.Millisecond), s.cfg.interactionDeadline))
		return
	}
	if why := callbackMisfit(in, typ); why != "" {
		done(http.StatusBadRequest, false)
		c.rejectFields([]fieldError{{Path: "type", Code: "INTERACTION_CALLBACK_TYPE_INVALID", Message: why}})
		return
	}
	if typ == callbackMessage || typ == callbackUpdateMessage {
		errs := checkMessage(data, "data")
		if typ == callbackMessage && (data == nil || isEmptyMessage(data)) {
			errs = append(errs, fieldError{Path: "data", Code: "MESSAGE_EMPTY", Message: "Cannot send an empty message"})
		}
		if len(errs) > 0 {
			done(http.StatusBadRequest, false)
			c.rejectFields(errs)
			return
		}
	}

	ch := s.state.channels[in.ChannelID]
	var created, updated *messageEvent
	switch typ {
	case callbackMessage, callbackDeferredMessage:
		body := data
		if typ == callbackDeferredMessage {
			// The user sees "<bot> is thinking…" until the response is edited.
			body = map[string]any{"flags": float64(int(num(data["flags"]))&FlagEphemeral | FlagLoading)}
		}
		m := s.newMessageLocked(ch, s.cfg.bot, body, c.now)
		m.body = append([]byte(nil), c.body...)
		s.markInteractionMessage(m, in)
		in.original = m
		if int(num(m.obj["flags"]))&FlagEphemeral == 0 {
			ev := s.messageEventLocked(m, ch)
			created = &ev
		}
	case callbackDeferredUpdate:
		in.original = in.componentMessage
	case callbackUpdateMessage:
		applyEditLocked(in.componentMessage, data, c.body, c.now)
		in.original = in.componentMessage
		ev := s.messageEventLocked(in.componentMessage, ch)
		updated = &ev
	}
	done(http.StatusNoContent, true)

	if typ == callbackMessage || typ == callbackUpdateMessage {
		c.requireAllowedMentions(data, "interaction response")
	}
	if created != nil {
		s.sendMessageEvent("MESSAGE_CREATE", *created)
	}
	if updated != nil {
		s.sendMessageEvent("MESSAGE_UPDATE", *updated)
	}
	if c.r.URL.Query().Get("with_response") == "true" {
		c.json(http.StatusOK, map[string]any{"interaction": map[string]any{"id": in.ID, "type": in.Type}, "resource": map[string]any{"type": typ}})
		return
	}
	c.noContent()
}

// callbackMisfit explains why a callback type does not fit the interaction,
// "" when it does.
func callbackMisfit(in *interaction, typ int) string {
	component := in.Type == InteractionMessageComponent
	switch typ {
	case callbackMessage, callbackDeferredMessage, callbackModal:
		return ""
	case callbackDeferredUpdate, callbackUpdateMessage:
		if component {
			return ""
		}
		return fmt.Sprintf("callback type %d updates the message of a component; this is an application command", typ)
	case callbackAutocomplete:
		return "autocomplete results answer autocomplete interactions only"
	case callbackPong:
		return "PONG answers HTTP pings, never a gateway interaction"
	}
	return fmt.Sprintf("unknown callback type %d", typ)
}

// markInteractionMessage makes m look like Discord's interaction messages.
func (s *Server) markInteractionMessage(m *message, in *interaction) {
	m.interactionID = in.ID
	m.obj["webhook_id"] = s.cfg.appID
	m.obj["application_id"] = s.cfg.appID
	m.obj["interaction_metadata"] = map[string]any{"id": in.ID, "type": in.Type, "user": userObject(in.User)}
	if in.Type == InteractionApplicationCommand {
		m.obj["type"] = 20 // CHAT_INPUT_COMMAND
	}
}

// webhookInteraction finds the interaction behind /webhooks/{app}/{token}.
// On success s.mu is held and the caller must unlock.
func (c *call) webhookInteraction() (*interaction, bool) {
	s := c.s
	if c.params["webhook_id"] != s.cfg.appID {
		c.reject(http.StatusNotFound, 10015, "Unknown Webhook", "webhook ID "+c.params["webhook_id"]+" is not the application ID "+s.cfg.appID)
		return nil, false
	}
	s.mu.Lock()
	in := s.state.byToken[c.params["webhook_token"]]
	if in == nil {
		s.mu.Unlock()
		c.reject(http.StatusNotFound, 10015, "Unknown Webhook", "no interaction has this token")
		return nil, false
	}
	if age := c.now.Sub(in.DispatchedAt); age > s.cfg.tokenLifetime {
		s.mu.Unlock()
		c.reject(http.StatusUnauthorized, 50027, "Invalid Webhook Token", fmt.Sprintf("interaction token used %v after dispatch, past its %v lifetime", age.Round(time.Second), s.cfg.tokenLifetime))
		return nil, false
	}
	return in, true
}

// webhookMessage resolves {message_id} or @original of an interaction. On
// success s.mu is held and the caller must unlock.
func (c *call) webhookMessage() (*interaction, *message, bool) {
	in, ok := c.webhookInteraction()
	if !ok {
		return nil, nil, false
	}
	if strings.HasSuffix(c.route.template, "/@original") {
		if in.original == nil || in.original.deleted {
			c.s.mu.Unlock()
			c.reject(http.StatusNotFound, 10015, "Unknown Webhook", "@original of interaction "+in.ID+" before a callback created it (respond or defer first)")
			return nil, nil, false
		}
		return in, in.original, true
	}
	id := c.params["message_id"]
	for _, m := range append([]*message{in.original}, in.followups...) {
		if m != nil && !m.deleted && str(m.obj["id"]) == id {
			return in, m, true
		}
	}
	c.s.mu.Unlock()
	c.unknown("Message", 10008, id)
	return nil, nil, false
}

func (c *call) getWebhookMessage() {
	_, m, ok := c.webhookMessage()
	if !ok {
		return
	}
	resp := deepCopyMap(m.obj)
	c.s.mu.Unlock()
	c.json(http.StatusOK, resp)
}

func (c *call) editWebhookMessage() {
	if errs := checkMessage(c.obj, ""); len(errs) > 0 {
		c.rejectFields(errs)
		return
	}
	_, m, ok := c.webhookMessage()
	if !ok {
		return
	}
	s := c.s
	before, _ := m.obj["attachments"].([]any)
	if c.files != nil || c.obj["attachments"] != nil {
		if errs := checkUploads(c.obj, c.files, before); len(errs) > 0 {
			s.mu.Unlock()
			c.reject(http.StatusBadRequest, 50035, "Invalid Form Body", strings.Join(errs, "; "))
			return
		}
	}
	applyEditLocked(m, c.obj, c.body, c.now)
	if c.files != nil || c.obj["attachments"] != nil {
		s.attachLocked(m, c.obj, c.files, before)
	}
	ev := s.messageEventLocked(m, s.state.channels[str(m.obj["channel_id"])])
	ephemeral := int(num(m.obj["flags"]))&FlagEphemeral != 0
	resp := deepCopyMap(m.obj)
	s.notifyLocked()
	s.mu.Unlock()

	c.requireAllowedMentions(c.obj, "interaction message edit")
	if !ephemeral {
		s.sendMessageEvent("MESSAGE_UPDATE", ev)
	}
	c.json(http.StatusOK, resp)
}

func (c *call) deleteWebhookMessage() {
	_, m, ok := c.webhookMessage()
	if !ok {
		return
	}
	s := c.s
	ch := s.state.channels[str(m.obj["channel_id"])]
	s.deleteLocked(ch, m)
	ev := map[string]any{"id": str(m.obj["id"]), "channel_id": ch.ID}
	need := IntentDirectMessages
	if ch.GuildID != "" {
		ev["guild_id"], need = ch.GuildID, IntentGuildMessages
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.dispatch("MESSAGE_DELETE", ev, need, false)
	c.noContent()
}

// executeWebhook sends a follow-up. As Discord documents, the first
// follow-up after a deferred response edits that response instead of
// posting a new message (and so keeps its ephemerality).
func (c *call) executeWebhook() {
	if errs := checkMessage(c.obj, ""); len(errs) > 0 {
		c.rejectFields(errs)
		return
	}
	if isEmptyMessage(c.obj) {
		c.reject(http.StatusBadRequest, 50006, "Cannot send an empty message", "follow-up with no content, embeds or components")
		return
	}
	in, ok := c.webhookInteraction()
	if !ok {
		return
	}
	s := c.s
	if !in.Acknowledged() {
		s.mu.Unlock()
		c.reject(http.StatusNotFound, 10015, "Unknown Webhook", "follow-up before the interaction was acknowledged (callback first)")
		return
	}
	chID := in.ChannelID
	if t := c.r.URL.Query().Get("thread_id"); t != "" {
		chID = t
	}
	ch, found := s.state.channels[chID]
	if !found {
		s.mu.Unlock()
		c.unknown("Channel", 10003, chID)
		return
	}
	if errs := checkUploads(c.obj, c.files, nil); len(errs) > 0 && (c.files != nil || c.obj["attachments"] != nil) {
		s.mu.Unlock()
		c.reject(http.StatusBadRequest, 50035, "Invalid Form Body", strings.Join(errs, "; "))
		return
	}
	var m *message
	event := "MESSAGE_CREATE"
	if o := in.original; o != nil && o.interactionID == in.ID && o.snapshot().Loading() && len(o.edits) == 0 {
		applyEditLocked(o, c.obj, c.body, c.now)
		m, event = o, "MESSAGE_UPDATE"
	} else {
		m = s.newMessageLocked(ch, s.cfg.bot, c.obj, c.now)
		m.body = append([]byte(nil), c.body...)
		s.markInteractionMessage(m, in)
		m.obj["type"] = 0
		in.followups = append(in.followups, m)
	}
	if c.files != nil || c.obj["attachments"] != nil {
		s.attachLocked(m, c.obj, c.files, nil)
	}
	ev := s.messageEventLocked(m, ch)
	ephemeral := int(num(m.obj["flags"]))&FlagEphemeral != 0
	resp := deepCopyMap(m.obj)
	s.notifyLocked()
	s.mu.Unlock()

	c.requireAllowedMentions(c.obj, "follow-up message")
	if !ephemeral {
		s.sendMessageEvent(event, ev)
	}
	if c.r.URL.Query().Get("wait") == "true" {
		c.json(http.StatusOK, resp)
		return
	}
	c.noContent()
}
