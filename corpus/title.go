package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// partTitle matches the series' own title convention, "Alibaba (Part 2): …".
// Sources that do not say which part they are still say it in their title,
// so the title is the fallback for series and part.
var partTitle = regexp.MustCompile(`(?i)^\s*(.+?)\s*\(\s*part\s+(\d{1,4})\s*\)`)

// fillFromTitle sets a's Series and Part from its title when they are
// missing and the title follows the series convention.
func fillFromTitle(a *Article) {
	m := partTitle.FindStringSubmatch(a.Title)
	if m == nil {
		return
	}
	if a.Series == "" {
		a.Series = m[1]
	}
	if a.Part == 0 {
		if n, err := strconv.Atoi(m[2]); err == nil && n > 0 {
			a.Part = n
		}
	}
}

// slug lower-cases s and joins its runs of letters and digits with '-', for
// IDs that are stable and safe in URLs and logs ("Ant Group" → "ant-group").
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
