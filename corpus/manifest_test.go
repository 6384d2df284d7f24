package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseManifest(t *testing.T) {
	good := `{"series": "Lotus Foods",
	  "parts": [
	    {"part": 2, "title": "Lotus Foods (Part 2): Stores", "url": "https://blog.example.com/2", "about": "the shops"},
	    {"part": 1, "title": "Lotus Foods (Part 1): History", "url": "http://blog.example.com/1"},
	    {"series": "Other", "part": 1, "title": "Other (Part 1): X"},
	    {"part": 3, "title": "", "url": "", "about": "what comes next"}
	  ],
	  "segments": {"stores": "Stores", "delivery": "Delivery"}}`
	m, err := ParseManifest([]byte(good))
	if err != nil {
		t.Fatalf("ParseManifest: %v", err)
	}
	want := Manifest{
		Series: "Lotus Foods",
		Parts: []PartInfo{
			{Series: "Lotus Foods", Part: 1, Title: "Lotus Foods (Part 1): History", URL: "http://blog.example.com/1"},
			{Series: "Lotus Foods", Part: 2, Title: "Lotus Foods (Part 2): Stores", URL: "https://blog.example.com/2", About: "the shops"},
			{Series: "Lotus Foods", Part: 3, About: "what comes next"},
			{Series: "Other", Part: 1, Title: "Other (Part 1): X"},
		},
		Segments: map[string]string{"stores": "Stores", "delivery": "Delivery"},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ParseManifest\n got %#v\nwant %#v", m, want)
	}
}

func TestParseManifestErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"not JSON", `series: x`, "manifest: invalid character"},
		{"unknown field", `{"series":"A","parts":[{"part":1,"link":"https://x.com"}]}`, `unknown field "link"`},
		{"trailing data", `{"series":"A","parts":[{"part":1}]} {}`, "data after the JSON object"},
		{"no series", `{"parts":[{"part":1}]}`, "series is missing"},
		{"no parts", `{"series":"A","parts":[]}`, "no parts listed"},
		{"part zero", `{"series":"A","parts":[{"part":0}]}`, "parts[0]: part 0 must be 1 or more"},
		{"part missing", `{"series":"A","parts":[{"part":1},{"title":"x"}]}`, "parts[1]: part 0 must be 1 or more"},
		{"duplicate part", `{"series":"A","parts":[{"part":1},{"part":2},{"part":1}]}`, "parts[2]: A part 1 already listed at parts[0]"},
		{"duplicate part ignoring case of series", `{"series":"A","parts":[{"part":1},{"series":"a","part":1}]}`, "already listed"},
		{"bad url", `{"series":"A","parts":[{"part":1,"url":"www.example.com/x"}]}`, `parts[0]: url "www.example.com/x" is not an http(s) URL`},
		{"bad segment id", `{"series":"A","parts":[{"part":1}],"segments":{"two words":"x"}}`, "segments: segment id"},
		{"part not a number", `{"series":"A","parts":[{"part":"one"}]}`, "manifest: json: cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"series":"A","parts":[{"part":1,"url":"https://x.com"}],"segments":{"a":"b"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		if m.Series == "" || len(m.Parts) == 0 {
			t.Fatalf("accepted manifest without series or parts: %+v", m)
		}
		for _, p := range m.Parts {
			if p.Part < 1 || p.URL != "" && !isHTTPURL(p.URL) {
				t.Fatalf("accepted bad part %+v", p)
			}
		}
	})
}
