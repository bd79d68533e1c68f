package designer

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// placement is where graphviz put the nodes and edges of a scene, read from its "plain" output:
// in points, with y growing downwards as in SVG, the origin at the top left of graphviz's
// bounding box. It is shared through the Renderer's cache, so it is never modified.
type placement struct {
	width, height float64
	nodes         map[string]box // by DOT node name; looked up, never iterated
	edges         []edgeGeometry // by edge number (see scene)
}

type point struct{ x, y float64 }

// box is a node's centre and size.
type box struct{ x, y, w, h float64 }

// edgeGeometry is an edge's B-spline (1 + 3k control points, ending where its arrowhead
// starts) and the centre of its label.
type edgeGeometry struct {
	points   []point
	label    point
	hasLabel bool
}

// pointsPerInch converts graphviz's plain output, which is in inches, to points.
const pointsPerInch = 72

// parsePlain reads graphviz's plain output format: "graph scale width height", then "node
// name x y width height label style shape color fillcolor" and "edge tail head n x1 y1 ... xn
// yn [label xl yl] style color" lines, then "stop". Edges are numbered by their colour, as
// the scene's DOT wrote them.
func parsePlain(out []byte) (*placement, error) {
	lay := &placement{nodes: map[string]box{}}
	seenGraph := false
	for n, line := range bytes.Split(out, []byte("\n")) {
		fields, err := plainFields(line)
		if err != nil {
			return nil, fmt.Errorf("graphviz plain output, line %d: %w", n+1, err)
		}
		if len(fields) == 0 {
			continue
		}
		bad := func(what string) error {
			return fmt.Errorf("graphviz plain output, line %d: %s: %.80q", n+1, what, line)
		}
		switch fields[0] {
		case "graph":
			nums, ok := numbers(fields[1:], 3)
			if !ok {
				return nil, bad("bad graph line")
			}
			lay.width, lay.height = nums[1]*pointsPerInch, nums[2]*pointsPerInch
			seenGraph = true
		case "node":
			if !seenGraph || len(fields) < 6 {
				return nil, bad("bad node line")
			}
			nums, ok := numbers(fields[2:], 4)
			if !ok {
				return nil, bad("bad node line")
			}
			lay.nodes[fields[1]] = box{nums[0] * pointsPerInch, lay.height - nums[1]*pointsPerInch, nums[2] * pointsPerInch, nums[3] * pointsPerInch}
		case "edge":
			if !seenGraph || len(fields) < 4 {
				return nil, bad("bad edge line")
			}
			count, err := strconv.Atoi(fields[3])
			if err != nil || count < 0 || len(fields) < 4+2*count+2 {
				return nil, bad("bad edge line")
			}
			nums, ok := numbers(fields[4:], 2*count)
			if !ok {
				return nil, bad("bad edge points")
			}
			var e edgeGeometry
			for i := 0; i < count; i++ {
				e.points = append(e.points, point{nums[2*i] * pointsPerInch, lay.height - nums[2*i+1]*pointsPerInch})
			}
			rest := fields[4+2*count:]
			if len(rest) == 5 {
				lp, ok := numbers(rest[1:], 2)
				if !ok {
					return nil, bad("bad edge label position")
				}
				e.label, e.hasLabel = point{lp[0] * pointsPerInch, lay.height - lp[1]*pointsPerInch}, true
			}
			color := rest[len(rest)-1]
			number, err := strconv.ParseUint(color[min(1, len(color)):], 16, 32)
			if len(color) != 7 || color[0] != '#' || err != nil {
				return nil, bad("edge without its number")
			}
			for uint64(len(lay.edges)) <= number {
				lay.edges = append(lay.edges, edgeGeometry{})
			}
			lay.edges[number] = e
		case "stop":
			return lay, nil
		}
	}
	return nil, errors.New("graphviz plain output ends without \"stop\"")
}

// numbers parses the first n fields as numbers.
func numbers(fields []string, n int) ([]float64, bool) {
	if len(fields) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i := range n {
		f, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// plainFields splits a line of plain output into fields: separated by spaces; a field in
// double quotes may hold spaces and backslash escapes (kept as written: only names matter,
// and the scene's names need no quotes' escapes); a field in angle brackets is an HTML-like
// label, with nested brackets.
func plainFields(line []byte) ([]string, error) {
	var fields []string
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\r':
			i++
		case c == '"':
			j := i + 1
			var b []byte
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
					if line[j] != '"' && line[j] != '\\' {
						b = append(b, '\\')
					}
				}
				b = append(b, line[j])
			}
			if j == len(line) {
				return nil, errors.New("unterminated quoted field")
			}
			fields = append(fields, string(b))
			i = j + 1
		case c == '<':
			depth, j := 0, i
			for ; j < len(line); j++ {
				if line[j] == '<' {
					depth++
				} else if line[j] == '>' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j == len(line) {
				return nil, errors.New("unterminated HTML-like field")
			}
			fields = append(fields, string(line[i:j+1]))
			i = j + 1
		default:
			j := bytes.IndexByte(line[i:], ' ')
			if j < 0 {
				j = len(line) - i
			}
			fields = append(fields, string(bytes.TrimRight(line[i:i+j], "\r")))
			i += j
		}
	}
	return fields, nil
}
