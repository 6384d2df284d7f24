package openaitest

import (
	"context"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// memServer is a fake served over in-memory connections (net.Pipe) instead
// of loopback TCP. A goroutine blocked on a socket is never durably blocked
// for testing/synctest, so a fake on TCP cannot run in a bubble; on pipes
// made inside the bubble the whole exchange can, and the fake's waits
// (Latency, SlowFirstToken) then run on the bubble's virtual clock: a test
// states "the answer came 40 ms later" exactly, on any machine.
type memServer struct {
	*Server
	// active counts requests inside the fake's handler, so a test can see
	// that a wait let go once its client did.
	active atomic.Int32
}

// inBubble runs f in a synctest bubble, for tests on newInMemory. The spec
// is compiled first, outside: inside, compiling would take no virtual
// time and SchemaCompileTime would report 0.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	loadSchemas(t)
	synctest.Test(t, f)
}

// newInMemory serves a fake in memory. Call it inside inBubble: its
// cleanup, like New's, releases waiting handlers and waits for them, as
// httptest.Server.Close does.
func newInMemory(t *testing.T, opts ...Option) *memServer {
	t.Helper()
	m := &memServer{Server: newServer(t, opts...)}
	l := newPipeListener()
	var handlers sync.WaitGroup
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlers.Add(1)
			m.active.Add(1)
			defer handlers.Done()
			defer m.active.Add(-1)
			m.serveHTTP(w, r)
		}),
		ErrorLog: log.New(tbWriter{t}, "openaitest: ", 0),
	}
	go hs.Serve(l)
	tr := &http.Transport{DialContext: l.dial}
	m.url, m.client = "http://openaitest.invalid", &http.Client{Transport: tr}
	t.Cleanup(func() {
		close(m.done)
		hs.Close()
		handlers.Wait()
		tr.CloseIdleConnections()
	})
	return m
}

// pipeListener hands the server the far ends of pipes its dial makes.
type pipeListener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial is the client's http.Transport.DialContext.
func (l *pipeListener) dial(ctx context.Context, _, _ string) (_ net.Conn, err error) {
	server, client := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		err = net.ErrClosed
	case <-ctx.Done():
		err = ctx.Err()
	}
	server.Close()
	client.Close()
	return nil, err
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "openaitest.invalid" }
