package discordtest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Discord's documented limits. The OpenAPI spec leaves most of them out (it
// even allows 4000 characters of content, the Nitro limit for users), so the
// fake enforces them itself.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxEmbedFieldName   = 256
	maxEmbedFieldValue  = 1024
	maxEmbedFooter      = 2048
	maxEmbedAuthor      = 256
	maxEmbedTotal       = 6000
	maxRows             = 5
	maxRowComponents    = 5
	maxCustomID         = 100
	maxButtonLabel      = 80
	maxCommandName      = 32
	maxDescription      = 100
	maxOptions          = 25
	maxChoices          = 25
	maxChoiceName       = 100
)

// commandName is the documented pattern for chat-input command and option
// names, restricted to ASCII as this project requires.
var commandName = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)

// fieldError is one rejected field, located by a dotted path ("embeds.0.title")
// the way Discord nests its 50035 errors.
type fieldError struct {
	Path    string
	Code    string
	Message string
}

func (e fieldError) String() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// errorTree nests field errors the way Discord's Invalid Form Body does:
// {"embeds":{"0":{"title":{"_errors":[{"code":...,"message":...}]}}}}.
func errorTree(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		if e.Path != "" {
			for _, seg := range strings.Split(e.Path, ".") {
				next, ok := node[seg].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[seg] = next
				}
				node = next
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.Code, "message": e.Message})
	}
	return root
}

// join prefixes a field path.
func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// tooLong is Discord's error for a string over its maximum length.
func tooLong(path string, max, got int) fieldError {
	return fieldError{Path: path, Code: "BASE_TYPE_MAX_LENGTH", Message: fmt.Sprintf("Must be %d or fewer in length. (got %d)", max, got)}
}

// tooMany is Discord's error for a list over its maximum size.
func tooMany(path string, max, got int) fieldError {
	return fieldError{Path: path, Code: "BASE_TYPE_MAX_LENGTH", Message: fmt.Sprintf("Must be %d or fewer in length. (got %d items)", max, got)}
}

// chars counts characters as Discord does (code points, not bytes).
func chars(v any) int { return utf8.RuneCountInString(str(v)) }

// checkMessage applies the message limits to a create or edit body
// (prefix "data" for an interaction callback).
func checkMessage(body map[string]any, prefix string) []fieldError {
	var errs []fieldError
	if n := chars(body["content"]); n > maxContent {
		errs = append(errs, tooLong(join(prefix, "content"), maxContent, n))
	}
	errs = append(errs, checkEmbeds(body["embeds"], join(prefix, "embeds"))...)
	errs = append(errs, checkComponents(body["components"], join(prefix, "components"))...)
	errs = append(errs, checkAllowedMentions(body["allowed_mentions"], join(prefix, "allowed_mentions"))...)
	return errs
}

// isEmptyMessage reports whether a create body has nothing to show, which
// Discord refuses with 50006.
func isEmptyMessage(body map[string]any) bool {
	if str(body["content"]) != "" {
		return false
	}
	for _, k := range []string{"embeds", "components", "sticker_ids", "attachments"} {
		if arr, ok := body[k].([]any); ok && len(arr) > 0 {
			return false
		}
	}
	return body["poll"] == nil
}

func checkEmbeds(v any, path string) []fieldError {
	embeds, _ := v.([]any)
	var errs []fieldError
	if len(embeds) > maxEmbeds {
		errs = append(errs, tooMany(path, maxEmbeds, len(embeds)))
	}
	total := 0
	for i, e := range embeds {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		p := join(path, strconv.Itoa(i))
		limit := func(field string, v any, max int) {
			n := chars(v)
			total += n
			if n > max {
				errs = append(errs, tooLong(p+"."+field, max, n))
			}
		}
		limit("title", em["title"], maxEmbedTitle)
		limit("description", em["description"], maxEmbedDescription)
		if f, ok := em["footer"].(map[string]any); ok {
			limit("footer.text", f["text"], maxEmbedFooter)
		}
		if a, ok := em["author"].(map[string]any); ok {
			limit("author.name", a["name"], maxEmbedAuthor)
		}
		fields, _ := em["fields"].([]any)
		if len(fields) > maxEmbedFields {
			errs = append(errs, tooMany(p+".fields", maxEmbedFields, len(fields)))
		}
		for j, f := range fields {
			fm, ok := f.(map[string]any)
			if !ok {
				continue
			}
			fp := "fields." + strconv.Itoa(j)
			limit(fp+".name", fm["name"], maxEmbedFieldName)
			limit(fp+".value", fm["value"], maxEmbedFieldValue)
		}
	}
	if total > maxEmbedTotal {
		errs = append(errs, fieldError{Path: path, Code: "MESSAGE_EMBEDS_TOO_LONG",
			Message: fmt.Sprintf("Embed size exceeds maximum size of %d (got %d characters in all embeds)", maxEmbedTotal, total)})
	}
	return errs
}

// checkComponents applies the classic layout rules: up to 5 action rows of
// up to 5 components, custom_id 1–100 characters, link buttons with a URL
// and no custom_id, other buttons the other way round.
func checkComponents(v any, path string) []fieldError {
	rows, _ := v.([]any)
	var errs []fieldError
	if len(rows) > maxRows {
		errs = append(errs, tooMany(path, maxRows, len(rows)))
	}
	for i, r := range rows {
		row, ok := r.(map[string]any)
		if !ok {
			continue
		}
		rp := join(path, strconv.Itoa(i))
		if num(row["type"]) != 1 {
			errs = append(errs, fieldError{Path: rp + ".type", Code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
				Message: fmt.Sprintf("top-level components must be action rows (type 1), got type %v", row["type"])})
			continue
		}
		children, _ := row["components"].([]any)
		if len(children) == 0 {
			errs = append(errs, fieldError{Path: rp + ".components", Code: "BASE_TYPE_MIN_LENGTH", Message: "Must be 1 or more in length."})
		}
		if len(children) > maxRowComponents {
			errs = append(errs, tooMany(rp+".components", maxRowComponents, len(children)))
		}
		for j, c := range children {
			comp, ok := c.(map[string]any)
			if !ok {
				continue
			}
			cp := rp + ".components." + strconv.Itoa(j)
			errs = append(errs, checkComponent(comp, cp, len(children))...)
		}
	}
	return errs
}

func checkComponent(comp map[string]any, path string, siblings int) []fieldError {
	var errs []fieldError
	typ := int(num(comp["type"]))
	id, hasID := comp["custom_id"].(string)
	if hasID {
		if n := utf8.RuneCountInString(id); n < 1 || n > maxCustomID {
			errs = append(errs, fieldError{Path: path + ".custom_id", Code: "BASE_TYPE_BAD_LENGTH",
				Message: fmt.Sprintf("Must be between 1 and %d in length. (got %d)", maxCustomID, n)})
		}
	}
	switch typ {
	case 2: // button
		if n := chars(comp["label"]); n > maxButtonLabel {
			errs = append(errs, tooLong(path+".label", maxButtonLabel, n))
		}
		if int(num(comp["style"])) == 5 {
			if str(comp["url"]) == "" {
				errs = append(errs, fieldError{Path: path + ".url", Code: "BASE_TYPE_REQUIRED", Message: "link buttons need a url"})
			}
			if hasID {
				errs = append(errs, fieldError{Path: path + ".custom_id", Code: "COMPONENT_CUSTOM_ID_NOT_ALLOWED", Message: "link buttons cannot have a custom_id"})
			}
		} else if int(num(comp["style"])) != 6 && !hasID {
			errs = append(errs, fieldError{Path: path + ".custom_id", Code: "BASE_TYPE_REQUIRED", Message: "This field is required"})
		}
	case 3, 5, 6, 7, 8: // select menus fill a row on their own
		if !hasID {
			errs = append(errs, fieldError{Path: path + ".custom_id", Code: "BASE_TYPE_REQUIRED", Message: "This field is required"})
		}
		if siblings > 1 {
			errs = append(errs, fieldError{Path: path, Code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED", Message: "a select menu must be alone in its action row"})
		}
	}
	return errs
}

// checkAllowedMentions rejects the combination Discord rejects: parsing a
// mention type and listing IDs of that type at once.
func checkAllowedMentions(v any, path string) []fieldError {
	am, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	parse, _ := am["parse"].([]any)
	var errs []fieldError
	for _, p := range parse {
		for _, kind := range []string{"users", "roles"} {
			if p == kind {
				if ids, _ := am[kind].([]any); len(ids) > 0 {
					errs = append(errs, fieldError{Path: join(path, "parse"), Code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
						Message: fmt.Sprintf("parse:[%q] and %s:[...] are mutually exclusive", kind, kind)})
				}
			}
		}
	}
	return errs
}

// checkCommands applies the command limits to a bulk-overwrite body.
func checkCommands(list []any) []fieldError {
	var errs []fieldError
	seen := map[string]bool{}
	for i, c := range list {
		cmd, ok := c.(map[string]any)
		if !ok {
			continue
		}
		p := strconv.Itoa(i)
		typ := commandType(cmd)
		name := str(cmd["name"])
		key := strconv.Itoa(typ) + "/" + name
		if seen[key] {
			errs = append(errs, fieldError{Path: p + ".name", Code: "APPLICATION_COMMANDS_DUPLICATE_NAME", Message: fmt.Sprintf("Application command names must be unique (%q twice)", name)})
		}
		seen[key] = true
		if typ == 1 {
			errs = append(errs, checkName(name, p+".name")...)
			errs = append(errs, checkDescription(cmd["description"], p+".description")...)
		} else {
			if n := utf8.RuneCountInString(name); n < 1 || n > maxCommandName {
				errs = append(errs, fieldError{Path: p + ".name", Code: "BASE_TYPE_BAD_LENGTH", Message: fmt.Sprintf("Must be between 1 and %d in length. (got %d)", maxCommandName, n)})
			}
			if str(cmd["description"]) != "" {
				errs = append(errs, fieldError{Path: p + ".description", Code: "APPLICATION_COMMAND_INVALID_DESCRIPTION", Message: "user and message commands cannot have a description"})
			}
		}
		errs = append(errs, checkOptions(cmd["options"], p+".options")...)
	}
	return errs
}

// commandType returns a command's type, 1 (chat input) when absent.
func commandType(cmd map[string]any) int {
	if t := int(num(cmd["type"])); t != 0 {
		return t
	}
	return 1
}

func checkName(name, path string) []fieldError {
	if commandName.MatchString(name) {
		return nil
	}
	return []fieldError{{Path: path, Code: "APPLICATION_COMMAND_INVALID_NAME",
		Message: fmt.Sprintf("Command name is invalid: %q must be 1-%d characters of lower-case a-z, 0-9, - and _", name, maxCommandName)}}
}

func checkDescription(v any, path string) []fieldError {
	if n := chars(v); n < 1 || n > maxDescription {
		return []fieldError{{Path: path, Code: "BASE_TYPE_BAD_LENGTH", Message: fmt.Sprintf("Must be between 1 and %d in length. (got %d)", maxDescription, n)}}
	}
	return nil
}

// checkOptions checks an option list, recursing into sub-commands.
func checkOptions(v any, path string) []fieldError {
	opts, _ := v.([]any)
	var errs []fieldError
	if len(opts) > maxOptions {
		errs = append(errs, tooMany(path, maxOptions, len(opts)))
	}
	seen := map[string]bool{}
	optionalSeen := false
	for i, o := range opts {
		opt, ok := o.(map[string]any)
		if !ok {
			continue
		}
		p := join(path, strconv.Itoa(i))
		name := str(opt["name"])
		errs = append(errs, checkName(name, p+".name")...)
		if seen[name] {
			errs = append(errs, fieldError{Path: p + ".name", Code: "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", Message: fmt.Sprintf("option name %q is used twice", name)})
		}
		seen[name] = true
		errs = append(errs, checkDescription(opt["description"], p+".description")...)
		typ := int(num(opt["type"]))
		if typ != 1 && typ != 2 {
			if opt["required"] == true && optionalSeen {
				errs = append(errs, fieldError{Path: p + ".required", Code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", Message: "Required options must be placed before non-required options"})
			}
			if opt["required"] != true {
				optionalSeen = true
			}
		}
		choices, _ := opt["choices"].([]any)
		if len(choices) > maxChoices {
			errs = append(errs, tooMany(p+".choices", maxChoices, len(choices)))
		}
		for j, c := range choices {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			if n := chars(cm["name"]); n < 1 || n > maxChoiceName {
				errs = append(errs, fieldError{Path: p + ".choices." + strconv.Itoa(j) + ".name", Code: "BASE_TYPE_BAD_LENGTH", Message: fmt.Sprintf("Must be between 1 and %d in length. (got %d)", maxChoiceName, n)})
			}
		}
		errs = append(errs, checkOptions(opt["options"], p+".options")...)
	}
	return errs
}

// describeFieldErrors renders field errors for a violation message.
func describeFieldErrors(errs []fieldError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
