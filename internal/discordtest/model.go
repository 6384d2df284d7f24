package discordtest

import (
	"encoding/json"
	"time"
)

// Channel types the fake models (Discord's numbering).
const (
	ChannelTypeGuildText    = 0
	ChannelTypeDM           = 1
	ChannelTypePublicThread = 11
)

// Message flags the fake interprets.
const (
	FlagEphemeral = 1 << 6 // visible to the invoking user only; not in history
	FlagLoading   = 1 << 7 // a deferred response still "thinking"
)

// Interaction types the fake dispatches.
const (
	InteractionApplicationCommand = 2
	InteractionMessageComponent   = 3
)

// User is a Discord user as the fake knows it.
type User struct {
	ID       string
	Username string
	Bot      bool
}

// Channel is a snapshot of a channel.
type Channel struct {
	ID       string
	Type     int // ChannelType*
	GuildID  string
	ParentID string // threads: the channel the thread belongs to
	Name     string
	// Recipient is the other user of a DM channel.
	Recipient *User
	// OwnerID is who started a thread.
	OwnerID string
	// Typing holds when the bot triggered the typing indicator here.
	Typing []time.Time
}

// Message is a snapshot of a message, as the fake stored it.
type Message struct {
	ID        string
	ChannelID string
	Author    User
	Content   string
	// Embeds and Components are as the bot sent them (decoded JSON).
	Embeds     []map[string]any
	Components []map[string]any
	Flags      int
	// AllowedMentions is the allowed_mentions object of the latest create or
	// edit, nil when it had none.
	AllowedMentions map[string]any
	// Mentions lists the IDs of users the message mentions (user messages).
	Mentions []string
	// Body is the JSON body of the request that created the message, exactly
	// as sent; nil for messages the test dispatched.
	Body      json.RawMessage
	CreatedAt time.Time
	// Edits lists every accepted edit, oldest first.
	Edits []Edit
	// Attachments are the files of the message, with their bytes.
	Attachments []Attachment
	// InteractionID is set on interaction responses and follow-ups.
	InteractionID string
	// ThreadID is the thread started from this message, if any.
	ThreadID string
	Deleted  bool
}

// Loading reports whether the message is a deferred response that has not
// been edited with its final content yet.
func (m Message) Loading() bool { return m.Flags&FlagLoading != 0 }

// Edit is one accepted edit of a message.
type Edit struct {
	At      time.Time
	Content string // the message's content after the edit
	Body    json.RawMessage
}

// Interaction is a snapshot of an interaction the test dispatched and what
// the bot did with it.
type Interaction struct {
	ID            string
	Token         string
	ApplicationID string
	Type          int    // Interaction*
	Name          string // command name (application commands)
	CustomID      string // component interactions
	GuildID       string
	ChannelID     string
	User          User
	DispatchedAt  time.Time
	// Payload is the INTERACTION_CREATE data as sent on the gateway.
	Payload json.RawMessage
	// Callbacks lists every callback that reached the interaction, accepted
	// or rejected (a body the spec check refused never gets this far).
	Callbacks []Callback
	// Original is the @original response message, nil before an accepted
	// callback created one.
	Original *Message
	// Followups are the follow-up messages, in order.
	Followups []Message
}

// Acknowledged reports whether a callback was accepted.
func (i Interaction) Acknowledged() bool {
	for _, c := range i.Callbacks {
		if c.Accepted {
			return true
		}
	}
	return false
}

// Callback is one POST /interactions/{id}/{token}/callback.
type Callback struct {
	At       time.Time
	Type     int // Discord's interaction callback type (4 message, 5 deferred, ...)
	Body     json.RawMessage
	Status   int // HTTP status the fake answered
	Accepted bool
	// Delay is the time from dispatch to this callback.
	Delay time.Duration
}

// Request is one REST request the fake received.
type Request struct {
	At     time.Time
	Method string
	// Path is the path with the /api/vN prefix removed, e.g.
	// /channels/123/messages.
	Path string
	// Route is the spec's template, e.g. /channels/{channel_id}/messages;
	// empty for paths the fake does not serve.
	Route string
	Query string
	// Body is the JSON body; for a request with files, its payload_json.
	Body json.RawMessage
	// Files are the names of the files a multipart request uploaded.
	Files  []string
	Status int
}

// Command is a registered application command.
type Command struct {
	ID          string
	Name        string
	Type        int
	Description string
	GuildID     string // empty for global commands
	// Raw is the stored command object as the fake returns it.
	Raw json.RawMessage
}

// message is the stored form of a message: obj is the Discord message
// object the fake returns, the rest is bookkeeping for snapshots.
type message struct {
	obj             map[string]any
	body            json.RawMessage
	allowedMentions map[string]any
	createdAt       time.Time
	edits           []Edit
	interactionID   string
	threadID        string
	deleted         bool
	// files holds the bytes of the message's attachments, by id.
	files map[string][]byte
}

// channel is the stored form of a channel.
type channel struct {
	Channel
	messages []*message
}

// interaction is the stored form of an interaction.
type interaction struct {
	Interaction
	// componentMessage is the message a clicked component sits on.
	componentMessage *message
	original         *message
	followups        []*message
}

// commandDef is a stored application command with its option tree parsed,
// so dispatches can type their option values the way Discord would.
type commandDef struct {
	id      string
	name    string
	typ     int
	desc    string
	guildID string
	options []optionDef
	obj     map[string]any
}

// optionDef is one option of a command.
type optionDef struct {
	name     string
	typ      int
	required bool
	options  []optionDef
}

// model is everything the fake remembers. Guarded by Server.mu.
type model struct {
	channels     map[string]*channel
	messages     map[string]*message
	users        map[string]User
	dms          map[string]string // recipient user ID -> DM channel ID
	interactions map[string]*interaction
	byToken      map[string]*interaction
	commands     map[string][]*commandDef // guild ID ("" = global) -> commands
	requests     []Request
	violations   []string
}

func newModel(cfg config) *model {
	m := &model{
		channels:     map[string]*channel{},
		messages:     map[string]*message{},
		users:        map[string]User{cfg.bot.ID: cfg.bot},
		dms:          map[string]string{},
		interactions: map[string]*interaction{},
		byToken:      map[string]*interaction{},
		commands:     map[string][]*commandDef{},
	}
	m.channels[cfg.channelID] = &channel{Channel: Channel{
		ID: cfg.channelID, Type: ChannelTypeGuildText, GuildID: cfg.guildID, Name: "general",
	}}
	return m
}

// snapshot copies a stored message into the exported form. Decoding the
// stored JSON again gives the caller maps it may change freely.
func (m *message) snapshot() Message {
	out := Message{
		ID:              str(m.obj["id"]),
		ChannelID:       str(m.obj["channel_id"]),
		Content:         str(m.obj["content"]),
		Flags:           int(num(m.obj["flags"])),
		Body:            append(json.RawMessage(nil), m.body...),
		CreatedAt:       m.createdAt,
		Edits:           append([]Edit(nil), m.edits...),
		InteractionID:   m.interactionID,
		ThreadID:        m.threadID,
		Deleted:         m.deleted,
		AllowedMentions: deepCopyMap(m.allowedMentions),
	}
	if a, ok := m.obj["author"].(map[string]any); ok {
		out.Author = User{ID: str(a["id"]), Username: str(a["username"]), Bot: a["bot"] == true}
	}
	out.Embeds = objects(m.obj["embeds"])
	out.Attachments = m.attachments()
	out.Components = objects(m.obj["components"])
	if ms, ok := m.obj["mentions"].([]any); ok {
		for _, u := range ms {
			if um, ok := u.(map[string]any); ok {
				out.Mentions = append(out.Mentions, str(um["id"]))
			}
		}
	}
	return out
}

// snapshot copies a stored interaction.
func (i *interaction) snapshot() Interaction {
	out := i.Interaction
	out.Payload = append(json.RawMessage(nil), i.Payload...)
	out.Callbacks = append([]Callback(nil), i.Callbacks...)
	if i.original != nil {
		o := i.original.snapshot()
		out.Original = &o
	}
	out.Followups = nil
	for _, f := range i.followups {
		out.Followups = append(out.Followups, f.snapshot())
	}
	return out
}

// snapshot copies a stored channel.
func (c *channel) snapshot() Channel {
	out := c.Channel
	out.Typing = append([]time.Time(nil), c.Typing...)
	if c.Recipient != nil {
		r := *c.Recipient
		out.Recipient = &r
	}
	return out
}

// str returns v as a string, "" when it is not one.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// num returns v as a float64, 0 when it is not a number. Decoded JSON
// holds float64; the fake's own objects may hold int.
func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}

// objects returns a deep copy of v when it is a JSON array of objects.
func objects(v any) []map[string]any {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, deepCopyMap(m))
		}
	}
	return out
}

// deepCopyMap copies decoded JSON through a marshal round trip.
func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}
