package discord

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Discord's server errors are passing, and each lost write is an answer a
// user never sees: a question left at "thinking…", an answer replaced by
// an error, the second half of a long answer, an empty thread. discordgo
// tries a 502 again at once and nothing else, so every request to Discord
// goes through retrying, which tries a server error or a failed connection
// again after a short backoff with jitter.
const (
	// retryAttempts bounds the tries of one request, the first included.
	retryAttempts = 4
	// retryBackoff is the wait before the first retry; it doubles before
	// each further one, and up to half of it is left out at random.
	retryBackoff = 100 * time.Millisecond
	// ackBudget bounds the retries of an interaction's first response:
	// Discord drops the interaction when none arrives within three
	// seconds of it being sent, and some of that went before.
	ackBudget = 2 * time.Second
)

// retrying is the HTTP transport of REST requests that tries server errors
// (500, 502, 503, 504) and network errors again. A request whose context
// has ended is not tried again, nor is one whose next try would come after
// its deadline.
type retrying struct {
	next http.RoundTripper
	// sleep waits d or until ctx ends, and now tells the time the
	// acknowledgement's budget is measured on; tests replace both.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
	// retried, when set, is told the route of each retry.
	retried func(method, path string)
}

func newRetrying(next http.RoundTripper) *retrying {
	return &retrying{next: next, sleep: sleepCtx, now: time.Now}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (rt *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var stop time.Time
	if isCallback(req) {
		stop = rt.now().Add(ackBudget)
	}
	if dl, ok := ctx.Deadline(); ok && (stop.IsZero() || dl.Before(stop)) {
		stop = dl
	}
	for attempt := 1; ; attempt++ {
		resp, err := rt.next.RoundTrip(req)
		if !worthRetrying(ctx, resp, err) || attempt == retryAttempts || req.Body != nil && req.GetBody == nil {
			return resp, err
		}
		wait := backoff(attempt)
		if !stop.IsZero() && rt.now().Add(wait).After(stop) {
			return resp, err
		}
		if resp != nil {
			resp.Body.Close()
		}
		if err := rt.sleep(ctx, wait); err != nil {
			return nil, err
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(ctx)
			req.Body = body
		}
		if rt.retried != nil {
			rt.retried(req.Method, req.URL.Path)
		}
	}
}

// worthRetrying reports whether a response (or its error) is a passing
// failure of Discord's: a server error, or a connection that failed while
// the request's context was still on.
func worthRetrying(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		return ctx.Err() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry n (1 for the first): retryBackoff·2ⁿ⁻¹,
// less a random part of up to half, so that the requests of a burst that
// failed together do not come back together.
func backoff(n int) time.Duration {
	d := retryBackoff << (n - 1)
	return d - time.Duration(rand.Int64N(int64(d/2)+1))
}

// isCallback reports whether req is an interaction's first response, which
// must reach Discord within three seconds.
func isCallback(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasPrefix(req.URL.Path, "/api/") &&
		strings.Contains(req.URL.Path, "/interactions/") && strings.HasSuffix(req.URL.Path, "/callback")
}
