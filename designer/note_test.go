package designer_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

func TestGraphComment(t *testing.T) {
	t.Parallel()
	g, err := designer.NewGraph(readTestdata(t, "notes.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var walk func(g designer.Graph)
	walk = func(g designer.Graph) {
		for _, n := range g.Nodes {
			got[n.Name] = n.Comment
			for _, br := range n.Branches {
				walk(br)
			}
		}
	}
	walk(g)
	for name, want := range map[string]string{"Fan": "Both at once", "A": "Inside\na branch", "B": "", "Done": "   "} {
		if got[name] != want {
			t.Errorf("%s: Comment = %q, want %q", name, got[name], want)
		}
	}
}

func drawNotes(t *testing.T, opts designer.DOTOptions) string {
	t.Helper()
	svg, err := designer.RenderDefinition(context.Background(), renderer, readTestdata(t, "notes.json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return string(svg)
}

func TestRenderNotes(t *testing.T) {
	t.Parallel()
	for _, dir := range []designer.Direction{designer.TopToBottom, designer.LeftToRight} {
		t.Run(string(dir), func(t *testing.T) {
			t.Parallel()
			svg := drawNotes(t, designer.DOTOptions{Direction: dir})
			for _, want := range []string{
				`<g id="note-state-Fetch" class="note" data-node="state-Fetch">`,
				// The tooltip is the whole comment, XML-escaped; the lines are cut short.
				`<title>Calls the &quot;fetch&quot; lambda with the order id &amp; retries &lt;3&gt; times when it times out; a long comment that the note cuts short</title>`,
				`>Calls the &quot;fetch&quot; lambda</text>`,
				`>&lt;3&gt; times when it times out;</text>`,
				`>a long comment that the not…</text>`,
				`<g id="note-link-Fetch" class="note-link">`,
				`<g id="note-state-Fan" class="note" data-node="state-Fan">`,
				"<title>Inside\na branch</title>",
			} {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG has no %s", want)
				}
			}
			// No note for a Comment that is not a string, nor for one of spaces only.
			for _, absent := range []string{"note-state-B", "note-state-Done"} {
				if strings.Contains(svg, absent) {
					t.Errorf("SVG has %s", absent)
				}
			}
			// The link is no edge: the page must not offer it as a place to drop a state.
			if regexp.MustCompile(`id="note-link-[^"]*" class="edge`).MatchString(svg) {
				t.Error("a note's link is drawn as an edge")
			}
			// The note in a branch sits inside the branch's border.
			branch := boxOf(t, svg, "branch0-Fan")
			note := boxOf(t, svg, "note-state-A")
			if note[0] < branch[0] || note[1] < branch[1] || note[2] > branch[2] || note[3] > branch[3] {
				t.Errorf("the note of A %v is not inside its branch %v", note, branch)
			}
		})
	}
}

func TestRenderNotesHidden(t *testing.T) {
	t.Parallel()
	svg := drawNotes(t, designer.DOTOptions{HideNotes: true})
	if strings.Contains(svg, "note") {
		t.Error("SVG drawn with HideNotes has a note")
	}
	if !strings.Contains(svg, `<g id="state-Fetch" class="node state state-task">`) {
		t.Error("SVG drawn with HideNotes lost a state")
	}
}

// boxOf is the bounds (x0, y0, x1, y1) of the first path of the element with id: the border
// of a cluster, the sheet of a note.
func boxOf(t *testing.T, svg, id string) [4]float64 {
	t.Helper()
	i := strings.Index(svg, `<g id="`+id+`"`)
	if i < 0 {
		t.Fatalf("SVG has no %s", id)
	}
	d := regexp.MustCompile(`<path [^>]*d="([^"]*)"`).FindStringSubmatch(svg[i:])
	b := [4]float64{1e9, 1e9, -1e9, -1e9}
	// Every number pair of the path's commands, plus the H and V coordinates; the arcs'
	// radii ("A6,6") are small and inside anyway.
	for _, m := range regexp.MustCompile(`([MLHV ])(-?[\d.]+)(?:,(-?[\d.]+))?`).FindAllStringSubmatch(d[1], -1) {
		a, _ := strconv.ParseFloat(m[2], 64)
		switch {
		case m[1] == "H":
			b[0], b[2] = min(b[0], a), max(b[2], a)
		case m[1] == "V":
			b[1], b[3] = min(b[1], a), max(b[3], a)
		case m[3] != "":
			y, _ := strconv.ParseFloat(m[3], 64)
			b[0], b[1], b[2], b[3] = min(b[0], a), min(b[1], y), max(b[2], a), max(b[3], y)
		}
	}
	return b
}
