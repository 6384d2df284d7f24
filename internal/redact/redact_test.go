package redact

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		in      string
		secrets []string
		want    string
	}{
		{"Incorrect API key provided: test-key1.", []string{"test-key1"}, "Incorrect API key provided: [redacted]."},
		{"Authorization: Bearer abcdefghijklmnopqrstuvwxyz", nil, "Authorization: Bearer [redacted]"},
		{"header Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDe.abcdefghijklmnopqrstuvwxyz12", nil, "header Bot [redacted]"},
		{"key sk-proj-abcdefgh123", nil, "key sk-[redacted]"},
		{`Get "http://admin:***@127.0.0.1:9/v1": refused`, nil, `Get "http://[redacted]@127.0.0.1:9/v1": refused`},
		{"GET /v1/models?api-key=s3cr3t&x=1", nil, "GET /v1/models?api-key=[redacted]&x=1"},
		// Ordinary words are not credentials.
		{"the bot answered the question", nil, "the bot answered the question"},
		{"short secrets like ab are not redacted: ab", []string{"ab"}, "short secrets like ab are not redacted: ab"},
	}
	for _, tt := range tests {
		if got := Text(tt.in, tt.secrets...); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResponse(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer my-secret-key"}}
	for _, tt := range []struct {
		status int
		want   string
	}{
		{400, `{"error":"you sent [redacted]"}`},
		{200, `{"error":"you sent my-secret-key"}`}, // an answer is not touched
	} {
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"error":"you sent my-secret-key"}`))}
		Response(resp, Secrets(h))
		got, _ := io.ReadAll(resp.Body)
		if string(got) != tt.want {
			t.Errorf("status %d: body %q, want %q", tt.status, got, tt.want)
		}
	}
}
