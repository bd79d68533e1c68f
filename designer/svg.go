package designer

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode"
)

// svg draws the scene at the positions of lay as an <svg> element alone, ready to be inlined
// in HTML: clusters first (the background), then edges, then nodes on top, where the pointer
// finds them. The elements and classes are graphviz's own (<g class="node ...">, "edge",
// "cluster"), so pages and exported files read the same as graphviz's SVG. Colours are
// presentation attributes, so the SVG reads well alone (exported files); a page's CSS
// overrides them, because CSS beats SVG presentation attributes.
func (s *scene) svg(lay *placement) ([]byte, error) {
	boxes, err := s.clusterBoxes(lay)
	if err != nil {
		return nil, err
	}
	// The drawing's bounds: graphviz's, widened where a cluster's border drawn here reaches
	// further, plus graphviz's own padding of 4 points.
	const pad = 4
	minX, minY, maxX, maxY := 0.0, 0.0, lay.width, lay.height
	for _, b := range boxes {
		minX, minY = math.Min(minX, b.x-b.w/2), math.Min(minY, b.y-b.h/2)
		maxX, maxY = math.Max(maxX, b.x+b.w/2), math.Max(maxY, b.y+b.h/2)
	}
	minX, minY, maxX, maxY = minX-pad, minY-pad, maxX+pad, maxY+pad

	w := &svgWriter{b: make([]byte, 0, 1024+700*len(s.nodes)+500*len(s.edges))}
	w.s(`<svg width="`)
	w.n(maxX - minX)
	w.s(`pt" height="`)
	w.n(maxY - minY)
	w.s(`pt" viewBox="`)
	w.n(minX)
	w.s(" ")
	w.n(minY)
	w.s(" ")
	w.n(maxX - minX)
	w.s(" ")
	w.n(maxY - minY)
	w.s(`" xmlns="http://www.w3.org/2000/svg">` + "\n")
	w.s(`<g id="graph0" class="graph" font-family="Helvetica,sans-Serif">` + "\n")
	for i, c := range s.clusters {
		w.cluster(c, boxes[i])
	}
	for i, e := range s.edges {
		if e.invisible {
			continue
		}
		if i >= len(lay.edges) || len(lay.edges[i].points) < 2 {
			return nil, fmt.Errorf("designer: graphviz did not lay out the edge %s", e.id)
		}
		w.edge(e, lay.edges[i])
	}
	for _, n := range s.nodes {
		nb, ok := lay.nodes[n.id]
		if !ok {
			return nil, fmt.Errorf("designer: graphviz did not lay out the node %s", n.id)
		}
		w.node(n, nb)
	}
	w.s("</g>\n</svg>")
	return w.b, nil
}

// clusterBoxes computes each cluster's border. Graphviz's plain output has no cluster
// bounds, but graphviz made room for them: a border drawn clusterMargin around what the
// cluster holds (its nodes, inner clusters and the edges between its own nodes), with room
// for the label on top, stays inside that room.
func (s *scene) clusterBoxes(lay *placement) ([]box, error) {
	type bounds struct{ x0, y0, x1, y1 float64 }
	inf := math.Inf(1)
	bs := make([]bounds, len(s.clusters))
	for i := range bs {
		bs[i] = bounds{inf, inf, -inf, -inf}
	}
	add := func(c int, x0, y0, x1, y1 float64) {
		for ; c >= 0; c = s.clusters[c].parent {
			b := &bs[c]
			b.x0, b.y0, b.x1, b.y1 = math.Min(b.x0, x0), math.Min(b.y0, y0), math.Max(b.x1, x1), math.Max(b.y1, y1)
		}
	}
	clusterOf := make(map[string]int, len(s.nodes)) // node id -> innermost cluster; looked up only
	for _, n := range s.nodes {
		clusterOf[n.id] = n.cluster
		if n.cluster < 0 {
			continue
		}
		nb, ok := lay.nodes[n.id]
		if !ok {
			return nil, fmt.Errorf("designer: graphviz did not lay out the node %s", n.id)
		}
		add(n.cluster, nb.x-nb.w/2, nb.y-nb.h/2, nb.x+nb.w/2, nb.y+nb.h/2)
	}
	for i, e := range s.edges {
		if e.invisible || i >= len(lay.edges) {
			continue
		}
		from, ok1 := clusterOf[e.from]
		to, ok2 := clusterOf[e.to]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("designer: the edge %s joins a node that is not drawn", e.id)
		}
		c := s.commonCluster(from, to)
		if c < 0 {
			continue
		}
		for _, p := range lay.edges[i].points {
			add(c, p.x, p.y, p.x, p.y)
		}
		if g := lay.edges[i]; g.hasLabel {
			w := labelWidth(e.label, edgeFontSize)
			add(c, g.label.x-w/2, g.label.y-edgeFontSize/2, g.label.x+w/2, g.label.y+edgeFontSize/2)
		}
	}
	// Inner clusters first, so each border takes its inner clusters' borders with it.
	boxes := make([]box, len(s.clusters))
	for i := len(s.clusters) - 1; i >= 0; i-- {
		b := bs[i]
		if b.x0 > b.x1 { // nothing inside: graphviz draws nothing either, so neither do we
			continue
		}
		top := float64(clusterMargin)
		if s.clusters[i].label != "" {
			top += branchFontSize * 1.9
		}
		b.x0, b.y0, b.x1, b.y1 = b.x0-clusterMargin, b.y0-top, b.x1+clusterMargin, b.y1+clusterMargin
		if l := s.clusters[i].label; l != "" {
			// Graphviz makes a cluster at least as wide as its label; the label is drawn from
			// the left, so the room is on the right.
			b.x1 = math.Max(b.x1, b.x0+labelWidth(l, branchFontSize)+16)
		}
		boxes[i] = box{(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, b.x1 - b.x0, b.y1 - b.y0}
		if p := s.clusters[i].parent; p >= 0 {
			add(p, b.x0, b.y0, b.x1, b.y1)
		}
	}
	return boxes, nil
}

// commonCluster is the innermost cluster holding both clusters a and b (-1 for none).
func (s *scene) commonCluster(a, b int) int {
	for x := a; x >= 0; x = s.clusters[x].parent {
		for y := b; y >= 0; y = s.clusters[y].parent {
			if x == y {
				return x
			}
		}
	}
	return -1
}

// labelWidth estimates the width of a line of Helvetica, for the room a label needs.
func labelWidth(text string, size float64) float64 {
	return float64(len([]rune(text))) * size * 0.56
}

// svgWriter appends SVG text; its methods take strings and numbers without fmt, which would
// allocate for every attribute of a 200-state drawing.
type svgWriter struct{ b []byte }

// s appends strings; n appends a coordinate with two decimals at most, as graphviz writes them.
func (w *svgWriter) s(parts ...string) {
	for _, p := range parts {
		w.b = append(w.b, p...)
	}
}

func (w *svgWriter) n(f float64) {
	start := len(w.b)
	w.b = strconv.AppendFloat(w.b, f, 'f', 2, 64)
	for w.b[len(w.b)-1] == '0' {
		w.b = w.b[:len(w.b)-1]
	}
	if w.b[len(w.b)-1] == '.' {
		w.b = w.b[:len(w.b)-1]
	}
	if string(w.b[start:]) == "-0" {
		w.b = append(w.b[:start], '0')
	}
}

// pt appends "x,y".
func (w *svgWriter) pt(x, y float64) {
	w.n(x)
	w.b = append(w.b, ',')
	w.n(y)
}

// attr appends ` name="number"`.
func (w *svgWriter) attr(name string, f float64) {
	w.s(" ", name, `="`)
	w.n(f)
	w.s(`"`)
}

// text appends a <text> element; anchor "" is SVG's default (start).
func (w *svgWriter) text(x, y, size float64, anchor, fill, content string) {
	w.s("<text")
	if anchor != "" {
		w.s(` text-anchor="`, anchor, `"`)
	}
	w.attr("x", x)
	w.attr("y", y)
	w.attr("font-size", size)
	if fill != "" {
		w.s(` fill="`, fill, `"`)
	}
	w.s(">", xmlText(content), "</text>\n")
}

func (w *svgWriter) cluster(c sceneCluster, bx box) {
	if bx.w == 0 {
		return
	}
	w.s(`<g id="`, c.id, `" class="cluster `, c.class, "\">\n")
	w.s(`<path fill="none" stroke="`, c.stroke, `"`)
	if c.dashed {
		w.s(` stroke-dasharray="5,2"`)
	}
	w.s(` d="`)
	w.roundedRect(bx, 6)
	w.s("\"/>\n")
	if c.label != "" {
		w.text(bx.x-bx.w/2+8, bx.y-bx.h/2+13, branchFontSize, "", c.fontColor, c.label)
	}
	w.s("</g>\n")
}

func (w *svgWriter) edge(e sceneEdge, g edgeGeometry) {
	kind := "edge "
	if e.link {
		kind = ""
	}
	w.s(`<g id="`, e.id, `" class="`, kind, e.class, "\">\n")
	w.s(`<path fill="none" stroke="`, e.color, `"`)
	if e.dashed {
		w.s(` stroke-dasharray="5,2"`)
	}
	p := g.points
	w.s(` d="M`)
	w.pt(p[0].x, p[0].y)
	for i := 1; i < len(p); i++ {
		if i%3 == 1 {
			w.s("C")
		} else {
			w.s(" ")
		}
		w.pt(p[i].x, p[i].y)
	}
	w.s("\"/>\n")
	if e.link {
		w.s("</g>\n")
		return
	}
	// The arrowhead: graphviz ends the spline where the arrow starts, and the arrow points
	// on along the spline's last direction (arrowsize 0.7 of graphviz's 10-point arrow).
	const length, halfWidth = 7, 2.45
	end := p[len(p)-1]
	dx, dy := end.x-p[len(p)-2].x, end.y-p[len(p)-2].y
	if d := math.Hypot(dx, dy); d > 0 {
		dx, dy = dx/d, dy/d
		w.s(`<polygon fill="`, e.color, `" stroke="`, e.color, `" points="`)
		w.pt(end.x-dy*halfWidth, end.y+dx*halfWidth)
		w.s(" ")
		w.pt(end.x+dx*length, end.y+dy*length)
		w.s(" ")
		w.pt(end.x+dy*halfWidth, end.y-dx*halfWidth)
		w.s("\"/>\n")
	}
	if g.hasLabel {
		w.text(g.label.x, g.label.y+3, edgeFontSize, "middle", e.fontColor, e.label)
	}
	w.s("</g>\n")
}

func (w *svgWriter) node(n sceneNode, bx box) {
	if n.shape == "note" {
		w.note(n, bx)
		return
	}
	w.s(`<g id="`, n.id, `" class="node `, n.class, "\">\n")
	fill, width := n.fill, "1.2"
	if fill == "" {
		fill = "none"
	}
	if n.bold {
		width = "2"
	}
	style := func() {
		w.s(` fill="`, fill, `" stroke="`, n.stroke, `" stroke-width="`, width, `"`)
		if n.dashed {
			w.s(` stroke-dasharray="5,2"`)
		}
	}
	switch n.shape {
	case "oval", "point":
		w.s("<ellipse")
		style()
		w.attr("cx", bx.x)
		w.attr("cy", bx.y)
		w.attr("rx", bx.w/2)
		w.attr("ry", bx.h/2)
		w.s("/>\n")
	case "hexagon":
		x0, x1, y0, y1 := bx.x-bx.w/2, bx.x+bx.w/2, bx.y-bx.h/2, bx.y+bx.h/2
		d := math.Min(bx.w/4, bx.h/2)
		w.s("<polygon")
		style()
		w.s(` points="`)
		for i, p := range []point{{x0, bx.y}, {x0 + d, y0}, {x1 - d, y0}, {x1, bx.y}, {x1 - d, y1}, {x0 + d, y1}} {
			if i > 0 {
				w.s(" ")
			}
			w.pt(p.x, p.y)
		}
		w.s("\"/>\n")
	default:
		w.s("<path")
		style()
		w.s(` d="`)
		w.roundedRect(bx, 6)
		w.s("\"/>\n")
	}
	// The label's lines, centred as a block on the middle of the node, each line as high as
	// graphviz makes it (1.2 times its font size).
	height := 0.0
	for _, l := range n.lines {
		height += l.size * 1.2
	}
	top := bx.y - height/2
	for _, l := range n.lines {
		w.text(bx.x, top+l.size*0.8+0.5, l.size, "middle", l.color, l.text)
		top += l.size * 1.2
	}
	w.s("</g>\n")
}

// roundedRect appends the path of a box with corners of radius r.
func (w *svgWriter) roundedRect(bx box, r float64) {
	x0, x1, y0, y1 := bx.x-bx.w/2, bx.x+bx.w/2, bx.y-bx.h/2, bx.y+bx.h/2
	r = math.Min(r, math.Min(bx.w, bx.h)/2)
	corner := func(x, y float64) {
		w.s("A")
		w.pt(r, r)
		w.s(" 0 0 1 ")
		w.pt(x, y)
	}
	w.s("M")
	w.pt(x0+r, y0)
	w.s("H")
	w.n(x1 - r)
	corner(x1, y0+r)
	w.s("V")
	w.n(y1 - r)
	corner(x1-r, y1)
	w.s("H")
	w.n(x0 + r)
	corner(x0, y1-r)
	w.s("V")
	w.n(y0 + r)
	corner(x0+r, y0)
	w.s("Z")
}

// xmlText escapes s as XML character data; characters XML does not allow (control
// characters, U+FFFE, U+FFFF) become spaces.
func xmlText(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case unicode.IsControl(r) || r == 0xfffe || r == 0xffff:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
