package designer

import (
	"fmt"
	"slices"
	"strings"
)

// style is how a document writes JSON, so that new values look like their neighbours.
type style struct {
	newline string // "\n" or "\r\n"
	unit    string // one level of indentation: "  ", "    ", "\t", ...
	compact bool   // the whole document is on one line: new values are too
	colon   string // between a key and its value: ": " or ":"
	gap     string // after a comma in a one-line container: " " or ""
	// inlineLists: the document writes a list of plain values on one line, as in
	// "ErrorEquals": ["States.ALL"], so a new one is too.
	inlineLists bool
}

// detectStyle reads the style of a parsed document from its text and its top value.
func detectStyle(text string, root *node) style {
	st := style{newline: "\n", unit: "  ", colon: ": ", gap: " "}
	if i := strings.IndexByte(text, '\n'); i > 0 && text[i-1] == '\r' {
		st.newline = "\r\n"
	}
	if root.kind != kindObject && root.kind != kindArray {
		return st
	}
	st.compact = !root.multiline()
	if len(root.members) > 0 && root.kind == kindObject {
		if c := root.members[0].colon; !strings.Contains(c, "\n") {
			st.colon = c
		}
	}
	if st.compact {
		// The gap after commas follows the commas of the top value, or its colon when it has
		// no comma to show: {"a":1} gives "", {"a": 1} gives " ".
		st.gap = st.colon[strings.IndexByte(st.colon, ':')+1:]
		if len(root.members) > 1 {
			sep := root.members[1].sep
			st.gap = sep[strings.IndexByte(sep, ',')+1:]
		}
		return st
	}
	if list := firstList(root); list != nil {
		st.inlineLists = !list.multiline()
	}
	st.unit = indentUnit(root, st.unit)
	return st
}

// indentUnit is the step from a container's line to its members' lines that most of the first
// containers use (the top one alone can mislead: a definition cut out of a bigger file, or an
// odd first line). def is the answer when no container indents its members.
func indentUnit(root *node, def string) string {
	count := map[string]int{}
	best := ""
	queue := []*node{root}
	for seen := 0; len(queue) > 0 && seen < 64; seen++ {
		n := queue[0]
		queue = queue[1:]
		if in := n.memberIndent(); n.multiline() && len(in) > len(n.indent) && strings.HasPrefix(in, n.indent) {
			step := in[len(n.indent):]
			count[step]++
			if count[step] > count[best] {
				best = step
			}
		}
		for _, m := range n.members {
			if m.value.kind == kindObject || m.value.kind == kindArray {
				queue = append(queue, m.value)
			}
		}
	}
	if best == "" {
		return def
	}
	return best
}

// firstList finds the first non-empty array of scalars in document order, nil if none.
// The walk is recursive; Parse bounds its depth.
func firstList(n *node) *node {
	if n.kind != kindObject && n.kind != kindArray {
		return nil
	}
	if n.kind == kindArray && len(n.members) > 0 && scalars(n) {
		return n
	}
	for _, m := range n.members {
		if l := firstList(m.value); l != nil {
			return l
		}
	}
	return nil
}

// scalars reports a container whose members are all scalars.
func scalars(n *node) bool {
	for _, m := range n.members {
		if m.value.kind == kindObject || m.value.kind == kindArray {
			return false
		}
	}
	return true
}

// multiline reports a container that puts its members on lines of their own.
func (n *node) multiline() bool {
	if strings.Contains(n.lead, "\n") {
		return true
	}
	return len(n.members) > 1 && strings.Contains(n.members[1].sep, "\n")
}

// memberIndent is the indentation of a parsed container's member lines; its own line's
// indentation when no member starts a line.
func (n *node) memberIndent() string {
	gap := n.lead
	if !strings.Contains(gap, "\n") && len(n.members) > 1 {
		gap = n.members[1].sep
	}
	if i := strings.LastIndexByte(gap, '\n'); i >= 0 {
		return gap[i+1:]
	}
	return n.indent
}

// render writes a tree in style st, starting on a line indented by indent.
func render(n *node, st style, indent string) string {
	w := &writer{st: st, indent: indent}
	w.value(n, st.compact)
	return string(w.buf)
}

// writer renders a tree. It tracks the indentation of the line being written, so that a value
// lands at the depth of the place it is written to, wherever it came from.
type writer struct {
	buf    []byte
	st     style
	indent string // leading whitespace of the current line
}

// write appends text, noting the new line's indentation when it starts one.
func (w *writer) write(s string) {
	w.buf = append(w.buf, s...)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		rest := s[i+1:]
		w.indent = rest[:len(rest)-len(strings.TrimLeft(rest, " \t"))]
	}
}

// value writes n. inline says the container n is written in puts its members on one line,
// which a new container then does too.
func (w *writer) value(n *node, inline bool) {
	switch {
	case n.kind != kindObject && n.kind != kindArray:
		w.buf = append(w.buf, n.text...) // scalars never hold a line break
	case n.fresh:
		w.freshContainer(n, inline)
	case !n.edited:
		// As parsed: the source text, moved as a block when it lands at another depth.
		w.write(shift(n.text, n.indent, w.indent))
	default:
		w.editedContainer(n)
	}
}

// editedContainer writes a parsed container member by member, keeping the text between them
// (shifted to the depth it lands at), so that only changed members read differently.
func (w *writer) editedContainer(n *node) {
	from, to := n.indent, w.indent
	open, close := "{", "}"
	if n.kind == kindArray {
		open, close = "[", "]"
	}
	w.write(open)
	if len(n.members) == 0 {
		w.write(shift(n.lead, from, to))
		w.write(close)
		return
	}
	inline := !n.multiline()
	w.write(shift(n.lead, from, to))
	for i, m := range n.members {
		if i > 0 {
			w.write(shift(m.sep, from, to))
		}
		if n.kind == kindObject {
			w.write(m.rawKey)
			w.write(shift(m.colon, from, to))
		}
		w.value(m.value, inline)
	}
	w.write(shift(n.trail, from, to))
	w.write(close)
}

// freshContainer writes a container created by an edit in the document's style: one member
// per line, indented one unit deeper than the line it starts on, or all on one line in a
// one-line document or container.
func (w *writer) freshContainer(n *node, inline bool) {
	open, close := "{", "}"
	if n.kind == kindArray {
		open, close = "[", "]"
	}
	w.write(open)
	if len(n.members) == 0 {
		w.write(close)
		return
	}
	base := w.indent
	inline = inline || n.kind == kindArray && w.st.inlineLists && scalars(n)
	for i, m := range n.members {
		if i > 0 {
			w.write(",")
			if inline {
				w.write(w.st.gap)
			}
		}
		if !inline {
			w.write(w.st.newline + base + w.st.unit)
		}
		if n.kind == kindObject {
			w.write(keyText(m))
			w.write(w.st.colon)
		}
		w.value(m.value, inline)
	}
	if !inline {
		w.write(w.st.newline + base)
	}
	w.write(close)
}

// keyText is a member's key as written, or quoted when an edit made the member.
func keyText(m entry) string {
	if m.rawKey != "" {
		return m.rawKey
	}
	return quote(m.key)
}

// shift moves text that sat on lines indented by from to lines indented by to. JSON strings
// cannot hold a line break, so every line break in a value's text is layout and the shift
// never changes a string.
func shift(s, from, to string) string {
	if from == to || !strings.Contains(s, "\n") {
		return s
	}
	return strings.ReplaceAll(s, "\n"+from, "\n"+to)
}

// editor makes one edit of a Document. Nodes of the document are shared and never changed:
// the editor copies a node the first time it changes it (and every node on the path to it),
// then changes its copy in place, so one edit costs time in proportion to what it touches,
// and the document it started from stays as it was.
type editor struct {
	doc   *Document
	root  *node
	owned map[*node]bool // copies made by this editor, which it may change
}

func newEditor(d *Document) *editor {
	return &editor{doc: d, root: d.root, owned: map[*node]bool{}}
}

// own returns a copy of n that this editor may change.
func (e *editor) own(n *node) *node {
	if e.owned[n] {
		return n
	}
	c := *n
	c.members = slices.Clone(n.members)
	if n.layout != nil {
		l := *n.layout
		c.layout = &l
	}
	if !c.fresh {
		c.edited = true
	}
	e.owned[&c] = true
	return &c
}

// node returns the node at p as the edit has made it so far.
func (e *editor) node(p Path) (*node, error) {
	n, _, err := lookup(e.root, p)
	return n, err
}

// mutable returns a changeable copy of the node at p, linked into the edited tree.
func (e *editor) mutable(p Path) (*node, error) {
	if e.root == nil { // the zero Document
		return nil, fmt.Errorf("%w at %s: the document is empty", ErrNotFound, p)
	}
	e.root = e.own(e.root)
	n := e.root
	for i, step := range p {
		m := n.child(step)
		if m == nil {
			return nil, fmt.Errorf("%w at %s", ErrNotFound, p[:i+1])
		}
		m.value = e.own(m.value)
		n = m.value
	}
	return n, nil
}

// set puts v at p: see Document.Set.
func (e *editor) set(p Path, v *node) error {
	if len(p) == 0 {
		e.root = v
		return nil
	}
	parent, err := e.mutable(p[:len(p)-1])
	if err != nil {
		return err
	}
	switch step := p[len(p)-1].(type) {
	case string:
		if parent.kind != kindObject {
			return fmt.Errorf("designer: cannot set %s: %s is not an object", p, p[:len(p)-1])
		}
		if i := parent.find(step); i >= 0 {
			parent.members[i].value = v
		} else {
			e.insertMember(parent, len(parent.members), step, v)
		}
	case int:
		if parent.kind != kindArray {
			return fmt.Errorf("designer: cannot set %s: %s is not an array", p, p[:len(p)-1])
		}
		switch {
		case step >= 0 && step < len(parent.members):
			parent.members[step].value = v
		case step == len(parent.members):
			e.insertMember(parent, step, "", v)
		default:
			return fmt.Errorf("designer: cannot set %s: the array has %d elements", p, len(parent.members))
		}
	default:
		return fmt.Errorf("designer: path element %v is neither a key nor an index", step)
	}
	return nil
}

// delete removes the value at p.
func (e *editor) delete(p Path) error {
	if len(p) == 0 {
		return fmt.Errorf("designer: cannot delete the whole document")
	}
	if _, err := e.node(p); err != nil {
		return err
	}
	parent, err := e.mutable(p[:len(p)-1])
	if err != nil {
		return err
	}
	i, _ := p[len(p)-1].(int)
	if key, ok := p[len(p)-1].(string); ok {
		i = parent.find(key)
	}
	removeMember(parent, i)
	return nil
}

// insertMember inserts a member at position pos of an owned container. In a parsed container
// the new member copies the separator and colon its neighbours use, so it reads like them.
func (e *editor) insertMember(n *node, pos int, key string, v *node) {
	m := entry{key: key, value: v}
	if n.kind == kindObject {
		m.rawKey = quote(key)
		m.colon = e.doc.style.colon
	}
	if !n.fresh {
		st := e.doc.style
		if len(n.members) == 0 {
			n.lead, n.trail = "", ""
			if !st.compact {
				n.lead = st.newline + n.indent + st.unit
				n.trail = st.newline + n.indent
			}
		} else {
			if n.kind == kindObject {
				m.colon = n.members[0].colon
			}
			between := n.betweenSep(st)
			if pos == 0 {
				n.members[0].sep = between
			} else {
				m.sep = between
			}
		}
	}
	n.members = slices.Insert(n.members, pos, m)
}

// betweenSep is the separator that goes between two members of parsed container n.
func (n *node) betweenSep(st style) string {
	if len(n.members) > 1 {
		return n.members[1].sep
	}
	if n.multiline() {
		return "," + st.newline + n.memberIndent()
	}
	return "," + st.gap
}

// removeMember removes member i of an owned container, keeping the text around the others.
func removeMember(n *node, i int) {
	if i == 0 && len(n.members) > 1 {
		n.members[1].sep = ""
	}
	n.members = slices.Delete(n.members, i, i+1)
	if len(n.members) == 0 && n.layout != nil {
		n.lead, n.trail = "", ""
	}
}

// renameMember changes the key of member i of an owned object, keeping its value as it is.
func renameMember(n *node, i int, key string) {
	n.members[i].key = key
	n.members[i].rawKey = quote(key)
}

// document renders the edited tree and parses the result, so every edit's result is checked
// JSON and a Document always knows the source text of all its values.
func (e *editor) document() (*Document, error) {
	if e.root == e.doc.root {
		return e.doc, nil
	}
	lead := e.doc.lead
	text := lead + render(e.root, e.doc.style, lead[strings.LastIndexByte(lead, '\n')+1:]) + e.doc.trail
	d, err := parseString(text)
	if err != nil {
		// Only nesting beyond MaxDepth can get here: every piece written is valid JSON.
		return nil, fmt.Errorf("designer: the edit gives a document that cannot be read back: %w", err)
	}
	return d, nil
}
