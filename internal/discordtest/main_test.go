package discordtest

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/goleak"
)

// discordgoLog keeps what discordgo logs. discordgo logs through one
// package variable, not through a session's test, so a line cannot be sent
// to the test it belongs to; and much of it is expected here (a read error
// when the fake drops a connection on purpose, a write that meets Close).
// The lines are kept instead of printed: a test may look for the ones it
// causes (discordgoLogged), and TestMain prints them all when the run
// fails, where they help.
var discordgoLog struct {
	mu    sync.Mutex
	lines []string
}

// maxDiscordgoLines bounds what a long run (-count=N) keeps.
const maxDiscordgoLines = 10000

func TestMain(m *testing.M) {
	flag.Parse()
	// A test here mostly waits, a second of it in discordgo's Session.Close
	// (it sleeps before closing the socket), so one test per processor, the
	// default, leaves the machine idle. Unless -parallel says otherwise, more
	// run at once; no test depends on how fast the machine is.
	parallelGiven := false
	flag.Visit(func(f *flag.Flag) { parallelGiven = parallelGiven || f.Name == "test.parallel" })
	if !parallelGiven {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}

	// Set before any test starts: discordgo reads Logger without a lock.
	discordgo.Logger = func(level, _ int, format string, a ...any) {
		line := fmt.Sprintf("[DG%d] ", level) + strings.TrimSpace(fmt.Sprintf(format, a...))
		discordgoLog.mu.Lock()
		defer discordgoLog.mu.Unlock()
		if len(discordgoLog.lines) < maxDiscordgoLines {
			discordgoLog.lines = append(discordgoLog.lines, line)
		}
	}
	code := m.Run()
	if code == 0 {
		// A goroutine that outlives the tests: a connection or a handler
		// of the fake left running.
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	if code != 0 {
		discordgoLog.mu.Lock()
		fmt.Fprintf(os.Stderr, "discordgo logged %d lines during the run:\n%s\n", len(discordgoLog.lines), strings.Join(discordgoLog.lines, "\n"))
		discordgoLog.mu.Unlock()
	}
	os.Exit(code)
}

// discordgoLogged returns the lines discordgo has logged so far that
// contain every one of parts. Tests run in parallel, so parts should name
// something of the test's own, such as its fake's gateway URL.
func discordgoLogged(parts ...string) []string {
	discordgoLog.mu.Lock()
	defer discordgoLog.mu.Unlock()
	var out []string
	for _, l := range discordgoLog.lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			out = append(out, l)
		}
	}
	return out
}
