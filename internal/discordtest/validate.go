package discordtest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/cache"
	vconfig "github.com/pb33f/libopenapi-validator/config"
	vErrors "github.com/pb33f/libopenapi-validator/errors"

	"seriesbot/internal/sharedtest"
)

// specRel is the Discord OpenAPI spec inside the shared folder. It is read
// from there at test time, never copied into the repository.
const specRel = "specs/discord-openapi.json"

// The spec takes about two seconds to load and compile, so every Server in
// a test binary shares one validator.
var (
	specOnce      sync.Once
	specValidator validator.Validator
	specErr       error
	// specMu serialises validations: the library documents its caches as
	// safe, but not the validator as a whole, and validating is cheap next
	// to what a test does around it.
	specMu sync.Mutex
)

// loadSpec returns the shared validator, skipping the test (through
// sharedtest) when the shared folder is absent and failing it when the spec
// is there but cannot be used.
func loadSpec(tb testing.TB) validator.Validator {
	tb.Helper()
	path := sharedtest.Path(tb, specRel)
	specOnce.Do(func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			specErr = fmt.Errorf("read %s: %w", path, err)
			return
		}
		doc, err := libopenapi.NewDocument(raw)
		if err != nil {
			specErr = fmt.Errorf("parse %s: %w", path, err)
			return
		}
		model, err := doc.BuildV3Model()
		if err != nil {
			specErr = fmt.Errorf("build model of %s: %w", path, err)
			return
		}
		// The fake validates requests only. Response schemas are most of
		// what the validator would compile up front (13 s of a 14 s start
		// under -race), so they go, and the rest compiles on first use.
		for p := model.Model.Paths.PathItems.First(); p != nil; p = p.Next() {
			for op := p.Value().GetOperations().First(); op != nil; op = op.Next() {
				op.Value().Responses = nil
			}
		}
		lazy := &lazySchemaCache{}
		lazy.warming.Store(true)
		v := validator.NewValidatorFromV3Model(&model.Model, vconfig.WithSchemaCache(lazy))
		lazy.warming.Store(false)
		specValidator = v
	})
	if specErr != nil {
		tb.Fatalf("discordtest: %v", specErr)
	}
	return specValidator
}

// validateAgainstSpec checks one request against the spec and returns its
// violations, one line each. specPath is the path as the v10 spec writes it
// (discordgo's /api/v9 prefix already removed).
func validateAgainstSpec(v validator.Validator, r *http.Request, specPath string, body []byte) []string {
	u := url.URL{Scheme: "https", Host: "discord.com", Path: specPath, RawQuery: r.URL.RawQuery}
	req, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return []string{fmt.Sprintf("build request for validation: %v", err)}
	}
	req.Header = r.Header.Clone()
	if len(body) == 0 {
		req.Body = http.NoBody
	}

	specMu.Lock()
	ok, errs := v.ValidateHttpRequestSync(req)
	specMu.Unlock()
	if ok {
		return nil
	}
	return describeSpecErrors(errs)
}

// describeSpecErrors flattens the validator's nested errors into readable,
// stable lines: the top-level message and, for schema failures, each field
// and reason.
func describeSpecErrors(errs []*vErrors.ValidationError) []string {
	var out []string
	for _, e := range errs {
		if len(e.SchemaValidationErrors) == 0 {
			out = append(out, strings.TrimSpace(e.Message+": "+e.Reason))
			continue
		}
		for _, f := range e.SchemaValidationErrors {
			where := f.FieldPath
			if where == "" {
				where = "/" + strings.Join(f.InstancePath, "/")
			}
			out = append(out, fmt.Sprintf("%s: %s: %s", e.Message, where, f.Reason))
		}
	}
	sort.Strings(out)
	// anyOf branches repeat the same failure; keep each line once.
	uniq := out[:0]
	for i, l := range out {
		if i == 0 || l != out[i-1] {
			uniq = append(uniq, l)
		}
	}
	return uniq
}

// lazySchemaCache makes the validator compile each schema when a request
// first needs it instead of all of them in its constructor: while warming
// is set, Load claims every schema is cached, so the constructor's warm-up
// (which only asks whether a key exists) skips compiling. Afterwards it is
// an ordinary concurrent map; validators treat a nil entry as a miss, so
// nothing compiled during warm-up is ever needed.
type lazySchemaCache struct {
	warming atomic.Bool
	m       sync.Map
}

func (c *lazySchemaCache) Load(key uint64) (*cache.SchemaCacheEntry, bool) {
	if c.warming.Load() {
		return nil, true
	}
	v, ok := c.m.Load(key)
	if !ok {
		return nil, false
	}
	return v.(*cache.SchemaCacheEntry), true
}

func (c *lazySchemaCache) Store(key uint64, value *cache.SchemaCacheEntry) { c.m.Store(key, value) }

func (c *lazySchemaCache) Range(f func(key uint64, value *cache.SchemaCacheEntry) bool) {
	c.m.Range(func(k, v any) bool { return f(k.(uint64), v.(*cache.SchemaCacheEntry)) })
}
