package discord

import (
	"time"

	"seriesbot/bot"
)

// finishTimeout bounds how long shutdown waits, once the language model
// calls are cut, for the answers quoted instead to be posted: a few REST
// requests each, retries included.
const finishTimeout = 5 * time.Second

// gateModel puts the language model of cmds (if any) behind a
// bot.ModelGate with the cap of cfg, unless it is behind one already, and
// returns the gate. Every call then goes through it, so that shutdown can
// cut what still runs at the end of its grace, whatever the model's own
// timeout: a 30 s call would otherwise outlast a 10 s grace, and its
// answer be lost.
func gateModel(cmds *bot.Commands, cfg Config) *bot.ModelGate {
	if cmds == nil || cmds.Answerer == nil || cmds.Answerer.LLM == nil {
		return nil
	}
	if g, ok := cmds.Answerer.LLM.(*bot.ModelGate); ok {
		return g
	}
	g := bot.NewModelGate(cmds.Answerer.LLM, cfg.ModelCalls, cfg.ModelWait)
	cmds.Answerer.LLM = g
	return g
}

// shutdown stops taking new work and gives the answers in progress the
// grace period. At its end the language model calls still running are
// cut: each of their answers is then quoted from the series with a note
// saying why, and posted — on an interaction as the final edit, on a
// message as the reply — within finishTimeout. The user gets a message on
// every path; only then does Run close the gateway.
func (d *Bot) shutdown() {
	d.log.Info("shutting down: finishing the answers in progress", "grace", d.cfg.ShutdownGrace)
	idle := d.flight.close()
	if waitIdle(idle, d.cfg.ShutdownGrace) {
		return
	}
	if d.model != nil {
		d.log.Warn("answers still waiting on the language model at the end of the shutdown grace are quoted from the series")
		d.model.Cut()
	}
	if !waitIdle(idle, finishTimeout) {
		d.log.Warn("answers still in progress at shutdown were cut short")
	}
}

// waitIdle waits up to d for idle to close, and reports whether it did.
func waitIdle(idle <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-idle:
		return true
	case <-t.C:
		return false
	}
}
