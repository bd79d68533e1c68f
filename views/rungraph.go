package views

import (
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/designer"
)

// RunGraph is what folding a history needs to know of the graph drawn for it: each state's
// node id, type and place (which Map or Parallel holds it, in which branch), and the ids of
// the edges a transition between two states follows. The ids are the SVG's (see
// designer.DOT), so what the fold says can be applied to the drawing as it is.
type RunGraph struct {
	states map[string]graphState
	// members are, per Map or Parallel state and branch, the node and edge ids drawn inside
	// it, nested ones included: what a picked iteration or branch scopes.
	members map[string][]Members
}

// Members are the ids of the nodes and edges drawn inside one branch of a Map or Parallel.
type Members struct {
	Nodes []string `json:"nodes"`
	Edges []string `json:"edges"`
}

type graphState struct {
	id, typ string
	end     bool
	// container is the Map or Parallel state whose branch holds the state ("" at the top)
	// and branch that branch's index.
	container string
	branch    int
	out       []designer.Edge
	byName    map[string]designer.Node // the states of the same graph, to name edge ids
}

// NewRunGraph indexes g for folding.
func NewRunGraph(g designer.Graph) RunGraph {
	rg := RunGraph{states: map[string]graphState{}, members: map[string][]Members{}}
	rg.add(g, "", 0)
	return rg
}

// add indexes the states of g, which is branch `branch` of container (or the machine), and
// returns the ids of the nodes and edges drawn for it.
func (rg RunGraph) add(g designer.Graph, container string, branch int) Members {
	byName := map[string]designer.Node{}
	out := map[string][]designer.Edge{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	var m Members
	for _, e := range g.Edges {
		out[e.From] = append(out[e.From], e)
		m.Edges = append(m.Edges, edgeID(byName[e.From], string(e.Kind), e.Index))
	}
	for _, n := range g.Nodes {
		if n.Missing {
			continue
		}
		rg.states[n.Name] = graphState{id: n.ID, typ: n.Type, end: n.End, container: container,
			branch: branch, out: out[n.Name], byName: byName}
		m.Nodes = append(m.Nodes, n.ID)
		if end := rg.endEdge(n.Name); end != "" {
			m.Edges = append(m.Edges, end)
		}
		for i, br := range n.Branches {
			inner := rg.add(br, n.Name, i)
			inner.Edges = append(inner.Edges, rg.branchEdge(n.Name, i))
			rg.members[n.Name] = append(rg.members[n.Name], inner)
			m.Nodes = append(m.Nodes, inner.Nodes...)
			m.Edges = append(m.Edges, inner.Edges...)
		}
	}
	return m
}

func edgeID(from designer.Node, kind string, index int) string {
	return fmt.Sprintf("edge-%s-%s-%d", strings.TrimPrefix(from.ID, "state-"), kind, index)
}

// nodeID is the node of a state, "" for a name the graph does not have.
func (rg RunGraph) nodeID(state string) string { return rg.states[state].id }

// edgeBetween is the edge followed from state `from` to state `to`: a Catch edge when the
// visit of from was caught, else its Next, or the first Choice rule or Default that leads
// there. "" when the graph has none (the definition and the history disagree).
func (rg RunGraph) edgeBetween(from, to string, caught bool) string {
	st, ok := rg.states[from]
	if !ok {
		return ""
	}
	for _, e := range st.out {
		if e.To == to && (e.Kind == designer.EdgeCatch) == caught {
			return edgeID(st.byName[from], string(e.Kind), e.Index)
		}
	}
	return ""
}

// endEdge is the edge from an ending state to the End marker, or to its branch's join point;
// "" for a state that does not end its graph, and for a Fail inside a branch (it fails the
// whole Map or Parallel, so no edge goes on from it).
func (rg RunGraph) endEdge(state string) string {
	st, ok := rg.states[state]
	if !ok || !st.end {
		return ""
	}
	if st.container == "" {
		return edgeID(st.byName[state], "end", 0)
	}
	if st.typ == "Fail" {
		return ""
	}
	return edgeID(st.byName[state], "join", 0)
}

// branchEdge is the edge from a Map or Parallel state to the first state of its branch i.
func (rg RunGraph) branchEdge(container string, i int) string {
	return fmt.Sprintf("edge-%s-branch-%d", strings.TrimPrefix(rg.nodeID(container), "state-"), i)
}
