package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

type (
	embeddingList struct {
		Object string          `json:"object"`
		Data   []embeddingItem `json:"data"`
		Model  string          `json:"model"`
		Usage  struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		} `json:"usage"`
	}
	embeddingItem struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"` // []float32, or a base64 string
	}
)

// serveEmbeddings answers POST /v1/embeddings with Embed's vectors.
func (s *Server) serveEmbeddings(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := validateBody(s.schemas.embedding, body); err != nil {
		s.violation(w, r, "%v", err)
		return
	}
	var head struct {
		Model          string          `json:"model"`
		Input          json.RawMessage `json:"input"`
		EncodingFormat string          `json:"encoding_format"`
		Dimensions     int             `json:"dimensions"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		s.violation(w, r, "decode embedding request: %v", err)
		return
	}
	texts, err := embeddingInputs(head.Input)
	if err != nil {
		s.violation(w, r, "decode embedding input: %v", err)
		return
	}
	// The schema cannot say it, but the API reference does and the API
	// rejects it: an input may not be an empty string. A chunker that emits
	// an empty passage is a bug worth failing on.
	for i, t := range texts {
		if t == "" {
			s.violation(w, r, "input[%d] is an empty string; the API rejects empty inputs", i)
			return
		}
	}
	if !slices.Contains(s.cfg.embeddingModels, head.Model) {
		modelNotFound(w, head.Model)
		return
	}
	fault, handled := s.playFault(w, r)
	if handled {
		return
	}

	dims := s.cfg.dims
	if head.Dimensions > 0 {
		dims = head.Dimensions
	}
	resp := embeddingList{Object: "list", Model: head.Model}
	for i, t := range texts {
		vec := Embed(t, dims)
		var enc any = vec
		if head.EncodingFormat == "base64" {
			enc = encodeBase64(vec)
		}
		resp.Data = append(resp.Data, embeddingItem{Object: "embedding", Index: i, Embedding: enc})
		resp.Usage.PromptTokens += countWords(t)
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	if s.cfg.shuffle && len(resp.Data) > 1 {
		// Rotating by one moves every item off its own position.
		resp.Data = append(resp.Data[1:], resp.Data[0])
	}
	writeAnswer(w, resp, fault)
}

// embeddingInputs turns each of the four input shapes the spec allows (a
// string, strings, tokens, lists of tokens) into texts to embed; tokens
// become "t<id>" words so they embed like text.
func embeddingInputs(raw json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many, nil
	}
	var tokens []int
	if json.Unmarshal(raw, &tokens) == nil {
		return []string{tokenText(tokens)}, nil
	}
	var tokenLists [][]int
	if err := json.Unmarshal(raw, &tokenLists); err != nil {
		return nil, fmt.Errorf("input is none of string, []string, []int, [][]int: %w", err)
	}
	texts := make([]string, len(tokenLists))
	for i, t := range tokenLists {
		texts[i] = tokenText(t)
	}
	return texts, nil
}

func tokenText(tokens []int) string {
	words := make([]string, len(tokens))
	for i, t := range tokens {
		words[i] = "t" + strconv.Itoa(t)
	}
	return strings.Join(words, " ")
}

// Embed returns the vector the server gives text, so a test can compute
// what to expect. It hashes each lower-cased word into one of dims buckets
// with a hash-chosen sign and normalises to unit length: deterministic, and
// texts that share words get a higher cosine similarity, so a retrieval test
// can rank passages meaningfully.
func Embed(text string, dims int) []float32 {
	v := make([]float64, dims)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		h := hash64(w)
		if h>>63 == 0 {
			v[h%uint64(dims)]++
		} else {
			v[h%uint64(dims)]--
		}
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, dims)
	if norm == 0 {
		// No words (punctuation only), or words that cancelled out: fall
		// back to one bucket for the whole text rather than a zero vector,
		// which has no direction to compare.
		out[hash64(text)%uint64(dims)] = 1
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// encodeBase64 packs a vector as the API does for encoding_format
// "base64": little-endian float32s.
func encodeBase64(vec []float32) string {
	b := make([]byte, 4*len(vec))
	for i, x := range vec {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
