package discord

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"seriesbot/bot"
)

// Notes that end /help on Discord, with mention answering on and off.
const (
	discordHelpNote           = "You can also mention me with a question: I answer in a thread, and every message in that thread is a follow-up. In a direct message, just write the question."
	discordHelpNoteNoMentions = "In a direct message, just write the question."
)

// onInteraction serves slash commands and button clicks. It acknowledges
// first, before any slow work: Discord gives an interaction three seconds,
// and the handler's own scheduling counts.
func (d *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	received := time.Now()
	in := ic.Interaction
	r := &interactionReply{s: s, in: in, d: d}
	if !d.flight.begin() {
		r.respondPrivately("The bot is restarting; please ask again in a minute.")
		return
	}
	defer d.flight.end()
	if d.handled != nil {
		defer d.handled(in.ID)
	}
	// Counted and logged before the handler is reported done.
	if in.Type == discordgo.InteractionApplicationCommand {
		if name := in.ApplicationCommandData().Name; name == bot.CommandAsk || name == bot.CommandSummary {
			_, r.q = asking(d.work, transportSlash, received)
			defer d.asked(r.q, "command", name, "interaction", in.ID, "user", interactionUser(in), "guild", in.GuildID)
		}
	}
	defer func() { d.recovered(recover(), "interaction "+in.ID, func() { r.fail(somethingWentWrong) }) }()

	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		d.onCommand(r)
	case discordgo.InteractionMessageComponent:
		d.onComponent(r)
	}
}

func (d *Bot) onCommand(r *interactionReply) {
	in := r.in
	user := interactionUser(in)
	// Questions count against the user's allowance before they are read:
	// an empty or over-long one costs a refusal as much as an answer.
	if name := in.ApplicationCommandData().Name; name == bot.CommandAsk || name == bot.CommandSummary {
		if ok, wait := d.limiter.allow(user, d.now()); !ok {
			d.rateLimited(r.q)
			r.respondPrivately(slowDown(wait))
			return
		}
	}
	cmds := d.cmds.Set()
	inv, err := discordInvocation(cmds, in.ApplicationCommandData())
	var qe *bot.QuestionError
	var ie *bot.InvocationError
	switch {
	case errors.As(err, &qe), errors.As(err, &ie):
		r.q.ended(outcomeRefused, 0)
		r.respondPrivately(err.Error())
		return
	case err != nil:
		d.log.Warn("unusable command", "command", in.ApplicationCommandData().Name, "err", err)
		r.respondPrivately("I cannot run this command: " + err.Error() + ". If the command list looks outdated, reload Discord.")
		return
	}
	cmd, _ := bot.FindCommand(cmds, inv.Command)
	if cmd.Admin && !d.isAdmin(in) {
		d.log.Info("admin command refused", "command", cmd.Name, "user", user, "guild", in.GuildID)
		r.respondPrivately("Only server admins (Manage Server permission, or listed as bot admins) can run /" + cmd.Name + ".")
		return
	}
	if err := r.deferReply(cmd.Private); err != nil {
		d.log.Warn("could not acknowledge an interaction", "command", cmd.Name, "interaction", in.ID, "err", describeErr(err))
		return
	}

	ctx, cancel := context.WithTimeout(d.work, answerTimeout)
	defer cancel()
	var reply bot.Reply
	if inv.Command == bot.CommandHelp {
		note := discordHelpNote
		if !d.cfg.Mentions {
			note = discordHelpNoteNoMentions
		}
		reply = d.cmds.Help(note)
	} else {
		reply = d.run(ctx, inv, func(text string) { r.editText(ctx, text) })
	}
	if reply.Reloaded {
		switch updated, err := d.syncCommands(ctx, r.s); {
		case err != nil:
			d.log.Error("reload: could not update the commands", "err", err)
			reply.Text += "\nThe command choices could not be updated: " + err.Error()
		case updated:
			reply.Text += "\nThe command choices were updated."
		}
	}
	if r.finish(ctx, reply) {
		r.q.ended(replyOutcome(inv.Command, reply), len(reply.Sources))
	}
}

// onComponent acknowledges a click on a feedback button and logs it.
func (d *Bot) onComponent(r *interactionReply) {
	in := r.in
	vote, answered, ok := parseFeedback(in.MessageComponentData().CustomID)
	if !ok {
		r.respondPrivately("This button no longer does anything.")
		return
	}
	answer, message := "", ""
	if in.Message != nil {
		answer, message = bot.Clip(in.Message.Content, 200), in.Message.ID
	}
	d.obs.Feedback(vote)
	d.log.Info("feedback", "vote", vote, "answered", answered, "message", message,
		"user", interactionUser(in), "guild", in.GuildID, "channel", in.ChannelID, "answer", answer)
	r.respondPrivately("Thanks for the feedback!")
}

// interactionReply answers one interaction: at once with a message, or
// deferred and then edited.
type interactionReply struct {
	s  *discordgo.Session
	in *discordgo.Interaction
	d  *Bot

	// q follows the question the interaction asks; nil for other
	// commands.
	q *question

	mu      sync.Mutex
	acked   bool
	private bool
}

// respondPrivately answers at once with a message only the user sees: a refusal,
// an error, a thank-you. It is as quick as deferring.
func (r *interactionReply) respondPrivately(text string) {
	err := r.s.InteractionRespond(r.in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         bot.Clip(text, maxMessageRunes),
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	}, discordgo.WithContext(r.d.work))
	r.mu.Lock()
	r.acked = r.acked || err == nil
	r.mu.Unlock()
	if err == nil {
		r.q.acked()
	}
	if err != nil {
		r.d.log.Warn("could not answer an interaction", "interaction", r.in.ID, "err", describeErr(err))
	}
}

// deferReply acknowledges with "thinking…", to be edited with the answer.
func (r *interactionReply) deferReply(private bool) error {
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := r.s.InteractionRespond(r.in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: data,
	}, discordgo.WithContext(r.d.work))
	if err == nil {
		r.mu.Lock()
		r.acked, r.private = true, private
		r.mu.Unlock()
		r.q.acked()
	}
	return err
}

// editText shows an answer still being written.
func (r *interactionReply) editText(ctx context.Context, text string) {
	content := previewText(quietLinks(text), maxMessageRunes)
	if content == "" {
		return
	}
	_, err := r.s.InteractionResponseEdit(r.in, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
	if err != nil {
		r.d.log.Warn("could not show the answer so far", "interaction", r.in.ID, "err", describeErr(err))
	}
}

// finish shows the reply: its first piece in the original response, with
// its sources and buttons when it fits in one message, the rest as
// follow-ups, the sources and buttons under the last. It reports whether
// all of it was posted.
func (r *interactionReply) finish(ctx context.Context, reply bot.Reply) bool {
	msgs := renderReply(reply, r.in.ID)
	first := msgs[0]
	edit := &discordgo.WebhookEdit{
		Content:         &first.Content,
		Embeds:          &first.Embeds,
		Components:      &first.Components,
		AllowedMentions: noMentions(),
	}
	if files, attachments := first.files(); files != nil {
		edit.Files, edit.Attachments = files, &attachments
	}
	_, err := r.s.InteractionResponseEdit(r.in, edit, discordgo.WithContext(ctx))
	if err != nil {
		r.d.log.Error("could not show the answer", "interaction", r.in.ID, "err", describeErr(err))
		r.fail(somethingWentWrong)
		return false
	}
	for i, m := range msgs[1:] {
		params := &discordgo.WebhookParams{
			Content:         m.Content,
			Embeds:          m.Embeds,
			Components:      m.Components,
			AllowedMentions: noMentions(),
		}
		params.Files, params.Attachments = m.files()
		r.mu.Lock()
		if r.private {
			params.Flags = discordgo.MessageFlagsEphemeral
		}
		r.mu.Unlock()
		if _, err := r.s.FollowupMessageCreate(r.in, true, params, discordgo.WithContext(ctx)); err != nil {
			r.d.log.Error("could not send the rest of the answer", "interaction", r.in.ID, "piece", i+2, "of", len(msgs), "err", describeErr(err))
			return false
		}
	}
	return true
}

// fail tells the user something went wrong: in the original response if
// there is one, else in a message only they see.
func (r *interactionReply) fail(text string) {
	r.mu.Lock()
	acked := r.acked
	r.mu.Unlock()
	if !acked {
		r.respondPrivately(text)
		return
	}
	empty := []*discordgo.MessageEmbed{}
	none := []discordgo.MessageComponent{}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.d.work), restTimeout)
	defer cancel()
	if _, err := r.s.InteractionResponseEdit(r.in, &discordgo.WebhookEdit{Content: &text, Embeds: &empty, Components: &none, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
		r.d.log.Warn("could not tell the user something went wrong", "interaction", r.in.ID, "err", describeErr(err))
	}
}

// run runs inv in a slot to compose in (see Config.Offline), showing the
// answer as it is written through edit. The slot is freed and the editor
// stopped however Run ends, a panic included: a slot lost would leave one
// answer fewer composed at a time for good, an editor lost would go on
// waiting for text.
func (d *Bot) run(ctx context.Context, inv bot.Invocation, edit func(text string)) bot.Reply {
	ed := startStreamEditor(d.cfg.EditInterval, edit)
	defer ed.stop()
	done := d.computing(ctx)
	defer done()
	return d.cmds.Run(ctx, inv, ed.update)
}

// streamEditor shows an answer as it is written, with at most one edit
// per interval: update takes the newest text at any pace, a goroutine
// sends it on. stop waits for an edit in flight, so the final edit always
// comes after the last partial one.
type streamEditor struct {
	interval time.Duration
	send     func(text string)

	mu      sync.Mutex
	latest  string
	changed chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func startStreamEditor(interval time.Duration, send func(string)) *streamEditor {
	e := &streamEditor{interval: interval, send: send, changed: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go e.loop()
	return e
}

// update records the answer so far; it never blocks.
func (e *streamEditor) update(text string) {
	e.mu.Lock()
	e.latest = text
	e.mu.Unlock()
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

func (e *streamEditor) loop() {
	defer close(e.done)
	defer func() { recover() }() // a failed preview must not take the answer down
	var sent string
	var last time.Time
	for {
		select {
		case <-e.changed:
		case <-e.quit:
			return
		}
		if wait := e.interval - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-e.quit:
				t.Stop()
				return
			}
		}
		e.mu.Lock()
		text := e.latest
		e.mu.Unlock()
		if text == sent {
			continue
		}
		e.send(text)
		sent, last = text, time.Now()
	}
}

func (e *streamEditor) stop() {
	close(e.quit)
	<-e.done
}
