package designer

import (
	"fmt"
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

// DOT writes g as a graphviz DOT digraph. The output depends only on g and opts (no map
// iteration, fixed attribute order), so the same document always gives byte-identical DOT and,
// through Renderer.SVG, the same SVG.
//
// The drawing follows AWS Workflow Studio: a "Start" marker points at the StartAt state and
// every ending state (End: true, Succeed, Fail) points at an "End" marker; each marker is left
// out when nothing connects to it. A state's label is its name over its type ("Task
// (callback)" for a .waitForTaskToken Task); a missing target is a dashed red box labelled
// "(missing)". A Parallel or Map state is a cluster that holds the state's own node at the
// top, one inner cluster per branch (the Map's item processor is its single branch) and a
// small join point at the bottom where the branches' ending states meet (a Fail in a branch
// does not: it fails the whole state) and from which the state's Next and Catch edges leave.
// An edge that closes a loop (a polling loop back to its Wait) does not rank its target, so the
// flow still reads from the top down and Start stays first.
//
// Ids (every family has its own prefix, so no two elements share an id):
//
//	state-<escaped name>          a state (NodeID; "_dup<n>" appended for duplicate names)
//	missing-<n>                   a transition target that does not exist, numbered in order
//	marker-start, marker-end      the Start and End markers
//	container-<s>                 the cluster of a Parallel or Map, <s> being its id without "state-"
//	branch<i>-<s>                 the cluster of its branch i (0-based)
//	join-<s>                      its join point
//	edge-<s>-<kind>-<i>           an edge from the state whose id is "state-<s>"; kind is next,
//	                              choice, default or catch (i = position in Choices or Catch, else
//	                              0), or end (to the End marker), branch (to branch i's first
//	                              state) or join (from a branch's ending state to its join point);
//	                              the invisible edge that keeps a join point under its state has
//	                              no id and is not drawn in the SVG
//	edge-start                    the edge from the Start marker
//
// Classes, to which graphviz prepends "node", "edge" or "cluster" in the SVG:
//
//	state state-<type>            a state; type is pass, task, choice, wait, succeed, fail,
//	                              parallel, map, or unknown; a callback Task adds state-callback
//	missing                       a missing target
//	marker marker-start|marker-end
//	container container-parallel|container-map, branch, join
//	edge-<kind>                   an edge, kind as in its id
//
// Colours are set as graphviz attributes, so the SVG reads well alone (exported files); a
// page's CSS overrides them, because CSS beats SVG presentation attributes.
func DOT(g Graph, opts DOTOptions) string {
	rankdir := TopToBottom
	if opts.Direction == LeftToRight {
		rankdir = LeftToRight
	}
	// Catch edges leave from the side of the flow, so one that goes where Next goes is not
	// drawn on top of it (and a drop on either is unambiguous).
	w := &dotWriter{catchPort: "e"}
	if rankdir == LeftToRight {
		w.catchPort = "s"
	}
	w.line(0, `digraph "stepstudio" {`)
	w.line(1, `graph [rankdir=%s, bgcolor="transparent", fontname="Helvetica", fontsize=10, nodesep=0.35, ranksep=0.4];`, rankdir)
	w.line(1, `node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", penwidth=1.2, margin="0.16,0.06"];`)
	w.line(1, `edge [fontname="Helvetica", fontsize=9, color="#6b7280", fontcolor="#374151", arrowsize=0.7];`)

	// The markers are drawn only when something connects to them: a lone End marker would
	// float at the top of the drawing.
	var start *Node
	ends := false
	for i, n := range g.Nodes {
		if n.Start && start == nil {
			start = &g.Nodes[i]
		}
		ends = ends || n.End && !n.Missing
	}
	if start != nil {
		w.line(1, `"marker-start" [id="marker-start", class="marker marker-start", label="Start", %s];`, markerStyle)
	}
	w.nodes(g, 1)
	if ends {
		w.line(1, `"marker-end" [id="marker-end", class="marker marker-end", label="End", %s];`, markerStyle)
	}
	if start != nil {
		w.line(1, `"marker-start" -> %q [id="edge-start", class="edge-start", color="#9ca3af"];`, start.ID)
	}
	w.edges(g, "marker-end")
	w.line(0, "}")
	return w.b.String()
}

// markerStyle draws the Start and End markers as small dark pills, unlike any state.
const markerStyle = `shape=oval, width=0.6, height=0.3, fontsize=9, fillcolor="#374151", color="#374151", fontcolor="#ffffff"`

// dotWriter accumulates DOT text.
type dotWriter struct {
	b         strings.Builder
	catchPort string // the compass point Catch edges leave their state from
}

func (w *dotWriter) line(indent int, format string, args ...any) {
	for range indent {
		w.b.WriteString("  ")
	}
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// nodeStyle is how a state type is drawn.
type nodeStyle struct {
	class, shape, style, fill, stroke string
}

// styleOf picks a node's class and look. The fill says what a state does at a glance (blue
// work, yellow waiting on a person, purple time, green and red outcomes); Choice alone is a
// hexagon because it is the only state whose edges mean alternatives.
func styleOf(n Node) nodeStyle {
	switch n.Type {
	case "Task":
		if n.Callback {
			return nodeStyle{"state state-task state-callback", "box", "rounded,filled", "#fef9c3", "#ca8a04"}
		}
		return nodeStyle{"state state-task", "box", "rounded,filled", "#dbeafe", "#2563eb"}
	case "Pass":
		return nodeStyle{"state state-pass", "box", "rounded,filled", "#f3f4f6", "#6b7280"}
	case "Choice":
		return nodeStyle{"state state-choice", "hexagon", "filled", "#ffedd5", "#ea580c"}
	case "Wait":
		return nodeStyle{"state state-wait", "box", "rounded,filled", "#ede9fe", "#7c3aed"}
	case "Succeed":
		return nodeStyle{"state state-succeed", "box", "rounded,filled,bold", "#dcfce7", "#16a34a"}
	case "Fail":
		return nodeStyle{"state state-fail", "box", "rounded,filled,bold", "#fee2e2", "#dc2626"}
	case "Parallel":
		return nodeStyle{"state state-parallel", "box", "rounded,filled", "#e0e7ff", "#4f46e5"}
	case "Map":
		return nodeStyle{"state state-map", "box", "rounded,filled", "#e0e7ff", "#4f46e5"}
	}
	return nodeStyle{"state state-unknown", "box", "rounded,filled", "#ffffff", "#9ca3af"}
}

// nodes declares the nodes of g, each Parallel and Map as a cluster around its branches.
// Declaring a node inside a subgraph is what puts it in that cluster.
func (w *dotWriter) nodes(g Graph, indent int) {
	for _, n := range g.Nodes {
		if n.Missing {
			w.line(indent, `%q [id=%q, class="missing", label=%s, style="rounded,dashed", color="#dc2626", fontcolor="#dc2626"];`,
				n.ID, n.ID, nodeLabel(n.Name, "(missing)", "#dc2626"))
			continue
		}
		s := styleOf(n)
		typ := n.Type
		switch {
		case typ == "":
			typ = "(no Type)"
		case n.Callback:
			typ = "Task (callback)"
		}
		// Shape and style are written only where they differ from the node defaults: every
		// byte of DOT stays in graphviz's memory for good (see Renderer).
		look := ""
		if s.shape != "box" {
			look += ", shape=" + s.shape
		}
		if s.style != "rounded,filled" {
			look += fmt.Sprintf(", style=%q", s.style)
		}
		state := fmt.Sprintf(`%q [id=%q, class=%q, label=%s%s, fillcolor=%q, color=%q];`,
			n.ID, n.ID, s.class, nodeLabel(n.Name, typ, "#4b5563"), look, s.fill, s.stroke)
		if len(n.Branches) == 0 {
			w.line(indent, "%s", state)
			continue
		}
		base := strings.TrimPrefix(n.ID, "state-")
		kind := strings.ToLower(n.Type)
		w.line(indent, `subgraph "cluster_container-%s" {`, base)
		w.line(indent+1, `id="container-%s"; class="container container-%s"; label=""; style="rounded"; color="#4f46e5"; margin=10;`, base, kind)
		w.line(indent+1, "%s", state)
		for i, br := range n.Branches {
			label := "Branch " + strconv.Itoa(i+1)
			if n.Type == "Map" {
				label = "Item processor"
			}
			w.line(indent+1, `subgraph "cluster_branch%d-%s" {`, i, base)
			w.line(indent+2, `id="branch%d-%s"; class="branch"; label=%q; labeljust="l"; style="rounded,dashed"; color="#a5b4fc"; fontcolor="#6b7280";`, i, base, label)
			w.nodes(br, indent+2)
			w.line(indent+1, "}")
		}
		w.line(indent+1, `"join-%s" [id="join-%s", class="join", label="", shape=point, width=0.1, color="#4f46e5"];`, base, base)
		w.line(indent, "}")
	}
}

// edges writes the edges of g and of its branches. end is the node that g's ending states
// point at: the End marker for the machine, the join point for a branch.
func (w *dotWriter) edges(g Graph, end string) {
	byName := make(map[string]Node, len(g.Nodes)) // looked up only, never iterated
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	for _, n := range g.Nodes {
		if len(n.Branches) == 0 {
			continue
		}
		base := strings.TrimPrefix(n.ID, "state-")
		join := "join-" + base
		// Keeps the join point under the state even when no branch reaches it (a branch that
		// only fails, or one without states).
		w.line(1, `%q -> %q [style=invis];`, n.ID, join)
		for i, br := range n.Branches {
			for _, first := range br.Nodes {
				if first.Start {
					w.line(1, `%q -> %q [id="edge-%s-branch-%d", class="edge-branch", color="#818cf8"];`, n.ID, first.ID, base, i)
				}
			}
			w.edges(br, join)
		}
	}
	back := backEdges(g)
	for i, e := range g.Edges {
		from, to := byName[e.From], byName[e.To]
		attrs := fmt.Sprintf(`id="edge-%s-%s-%d", class="edge-%s"`, strings.TrimPrefix(from.ID, "state-"), e.Kind, e.Index, e.Kind)
		if back[i] {
			// A loop back to an earlier state must not rank that state below the loop: dot
			// would otherwise break the cycle wherever its own search meets it, and a polling
			// loop could put the Start marker halfway down the drawing.
			attrs += ", constraint=false"
		}
		if e.Label != "" {
			attrs += fmt.Sprintf(`, label="%s"`, dotEscape(e.Label))
		}
		if e.Kind == EdgeCatch {
			// Dashed and red: the path taken only when something went wrong.
			attrs += `, style=dashed, color="#dc2626", fontcolor="#b91c1c", tailport=` + w.catchPort
		}
		w.line(1, `%q -> %q [%s];`, exitOf(from), to.ID, attrs)
	}
	for _, n := range g.Nodes {
		if !n.End || n.Missing {
			continue
		}
		kind, color := "end", "#9ca3af"
		if end != "marker-end" {
			if n.Type == "Fail" {
				// A Fail in a branch fails the whole Parallel or Map (its Catch applies); an
				// edge to the join point would say the flow goes on.
				continue
			}
			kind, color = "join", "#818cf8"
		}
		w.line(1, `%q -> %q [id="edge-%s-%s-0", class="edge-%s", color=%q];`,
			exitOf(n), end, strings.TrimPrefix(n.ID, "state-"), kind, kind, color)
	}
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

// nodeLabel is a node's label as a graphviz HTML-like label: the name, and under it the type
// smaller and in typeColor, so the name is what the eye reads first.
func nodeLabel(name, typ, typeColor string) string {
	return "<" + htmlEscape(name) + `<br/><font point-size="9" color="` + typeColor + `">` + htmlEscape(typ) + "</font>>"
}

// htmlEscape makes s text of a graphviz HTML-like label: XML escaping; a backslash doubled,
// because graphviz replaces \N, \G, \E... with object names even in HTML-like labels (checked:
// "\\" shows as one backslash); a newline becomes a line break; other control characters
// become spaces (a NUL would end graphviz's C string).
func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\n':
			b.WriteString("<br/>")
		case unicode.IsControl(r) || r == 0xfffe || r == 0xffff:
			// U+FFFE and U+FFFF are not XML characters: graphviz's HTML parser would reject
			// the label.
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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
