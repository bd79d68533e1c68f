package designer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Direction is the direction in which the flow of a state machine is laid out.
type Direction string

// The directions DOT supports; the zero Direction is TopToBottom.
const (
	// TopToBottom lays the flow out downwards, as AWS Workflow Studio does.
	TopToBottom Direction = "TB"
	// LeftToRight lays the flow out to the right, which suits long chains on wide screens.
	LeftToRight Direction = "LR"
)

// DOTOptions changes how DOT draws a graph. The zero value is the default drawing.
type DOTOptions struct {
	// Direction of the flow; "" means TopToBottom.
	Direction Direction
	// HideNotes leaves out the notes that show states' Comments; the zero value shows them,
	// so every drawing that does not ask (the execution page, exported SVG) has them.
	HideNotes bool
}

// NodeID is the id of the state named name in the DOT and the SVG (and so in the HTML page
// that inlines the SVG): "state-" followed by the name with every character other than an
// ASCII letter or digit, '-', or a non-ASCII letter or digit escaped. '_' is the escape
// character: '_' itself becomes "__", any other character becomes '_', its code point in
// lowercase hexadecimal, and '_'. For example "Fetch data" gives "state-Fetch_20_data",
// "a_b" gives "state-a__b" and "Überprüfung" stays "state-Überprüfung".
//
// The escaping is injective, so different names never share an id. The result is a valid HTML
// id (never empty, no whitespace), a valid CSS identifier (document.querySelector("#" + id)
// needs no CSS.escape) and needs no escaping in a DOT string. Use it to find a state's <g>
// element in the SVG; a Node's ID field holds it, with a suffix only for duplicate names.
func NodeID(name string) string {
	var b strings.Builder
	b.Grow(len("state-") + len(name))
	b.WriteString("state-")
	for _, r := range name {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-'):
			b.WriteRune(r)
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r == '_':
			b.WriteString("__")
		default:
			b.WriteByte('_')
			b.WriteString(strconv.FormatInt(int64(r), 16))
			b.WriteByte('_')
		}
	}
	return b.String()
}

// backEdges marks the edges of g that close a loop: those reaching a state that is still on
// the path of a depth-first walk of the flow from StartAt (then from any state not reached),
// following edges in document order. The result is aligned with g.Edges.
func backEdges(g Graph) []bool {
	back := make([]bool, len(g.Edges))
	pos := make(map[string]int, len(g.Nodes)) // name -> node index; looked up only
	for i, n := range g.Nodes {
		pos[n.Name] = i
	}
	out := make([][]int, len(g.Nodes)) // node index -> indexes of its edges, in order
	for i, e := range g.Edges {
		out[pos[e.From]] = append(out[pos[e.From]], i)
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(g.Nodes))
	var visit func(n int)
	visit = func(n int) {
		state[n] = onPath
		for _, ei := range out[n] {
			switch to := pos[g.Edges[ei].To]; state[to] {
			case unseen:
				visit(to)
			case onPath:
				back[ei] = true
			}
		}
		state[n] = done
	}
	for i, n := range g.Nodes {
		if n.Start && state[i] == unseen {
			visit(i)
		}
	}
	for i := range g.Nodes {
		if state[i] == unseen {
			visit(i)
		}
	}
	return back
}

// exitOf is the node a state's outgoing edges leave from: the join point of a Parallel or Map,
// whose Next is taken after all its branches, else the state itself.
func exitOf(n Node) string {
	if len(n.Branches) > 0 {
		return "join-" + strings.TrimPrefix(n.ID, "state-")
	}
	return n.ID
}

// dotEscape makes s the content of a quoted DOT string shown as label text. A backslash is
// doubled because graphviz reads \N, \G, \n, \l... in labels; a newline becomes graphviz's
// line break; other control characters become spaces (a NUL would end graphviz's C string).
func dotEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
