package designer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is how deeply arrays and objects may nest in a Document. Real definitions nest a few
// dozen levels at most; the limit keeps every walk over the tree (all of them recursive, which
// keeps them short) far from exhausting the stack, whatever the input.
const MaxDepth = 512

// SyntaxError is why a text is not a JSON document, with where: Line and Column count from 1
// (Column in characters), Offset in bytes from 0, and Pointer is the JSON pointer of the value
// being read ("" at the top level).
type SyntaxError struct {
	Line, Column, Offset int
	Pointer              string
	Msg                  string
}

// Error reads "line 3, column 7 (at /States/A): <what is wrong>"; Parse adds the package
// prefix, the edits say which value they parsed.
func (e *SyntaxError) Error() string {
	at := ""
	if e.Pointer != "" {
		at = " (at " + e.Pointer + ")"
	}
	return fmt.Sprintf("line %d, column %d%s: %s", e.Line, e.Column, at, e.Msg)
}

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

// node is one JSON value of a document. Parsed nodes keep every byte of their source, so
// writing them back gives the same text; a node is never changed once a Document holds it
// (edits copy the nodes on the path they change, see editor).
type node struct {
	kind kind
	// fresh marks a value created by an edit: it is written in the document's style at the
	// place it lands, ignoring lead, trail and the members' sep and colon.
	fresh bool
	// edited marks a parsed container whose members changed: it is written member by member,
	// keeping the text between them, instead of as text.
	edited bool
	// text is a scalar's literal as written, or a parsed container's exact source text.
	text string
	// layout is the text around a parsed container's members; nil for scalars and for
	// containers made by an edit.
	*layout
	members []entry // an object's members or an array's elements, in order
}

// layout is how a parsed container was written around its members.
type layout struct {
	// indent is the indentation of the line the container starts on, so a container moved to
	// another depth can be shifted as a block.
	indent string
	// lead is the text between the opening bracket and the first member (or the closing
	// bracket when empty); trail is the text between the last value and the closing bracket.
	lead, trail string
}

// entry is one member of an object or one element of an array.
type entry struct {
	sep    string // the text between the previous value and this member, comma included; "" first
	key    string // objects: the key, decoded
	rawKey string // objects: the key as written, quotes included
	colon  string // objects: the text between the key and the value, colon included
	value  *node
}

// frame is an open container while parsing: the parser keeps its own stack instead of
// recursing, so input nesting cannot grow the Go stack.
type frame struct {
	n *node
	// start is the offset of the opening bracket; sepStart the end of the last complete value
	// (where the next member's separator starts).
	start, sepStart int
	// base is where the container's members start in the parser's entries.
	base int
}

// docParser reads one JSON text in a single pass.
type docParser struct {
	src       string
	pos       int
	lineStart int // offset of the first byte of the line pos is on
	stack     []frame
	// entries holds the members of the open containers, innermost last; a closed container
	// gets an exact-size copy of its own, so the tree holds no slack from growing slices.
	entries []entry
	// nodes and layouts hand out values from blocks, one allocation for many.
	nodes   []node
	layouts []layout
}

// newNode returns a zeroed node from the parser's current block.
func (p *docParser) newNode() *node {
	if len(p.nodes) == 0 {
		p.nodes = make([]node, 256)
	}
	n := &p.nodes[0]
	p.nodes = p.nodes[1:]
	return n
}

// newLayout returns a zeroed layout from the parser's current block.
func (p *docParser) newLayout() *layout {
	if len(p.layouts) == 0 {
		p.layouts = make([]layout, 64)
	}
	l := &p.layouts[0]
	p.layouts = p.layouts[1:]
	return l
}

// last is the member being read in the innermost open container.
func (p *docParser) last() *entry { return &p.entries[len(p.entries)-1] }

// parseTree parses src into a tree, returning also the text before and after the top value.
func parseTree(src string) (root *node, lead, trail string, err error) {
	p := &docParser{src: src}
	if strings.HasPrefix(src, "\uFEFF") {
		return nil, "", "", p.errorf(0, "the text starts with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without BOM")
	}
	p.skipSpace()
	lead = src[:p.pos]
	if p.pos == len(src) {
		return nil, "", "", p.errorf(p.pos, "the document is empty: expected a JSON value")
	}
	root, err = p.value()
	if err != nil {
		return nil, "", "", err
	}
	end := p.pos
	p.skipSpace()
	if p.pos < len(src) {
		return nil, "", "", p.errorf(p.pos, "unexpected %s after the end of the JSON value", p.describe(p.pos))
	}
	return root, lead, src[end:], nil
}

// value parses the value at p.pos, containers included, leaving p.pos after it.
func (p *docParser) value() (*node, error) {
	for {
		// Read one value, or open a container.
		var done *node
		start := p.pos
		if p.pos >= len(p.src) {
			return nil, p.errorf(p.pos, "unexpected end of text: expected a value")
		}
		switch c := p.src[p.pos]; c {
		case '{', '[':
			if len(p.stack) >= MaxDepth {
				return nil, p.errorf(p.pos, "the document nests deeper than %d levels", MaxDepth)
			}
			n := p.newNode()
			n.kind, n.layout = kindObject, p.newLayout()
			n.indent = p.lineIndent()
			if c == '[' {
				n.kind = kindArray
			}
			p.pos++
			p.skipSpace()
			n.lead = p.src[start+1 : p.pos]
			p.stack = append(p.stack, frame{n: n, start: start, base: len(p.entries)})
			if p.pos < len(p.src) && p.src[p.pos] == closer(n.kind) {
				p.pos++
				done = p.pop()
				break
			}
			if n.kind == kindObject {
				if err := p.key(""); err != nil {
					return nil, err
				}
			} else {
				p.entries = append(p.entries, entry{})
			}
			continue // read the first member's value
		case '"':
			if err := p.skipString(); err != nil {
				return nil, err
			}
			done = p.newNode()
			done.kind, done.text = kindString, p.src[start:p.pos]
		case 't', 'f', 'n':
			k, lit := kindBool, "true"
			if c == 'f' {
				lit = "false"
			} else if c == 'n' {
				k, lit = kindNull, "null"
			}
			if !strings.HasPrefix(p.src[p.pos:], lit) {
				return nil, p.badWord()
			}
			p.pos += len(lit)
			done = p.newNode()
			done.kind, done.text = k, lit
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				return nil, p.badWord()
			}
			if c != '-' && (c < '0' || c > '9') {
				return nil, p.errorf(p.pos, "unexpected %s: expected a value", p.describe(p.pos))
			}
			if err := p.skipNumber(); err != nil {
				return nil, err
			}
			done = p.newNode()
			done.kind, done.text = kindNumber, p.src[start:p.pos]
		}

		// A value is complete: store it in its container, then close containers for as long
		// as the text says so.
		for {
			if len(p.stack) == 0 {
				return done, nil
			}
			f := &p.stack[len(p.stack)-1]
			p.last().value = done
			f.sepStart = p.pos
			p.skipSpace()
			if p.pos >= len(p.src) {
				return nil, p.errorf(p.pos, "unexpected end of text: expected ',' or '%c'", closer(f.n.kind))
			}
			c := p.src[p.pos]
			if c == closer(f.n.kind) {
				f.n.trail = p.src[f.sepStart:p.pos]
				p.pos++
				done = p.pop()
				continue
			}
			if c != ',' {
				return nil, p.errorf(p.pos, "unexpected %s: expected ',' or '%c'", p.describe(p.pos), closer(f.n.kind))
			}
			p.pos++
			p.skipSpace()
			sep := p.src[f.sepStart:p.pos]
			if f.n.kind == kindObject {
				if err := p.key(sep); err != nil {
					return nil, err
				}
			} else {
				p.entries = append(p.entries, entry{sep: sep})
			}
			break // read the next member's value
		}
	}
}

// badWord reports a word where a value should be, such as True or an unquoted string.
func (p *docParser) badWord() error {
	word := p.src[p.pos:]
	if i := strings.IndexAny(word, " \t\r\n,:]}\""); i >= 0 {
		word = word[:i]
	}
	if r := []rune(word); len(r) > 20 {
		word = string(r[:20]) + "…"
	}
	return p.errorf(p.pos, "unexpected %q: expected a value (true, false and null are written in lowercase; strings need double quotes)", word)
}

// key reads an object member's key and colon at p.pos and appends the member.
func (p *docParser) key(sep string) error {
	if p.pos >= len(p.src) || p.src[p.pos] != '"' {
		if p.pos < len(p.src) && p.src[p.pos] == '}' && sep != "" {
			return p.errorf(p.pos, "unexpected '}' after ',': a trailing comma is not allowed in JSON")
		}
		return p.errorf(p.pos, "unexpected %s: expected a string key in double quotes", p.describe(p.pos))
	}
	start := p.pos
	if err := p.skipString(); err != nil {
		return err
	}
	raw := p.src[start:p.pos]
	keyEnd := p.pos
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != ':' {
		return p.errorf(p.pos, "unexpected %s: expected ':' after the key %s", p.describe(p.pos), raw)
	}
	p.pos++
	p.skipSpace()
	p.entries = append(p.entries, entry{sep: sep, key: unquote(raw), rawKey: raw, colon: p.src[keyEnd:p.pos]})
	return nil
}

// pop closes the innermost container, which ends at p.pos.
func (p *docParser) pop() *node {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	f.n.text = p.src[f.start:p.pos]
	if len(p.entries) > f.base {
		f.n.members = slices.Clone(p.entries[f.base:])
		clear(p.entries[f.base:]) // drop the references the scratch space holds
		p.entries = p.entries[:f.base]
	}
	if len(f.n.members) == 0 {
		f.n.trail = ""
	}
	return f.n
}

func closer(k kind) byte {
	if k == kindObject {
		return '}'
	}
	return ']'
}

// skipSpace skips JSON whitespace, noting where lines start.
func (p *docParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '\n':
			p.lineStart = p.pos + 1
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

// lineIndent is the whitespace at the start of the current line. Only skipSpace crosses line
// breaks (JSON strings cannot hold one), so lineStart is always up to date.
func (p *docParser) lineIndent() string {
	i := p.lineStart
	for i < p.pos && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	return p.src[p.lineStart:i]
}

// skipString skips the string starting at p.pos, checking its escapes.
func (p *docParser) skipString() error {
	start := p.pos
	p.pos++
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return nil
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				return p.errorf(start, "string is not closed: no matching '\"' before the end of text")
			}
			switch p.src[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				for i := 2; i < 6; i++ {
					if p.pos+i >= len(p.src) || !isHex(p.src[p.pos+i]) {
						return p.errorf(p.pos, `invalid escape in string: \u must be followed by four hexadecimal digits`)
					}
				}
				p.pos += 6
			default:
				r, _ := utf8.DecodeRuneInString(p.src[p.pos+1:])
				return p.errorf(p.pos, "invalid escape %q in string: the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", `\`+string(r))
			}
		case c < 0x20:
			return p.errorf(p.pos, "control character U+%04X in string: write it as an escape such as \\n", c)
		default:
			p.pos++
		}
	}
	return p.errorf(start, "string is not closed: no matching '\"' before the end of text")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber skips a number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *docParser) skipNumber() error {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	bad := func() error { return p.errorf(start, "invalid number %q", p.src[start:min(p.pos+1, len(p.src))]) }
	if p.src[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.src) && p.src[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return bad()
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return bad()
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return bad()
		}
	}
	return nil
}

// describe names the character at offset i for an error message.
func (p *docParser) describe(i int) string {
	if i >= len(p.src) {
		return "end of text"
	}
	return "character " + p.describeRaw(i)
}

func (p *docParser) describeRaw(i int) string {
	if i >= len(p.src) {
		return "end of text"
	}
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	if r < 0x20 || r == utf8.RuneError {
		return fmt.Sprintf("U+%04X", r)
	}
	return strconv.QuoteRune(r)
}

// errorf builds a SyntaxError at byte offset off. Line and column are counted only here, so
// parsing a valid document never pays for them.
func (p *docParser) errorf(off int, format string, args ...any) error {
	line := 1 + strings.Count(p.src[:off], "\n")
	lineStart := strings.LastIndexByte(p.src[:off], '\n') + 1
	return &SyntaxError{
		Line:    line,
		Column:  1 + utf8.RuneCountInString(p.src[lineStart:off]),
		Offset:  off,
		Pointer: p.pointer(),
		Msg:     fmt.Sprintf(format, args...),
	}
}

// pointer is the JSON pointer of the value being read, from the open containers.
func (p *docParser) pointer() string {
	var path Path
	for i, f := range p.stack {
		end := len(p.entries)
		if i+1 < len(p.stack) {
			end = p.stack[i+1].base
		}
		if end == f.base {
			break
		}
		if f.n.kind == kindObject {
			path = append(path, p.entries[end-1].key)
		} else {
			path = append(path, end-1-f.base)
		}
	}
	s := path.Pointer()
	const max = 200 // runes: a 512-level pointer would drown the message
	if r := []rune(s); len(r) > max {
		s = string(r[:max/2]) + "…" + string(r[len(r)-max/2:])
	}
	return s
}

// unquote decodes a JSON string literal that the parser has checked.
func unquote(raw string) string {
	if !strings.Contains(raw, `\`) {
		return raw[1 : len(raw)-1]
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return raw[1 : len(raw)-1] // cannot happen: skipString checked the escapes
	}
	return s
}
