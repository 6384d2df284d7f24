package discordtest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/png" // attachments are checked by decoding them
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strconv"
	"strings"
)

// Discord's rules for a message sent with files (multipart/form-data):
// the JSON body in a payload_json field, each file in a files[n] field, and
// in the JSON an attachments entry whose id is n for every file.
const (
	// maxFiles is files[0] … files[9], the fields the spec's multipart
	// schemas list.
	maxFiles = 10
	// maxFileSize is the upload limit of a bot outside a boosted server.
	maxFileSize = 10 << 20
	// maxFilename is the spec's bound on an attachment's filename.
	maxFilename = 1024
)

// upload is one file of a multipart request.
type upload struct {
	index       int
	filename    string
	contentType string
	data        []byte
	// width and height are set for an image that decodes.
	width, height int
}

// Attachment is a file attached to a message, as the fake stored it.
type Attachment struct {
	ID          string
	Filename    string
	ContentType string
	Size        int
	// Width and Height are the image's, 0 for a file that is no image.
	Width, Height int
	Data          []byte
}

var filesField = regexp.MustCompile(`^files\[(\d+)\]$`)

// readMultipart reads a multipart/form-data body as Discord does: the JSON
// of payload_json and the files. Anything else in the form is an error.
func readMultipart(contentType string, body []byte) (payload []byte, files []upload, errs []string) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, nil, []string{fmt.Sprintf("multipart body without a boundary (Content-Type %q)", contentType)}
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	seen := map[int]bool{}
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, append(errs, fmt.Sprintf("malformed multipart body: %v", err))
		}
		data, err := io.ReadAll(io.LimitReader(part, maxFileSize+1))
		if err != nil {
			return nil, nil, append(errs, fmt.Sprintf("read form field %q: %v", part.FormName(), err))
		}
		name := part.FormName()
		switch m := filesField.FindStringSubmatch(name); {
		case name == "payload_json":
			if payload != nil {
				errs = append(errs, "payload_json sent twice")
			}
			if ct := part.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
				errs = append(errs, fmt.Sprintf("payload_json has Content-Type %q, not application/json", ct))
			}
			payload = data
		case m != nil:
			n, _ := strconv.Atoi(m[1])
			// The name as sent: Part.FileName keeps only its base, which
			// would hide a path Discord refuses.
			_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			f := upload{index: n, filename: disp["filename"], contentType: part.Header.Get("Content-Type"), data: data}
			switch {
			case n >= maxFiles:
				errs = append(errs, fmt.Sprintf("%s: at most %d files (files[0] to files[%d])", name, maxFiles, maxFiles-1))
			case seen[n]:
				errs = append(errs, fmt.Sprintf("%s sent twice", name))
			case f.filename == "":
				errs = append(errs, fmt.Sprintf("%s has no filename", name))
			case len([]rune(f.filename)) > maxFilename || strings.ContainsAny(f.filename, `/\`):
				errs = append(errs, fmt.Sprintf("%s: filename %q is not a plain file name of at most %d characters", name, f.filename, maxFilename))
			case len(data) > maxFileSize:
				errs = append(errs, fmt.Sprintf("%s: %s is over the %d MiB upload limit", name, f.filename, maxFileSize>>20))
			case len(data) == 0:
				errs = append(errs, fmt.Sprintf("%s: %s is empty", name, f.filename))
			}
			seen[n] = true
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
				f.width, f.height = cfg.Width, cfg.Height
			} else if strings.HasPrefix(f.contentType, "image/") {
				errs = append(errs, fmt.Sprintf("%s: %s is sent as %s but does not decode: %v", name, f.filename, f.contentType, err))
			}
			files = append(files, f)
		default:
			errs = append(errs, fmt.Sprintf("unknown form field %q (Discord reads payload_json and files[n])", name))
		}
	}
	if payload == nil {
		errs = append(errs, "no payload_json field: the message's JSON goes there")
	}
	return payload, files, errs
}

// checkUploads checks a message body sent with files: every file has an
// attachments entry with its index as id (and, if named, its filename),
// and an embed that shows attachment://NAME names a file of the message.
// kept lists the attachments the message already has, for an edit.
func checkUploads(body map[string]any, files []upload, kept []any) []string {
	var errs []string
	entries, _ := body["attachments"].([]any)
	byID := map[string]map[string]any{}
	for i, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Sprintf("attachments[%d] is not an object", i))
			continue
		}
		byID[idText(m["id"])] = m
	}
	names := map[string]bool{}
	for _, f := range files {
		e, ok := byID[strconv.Itoa(f.index)]
		if !ok {
			errs = append(errs, fmt.Sprintf("files[%d] (%s) has no attachments entry with id %d", f.index, f.filename, f.index))
			continue
		}
		if fn := str(e["filename"]); fn != "" && fn != f.filename {
			errs = append(errs, fmt.Sprintf("attachments entry %d names %q, but files[%d] is %q", f.index, fn, f.index, f.filename))
		}
		names[f.filename] = true
	}
	for id := range byID {
		n, err := strconv.Atoi(id)
		isUpload := err == nil && n < maxFiles && uploadIndex(files, n)
		if !isUpload && findAttachment(kept, id) == nil {
			errs = append(errs, fmt.Sprintf("attachments entry %s is neither a file sent (files[%s]) nor an attachment of the message", id, id))
		}
	}
	for _, k := range kept {
		if m, ok := k.(map[string]any); ok && (body["attachments"] == nil || byID[str(m["id"])] != nil) {
			names[str(m["filename"])] = true
		}
	}
	embeds, _ := body["embeds"].([]any)
	for i, e := range embeds {
		em, _ := e.(map[string]any)
		for _, field := range []string{"image", "thumbnail"} {
			img, _ := em[field].(map[string]any)
			if name, ok := strings.CutPrefix(str(img["url"]), "attachment://"); ok && !names[name] {
				errs = append(errs, fmt.Sprintf("embeds[%d].%s shows attachment://%s, which the message has no file of", i, field, name))
			}
		}
	}
	return errs
}

func uploadIndex(files []upload, n int) bool {
	for _, f := range files {
		if f.index == n {
			return true
		}
	}
	return false
}

// idText is an attachment id as text: Discord takes it as a string or a
// number.
func idText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func findAttachment(list []any, id string) map[string]any {
	for _, a := range list {
		if m, ok := a.(map[string]any); ok && str(m["id"]) == id {
			return m
		}
	}
	return nil
}

// attachLocked sets the attachments of m after a create or an edit with
// body: those the body's attachments list keeps (all of them when it has
// none), then the files sent, each stored with a new id.
func (s *Server) attachLocked(m *message, body map[string]any, files []upload, before []any) {
	var out []any
	entries, listed := body["attachments"].([]any)
	for _, a := range before {
		am, _ := a.(map[string]any)
		if !listed || findAttachment(entries, str(am["id"])) != nil {
			out = append(out, am)
		}
	}
	for _, f := range files {
		id := s.newIDLocked()
		obj := map[string]any{
			"id": id, "filename": f.filename, "size": len(f.data),
			"url":       "https://cdn.discordapp.com/attachments/" + str(m.obj["channel_id"]) + "/" + id + "/" + f.filename,
			"proxy_url": "https://media.discordapp.net/attachments/" + str(m.obj["channel_id"]) + "/" + id + "/" + f.filename,
		}
		if f.contentType != "" {
			obj["content_type"] = f.contentType
		}
		if f.width > 0 {
			obj["width"], obj["height"] = f.width, f.height
		}
		out = append(out, obj)
		if m.files == nil {
			m.files = map[string][]byte{}
		}
		m.files[id] = append([]byte(nil), f.data...)
	}
	if out == nil {
		out = []any{}
	}
	m.obj["attachments"] = out
}

// attachments is the Attachments of a message snapshot.
func (m *message) attachments() []Attachment {
	var out []Attachment
	list, _ := m.obj["attachments"].([]any)
	for _, a := range list {
		am, _ := a.(map[string]any)
		id := str(am["id"])
		out = append(out, Attachment{
			ID: id, Filename: str(am["filename"]), ContentType: str(am["content_type"]),
			Size: int(num(am["size"])), Width: int(num(am["width"])), Height: int(num(am["height"])),
			Data: append([]byte(nil), m.files[id]...),
		})
	}
	return out
}
