package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ManifestFile is the name Load looks for at the corpus root.
const ManifestFile = "corpus.yaml"

// Manifest lists the parts of the series a corpus covers, including parts
// it has no text for (the bot can still say that Part 4 exists and what it
// is about), and names the segments that sections are tagged with.
type Manifest struct {
	// Series is the main series: the first one the manifest lists, or
	// the one most articles belong to when there is no manifest.
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
	// File is where the part's text is read from, a slash path relative to
	// the manifest. Empty means the text is fetched from URL; a part with
	// neither is listed but has no text.
	File string
	// Segments maps a section heading of the part to the segment it covers,
	// for sources that cannot say it themselves (a fetched page).
	Segments map[string]string
}

// manifestKeys, seriesKeys and partKeys are the keys each level of
// corpus.yaml may set, in the order an "unknown key" error lists them.
var (
	manifestKeys = []string{"series", "segments"}
	seriesKeys   = []string{"name", "parts"}
	partKeys     = []string{"part", "title", "url", "file", "segments", "about"}
)

// ParseManifest reads corpus.yaml:
//
//	segments: {cloud: Cloud computing, …}      # segment id → readable name
//	series:
//	  - name: Alibaba
//	    parts:
//	      - part: 2
//	        title: "Alibaba (Part 2): …"
//	        url: https://…                     # the link answers show
//	        file: alibaba-part-2.md            # optional: read this, not url
//	        segments: {Cloud Computing: cloud} # optional: heading → segment
//	        about: one line on what the part covers
//
// The file is read as a YAML tree, not decoded into structs, so that every
// mistake — an unknown key (a misspelt "link" would drop a URL silently),
// a key set twice, a part that is not a number — is reported with its
// line. Parts are numbered from 1 and listed once per series; a url must
// be http(s); a file must be a Markdown, HTML or text file inside the
// manifest's folder.
func ParseManifest(data []byte) (Manifest, error) {
	m, err := parseManifest(data)
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return m, nil
}

func parseManifest(data []byte) (Manifest, error) {
	// Editors on Windows start UTF-8 files with a byte-order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return Manifest{}, errors.New("empty file: no series listed")
	} else if err != nil {
		return Manifest{}, manifestSyntaxError(err)
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return Manifest{}, errors.New("more than one YAML document (a \"---\" or \"...\" line inside the file)")
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return Manifest{}, fmt.Errorf("line %d: expected \"series:\" and \"segments:\" keys, got %s", root.Line, kindName(root))
	}
	m := Manifest{Segments: map[string]string{}}
	var seriesNode *yaml.Node
	err := eachKey(root, manifestKeys, "", func(k, v *yaml.Node) error {
		switch k.Value {
		case "series":
			seriesNode = v
			return nil
		default: // segments
			return eachPair(v, "segments", "segment-id: Readable name", func(id, name *yaml.Node) error {
				if err := checkSegmentID(id.Value); err != nil {
					return fmt.Errorf("line %d: segments: %w", id.Line, err)
				}
				s, err := scalarText(name)
				if err != nil {
					return fmt.Errorf("line %d: segments: %s: %w", name.Line, id.Value, err)
				}
				m.Segments[id.Value] = strings.TrimSpace(s)
				return nil
			})
		}
	})
	if err != nil {
		return Manifest{}, err
	}
	if seriesNode == nil || isNull(seriesNode) {
		return Manifest{}, fmt.Errorf("line %d: no series listed (expected \"series:\" with a list of {name, parts})", root.Line)
	}
	if err := m.readSeriesList(resolveAlias(seriesNode)); err != nil {
		return Manifest{}, err
	}
	sortParts(m.Parts)
	return m, nil
}

// readSeriesList reads the list under "series:".
func (m *Manifest) readSeriesList(list *yaml.Node) error {
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return fmt.Errorf("line %d: series: expected a list of {name, parts}, got %s", list.Line, kindName(list))
	}
	seriesLine := map[string]int{} // lower-case name → line
	for _, s := range list.Content {
		s = resolveAlias(s)
		if s.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: series: expected {name, parts}, got %s", s.Line, kindName(s))
		}
		var name string
		var parts *yaml.Node
		err := eachKey(s, seriesKeys, "series", func(k, v *yaml.Node) error {
			if k.Value == "parts" {
				parts = resolveAlias(v)
				return nil
			}
			t, err := scalarText(v)
			name = strings.TrimSpace(t)
			if err != nil {
				return fmt.Errorf("line %d: series name: %w", v.Line, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if name == "" {
			return fmt.Errorf("line %d: series: name is missing", s.Line)
		}
		if prev, dup := seriesLine[strings.ToLower(name)]; dup {
			return fmt.Errorf("line %d: series %q already listed on line %d", s.Line, name, prev)
		}
		seriesLine[strings.ToLower(name)] = s.Line
		if m.Series == "" {
			m.Series = name
		}
		if parts == nil || parts.Kind != yaml.SequenceNode || len(parts.Content) == 0 {
			return fmt.Errorf("line %d: series %q: no parts listed", s.Line, name)
		}
		partLine := map[int]int{}
		for _, p := range parts.Content {
			info, err := readPart(resolveAlias(p), name)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if prev, dup := partLine[info.Part]; dup {
				return fmt.Errorf("%s: line %d: part %d already listed on line %d", name, p.Line, info.Part, prev)
			}
			partLine[info.Part] = p.Line
			m.Parts = append(m.Parts, info)
		}
	}
	return nil
}

// readPart reads one entry of a series' parts.
func readPart(p *yaml.Node, series string) (PartInfo, error) {
	if p.Kind != yaml.MappingNode {
		return PartInfo{}, fmt.Errorf("line %d: expected a part {part, title, url, …}, got %s", p.Line, kindName(p))
	}
	info := PartInfo{Series: series}
	havePart := false
	err := eachKey(p, partKeys, "part", func(k, v *yaml.Node) error {
		if k.Value == "segments" {
			info.Segments = map[string]string{}
			return eachPair(v, "segments", "Section heading: segment-id", func(h, id *yaml.Node) error {
				s, err := scalarText(id)
				if err == nil {
					err = checkSegmentID(s)
				}
				if err != nil {
					return fmt.Errorf("line %d: segments: %q: %w", id.Line, h.Value, err)
				}
				info.Segments[collapseSpace(h.Value)] = s
				return nil
			})
		}
		s, err := scalarText(v)
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", v.Line, k.Value, err)
		}
		s = strings.TrimSpace(s)
		switch k.Value {
		case "part":
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return fmt.Errorf("line %d: part %q must be a number, 1 or more", v.Line, s)
			}
			info.Part, havePart = n, true
		case "title":
			info.Title = collapseSpace(s)
		case "url":
			if s != "" && !isHTTPURL(s) {
				return fmt.Errorf("line %d: url %q is not an http(s) URL", v.Line, s)
			}
			info.URL = s
		case "file":
			if err := checkManifestFile(s); err != nil {
				return fmt.Errorf("line %d: file %q: %w", v.Line, s, err)
			}
			info.File = s
		case "about":
			info.About = collapseSpace(s)
		}
		return nil
	})
	if err != nil {
		return PartInfo{}, err
	}
	if !havePart {
		return PartInfo{}, fmt.Errorf("line %d: a part without its number (\"part: 1\")", p.Line)
	}
	return info, nil
}

// checkManifestFile accepts a file the loader can read: a slash path
// inside the manifest's folder (an fs.FS cannot reach out of it, and a
// manifest that did would read whatever its writer pointed at) with an
// extension a parser exists for.
func checkManifestFile(f string) error {
	switch {
	case f == "":
		return errors.New("empty file name")
	case strings.Contains(f, `\`):
		return errors.New(`write paths with "/"`)
	case strings.HasPrefix(f, "/") || path.Clean(f) != f || f == ".." || strings.HasPrefix(f, "../"):
		return errors.New("must be a plain path inside the manifest's folder (no \"..\", \"./\" or leading \"/\")")
	case articleParsers[strings.ToLower(path.Ext(f))] == nil:
		return errors.New("not a Markdown, HTML or text file (.md, .markdown, .html, .htm, .txt)")
	}
	return nil
}

// eachKey calls fn for each key of mapping m after checking it is one of
// known and not set twice. where names the mapping in errors.
func eachKey(m *yaml.Node, known []string, where string, fn func(k, v *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		in := ""
		if where != "" {
			in = " in a " + where
		}
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: expected a key%s (one of %s), got %s", k.Line, in, strings.Join(known, ", "), kindName(k))
		}
		if !slices.Contains(known, k.Value) {
			return fmt.Errorf("line %d: unknown key %q%s (known: %s)", k.Line, k.Value, in, strings.Join(known, ", "))
		}
		if prev, dup := seen[k.Value]; dup {
			return fmt.Errorf("line %d: key %q already set on line %d", k.Line, k.Value, prev)
		}
		seen[k.Value] = k.Line
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// eachPair calls fn for each entry of the mapping v under key, whose
// entries read like shape.
func eachPair(v *yaml.Node, key, shape string, fn func(k, v *yaml.Node) error) error {
	v = resolveAlias(v)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.MappingNode:
		return fmt.Errorf("line %d: %s: expected %q entries, got %s", v.Line, key, shape, kindName(v))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
			return fmt.Errorf("line %d: %s: expected %q, got %s", k.Line, key, shape, kindName(k))
		}
		if prev, dup := seen[k.Value]; dup {
			return fmt.Errorf("line %d: %s: %q already set on line %d", k.Line, key, k.Value, prev)
		}
		seen[k.Value] = k.Line
		if err := fn(k, v.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// manifestSyntaxError words yaml.v3's syntax error with the line of the
// file (its parser counts lines from zero, its scanner from one).
func manifestSyntaxError(err error) error {
	m := yamlMessage.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("not valid YAML: %w", err)
	}
	line, msg := m[1], m[2]
	n, convErr := strconv.Atoi(line)
	if convErr != nil {
		return fmt.Errorf("not valid YAML: %s", msg)
	}
	if yamlParserProblems[msg] {
		n++
	}
	return fmt.Errorf("line %d: not valid YAML: %s", n, msg)
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
