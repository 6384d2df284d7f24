package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ManifestFile is the name Load looks for at the corpus root.
const ManifestFile = "manifest.json"

// Manifest lists the parts of a series, including parts the corpus has no
// text for (the bot can still say that Part 4 exists and what it is about),
// and names the segments that sections are tagged with.
type Manifest struct {
	Series string
	Parts  []PartInfo // sorted by series, then part
	// Segments maps a segment id ("cloud") to a readable name
	// ("Cloud computing").
	Segments map[string]string
}

// PartInfo is what is known about one part, text or not. URL is empty when
// the part's address is not known: it is then listed, never linked.
type PartInfo struct {
	Series string
	Part   int
	Title  string
	URL    string
	About  string // one line on what the part covers
}

// manifestJSON is the file format; it is kept apart from Manifest so the
// domain types carry no encoding tags and the format can stay strict.
type manifestJSON struct {
	Series string `json:"series"`
	Parts  []struct {
		Series string `json:"series"`
		Part   int    `json:"part"`
		Title  string `json:"title"`
		URL    string `json:"url"`
		About  string `json:"about"`
	} `json:"parts"`
	Segments map[string]string `json:"segments"`
}

// ParseManifest reads manifest.json:
//
//	{"series": "Alibaba",
//	 "parts": [{"part": 1, "title": "…", "url": "https://…", "about": "…"}, …],
//	 "segments": {"cloud": "Cloud computing", …}}
//
// Unknown fields are errors: a misspelt "link" key would otherwise drop a
// URL silently (key case does not matter, as everywhere in encoding/json).
// A part may name its own "series"; it defaults to the manifest's. Parts
// must be numbered from 1, appear once, and have an http(s) URL or none.
func ParseManifest(data []byte) (Manifest, error) {
	// Editors on Windows start UTF-8 files with a byte-order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw manifestJSON
	if err := dec.Decode(&raw); err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Manifest{}, errors.New("manifest: data after the JSON object")
	}
	m := Manifest{Series: strings.TrimSpace(raw.Series), Segments: map[string]string{}}
	if m.Series == "" {
		return Manifest{}, errors.New("manifest: series is missing")
	}
	if len(raw.Parts) == 0 {
		return Manifest{}, errors.New("manifest: no parts listed")
	}
	type key struct {
		series string
		part   int
	}
	seen := map[key]int{}
	for i, p := range raw.Parts {
		info := PartInfo{
			Series: strings.TrimSpace(p.Series),
			Part:   p.Part,
			Title:  strings.TrimSpace(p.Title),
			URL:    strings.TrimSpace(p.URL),
			About:  strings.TrimSpace(p.About),
		}
		if info.Series == "" {
			info.Series = m.Series
		}
		if info.Part < 1 {
			return Manifest{}, fmt.Errorf("manifest: parts[%d]: part %d must be 1 or more", i, p.Part)
		}
		k := key{strings.ToLower(info.Series), info.Part}
		if prev, dup := seen[k]; dup {
			return Manifest{}, fmt.Errorf("manifest: parts[%d]: %s part %d already listed at parts[%d]", i, info.Series, info.Part, prev)
		}
		seen[k] = i
		if info.URL != "" && !isHTTPURL(info.URL) {
			return Manifest{}, fmt.Errorf("manifest: parts[%d]: url %q is not an http(s) URL", i, info.URL)
		}
		m.Parts = append(m.Parts, info)
	}
	for id, name := range raw.Segments {
		if err := checkSegmentID(id); err != nil {
			return Manifest{}, fmt.Errorf("manifest: segments: %w", err)
		}
		m.Segments[id] = strings.TrimSpace(name)
	}
	sortParts(m.Parts)
	return m, nil
}

// sortParts orders parts by series (the manifest's own first would need the
// manifest; alphabetical is stable and good enough), then by number.
func sortParts(parts []PartInfo) {
	sort.SliceStable(parts, func(i, j int) bool {
		if a, b := strings.ToLower(parts[i].Series), strings.ToLower(parts[j].Series); a != b {
			return a < b
		}
		return parts[i].Part < parts[j].Part
	})
}
