package designer

import (
	"math"
	"strings"
)

// A state's Comment is drawn as a note pinned to its node: a small sticky note on the same rank
// as the state (beside it top-down, under it left-right), joined to it by a short dashed line.
// It is a graphviz node of its own, so the layout makes room for it; the page finds it by its
// id ("note-" + the state's id) and its data-node attribute to edit the Comment in place.

// Sizes and look of a note.
const (
	noteFontSize = 8
	// noteWidth and noteMaxLines bound a note to a few short lines: enough to read what the
	// comment says, not so much that the notes outgrow the states. The full text is the
	// note's tooltip.
	noteWidth    = 28
	noteMaxLines = 4
	noteFold     = 6 // the size of the folded corner
	notePad      = 5 // the space between the note's border and its text
	// noteWidthStep is the step, in points, by which a note's width grows.
	noteWidthStep = 18
	noteFill      = "#fefce8"
	noteStroke    = "#d6b656"
	noteText      = "#57534e"
)

// noteLines wraps a comment into at most noteMaxLines lines of at most noteWidth runes,
// breaking at spaces (a longer word is cut), keeping the comment's own line breaks, and
// ending in "…" when it cut text off. A comment of only spaces has no lines, and so no note.
func noteLines(comment string) []string {
	var lines []string
	for _, para := range strings.Split(comment, "\n") {
		line := []rune(nil)
		for _, word := range strings.Fields(para) {
			w := []rune(word)
			for len(w) > 0 {
				switch {
				case len(line) == 0 && len(w) <= noteWidth:
					line, w = w, nil
				case len(line) > 0 && len(line)+1+len(w) <= noteWidth:
					line, w = append(append(line, ' '), w...), nil
				case len(line) > 0:
					lines, line = append(lines, string(line)), nil
				default: // a word longer than a line
					lines, w = append(lines, string(w[:noteWidth])), w[noteWidth:]
				}
			}
		}
		if len(line) > 0 {
			lines = append(lines, string(line))
		}
	}
	if len(lines) > noteMaxLines {
		last := []rune(lines[noteMaxLines-1])
		if len(last) > noteWidth-1 {
			last = last[:noteWidth-1]
		}
		lines = append(lines[:noteMaxLines-1], strings.TrimRight(string(last), " ")+"…")
	}
	return lines
}

// hasNote reports whether the drawing pins a note to n.
func (w *sceneWriter) hasNote(n Node) bool {
	return !w.hideNotes && !n.Missing && len(noteLines(n.Comment)) > 0
}

// note adds the note of state n, declared where n is so it sits in the same cluster, and
// keeps it on n's rank. Its width is labelWidth's estimate of the text (which errs wide) plus
// the padding and the fold, asked of graphviz as a minimum: the text is drawn from the left,
// and must clear the folded corner in a browser whose sans-serif font is wider than Helvetica.
func (w *sceneWriter) note(indent int, n Node, cluster int) {
	lines := noteLines(n.Comment)
	sn := sceneNode{id: "note-" + n.ID, class: "note", shape: "note", fill: noteFill, stroke: noteStroke,
		cluster: cluster, title: n.Comment, of: n.ID}
	widest := 0.0
	for _, l := range lines {
		sn.lines = append(sn.lines, textLine{l, noteFontSize, noteText})
		widest = max(widest, labelWidth(l, noteFontSize))
	}
	w.s.nodes = append(w.s.nodes, sn)
	// graphviz is given the note's size, not its text (the SVG writes the text): typing in a
	// note changes the layout's input, and so costs a layout, only when the note grows by a
	// line or by a step of noteWidthStep, not at every key.
	width := math.Ceil((widest+2*notePad+noteFold)/noteWidthStep) * noteWidthStep / 72 // DOT sizes are in inches
	height := max(0.3, (float64(len(lines))*noteFontSize*1.2+2*notePad)/72)
	w.line(indent, `%q [label="", shape=note, fixedsize=true, width=%.2f, height=%.2f];`, sn.id, width, height)
	w.line(indent, `{rank=same; %q; %q}`, n.ID, sn.id)
}

// noteLinks adds the dashed line between each state of g (not of its branches) and its note.
// A line between two nodes of one rank puts its tail first (left top-down, above left-right),
// so a note goes after its state, except beside a state with Catch edges: those leave from
// that side (catchPort), and the note goes before it, out of their way.
func (w *sceneWriter) noteLinks(g Graph) {
	catches := map[string]bool{} // looked up only
	for _, e := range g.Edges {
		catches[e.From] = catches[e.From] || e.Kind == EdgeCatch
	}
	for _, n := range g.Nodes {
		if !w.hasNote(n) {
			continue
		}
		e := sceneEdge{id: "note-link-" + strings.TrimPrefix(n.ID, "state-"), class: "note-link", from: n.ID, to: "note-" + n.ID,
			color: noteStroke, dashed: true, link: true}
		if catches[n.Name] {
			e.from, e.to = e.to, e.from
		}
		w.edge(e)
	}
}

// note draws a note: a sticky note with a folded top-right corner, its lines from the left,
// the whole comment as its tooltip.
func (w *svgWriter) note(n sceneNode, bx box) {
	w.s(`<g id="`, n.id, `" class="note" data-node="`, n.of, "\">\n<title>")
	for i, l := range strings.Split(n.title, "\n") {
		if i > 0 {
			w.s("\n")
		}
		w.s(xmlText(l))
	}
	w.s("</title>\n")
	x0, x1, y0, y1 := bx.x-bx.w/2, bx.x+bx.w/2, bx.y-bx.h/2, bx.y+bx.h/2
	w.s(`<path fill="`, n.fill, `" stroke="`, n.stroke, `" d="M`)
	w.pt(x0, y0)
	w.s("H")
	w.n(x1 - noteFold)
	w.s("L")
	w.pt(x1, y0+noteFold)
	w.s("V")
	w.n(y1)
	w.s("H")
	w.n(x0)
	w.s("Z\"/>\n")
	w.s(`<path fill="none" stroke="`, n.stroke, `" d="M`)
	w.pt(x1-noteFold, y0)
	w.s("V")
	w.n(y0 + noteFold)
	w.s("H")
	w.n(x1)
	w.s("\"/>\n")
	top := bx.y - float64(len(n.lines))*noteFontSize*1.2/2
	for _, l := range n.lines {
		w.text(x0+notePad, top+noteFontSize*0.8+0.5, l.size, "", l.color, l.text)
		top += noteFontSize * 1.2
	}
	w.s("</g>\n")
}
