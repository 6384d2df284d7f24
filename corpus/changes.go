package corpus

import (
	"reflect"
	"strconv"
	"strings"
)

// Changes sorts the articles of a load against those of the load before
// it, for the report of a reload. Each list holds article names (see
// ArticleName): Added, Changed and Unchanged in the new library's order,
// Removed in the old one's.
type Changes struct {
	Added, Changed, Removed, Unchanged []string
}

// CompareLibraries returns what changed from prev (nil for a first load)
// to next. Articles are matched by series and part, or, without a part,
// by source; a matched article is unchanged only when everything passages
// are made from — title, URL, sections, segments — is the same.
func CompareLibraries(prev, next *Library) Changes {
	var c Changes
	before := map[string]Article{}
	if prev != nil {
		for _, a := range prev.Articles {
			before[articleKey(a)] = a
		}
	}
	seen := map[string]bool{}
	if next != nil {
		for _, a := range next.Articles {
			k := articleKey(a)
			seen[k] = true
			old, ok := before[k]
			switch {
			case !ok:
				c.Added = append(c.Added, ArticleName(a))
			case reflect.DeepEqual(old, a):
				c.Unchanged = append(c.Unchanged, ArticleName(a))
			default:
				c.Changed = append(c.Changed, ArticleName(a))
			}
		}
	}
	if prev != nil {
		for _, a := range prev.Articles {
			if !seen[articleKey(a)] {
				c.Removed = append(c.Removed, ArticleName(a))
			}
		}
	}
	return c
}

// ArticleName names an article for people: "Alibaba part 2", or its
// source when the part is not known.
func ArticleName(a Article) string {
	if a.Part > 0 {
		return a.Series + " part " + strconv.Itoa(a.Part)
	}
	return a.Source
}

func articleKey(a Article) string {
	if a.Part > 0 {
		return strings.ToLower(a.Series) + "/" + strconv.Itoa(a.Part)
	}
	return "source:" + a.Source
}
