package designer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Document is a JSON text held as an ordered tree that remembers the source text of every value
// and of the whitespace and commas between them. Bytes returns the text exactly as it was
// parsed; an edit (Set, Delete or an Op) returns a new Document whose text is the old one with
// only the changed values rewritten, in the document's own style (its indentation unit, its
// line ends, one line or many). A Document is never changed after Parse, so it is safe to
// share between goroutines and an undo history can keep every version.
type Document struct {
	text        string
	root        *node
	lead, trail string // whitespace around the top value
	style       style
}

// ErrNotFound reports a path that leads to no value.
var ErrNotFound = errors.New("designer: no such value")

// Parse parses a JSON text into a Document. It reads the text once, in linear time, without
// recursion, and refuses nesting deeper than MaxDepth; syntax errors are *SyntaxError values
// with line, column and JSON pointer. Any JSON text parses; the ASL helpers (States, FindState,
// the edit operations) say when it is not a state machine.
func Parse(data []byte) (*Document, error) {
	d, err := parseString(string(data))
	if err != nil {
		return nil, fmt.Errorf("designer: %w", err)
	}
	return d, nil
}

func parseString(text string) (*Document, error) {
	root, lead, trail, err := parseTree(text)
	if err != nil {
		return nil, err
	}
	d := &Document{text: text, root: root, lead: lead, trail: trail}
	d.style = detectStyle(text, root)
	return d, nil
}

// Bytes returns the document's text: for a parsed document, the bytes given to Parse.
func (d *Document) Bytes() []byte { return []byte(d.text) }

// String returns the document's text.
func (d *Document) String() string { return d.text }

// Path addresses a value in a document: each element is an object key (a string) or an array
// index (an int). In JSON it is an array such as ["Retry", 0, "MaxAttempts"].
type Path []any

// Pointer is the path as a JSON pointer (RFC 6901), such as "/States/P/Branches/0/States/A",
// with "~" and "/" in keys escaped as "~0" and "~1"; "" for the empty path.
func (p Path) Pointer() string {
	var b strings.Builder
	for _, step := range p {
		b.WriteByte('/')
		switch s := step.(type) {
		case string:
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s))
		case int:
			b.WriteString(strconv.Itoa(s))
		default:
			fmt.Fprintf(&b, "%v", s)
		}
	}
	return b.String()
}

// String is the path's JSON pointer, or "/" for the empty path, for messages.
func (p Path) String() string {
	if len(p) == 0 {
		return "/"
	}
	return p.Pointer()
}

// UnmarshalJSON reads a path from a JSON array of strings and non-negative integers.
func (p *Path) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("designer: a path is an array of keys and indexes: %w", err)
	}
	out := make(Path, 0, len(raw))
	for _, r := range raw {
		var s string
		if err := json.Unmarshal(r, &s); err == nil {
			out = append(out, s)
			continue
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(r)))
		if err != nil || i < 0 {
			return fmt.Errorf("designer: path element %s is neither a key nor an index", r)
		}
		out = append(out, i)
	}
	*p = out
	return nil
}

// lookup finds the node at path p from n; at says where the walk stopped when it fails.
func lookup(n *node, p Path) (_ *node, at int, err error) {
	if n == nil { // the zero Document
		return nil, 0, fmt.Errorf("%w at %s: the document is empty", ErrNotFound, p)
	}
	for i, step := range p {
		m := n.child(step)
		if m == nil {
			return nil, i, fmt.Errorf("%w at %s", ErrNotFound, p[:i+1])
		}
		n = m.value
	}
	return n, len(p), nil
}

// child is the member step names in n (the last one for a repeated key, as encoding/json and
// so the runtime read it), nil if there is none.
func (n *node) child(step any) *entry {
	switch s := step.(type) {
	case string:
		if n.kind != kindObject {
			return nil
		}
		if i := n.find(s); i >= 0 {
			return &n.members[i]
		}
	case int:
		if n.kind == kindArray && s >= 0 && s < len(n.members) {
			return &n.members[s]
		}
	}
	return nil
}

// find is the position of the last member named key, -1 if none.
func (n *node) find(key string) int {
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return i
		}
	}
	return -1
}

// get is the value of the member named key, nil if none or n is not an object.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	if i := n.find(key); i >= 0 {
		return n.members[i].value
	}
	return nil
}

// str is a string node's value; ok is false for other nodes.
func (n *node) str() (s string, ok bool) {
	if n == nil || n.kind != kindString {
		return "", false
	}
	return unquote(n.text), true
}

// isTrue reports a node that is the literal true.
func (n *node) isTrue() bool { return n != nil && n.kind == kindBool && n.text == "true" }

// Get returns the JSON text of the value at p, as the document writes it.
func (d *Document) Get(p Path) ([]byte, error) {
	n, _, err := lookup(d.root, p)
	if err != nil {
		return nil, err
	}
	return []byte(n.text), nil
}

// Keys returns the keys of the object at p, in document order.
func (d *Document) Keys(p Path) ([]string, error) {
	n, _, err := lookup(d.root, p)
	if err != nil {
		return nil, err
	}
	if n.kind != kindObject {
		return nil, fmt.Errorf("designer: %s is not an object", p)
	}
	keys := make([]string, len(n.members))
	for i, m := range n.members {
		keys[i] = m.key
	}
	return keys, nil
}

// Len returns the number of elements of the array at p.
func (d *Document) Len(p Path) (int, error) {
	n, _, err := lookup(d.root, p)
	if err != nil {
		return 0, err
	}
	if n.kind != kindArray {
		return 0, fmt.Errorf("designer: %s is not an array", p)
	}
	return len(n.members), nil
}

// Set returns a document in which the value at p is value (JSON text). The parent of p must
// exist; a missing last key is added at the end of its object, and an index equal to the
// array's length appends. Only the new value is written anew, in the document's style.
func (d *Document) Set(p Path, value []byte) (*Document, error) {
	v, err := parseFresh(value)
	if err != nil {
		return nil, fmt.Errorf("designer: value: %w", err)
	}
	e := newEditor(d)
	if err := e.set(p, v); err != nil {
		return nil, err
	}
	return e.document()
}

// Delete returns a document without the value at p, which must exist and not be the top
// value.
func (d *Document) Delete(p Path) (*Document, error) {
	e := newEditor(d)
	if err := e.delete(p); err != nil {
		return nil, err
	}
	return e.document()
}

// parseFresh parses a JSON value given to an edit; it will be written in the style of the
// document it goes into, not as given.
func parseFresh(value []byte) (*node, error) {
	n, _, _, err := parseTree(string(value))
	if err != nil {
		return nil, err
	}
	markFresh(n)
	return n, nil
}

func markFresh(n *node) {
	n.fresh = true
	for _, m := range n.members {
		markFresh(m.value)
	}
}

// freshString is a new string value.
func freshString(s string) *node {
	return &node{kind: kindString, fresh: true, text: quote(s)}
}

// freshTrue is a new true literal.
func freshTrue() *node { return &node{kind: kindBool, fresh: true, text: "true"} }

// freshObject is a new empty object.
func freshObject() *node { return &node{kind: kindObject, fresh: true} }

// quote writes s as a JSON string, leaving <, > and & as they are: the text is read by people
// in an editor, not embedded in HTML.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// compactText is a value's text without insignificant whitespace, to tell whether two values
// are the same JSON as written.
func compactText(n *node) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(render(n, style{newline: "\n", compact: true, colon: ":"}, ""))); err != nil {
		return n.text
	}
	return b.String()
}
