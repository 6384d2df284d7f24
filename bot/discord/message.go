package discord

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

const (
	// historyLimit is how many earlier messages of a thread a follow-up
	// is read with.
	historyLimit = 10
	// typingEvery renews the typing indicator, which Discord shows for
	// about ten seconds.
	typingEvery = 8 * time.Second
	// typingTimeout bounds a typing request: it is only a courtesy, and
	// the answer waits for it.
	typingTimeout = 2 * time.Second
	// threadArchiveMinutes archives an idle answer thread after a day.
	threadArchiveMinutes = 1440
	maxThreadName        = 100
)

// mentionHelp answers a mention with no question.
const mentionHelp = "Ask me about the series: mention me with your question, for example “@me How much revenue did Alibaba Cloud make?”, or use /ask. /help lists every command."

// channelKind is what a channel is to the bot.
type channelKind int

const (
	channelOther      channelKind = iota // no threads can start here
	channelText                          // threads can start on its messages
	channelThread                        // a thread someone else started
	channelOwnThread                     // a thread the bot started: every message is a follow-up
	channelDirect                        // a DM
	channelUnknownYet                    // could not be looked up
)

// onMessage answers a message that mentions the bot in a new thread
// started on it, a message in a thread the bot started as a follow-up,
// and a direct message inline. It ignores bots, webhooks and itself.
func (d *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	received := time.Now()
	if m.Author == nil || m.Author.Bot || m.WebhookID != "" {
		return
	}
	me := botUserID(s)
	if m.Author.ID == me || !d.flight.begin() {
		return
	}
	defer d.flight.end()
	if d.handled != nil {
		defer d.handled(m.ID)
	}
	// A message is a question once its transport is known; it is counted
	// and logged before the handler is reported done.
	var q *question
	defer func() {
		d.asked(q, "message", m.ID, "channel", m.ChannelID, "user", m.Author.ID, "guild", m.GuildID)
	}()
	defer func() {
		d.recovered(recover(), "message "+m.ID, func() {
			d.send(context.WithoutCancel(d.work), s, m.ChannelID, discordMessage{Content: somethingWentWrong}, nil)
		})
	}()

	ctx, cancel := context.WithTimeout(d.work, answerTimeout)
	defer cancel()
	// Each path asks the per-user limiter first, once the message is
	// known to be for the bot, and before anything is posted or fetched
	// for it: refusals and thread history included.
	if m.GuildID == "" {
		ctx, q = asking(ctx, transportDM, received)
		if d.admitted(ctx, s, m, m.ChannelID, nil) {
			d.answerMessage(ctx, s, m, m.ChannelID, stripMention(m.Content, me, ""), nil, nil)
		}
		return
	}
	if !d.cfg.Mentions {
		return
	}
	mentioned := d.mentionsBot(m, me)
	kind, parent := d.channelKind(ctx, s, m.ChannelID, me)
	question := stripMention(m.Content, me, d.roles.get(m.GuildID))
	switch {
	case kind == channelOwnThread:
		if question == "" {
			return // an image, a sticker: nothing to answer
		}
		ctx, q = asking(ctx, transportThread, received)
		if !d.admitted(ctx, s, m, m.ChannelID, nil) {
			return
		}
		history := d.threadHistory(ctx, s, m, parent, me)
		d.answerMessage(ctx, s, m, m.ChannelID, question, history, nil)
	case !mentioned:
	case kind == channelText && question != "":
		ctx, q = asking(ctx, transportMention, received)
		if d.admitted(ctx, s, m, m.ChannelID, replyTo(m)) {
			d.answerInThread(ctx, s, m, question)
		}
	default:
		ctx, q = asking(ctx, transportMention, received)
		if d.admitted(ctx, s, m, m.ChannelID, replyTo(m)) {
			d.answerMessage(ctx, s, m, m.ChannelID, question, nil, replyTo(m))
		}
	}
}

// admitted takes one question from the author's allowance. A user asking
// too fast is told when to ask again, in channelID, once per wait: the
// messages that follow until then are dropped without a word.
func (d *Bot) admitted(ctx context.Context, s *discordgo.Session, m *discordgo.MessageCreate, channelID string, ref *discordgo.MessageReference) bool {
	ok, wait, tell := d.limiter.admit(m.Author.ID, d.now())
	if ok {
		return true
	}
	d.rateLimited(questionIn(ctx))
	if tell {
		d.send(ctx, s, channelID, discordMessage{Content: slowDown(wait)}, ref)
	}
	return false
}

// answerInThread starts a thread on the question and answers in it. When
// no thread can be started (no permission), it answers in the channel.
func (d *Bot) answerInThread(ctx context.Context, s *discordgo.Session, m *discordgo.MessageCreate, text string) {
	q, refusal := d.askable(ctx, m, text)
	if refusal != "" {
		d.send(ctx, s, m.ChannelID, discordMessage{Content: refusal}, replyTo(m))
		return
	}
	th, err := startThread(ctx, s, m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name:                threadName(q.Text()),
		AutoArchiveDuration: threadArchiveMinutes,
	})
	if err != nil {
		d.log.Warn("could not start a thread; answering in the channel", "channel", m.ChannelID, "message", m.ID, "err", describeErr(err))
		d.reply(ctx, s, m, m.ChannelID, q, replyTo(m))
		return
	}
	d.threads.add(th.ID, q.Text())
	d.reply(ctx, s, m, th.ID, q, nil)
}

// answerMessage checks a question and answers it in channelID, read with
// the conversation's history.
func (d *Bot) answerMessage(ctx context.Context, s *discordgo.Session, m *discordgo.MessageCreate, channelID, text string, history []bot.Turn, ref *discordgo.MessageReference) {
	q, refusal := d.askable(ctx, m, text)
	if refusal != "" {
		d.send(ctx, s, channelID, discordMessage{Content: refusal}, ref)
		return
	}
	q.History = history
	d.reply(ctx, s, m, channelID, q, ref)
}

// askable checks the question of a message: it returns the question, or
// the refusal to post instead — a short help when there is no question,
// or why it cannot be asked. The limiter has admitted the message.
func (d *Bot) askable(ctx context.Context, m *discordgo.MessageCreate, text string) (bot.Question, string) {
	if text == "" {
		questionIn(ctx).ended(outcomeRefused, 0)
		return bot.Question{}, mentionHelp
	}
	q, err := bot.NewQuestion(text)
	if err != nil {
		questionIn(ctx).ended(outcomeRefused, 0)
		return bot.Question{}, err.Error()
	}
	return q, ""
}

// reply answers q in channelID, showing the bot as typing meanwhile.
func (d *Bot) reply(ctx context.Context, s *discordgo.Session, m *discordgo.MessageCreate, channelID string, q bot.Question, ref *discordgo.MessageReference) {
	r := func() bot.Reply {
		// Freed however Run ends, a panic included.
		defer d.keepTyping(ctx, s, channelID)()
		done := d.computing(ctx)
		defer done()
		return d.cmds.Run(ctx, bot.Invocation{Command: bot.CommandAsk, Question: q}, nil)
	}()
	for i, msg := range renderReply(r, m.ID) {
		if i > 0 {
			ref = nil
		}
		if !d.send(ctx, s, channelID, msg, ref) {
			return
		}
	}
	questionIn(ctx).ended(replyOutcome(bot.CommandAsk, r), len(r.Sources))
}

// send posts msg in channelID, replying to ref when not nil, and reports
// whether it was posted.
func (d *Bot) send(ctx context.Context, s *discordgo.Session, channelID string, msg discordMessage, ref *discordgo.MessageReference) bool {
	_, err := s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content:         msg.Content,
		Embeds:          msg.Embeds,
		Components:      msg.Components,
		AllowedMentions: noMentions(),
		Reference:       ref,
	}, discordgo.WithContext(ctx))
	if err != nil {
		d.log.Error("could not send a message", "channel", channelID, "err", describeErr(err))
		return false
	}
	return true
}

// replyTo refers to m without pinging its author, and without failing
// when m was deleted meanwhile.
func replyTo(m *discordgo.MessageCreate) *discordgo.MessageReference {
	no := false
	return &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &no}
}

// keepTyping shows the bot typing in channelID until the returned func is
// called, renewing the indicator while the answer takes. The first request
// is always made, and stop waits for the one in flight (typingTimeout at
// most) instead of cancelling it: Discord clears the indicator when the
// bot posts, so a request that landed after the answer would show the bot
// typing under it for ten seconds.
func (d *Bot) keepTyping(ctx context.Context, s *discordgo.Session, channelID string) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }()
		renew := time.NewTicker(typingEvery)
		defer renew.Stop()
		for {
			rctx, cancel := context.WithTimeout(ctx, typingTimeout)
			if err := s.ChannelTyping(channelID, discordgo.WithContext(rctx)); err != nil && ctx.Err() == nil {
				d.log.Debug("typing indicator", "channel", channelID, "err", describeErr(err))
			}
			cancel()
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-renew.C:
			}
		}
	}()
	return func() { close(quit); <-done }
}

// mentionPattern matches a user mention, "<@id>" or "<@!id>", and a role
// mention, "<@&id>".
var mentionPattern = regexp.MustCompile(`<@([!&]?)(\d+)>`)

// stripMention removes the bot's mentions from content: of its user (me)
// and of its role in the guild (role, "" for none).
func stripMention(content, me, role string) string {
	out := mentionPattern.ReplaceAllStringFunc(content, func(m string) string {
		sub := mentionPattern.FindStringSubmatch(m)
		if sub[1] == "&" && sub[2] == role || sub[1] != "&" && sub[2] == me {
			return ""
		}
		return m
	})
	return strings.Join(strings.Fields(out), " ")
}

// threadName names an answer thread after its question.
func threadName(question string) string {
	return bot.Clip(cmp.Or(strings.Join(strings.Fields(question), " "), "Question"), maxThreadName)
}

// channelKind finds out what channelID is, from the threads the bot
// remembers, discordgo's state, or a request; and returns the parent of a
// thread.
func (d *Bot) channelKind(ctx context.Context, s *discordgo.Session, channelID, me string) (channelKind, string) {
	if _, ok := d.threads.get(channelID); ok {
		ch, _ := s.State.Channel(channelID)
		if ch != nil {
			return channelOwnThread, ch.ParentID
		}
		return channelOwnThread, ""
	}
	ch, err := s.State.Channel(channelID)
	if err != nil {
		// Not in the state yet: a thread created before GUILD_CREATE
		// arrived, or a channel the state does not track.
		if ch, err = s.Channel(channelID, discordgo.WithContext(ctx)); err != nil {
			d.log.Warn("could not look up a channel", "channel", channelID, "err", describeErr(err))
			return channelUnknownYet, ""
		}
	}
	switch {
	case ch.IsThread() && ch.OwnerID == me:
		d.threads.add(ch.ID, "")
		return channelOwnThread, ch.ParentID
	case ch.IsThread():
		return channelThread, ch.ParentID
	case ch.Type == discordgo.ChannelTypeGuildText || ch.Type == discordgo.ChannelTypeGuildNews:
		return channelText, ""
	case ch.Type == discordgo.ChannelTypeDM:
		return channelDirect, ""
	}
	return channelOther, ""
}

// threadHistory reads the turns of the conversation before m in the
// bot's thread: the question the thread was started on, then each
// question and the bot's answer to it.
func (d *Bot) threadHistory(ctx context.Context, s *discordgo.Session, m *discordgo.MessageCreate, parentID, me string) []bot.Turn {
	msgs, err := s.ChannelMessages(m.ChannelID, historyLimit, m.ID, "", "", discordgo.WithContext(ctx))
	if err != nil {
		d.log.Warn("could not read the thread's history; answering without it", "thread", m.ChannelID, "err", describeErr(err))
		return nil
	}
	slices.Reverse(msgs) // oldest first
	starter, _ := d.threads.get(m.ChannelID)
	if starter == "" && len(msgs) < historyLimit && parentID != "" {
		// The whole thread is in msgs; its first question is the message
		// it was started on, in the parent channel, with the thread's ID.
		if sm, err := s.ChannelMessage(parentID, m.ChannelID, discordgo.WithContext(ctx)); err == nil {
			starter = stripMention(sm.Content, me, d.roles.get(m.GuildID))
		}
	}
	return historyTurns(starter, msgs, me, d.roles.get(m.GuildID))
}

// historyTurns pairs the questions of a conversation with the bot's
// answers, oldest first; a question left without answer is dropped.
func historyTurns(starter string, msgs []*discordgo.Message, me, role string) []bot.Turn {
	var turns []bot.Turn
	cur := bot.Turn{Question: starter}
	flush := func() {
		if cur.Question != "" && cur.Answer != "" {
			turns = append(turns, cur)
		}
	}
	for _, msg := range msgs {
		if msg.Author == nil {
			continue
		}
		if msg.Author.ID == me {
			if cur.Answer != "" {
				cur.Answer += "\n"
			}
			cur.Answer += msg.Content
			continue
		}
		if msg.Author.Bot {
			continue
		}
		flush()
		cur = bot.Turn{Question: stripMention(msg.Content, me, role)}
	}
	flush()
	return turns
}
