package discordtest

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultUser is the human the test plays unless it names another.
func DefaultUser() User { return User{ID: "1400000000000000001", Username: "tester"} }

// AddTextChannel creates another text channel in the guild and returns its ID.
func (s *Server) AddTextChannel(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	s.state.channels[id] = &channel{Channel: Channel{ID: id, Type: ChannelTypeGuildText, GuildID: s.cfg.guildID, Name: name}}
	s.notifyLocked()
	return id
}

// DMChannel returns the DM channel between the bot and u, creating it (and
// making u known to the fake) when needed.
func (s *Server) DMChannel(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.users[u.ID] = u
	return s.dmLocked(u).ID
}

func (s *Server) dmLocked(u User) *channel {
	if id, ok := s.state.dms[u.ID]; ok {
		return s.state.channels[id]
	}
	id := s.newIDLocked()
	r := u
	ch := &channel{Channel: Channel{ID: id, Type: ChannelTypeDM, Recipient: &r}}
	s.state.channels[id] = ch
	s.state.dms[u.ID] = id
	s.notifyLocked()
	return ch
}

// Channel returns a snapshot of a channel.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.state.channels[id]
	if !ok {
		return Channel{}, false
	}
	return ch.snapshot(), true
}

// Messages returns the channel's visible history, oldest first: what the
// bot and the test posted there, without ephemeral or deleted messages.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.state.channels[channelID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(ch.messages))
	for _, m := range ch.messages {
		out = append(out, m.snapshot())
	}
	return out
}

// Message returns any message the fake knows, ephemeral and deleted ones
// included.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.state.messages[id]
	if !ok {
		return Message{}, false
	}
	return m.snapshot(), true
}

// channelObject renders a channel as Discord's REST API and gateway do.
func (s *Server) channelObject(ch *channel) map[string]any {
	o := map[string]any{"id": ch.ID, "type": ch.Type, "flags": 0, "last_message_id": nil}
	if n := len(ch.messages); n > 0 {
		o["last_message_id"] = str(ch.messages[n-1].obj["id"])
	}
	switch ch.Type {
	case ChannelTypeDM:
		o["recipients"] = []any{userObject(*ch.Recipient)}
	case ChannelTypePublicThread:
		o["guild_id"] = ch.GuildID
		o["parent_id"] = ch.ParentID
		o["owner_id"] = ch.OwnerID
		o["name"] = ch.Name
		o["message_count"] = len(ch.messages)
		o["member_count"] = 1
		o["rate_limit_per_user"] = 0
		o["thread_metadata"] = map[string]any{
			"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": timestamp(s.now()), "create_timestamp": timestamp(s.now()),
		}
	default:
		o["guild_id"] = ch.GuildID
		o["name"] = ch.Name
		o["position"] = 0
		o["permission_overwrites"] = []any{}
		o["topic"] = nil
		o["nsfw"] = false
		o["rate_limit_per_user"] = 0
		o["parent_id"] = nil
	}
	return o
}

// newMessageLocked stores a message made from a create body and returns it.
// Ephemeral messages are kept (for Interaction and Message) but not shown
// in the channel's history. s.mu must be held.
func (s *Server) newMessageLocked(ch *channel, author User, body map[string]any, now time.Time) *message {
	id := s.newIDLocked()
	obj := map[string]any{
		"id": id, "channel_id": ch.ID, "author": userObject(author),
		"content": str(body["content"]), "timestamp": timestamp(now), "edited_timestamp": nil,
		"tts": body["tts"] == true, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": []any{}, "embeds": orEmpty(body["embeds"]), "components": orEmpty(body["components"]),
		"pinned": false, "type": 0, "flags": int(num(body["flags"])),
	}
	for _, e := range obj["embeds"].([]any) {
		if em, ok := e.(map[string]any); ok && em["type"] == nil {
			em["type"] = "rich"
		}
	}
	if ref, ok := body["message_reference"].(map[string]any); ok {
		obj["message_reference"] = ref
		obj["type"] = 19 // reply
	}
	m := &message{obj: obj, createdAt: now}
	if am, ok := body["allowed_mentions"].(map[string]any); ok {
		m.allowedMentions = am
	}
	s.state.messages[id] = m
	if int(num(obj["flags"]))&FlagEphemeral == 0 {
		ch.messages = append(ch.messages, m)
	}
	return m
}

// orEmpty returns v when it is a JSON array, else an empty one (discordgo
// sends null for absent lists).
func orEmpty(v any) []any {
	if a, ok := v.([]any); ok {
		return a
	}
	return []any{}
}

// applyEditLocked applies an edit body to a stored message. s.mu must be held.
func applyEditLocked(m *message, body map[string]any, raw []byte, now time.Time) {
	for _, k := range []string{"content", "embeds", "components", "attachments"} {
		if v, ok := body[k]; ok {
			if k == "content" {
				m.obj[k] = str(v)
			} else {
				m.obj[k] = orEmpty(v)
			}
		}
	}
	if v, ok := body["flags"]; ok {
		m.obj["flags"] = int(num(v))
	}
	if am, ok := body["allowed_mentions"].(map[string]any); ok {
		m.allowedMentions = am
	} else {
		m.allowedMentions = nil
	}
	m.obj["flags"] = int(num(m.obj["flags"])) &^ FlagLoading
	m.obj["edited_timestamp"] = timestamp(now)
	m.edits = append(m.edits, Edit{At: now, Content: str(m.obj["content"]), Body: append([]byte(nil), raw...)})
}

// messageEvent is a MESSAGE_* gateway event to send once s.mu is released.
type messageEvent struct {
	data  map[string]any
	need  int64 // the intent that subscribes to it
	gated bool  // content is privileged (MESSAGE_CONTENT)
}

// messageEventLocked builds the gateway form of m: the REST object plus
// guild_id and member in guilds. Content is gated unless the bot wrote the
// message, it is a DM, or it mentions the bot: Discord's rule for apps
// without the MESSAGE_CONTENT intent. s.mu must be held.
func (s *Server) messageEventLocked(m *message, ch *channel) messageEvent {
	data := deepCopyMap(m.obj)
	ev := messageEvent{data: data, need: IntentGuildMessages, gated: true}
	if ch.Type == ChannelTypeDM {
		ev.need, ev.gated = IntentDirectMessages, false
	} else {
		data["guild_id"] = ch.GuildID
		data["member"] = map[string]any{"roles": []any{}, "joined_at": timestamp(s.now().Add(-time.Hour)), "deaf": false, "mute": false, "flags": 0}
	}
	if a, ok := data["author"].(map[string]any); ok && a["id"] == s.cfg.bot.ID {
		ev.gated = false
	}
	if ms, ok := data["mentions"].([]any); ok {
		for _, u := range ms {
			if um, ok := u.(map[string]any); ok && um["id"] == s.cfg.bot.ID {
				ev.gated = false
			}
		}
	}
	return ev
}

// sendMessageEvent dispatches a MESSAGE_* event built under the lock.
func (s *Server) sendMessageEvent(typ string, ev messageEvent) {
	s.dispatch(typ, ev.data, ev.need, ev.gated)
}

// lookupChannel finds the route's channel or answers 404 Unknown Channel.
// On success s.mu is held and the caller must unlock.
func (c *call) lookupChannel() (*channel, bool) {
	c.s.mu.Lock()
	ch, ok := c.s.state.channels[c.params["channel_id"]]
	if !ok {
		c.s.mu.Unlock()
		c.unknown("Channel", 10003, c.params["channel_id"])
		return nil, false
	}
	return ch, true
}

func (c *call) getChannel() {
	ch, ok := c.lookupChannel()
	if !ok {
		return
	}
	o := c.s.channelObject(ch)
	c.s.mu.Unlock()
	c.json(http.StatusOK, o)
}

func (c *call) typing() {
	ch, ok := c.lookupChannel()
	if !ok {
		return
	}
	ch.Typing = append(ch.Typing, c.now)
	c.s.notifyLocked()
	c.s.mu.Unlock()
	c.noContent()
}

func (c *call) createMessage() {
	if errs := checkMessage(c.obj, ""); len(errs) > 0 {
		c.rejectFields(errs)
		return
	}
	if isEmptyMessage(c.obj) {
		c.reject(http.StatusBadRequest, 50006, "Cannot send an empty message", "no content, embeds, components or stickers")
		return
	}
	ch, ok := c.lookupChannel()
	if !ok {
		return
	}
	s := c.s
	if ref, ok := c.obj["message_reference"].(map[string]any); ok {
		refID := str(ref["message_id"])
		target, found := s.state.messages[refID]
		if (!found || target.deleted || str(target.obj["channel_id"]) != ch.ID) && ref["fail_if_not_exists"] != false {
			s.mu.Unlock()
			c.rejectFields([]fieldError{{Path: "message_reference", Code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", Message: "Unknown message " + refID}})
			return
		}
	}
	m := s.newMessageLocked(ch, s.cfg.bot, c.obj, c.now)
	m.body = append([]byte(nil), c.body...)
	ev := s.messageEventLocked(m, ch)
	resp := deepCopyMap(m.obj)
	s.notifyLocked()
	s.mu.Unlock()

	c.requireAllowedMentions(c.obj, "message create")
	s.sendMessageEvent("MESSAGE_CREATE", ev)
	c.json(http.StatusOK, resp)
}

// lookupMessage finds the route's message in the route's channel. On
// success s.mu is held and the caller must unlock.
func (c *call) lookupMessage() (*channel, *message, bool) {
	ch, ok := c.lookupChannel()
	if !ok {
		return nil, nil, false
	}
	id := c.params["message_id"]
	m, found := c.s.state.messages[id]
	if !found || m.deleted || str(m.obj["channel_id"]) != ch.ID {
		c.s.mu.Unlock()
		c.unknown("Message", 10008, id)
		return nil, nil, false
	}
	return ch, m, true
}

func (c *call) getMessage() {
	_, m, ok := c.lookupMessage()
	if !ok {
		return
	}
	resp := deepCopyMap(m.obj)
	c.s.mu.Unlock()
	c.json(http.StatusOK, resp)
}

func (c *call) editMessage() {
	if errs := checkMessage(c.obj, ""); len(errs) > 0 {
		c.rejectFields(errs)
		return
	}
	ch, m, ok := c.lookupMessage()
	if !ok {
		return
	}
	s := c.s
	if a, _ := m.obj["author"].(map[string]any); a["id"] != s.cfg.bot.ID {
		s.mu.Unlock()
		c.reject(http.StatusForbidden, 50005, "Cannot edit a message authored by another user", "editing someone else's message")
		return
	}
	applyEditLocked(m, c.obj, c.body, c.now)
	ev := s.messageEventLocked(m, ch)
	resp := deepCopyMap(m.obj)
	s.notifyLocked()
	s.mu.Unlock()

	c.requireAllowedMentions(c.obj, "message edit")
	s.sendMessageEvent("MESSAGE_UPDATE", ev)
	c.json(http.StatusOK, resp)
}

func (c *call) deleteMessage() {
	ch, m, ok := c.lookupMessage()
	if !ok {
		return
	}
	s := c.s
	s.deleteLocked(ch, m)
	ev := map[string]any{"id": str(m.obj["id"]), "channel_id": ch.ID}
	need := IntentDirectMessages
	if ch.GuildID != "" {
		ev["guild_id"] = ch.GuildID
		need = IntentGuildMessages
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.dispatch("MESSAGE_DELETE", ev, need, false)
	c.noContent()
}

// deleteLocked marks m deleted and takes it out of the channel's history.
func (s *Server) deleteLocked(ch *channel, m *message) {
	m.deleted = true
	for i, x := range ch.messages {
		if x == m {
			ch.messages = append(ch.messages[:i], ch.messages[i+1:]...)
			break
		}
	}
}

// listMessages serves history as Discord does: newest first, at most limit
// (default 50), relative to before, after or around a message ID.
func (c *call) listMessages() {
	ch, ok := c.lookupChannel()
	if !ok {
		return
	}
	q := c.r.URL.Query()
	limit := 50
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l) // the spec check has already bounded it to 1..100
	}
	all := make([]*message, len(ch.messages))
	copy(all, ch.messages)
	var picked []*message
	switch {
	case q.Get("before") != "":
		for i := len(all) - 1; i >= 0 && len(picked) < limit; i-- {
			if idLess(str(all[i].obj["id"]), q.Get("before")) {
				picked = append(picked, all[i])
			}
		}
	case q.Get("after") != "":
		for _, m := range all {
			if idLess(q.Get("after"), str(m.obj["id"])) {
				picked = append(picked, m)
			}
		}
		if len(picked) > limit {
			picked = picked[:limit]
		}
		reverse(picked)
	case q.Get("around") != "":
		around := q.Get("around")
		sort.SliceStable(all, func(i, j int) bool { return distance(all[i], around) < distance(all[j], around) })
		if len(all) > limit {
			all = all[:limit]
		}
		sort.SliceStable(all, func(i, j int) bool { return idLess(str(all[j].obj["id"]), str(all[i].obj["id"])) })
		picked = all
	default:
		for i := len(all) - 1; i >= 0 && len(picked) < limit; i-- {
			picked = append(picked, all[i])
		}
	}
	out := make([]any, 0, len(picked))
	for _, m := range picked {
		out = append(out, deepCopyMap(m.obj))
	}
	c.s.mu.Unlock()
	c.json(http.StatusOK, out)
}

// idLess compares snowflakes numerically.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func distance(m *message, around string) uint64 {
	a, _ := strconv.ParseUint(str(m.obj["id"]), 10, 64)
	b, _ := strconv.ParseUint(around, 10, 64)
	if a > b {
		return a - b
	}
	return b - a
}

func reverse(ms []*message) {
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
}

// startThread creates a public thread from a message. Like Discord, the
// thread's ID is the starter message's ID.
func (c *call) startThread() {
	ch, m, ok := c.lookupMessage()
	if !ok {
		return
	}
	s := c.s
	if ch.Type != ChannelTypeGuildText {
		s.mu.Unlock()
		c.reject(http.StatusBadRequest, 50024, "Cannot execute action on this channel type", fmt.Sprintf("thread from a message in a channel of type %d", ch.Type))
		return
	}
	if m.threadID != "" {
		s.mu.Unlock()
		c.reject(http.StatusBadRequest, 160004, "A thread has already been created for this message", "second thread on message "+m.threadID)
		return
	}
	id := str(m.obj["id"])
	th := &channel{Channel: Channel{
		ID: id, Type: ChannelTypePublicThread, GuildID: ch.GuildID, ParentID: ch.ID,
		Name: str(c.obj["name"]), OwnerID: s.cfg.bot.ID,
	}}
	s.state.channels[id] = th
	m.threadID = id
	m.obj["thread"] = s.channelObject(th)
	o := s.channelObject(th)
	ev := deepCopyMap(o)
	ev["newly_created"] = true
	s.notifyLocked()
	s.mu.Unlock()

	s.dispatch("THREAD_CREATE", ev, IntentGuilds, false)
	c.json(http.StatusCreated, o)
}

// createDM opens (or returns) the DM channel with a user the fake knows.
func (c *call) createDM() {
	s := c.s
	rid := str(c.obj["recipient_id"])
	s.mu.Lock()
	u, ok := s.state.users[rid]
	if !ok || rid == s.cfg.bot.ID {
		s.mu.Unlock()
		c.reject(http.StatusBadRequest, 50033, "Invalid Recipient(s)", fmt.Sprintf("DM with unknown user %q (users become known through Dispatch* or DMChannel)", rid))
		return
	}
	o := s.channelObject(s.dmLocked(u))
	s.mu.Unlock()
	c.json(http.StatusOK, o)
}

// DispatchMessage posts a message from author in a channel and sends
// MESSAGE_CREATE to the bot, subject to intents: GUILD_MESSAGES or
// DIRECT_MESSAGES to get it at all, and MESSAGE_CONTENT to see the content
// of a guild message that does not mention the bot. With mentionsBot the
// bot is in mentions, and "<@botID> " is put before content unless it is
// already there. Call it from the test's goroutine.
func (s *Server) DispatchMessage(channelID string, author User, content string, mentionsBot bool) Message {
	s.tb.Helper()
	s.mu.Lock()
	ch, ok := s.state.channels[channelID]
	if !ok {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchMessage: unknown channel %s", channelID)
		return Message{}
	}
	if author.ID == "" {
		author = DefaultUser()
	}
	if ch.Type == ChannelTypeDM && ch.Recipient.ID != author.ID {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchMessage: %s (%s) cannot write in the bot's DM with %s", author.Username, author.ID, ch.Recipient.ID)
		return Message{}
	}
	mention := "<@" + s.cfg.bot.ID + ">"
	if mentionsBot && !strings.Contains(content, mention) {
		content = mention + " " + content
	}
	return s.postLocked(ch, author, content, func(obj map[string]any) {
		if mentionsBot {
			obj["mentions"] = []any{userObject(s.cfg.bot)}
		}
	})
}

// postLocked posts content in ch as author, with mark adding the mentions
// to the message object, and sends MESSAGE_CREATE. It is called with s.mu
// held and releases it.
func (s *Server) postLocked(ch *channel, author User, content string, mark func(obj map[string]any)) Message {
	s.state.users[author.ID] = author
	m := s.newMessageLocked(ch, author, map[string]any{"content": content}, s.now())
	mark(m.obj)
	ev := s.messageEventLocked(m, ch)
	snap := m.snapshot()
	s.notifyLocked()
	s.mu.Unlock()

	s.sendMessageEvent("MESSAGE_CREATE", ev)
	return snap
}

// DispatchRoleMention posts content in channelID as author, mentioning the
// bot through its managed role (<@&BotRoleID>), as a member who picks
// "@Bot" among the roles does.
func (s *Server) DispatchRoleMention(channelID string, author User, content string) Message {
	s.tb.Helper()
	s.mu.Lock()
	ch, ok := s.state.channels[channelID]
	if !ok || ch.Type == ChannelTypeDM {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DispatchRoleMention: no guild channel %s", channelID)
		return Message{}
	}
	if author.ID == "" {
		author = DefaultUser()
	}
	return s.postLocked(ch, author, "<@&"+botRoleID+"> "+content, func(obj map[string]any) {
		obj["mention_roles"] = []any{botRoleID}
	})
}

// WaitForMessage blocks until a message in the channel's history satisfies
// match (nil: any message from the bot) and returns the first that does.
func (s *Server) WaitForMessage(ctx context.Context, channelID string, match func(Message) bool) (Message, error) {
	if match == nil {
		bot := s.cfg.bot.ID
		match = func(m Message) bool { return m.Author.ID == bot }
	}
	var got Message
	err := s.WaitFor(ctx, func() bool {
		for _, m := range s.Messages(channelID) {
			if match(m) {
				got = m
				return true
			}
		}
		return false
	})
	return got, err
}
