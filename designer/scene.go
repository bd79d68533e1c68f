package designer

import (
	"fmt"
	"strconv"
	"strings"
)

// A scene is everything a drawing of a Graph shows, built once per drawing: the DOT text that
// graphviz lays out, and the look of each node, cluster and edge that the SVG writer draws at
// the positions graphviz returns.
//
// Graphviz only computes geometry. Its own SVG output would cost as much again as the layout
// inside WebAssembly (about 15 of 50 ms for 200 states), so the DOT carries only what changes
// the geometry (labels, shapes, sizes, ports, ranking) and the SVG is written here, in Go.
// Edges are numbered in the DOT through their colour ("#000007" is edge 7), which graphviz's
// plain output repeats: an edge is found again even when two edges join the same nodes.
type scene struct {
	dot      string
	nodes    []sceneNode    // in DOT order
	clusters []sceneCluster // in DOT order: a cluster comes before the clusters inside it
	edges    []sceneEdge    // by number
}

// sceneNode is how one node is drawn.
type sceneNode struct {
	id, class    string
	shape        string // "box" (rounded), "hexagon", "oval" or "point"
	fill, stroke string
	bold, dashed bool
	lines        []textLine // the label, top to bottom
	cluster      int        // the innermost cluster holding the node, -1 for none
	// title and of are a note's: the whole comment, and the id of the state it belongs to.
	title, of string
}

// textLine is one line of a node's label.
type textLine struct {
	text  string
	size  float64 // font size in points
	color string  // "" = black
}

// sceneCluster is a Parallel's or Map's container, or one of its branches.
type sceneCluster struct {
	id, class, label  string
	stroke, fontColor string
	dashed            bool
	parent            int // -1 for a top-level container
}

// sceneEdge is how one edge is drawn.
type sceneEdge struct {
	id, class        string
	from, to         string // DOT node names
	label            string
	color, fontColor string
	dashed           bool
	invisible        bool // laid out, never drawn: it only keeps a join point under its state
	loose            bool // closes a loop, so it does not rank its target (constraint=false)
	tailPort         string
	link             bool // joins a note to its state: no arrowhead, and not an "edge" (no drop target)
}

// Sizes of the drawing, in points.
const (
	nameFontSize   = 11
	typeFontSize   = 9
	markerFontSize = 9
	edgeFontSize   = 9
	branchFontSize = 10
	// clusterMargin is the space between a cluster's border and what it holds (DOT margin).
	clusterMargin = 10
)

// DOT writes the graphviz DOT digraph that lays out g. The output depends only on g and opts
// (no map iteration, fixed attribute order), so the same document always gives byte-identical
// DOT and, through Renderer.Draw, the same SVG. It carries geometry only; colours and classes
// are the SVG writer's (see scene).
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
// flow still reads from the top down and Start stays first. A state's Comment is a note beside
// it (see note.go), unless opts.HideNotes.
//
// Ids in the SVG (every family has its own prefix, so no two elements share an id; the DOT
// node names are the same ids):
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
//	note-<state id>               the note of a state's Comment, with data-node="<state id>"
//	note-link-<s>                 the dashed line from the state whose id is "state-<s>" to its
//	                              note (class note-link, not edge: no state is dropped on it)
//
// Classes in the SVG, after "node", "edge" or "cluster" as graphviz writes them:
//
//	state state-<type>            a state; type is pass, task, choice, wait, succeed, fail,
//	                              parallel, map, or unknown; a callback Task adds state-callback
//	missing                       a missing target
//	marker marker-start|marker-end
//	container container-parallel|container-map, branch, join
//	edge-<kind>                   an edge, kind as in its id
//
// A note's <g> has the class "note" alone (it is not a node the page selects or drags).
func DOT(g Graph, opts DOTOptions) string {
	return newScene(g, opts).dot
}

// newScene builds the scene of g and writes its DOT.
func newScene(g Graph, opts DOTOptions) *scene {
	rankdir := TopToBottom
	if opts.Direction == LeftToRight {
		rankdir = LeftToRight
	}
	// Catch edges leave from the side of the flow, so one that goes where Next goes is not
	// drawn on top of it (and a drop on either is unambiguous).
	s := &scene{}
	w := &sceneWriter{s: s, catchPort: "e", hideNotes: opts.HideNotes}
	if rankdir == LeftToRight {
		w.catchPort = "s"
	}
	w.line(0, `digraph "stepstudio" {`)
	w.line(1, `graph [rankdir=%s, fontname="Helvetica", fontsize=%d, nodesep=0.35, ranksep=0.4];`, rankdir, branchFontSize)
	w.line(1, `node [fontname="Helvetica", fontsize=%d, shape=box, margin="0.16,0.06"];`, nameFontSize)
	w.line(1, `edge [fontname="Helvetica", fontsize=%d, arrowsize=0.7];`, edgeFontSize)

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
		w.marker(1, "marker-start", "Start")
	}
	w.nodes(g, 1, -1)
	if ends {
		w.marker(1, "marker-end", "End")
	}
	if start != nil {
		w.edge(sceneEdge{id: "edge-start", class: "edge-start", from: "marker-start", to: start.ID, color: "#9ca3af"})
	}
	w.edges(g, "marker-end")
	w.line(0, "}")
	s.dot = w.b.String()
	return s
}

// sceneWriter accumulates a scene and its DOT text.
type sceneWriter struct {
	s         *scene
	b         strings.Builder
	catchPort string // the compass point Catch edges leave their state from
	hideNotes bool
}

func (w *sceneWriter) line(indent int, format string, args ...any) {
	for range indent {
		w.b.WriteString("  ")
	}
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// marker adds the Start or End marker: a small dark pill, unlike any state.
func (w *sceneWriter) marker(indent int, id, label string) {
	w.s.nodes = append(w.s.nodes, sceneNode{id: id, class: "marker " + id, shape: "oval", fill: "#374151", stroke: "#374151",
		lines: []textLine{{label, markerFontSize, "#ffffff"}}, cluster: -1})
	w.line(indent, `%q [label=%q, shape=oval, width=0.6, height=0.3, fontsize=%d];`, id, label, markerFontSize)
}

// nodeStyle is how a state type is drawn.
type nodeStyle struct {
	class, shape, fill, stroke string
	bold                       bool
}

// styleOf picks a node's class and look. The fill says what a state does at a glance (blue
// work, yellow waiting on a person, purple time, green and red outcomes); Choice alone is a
// hexagon because it is the only state whose edges mean alternatives.
func styleOf(n Node) nodeStyle {
	switch n.Type {
	case "Task":
		if n.Callback {
			return nodeStyle{"state state-task state-callback", "box", "#fef9c3", "#ca8a04", false}
		}
		return nodeStyle{"state state-task", "box", "#dbeafe", "#2563eb", false}
	case "Pass":
		return nodeStyle{"state state-pass", "box", "#f3f4f6", "#6b7280", false}
	case "Choice":
		return nodeStyle{"state state-choice", "hexagon", "#ffedd5", "#ea580c", false}
	case "Wait":
		return nodeStyle{"state state-wait", "box", "#ede9fe", "#7c3aed", false}
	case "Succeed":
		return nodeStyle{"state state-succeed", "box", "#dcfce7", "#16a34a", true}
	case "Fail":
		return nodeStyle{"state state-fail", "box", "#fee2e2", "#dc2626", true}
	case "Parallel":
		return nodeStyle{"state state-parallel", "box", "#e0e7ff", "#4f46e5", false}
	case "Map":
		return nodeStyle{"state state-map", "box", "#e0e7ff", "#4f46e5", false}
	}
	return nodeStyle{"state state-unknown", "box", "#ffffff", "#9ca3af", false}
}

// state adds a node for a state (or a missing target) and writes its DOT line. The label is
// the name over the type; graphviz sizes it as two lines of the name's font, a little wider
// than the smaller type line needs.
func (w *sceneWriter) state(indent int, n Node, cluster int) {
	// A newline in a name is a line break, in graphviz's sizing as in the drawing.
	var name []textLine
	for _, part := range strings.Split(n.Name, "\n") {
		name = append(name, textLine{part, nameFontSize, ""})
	}
	var sn sceneNode
	if n.Missing {
		for i := range name {
			name[i].color = "#dc2626"
		}
		sn = sceneNode{id: n.ID, class: "missing", shape: "box", stroke: "#dc2626", dashed: true,
			lines: append(name, textLine{"(missing)", typeFontSize, "#dc2626"})}
	} else {
		st := styleOf(n)
		typ := n.Type
		switch {
		case typ == "":
			typ = "(no Type)"
		case n.Callback:
			typ = "Task (callback)"
		}
		sn = sceneNode{id: n.ID, class: st.class, shape: st.shape, fill: st.fill, stroke: st.stroke, bold: st.bold,
			lines: append(name, textLine{typ, typeFontSize, "#4b5563"})}
	}
	sn.cluster = cluster
	w.s.nodes = append(w.s.nodes, sn)
	shape := ""
	if sn.shape != "box" {
		shape = ", shape=" + sn.shape
	}
	w.line(indent, `%q [label="%s\n%s"%s];`, n.ID, dotEscape(n.Name), dotEscape(sn.lines[len(sn.lines)-1].text), shape)
	if w.hasNote(n) {
		w.note(indent, n, cluster)
	}
}

// nodes declares the nodes of g, each Parallel and Map as a cluster around its branches.
// Declaring a node inside a subgraph is what puts it in that cluster.
func (w *sceneWriter) nodes(g Graph, indent, cluster int) {
	for _, n := range g.Nodes {
		if len(n.Branches) == 0 {
			w.state(indent, n, cluster)
			continue
		}
		base := strings.TrimPrefix(n.ID, "state-")
		container := len(w.s.clusters)
		w.s.clusters = append(w.s.clusters, sceneCluster{id: "container-" + base, class: "container container-" + strings.ToLower(n.Type),
			stroke: "#4f46e5", parent: cluster})
		w.line(indent, `subgraph "cluster_container-%s" {`, base)
		w.line(indent+1, `label=""; margin=%d;`, clusterMargin)
		w.state(indent+1, n, container)
		for i, br := range n.Branches {
			label := "Branch " + strconv.Itoa(i+1)
			if n.Type == "Map" {
				label = "Item processor"
			}
			branch := len(w.s.clusters)
			w.s.clusters = append(w.s.clusters, sceneCluster{id: fmt.Sprintf("branch%d-%s", i, base), class: "branch", label: label,
				stroke: "#a5b4fc", fontColor: "#6b7280", dashed: true, parent: container})
			w.line(indent+1, `subgraph "cluster_branch%d-%s" {`, i, base)
			w.line(indent+2, `label=%q; labeljust="l";`, label)
			w.nodes(br, indent+2, branch)
			w.line(indent+1, "}")
		}
		join := "join-" + base
		w.s.nodes = append(w.s.nodes, sceneNode{id: join, class: "join", shape: "point", fill: "#4f46e5", stroke: "#4f46e5", cluster: container})
		w.line(indent+1, `%q [label="", shape=point, width=0.1];`, join)
		w.line(indent, "}")
	}
}

// edge adds an edge and writes its DOT line, numbered by its colour.
func (w *sceneWriter) edge(e sceneEdge) {
	n := len(w.s.edges)
	w.s.edges = append(w.s.edges, e)
	attrs := fmt.Sprintf(`color="#%06x"`, n)
	if e.invisible {
		attrs += ", style=invis"
	}
	if e.loose {
		attrs += ", constraint=false"
	}
	if e.label != "" {
		attrs += fmt.Sprintf(`, label="%s"`, dotEscape(e.label))
	}
	if e.tailPort != "" {
		attrs += ", tailport=" + e.tailPort
	}
	if e.link {
		attrs += ", dir=none"
	}
	w.line(1, `%q -> %q [%s];`, e.from, e.to, attrs)
}

// edges adds the edges of g and of its branches. end is the node that g's ending states
// point at: the End marker for the machine, the join point for a branch.
func (w *sceneWriter) edges(g Graph, end string) {
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
		w.edge(sceneEdge{from: n.ID, to: join, invisible: true})
		for i, br := range n.Branches {
			for _, first := range br.Nodes {
				if first.Start {
					w.edge(sceneEdge{id: fmt.Sprintf("edge-%s-branch-%d", base, i), class: "edge-branch", from: n.ID, to: first.ID, color: "#818cf8"})
				}
			}
			w.edges(br, join)
		}
	}
	w.noteLinks(g)
	back := backEdges(g)
	for i, e := range g.Edges {
		from, to := byName[e.From], byName[e.To]
		se := sceneEdge{id: fmt.Sprintf("edge-%s-%s-%d", strings.TrimPrefix(from.ID, "state-"), e.Kind, e.Index), class: "edge-" + string(e.Kind),
			from: exitOf(from), to: to.ID, label: e.Label, color: "#6b7280", fontColor: "#374151",
			// A loop back to an earlier state must not rank that state below the loop: dot
			// would otherwise break the cycle wherever its own search meets it, and a polling
			// loop could put the Start marker halfway down the drawing.
			loose: back[i]}
		if e.Kind == EdgeCatch {
			// Dashed and red: the path taken only when something went wrong.
			se.dashed, se.color, se.fontColor, se.tailPort = true, "#dc2626", "#b91c1c", w.catchPort
		}
		w.edge(se)
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
		w.edge(sceneEdge{id: fmt.Sprintf("edge-%s-%s-0", strings.TrimPrefix(n.ID, "state-"), kind), class: "edge-" + kind,
			from: exitOf(n), to: end, color: color})
	}
}
