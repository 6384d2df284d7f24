package openaitest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure the server plays on a request instead of, or inside,
// its normal answer. Faults are queued with FailNext and each is used by
// exactly one request, so a test can script "the first call fails, the
// second succeeds".
type Fault interface{ isFault() }

// RateLimited answers 429 with the API's rate-limit error body and, when
// RetryAfter is positive, a Retry-After header in whole seconds (rounded
// up, as HTTP allows no fractions).
type RateLimited struct{ RetryAfter time.Duration }

// ServerError answers Status (500 when zero) with the API's server_error
// body.
type ServerError struct{ Status int }

// SlowFirstToken waits Delay before the first byte of the answer (a plain
// body or the first stream chunk), as an overloaded model does. The wait
// ends early when the client cancels or the test ends, so a client timeout
// is observable and shutdown does not hang.
type SlowFirstToken struct{ Delay time.Duration }

// CutStream ends a streamed answer after AfterChunks content chunks (half
// the reply when zero) with neither a finish_reason nor "data: [DONE]", the
// way a dropped upstream connection looks. On a plain (non-stream) answer
// the connection is dropped halfway through the body.
type CutStream struct{ AfterChunks int }

// MalformedJSON answers 200 with a body that is not valid JSON; on a stream,
// a valid first chunk is followed by a broken "data:" line.
type MalformedJSON struct{}

func (RateLimited) isFault()    {}
func (ServerError) isFault()    {}
func (SlowFirstToken) isFault() {}
func (CutStream) isFault()      {}
func (MalformedJSON) isFault()  {}

// FailNext queues f for the next request that is routed, authenticated,
// valid and for a known model: a fault stands for the API failing, so it is
// not spent on a request the API would have rejected anyway. Queued faults
// are used in order, across all routes.
func (s *Server) FailNext(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// PendingFaults returns how many queued faults no request has used yet, so
// a test can check its script ran to the end.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Latency delays every later response by d (0, the default, for none).
// Like SlowFirstToken, the wait ends when the client gives up.
func (s *Server) Latency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

func (s *Server) currentLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latency
}

func (s *Server) takeFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f
}

// playFault takes the next fault and plays the part of it that comes before
// the answer. It reports handled when the fault replaced the answer
// entirely; otherwise it returns the fault, if any, that spoils the body
// (CutStream, MalformedJSON) for the route to apply.
func (s *Server) playFault(w http.ResponseWriter, r *http.Request) (body Fault, handled bool) {
	switch f := s.takeFault().(type) {
	case nil:
		return nil, false
	case RateLimited:
		if f.RetryAfter > 0 {
			secs := int(math.Ceil(f.RetryAfter.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded",
			"Rate limit reached for requests. Please try again later.")
		return nil, true
	case ServerError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeError(w, status, "server_error", "",
			"The server had an error while processing your request. Sorry about that!")
		return nil, true
	case SlowFirstToken:
		s.pause(r, f.Delay)
		return nil, false
	default:
		return f, false
	}
}

// pause waits d. If the client cancels or the test ends first, it aborts
// the handler (http.ErrAbortHandler drops the connection without logging),
// since nobody is left to read an answer.
func (s *Server) pause(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	case <-s.done:
		panic(http.ErrAbortHandler)
	}
}

// writeAnswer writes a 200 JSON answer, spoiled by a body fault if one is
// given.
func writeAnswer(w http.ResponseWriter, v any, f Fault) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("openaitest: marshal response: %v", err)) // our own types; cannot happen
	}
	w.Header().Set("Content-Type", "application/json")
	switch f.(type) {
	case MalformedJSON:
		// Truncated mid-value: a syntax error, not merely a wrong shape.
		b = b[:len(b)/2]
	case CutStream:
		// Promise the whole body, send half, drop the connection: the
		// client's read fails with an unexpected EOF.
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b[:len(b)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
