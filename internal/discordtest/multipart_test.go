package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"seriesbot/internal/recordtb"
)

// deferredInteraction dispatches /ask to a session that defers it, and
// returns the interaction to edit.
func deferredInteraction(t *testing.T, tb testing.TB) (*Server, *discordgo.Session, *discordgo.Interaction, string) {
	t.Helper()
	srv := New(tb)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	if _, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{askCommand}); err != nil {
		t.Fatal(err)
	}
	deferred := make(chan *discordgo.Interaction, 1)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Errorf("defer: %v", err)
		}
		deferred <- ic.Interaction
	})
	in := srv.DispatchInteraction(InteractionSpec{Command: "ask", Options: map[string]any{"question": "q"}})
	return srv, s, receive(t, deferred, "the deferral"), in.ID
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// formPart is one field of a hand-built multipart body.
type formPart struct {
	name, filename, contentType string
	data                        []byte
}

func multipartBody(t *testing.T, parts []formPart) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name="%s"`, p.name)
		if p.filename != "" {
			cd += fmt.Sprintf(`; filename="%s"`, p.filename)
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.data)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func payload(t *testing.T, v map[string]any) formPart {
	t.Helper()
	v["allowed_mentions"] = map[string]any{"parse": []any{}}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return formPart{name: "payload_json", contentType: "application/json", data: raw}
}

// discordgo's own upload (payload_json, files[0], attachments) is what the
// fake stores: the file with its bytes and image size, the embed showing it.
func TestUploadWithAnEditIsStored(t *testing.T) {
	t.Parallel()
	srv, s, ic, id := deferredInteraction(t, t)
	content := "chart below"
	data := pngOf(t, 30, 20)
	embeds := []*discordgo.MessageEmbed{{Image: &discordgo.MessageEmbedImage{URL: "attachment://c.png"}}}
	_, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{
		Content: &content, Embeds: &embeds, AllowedMentions: noMentions(),
		Files:       []*discordgo.File{{Name: "c.png", ContentType: "image/png", Reader: bytes.NewReader(data)}},
		Attachments: &[]*discordgo.MessageAttachment{{ID: "0", Filename: "c.png"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(id)
	m := got.Original
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	a := m.Attachments[0]
	if a.Filename != "c.png" || a.ContentType != "image/png" || a.Width != 30 || a.Height != 20 || a.Size != len(data) || !bytes.Equal(a.Data, data) || a.ID == "0" {
		t.Errorf("attachment = %+v", a)
	}
	if m.Content != content || len(m.Embeds) != 1 {
		t.Errorf("message = %+v", m)
	}
	var uploads []Request
	for _, r := range srv.Requests() {
		if len(r.Files) > 0 {
			uploads = append(uploads, r)
		}
	}
	if len(uploads) != 1 || uploads[0].Files[0] != "c.png" || !json.Valid(uploads[0].Body) {
		t.Errorf("upload requests = %+v", uploads)
	}
	// An edit listing no attachments keeps none; one without the key
	// keeps them.
	more := "still there"
	if _, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Content: &more, AllowedMentions: noMentions()}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Interaction(id); len(got.Original.Attachments) != 1 {
		t.Errorf("an edit without attachments dropped them: %+v", got.Original.Attachments)
	}
	none := []*discordgo.MessageAttachment{}
	if _, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Content: &more, Attachments: &none, AllowedMentions: noMentions()}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Interaction(id); len(got.Original.Attachments) != 0 {
		t.Errorf("attachments: [] kept %+v", got.Original.Attachments)
	}
}

func TestUploadRulesAreEnforced(t *testing.T) {
	t.Parallel()
	img := func(t *testing.T) []byte { return pngOf(t, 4, 4) }
	tests := []struct {
		name  string
		parts func(t *testing.T) []formPart
		want  string
	}{
		{"no attachments entry", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"content": "x"}), {"files[0]", "c.png", "image/png", img(t)}}
		}, "files[0] (c.png) has no attachments entry with id 0"},
		{"entry names another file", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0", "filename": "d.png"}}}), {"files[0]", "c.png", "image/png", img(t)}}
		}, `attachments entry 0 names "d.png", but files[0] is "c.png"`},
		{"entry for no file", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0"}, map[string]any{"id": "5"}}}), {"files[0]", "c.png", "image/png", img(t)}}
		}, "attachments entry 5 is neither a file sent"},
		{"embed shows a file not sent", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0"}}, "embeds": []any{map[string]any{"image": map[string]any{"url": "attachment://x.png"}}}}), {"files[0]", "c.png", "image/png", img(t)}}
		}, "embeds[0].image shows attachment://x.png, which the message has no file of"},
		{"eleventh file", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "10"}}}), {"files[10]", "c.png", "image/png", img(t)}}
		}, "files[10]: at most 10 files"},
		{"unknown field", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"content": "x"}), {"file", "c.png", "image/png", img(t)}}
		}, `unknown form field "file"`},
		{"no payload_json", func(t *testing.T) []formPart {
			return []formPart{{"files[0]", "c.png", "image/png", img(t)}}
		}, "no payload_json field"},
		{"an image that does not decode", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0"}}}), {"files[0]", "c.png", "image/png", []byte("not a png")}}
		}, "c.png is sent as image/png but does not decode"},
		{"over the upload limit", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0"}}}), {"files[0]", "big.bin", "application/octet-stream", make([]byte, maxFileSize+1)}}
		}, "big.bin is over the 10 MiB upload limit"},
		{"a path for a name", func(t *testing.T) []formPart {
			return []formPart{payload(t, map[string]any{"attachments": []any{map[string]any{"id": "0"}}}), {"files[0]", "../c.png", "image/png", img(t)}}
		}, `filename "../c.png" is not a plain file name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rtb := recordtb.New(t)
			srv, s, ic, id := deferredInteraction(t, rtb)
			ct, body := multipartBody(t, tt.parts(t))
			uri := discordgo.EndpointWebhookMessage(ic.AppID, ic.Token, "@original")
			_, err := s.RequestRaw(http.MethodPatch, uri, ct, body, uri, 0)
			if status, code := restError(t, err); status != http.StatusBadRequest || code != 50035 {
				t.Errorf("status %d code %d, want 400 50035", status, code)
			}
			expectViolation(t, rtb, srv, tt.want)
			if got, _ := srv.Interaction(id); !got.Original.Loading() || len(got.Original.Attachments) != 0 {
				t.Errorf("a refused upload took effect: %+v", got.Original)
			}
		})
	}
}

// Files sent where the fake does not store them are a violation, not
// silently dropped.
func TestUploadToAChannelMessageIsRefused(t *testing.T) {
	t.Parallel()
	rtb := recordtb.New(t)
	srv := New(rtb)
	s := openSession(t, srv, discordgo.IntentsGuilds)
	_, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{
		Content: "file", AllowedMentions: noMentions(),
		Files: []*discordgo.File{{Name: "c.png", ContentType: "image/png", Reader: bytes.NewReader(pngOf(t, 2, 2))}},
	})
	if status, _ := restError(t, err); status != http.StatusBadRequest {
		t.Errorf("status %d, want 400", status)
	}
	expectViolation(t, rtb, srv, "files sent to a route the fake takes none on")
	if !strings.Contains(srv.Violations()[0], "/channels/{channel_id}/messages") {
		t.Errorf("violation %q does not name the route", srv.Violations()[0])
	}
}
