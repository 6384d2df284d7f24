package openaitest

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"seriesbot/internal/sharedtest"
)

// specRel is the OpenAI spec inside the shared folder. It is read at test
// time and never copied into the repository, so the fake is always checked
// against the same text the rest of the team reads.
const specRel = "specs/openai-openapi.json"

// The request schemas inside the spec.
const (
	chatRequestSchema      = "#/components/schemas/CreateChatCompletionRequest"
	embeddingRequestSchema = "#/components/schemas/CreateEmbeddingRequest"
)

// specSchemas holds the compiled request schemas. A compiled
// *jsonschema.Schema is read-only, so handlers share it across goroutines.
type specSchemas struct {
	chat      *jsonschema.Schema
	embedding *jsonschema.Schema
}

// The spec is compiled once per test binary, because many tests start a
// server (it takes tens of milliseconds, not seconds, but there is no
// reason to repeat it).
var (
	specOnce        sync.Once
	specCompiled    *specSchemas
	specErr         error
	specCompileTime atomic.Int64 // nanoseconds
)

// loadSchemas returns the compiled request schemas, or skips tb (through
// sharedtest.Path) when the shared folder is absent. A spec that is present
// but does not compile fails tb: that is a broken checkout, not an absent one.
func loadSchemas(tb testing.TB) *specSchemas {
	tb.Helper()
	path := sharedtest.Path(tb, specRel)
	specOnce.Do(func() {
		start := time.Now()
		var schs []*jsonschema.Schema
		schs, specErr = compileSpec(path, chatRequestSchema, embeddingRequestSchema)
		if specErr == nil {
			specCompiled = &specSchemas{chat: schs[0], embedding: schs[1]}
		}
		specCompileTime.Store(int64(time.Since(start)))
	})
	if specErr != nil {
		tb.Fatalf("openaitest: %v", specErr)
	}
	return specCompiled
}

// SchemaCompileTime reports how long reading and compiling the spec took in
// this test binary, or 0 before the first server was started.
func SchemaCompileTime() time.Duration { return time.Duration(specCompileTime.Load()) }

// compileSpec compiles the schemas at the given JSON pointers of the spec
// at path. The whole OpenAPI document is added as one resource, so every
// $ref inside it resolves without a loader.
func compileSpec(path string, ptrs ...string) ([]*jsonschema.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spec: %w", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("parse spec %s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	// OpenAPI 3.1 schemas are JSON Schema draft 2020-12; OpenAPI-only
	// keywords ("discriminator", "x-…") are unknown to the draft and
	// ignored. "nullable" is the exception worth honouring: the spec still
	// uses it in places, and ignoring it would reject a null the real API
	// accepts (e.g. "frequency_penalty": null) and fail a correct test.
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(path, translateNullable(doc)); err != nil {
		return nil, fmt.Errorf("add spec %s: %w", path, err)
	}
	schs := make([]*jsonschema.Schema, len(ptrs))
	for i, ptr := range ptrs {
		if schs[i], err = c.Compile(path + ptr); err != nil {
			return nil, fmt.Errorf("compile %s%s: %w", path, ptr, err)
		}
	}
	return schs, nil
}

// translateNullable rewrites every OpenAPI 3.0 style {"nullable": true,
// ...rest} into the 2020-12 equivalent {"anyOf": [{...rest}, {"type":
// "null"}]}. Wrapping (rather than adding "null" to "type") also covers
// schemas whose "enum" or "$ref" would otherwise still exclude null. The
// file on disk is not changed.
func translateNullable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = translateNullable(x)
		}
		if out["nullable"] == true {
			delete(out, "nullable")
			return map[string]any{"anyOf": []any{out, map[string]any{"type": "null"}}}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = translateNullable(x)
		}
		return out
	default:
		return v
	}
}

// validateBody checks raw against sch and returns a one-paragraph
// description of every violation, or nil.
func validateBody(sch *jsonschema.Schema, raw []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		// The library's message is an indented tree naming the spec file by
		// its absolute path; shorten it so it reads well in test output.
		msg := err.Error()
		if i := strings.Index(msg, "#/components/"); i >= 0 {
			if j := strings.LastIndex(msg[:i], "'"); j >= 0 {
				msg = msg[:j+1] + msg[i:]
			}
		}
		return fmt.Errorf("request violates the OpenAI spec: %s", msg)
	}
	return nil
}
