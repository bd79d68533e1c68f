package designer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ASL as YAML, as the console's code view offers it. The studio stores and runs JSON; YAML is
// a way in and out. A document that came in as YAML keeps its YAML (the caller stores it) so
// that going out again keeps its comments and layout: YAMLOf lays the current JSON over it,
// changing only the values that changed.

// YAMLError is YAML that cannot be read as ASL, with where.
type YAMLError struct {
	Line int // 1-based, 0 when not known
	Msg  string
}

func (e *YAMLError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("Not valid YAML at line %d: %s", e.Line, e.Msg)
	}
	return "Not valid YAML: " + e.Msg
}

// LooksLikeJSON reports whether a definition's text is JSON rather than YAML: JSON starts
// with { (after white space), the only start an ASL document can have.
func LooksLikeJSON(text []byte) bool {
	t := bytes.TrimLeft(text, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// JSONFromYAML converts a YAML document into ASL JSON, indented by two spaces, keys in the
// order they were written.
func JSONFromYAML(src []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &YAMLError{Msg: "the document is empty"}
	}
	var b bytes.Buffer
	if err := writeJSON(&b, doc.Content[0], ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// yamlError turns the YAML library's error ("yaml: line 3: did not find expected key")
// into a YAMLError.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.TrimPrefix(te.Errors[0], "yaml: ")
	}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, found := strings.Cut(rest, ": "); found {
			if line, err := strconv.Atoi(n); err == nil {
				return &YAMLError{Line: line, Msg: after}
			}
		}
	}
	return &YAMLError{Msg: msg}
}

// writeJSON writes node n as JSON.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string) error {
	switch n.Kind {
	case yaml.AliasNode:
		return writeJSON(b, n.Alias, indent)
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		inner := indent + "  "
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return &YAMLError{Line: k.Line, Msg: "a key must be plain text (merge keys and complex keys are not ASL)"}
			}
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			writeString(b, k.Value)
			b.WriteString(": ")
			if err := writeJSON(b, v, inner); err != nil {
				return err
			}
		}
		b.WriteString("\n" + indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		inner := indent + "  "
		b.WriteString("[\n")
		for i, e := range n.Content {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			if err := writeJSON(b, e, inner); err != nil {
				return err
			}
		}
		b.WriteString("\n" + indent + "]")
	case yaml.ScalarNode:
		return writeScalar(b, n)
	default:
		return &YAMLError{Line: n.Line, Msg: "unexpected YAML node"}
	}
	return nil
}

// writeScalar writes a scalar as the JSON value YAML reads it as: numbers keep their text
// when it is already JSON (1.50 stays 1.50).
func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return &YAMLError{Line: n.Line, Msg: err.Error()}
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			b.WriteString(n.Value)
			return nil
		}
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return &YAMLError{Line: n.Line, Msg: fmt.Sprintf("%q is not a number JSON can hold", n.Value)}
		}
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	default: // strings, and what YAML types JSON has not (timestamps, binary) as their text
		writeString(b, n.Value)
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// YAMLOf writes ASL JSON as YAML. previous is the YAML the document came from (nil for
// none): when it still says the same it is returned as it is, byte for byte; otherwise the
// JSON is laid over it, so its comments and the style of its unchanged values stay.
func YAMLOf(definition, previous []byte) ([]byte, error) {
	fresh, err := yamlNode(definition)
	if err != nil {
		return nil, err
	}
	if len(previous) == 0 {
		return encodeYAML(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{fresh}})
	}
	var doc yaml.Node
	if yaml.Unmarshal(previous, &doc) != nil || len(doc.Content) == 0 {
		return encodeYAML(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{fresh}})
	}
	if was, err := JSONFromYAML(previous); err == nil && sameJSON(was, definition) {
		return previous, nil
	}
	doc.Content[0] = overlay(doc.Content[0], fresh)
	return encodeYAML(&doc)
}

func encodeYAML(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sameJSON reports whether two JSON texts hold the same document, key order included.
func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// overlay is fresh (the current document) with the comments and styles of prev where they
// hold the same place: a key kept keeps its comments, a value unchanged keeps its style.
func overlay(prev, fresh *yaml.Node) *yaml.Node {
	if prev.Kind == yaml.AliasNode {
		prev = prev.Alias
	}
	out := fresh
	if prev.Kind == fresh.Kind {
		switch fresh.Kind {
		case yaml.MappingNode:
			old := map[string]int{}
			for i := 0; i+1 < len(prev.Content); i += 2 {
				old[prev.Content[i].Value] = i
			}
			for i := 0; i+1 < len(fresh.Content); i += 2 {
				if j, ok := old[fresh.Content[i].Value]; ok {
					fresh.Content[i] = withComments(fresh.Content[i], prev.Content[j])
					fresh.Content[i+1] = overlay(prev.Content[j+1], fresh.Content[i+1])
				}
			}
			// The comment above a removed first key is usually the document's or the
			// block's own ("# Human approval..."): it stays on top.
			if len(prev.Content) > 0 && len(fresh.Content) > 0 {
				first := prev.Content[0]
				if _, kept := indexOfKey(fresh, first.Value); !kept && first.HeadComment != "" {
					head := fresh.Content[0]
					head.HeadComment = strings.TrimSpace(first.HeadComment + "\n" + head.HeadComment)
				}
			}
			out.Style = prev.Style
		case yaml.SequenceNode:
			for i := range fresh.Content {
				if i < len(prev.Content) {
					fresh.Content[i] = overlay(prev.Content[i], fresh.Content[i])
				}
			}
			out.Style = prev.Style
		case yaml.ScalarNode:
			if sameScalar(prev, fresh) {
				out = prev
			}
		}
	}
	return withComments(out, prev)
}

// indexOfKey finds key in mapping m.
func indexOfKey(m *yaml.Node, key string) (int, bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i, true
		}
	}
	return 0, false
}

// withComments gives n the comments of prev.
func withComments(n, prev *yaml.Node) *yaml.Node {
	n.HeadComment, n.LineComment, n.FootComment = prev.HeadComment, prev.LineComment, prev.FootComment
	return n
}

// sameScalar reports whether two scalars are the same JSON value.
func sameScalar(a, b *yaml.Node) bool {
	var x, y bytes.Buffer
	return writeScalar(&x, a) == nil && writeScalar(&y, b) == nil && x.String() == y.String()
}

// yamlNode reads JSON into YAML nodes, keys in order. Lists of plain values are written
// in flow style ([States.ALL]), as people write ErrorEquals by hand.
func yamlNode(definition []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(definition))
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return nil, fmt.Errorf("designer: the definition is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("designer: the definition has more after its JSON value")
	}
	return n, nil
}

func readNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kt.(string)}, v)
			}
			_, err := dec.Token() // }
			return n, err
		}
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for dec.More() {
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			if v.Kind != yaml.ScalarNode {
				n.Style = 0
			}
			n.Content = append(n.Content, v)
		}
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle
		}
		_, err := dec.Token() // ]
		return n, err
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
}
