package views

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
)

// StatusLabel is the icon and word shown with a status, so it never rests on colour alone.
// The page script has the same table (static/src/execution-fold.js).
func StatusLabel(status string) string {
	switch status {
	case StateRunning:
		return "▶ in progress"
	case StateWaiting:
		return "‖ waiting for callback"
	case StateSucceeded:
		return "✔ succeeded"
	case StateFailed:
		return "✖ failed"
	case StateCaught:
		return "⚠ caught error"
	case StateAborted:
		return "⊘ aborted"
	}
	return "○ not run"
}

var (
	// stateNode matches a state's group in the SVG up to its box's path: its id and the
	// box's corners (graphviz writes a rounded box as "M x1,y1 H x2 A… x3,y3 V y4 …").
	stateNode = regexp.MustCompile(`<g id="(state-[^"]*)" class="node state[^"]*">\s*<path [^>]*d="M([-\d.]+),([-\d.]+)H[-\d.]+A[^A-Z]*?([-\d.]+),[-\d.]+V([-\d.]+)`)
	edgeGroup = regexp.MustCompile(`<g id="(edge-[^"]*)" class="edge`)
)

// MarkGraph puts the execution's state on the graph's SVG as the page script would: every
// state node gets data-status, a status label (icon and word) under its box and a run count
// badge (shown from two runs), every followed edge data-taken. The script then only updates
// these elements.
func MarkGraph(svg []byte, f *Fold) []byte {
	nodes := f.Nodes("")
	taken := map[string]bool{}
	for _, e := range f.Edges("") {
		taken[e] = true
	}
	var out bytes.Buffer
	rest := svg
	for {
		m := stateNode.FindSubmatchIndex(rest)
		if m == nil {
			break
		}
		id := string(rest[m[2]:m[3]])
		st, ok := nodes[id]
		if !ok {
			st = NodeState{Status: StateNotRun}
		}
		end := bytes.Index(rest[m[1]:], []byte("</g>"))
		if end < 0 {
			break
		}
		end += m[1]
		afterID := m[3] + 1 // just after the id's closing quote
		out.Write(rest[:afterID])
		fmt.Fprintf(&out, ` data-status="%s"`, st.Status)
		out.Write(rest[afterID:end])
		out.WriteString(nodeMarks(num(rest[m[4]:m[5]]), num(rest[m[6]:m[7]]), num(rest[m[8]:m[9]]), num(rest[m[10]:m[11]]), st))
		rest = rest[end:]
	}
	out.Write(rest)
	return edgeGroup.ReplaceAllFunc(out.Bytes(), func(g []byte) []byte {
		id := string(edgeGroup.FindSubmatch(g)[1])
		if taken[id] {
			return bytes.Replace(g, []byte(`<g `), []byte(`<g data-taken="true" `), 1)
		}
		return g
	})
}

func num(b []byte) float64 {
	f, _ := strconv.ParseFloat(string(b), 64)
	return f
}

// nodeMarks draws a node's status label, just under its box on the left, and its count
// badge on its top right corner. x1 is where the top edge's straight part starts (the box
// is rounded with radius 6), x3 the right side, y4 where the right side's straight part ends.
func nodeMarks(x1, top, x3, y4 float64, st NodeState) string {
	left, bottom := x1-6, y4+6
	hidden := ""
	if st.Count < 2 {
		hidden = ` visibility="hidden"`
	}
	return fmt.Sprintf(`<text class="run-label" x="%.2f" y="%.2f" font-size="8">%s</text>`+
		`<g class="run-count"%s><rect x="%.2f" y="%.2f" width="20" height="12" rx="6"/>`+
		`<text x="%.2f" y="%.2f" font-size="8" text-anchor="middle">×%d</text></g>`,
		left, bottom+8, html.EscapeString(StatusLabel(st.Status)),
		hidden, x3-14, top-6, x3-4, top+3, st.Count)
}
