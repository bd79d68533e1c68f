package views

import (
	"bytes"
	"strings"

	"github.com/stepstudio/stepstudio/designer"
)

// countChanges counts the states of a diff with the given change.
func countChanges(d designer.VersionDiff, change string) int {
	n := 0
	for _, s := range d.States {
		if s.Change == change {
			n++
		}
	}
	return n
}

func diffLineClass(kind string) string {
	switch kind {
	case "+":
		return "added"
	case "-":
		return "removed"
	}
	return "same"
}

func joinComma(s []string) string { return strings.Join(s, ", ") }

// MarkDiff gives each added or changed state's node in an SVG a data-diff attribute, which
// the stylesheet colours.
func MarkDiff(svg []byte, d designer.VersionDiff) []byte {
	for _, s := range d.States {
		if s.Change == designer.StateRemoved {
			continue
		}
		open := []byte(`<g id="` + designer.NodeID(s.Name) + `" class="node state`)
		svg = bytes.Replace(svg, open, []byte(`<g id="`+designer.NodeID(s.Name)+`" data-diff="`+s.Change+`" class="node state`), 1)
	}
	return svg
}
