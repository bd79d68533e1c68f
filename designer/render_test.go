package designer_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

// renderer is shared by the tests, as the server shares one: creating graphviz contexts is
// the expensive part, and sharing also exercises the Renderer's locking.
var renderer *designer.Renderer

func TestMain(m *testing.M) {
	if os.Getenv("STEPSTUDIO_LAYOUT_WORKER") == "1" {
		// This test binary is a layout worker started by TestWorkerRenderer.
		if err := designer.ServeLayout(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	r, err := designer.NewRenderer(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	renderer = r
	code := m.Run()
	if err := r.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// checkSVG fails t unless svg is a bare, well-formed <svg> element that draws every node of g
// with its id and classes.
func checkSVG(t *testing.T, g designer.Graph, svg []byte) {
	t.Helper()
	s := string(svg)
	if !strings.HasPrefix(s, "<svg ") || !strings.HasSuffix(s, "</svg>") {
		t.Errorf("SVG is not a bare <svg> element: starts %.40q, ends %q", s, s[max(0, len(s)-20):])
	}
	for _, bad := range []string{"<?xml", "<!DOCTYPE", "<!--", "&#45;"} {
		if strings.Contains(s, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	// Graphviz's own <title>s are not ours; a note's tooltip is.
	if titles, notes := strings.Count(s, "<title>"), strings.Count(s, `class="note"`); titles != notes {
		t.Errorf("SVG has %d <title>s for %d notes", titles, notes)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("SVG is not well-formed XML: %v", err)
			break
		}
	}
	var walk func(g designer.Graph)
	walk = func(g designer.Graph) {
		for _, n := range g.Nodes {
			want := `<g id="` + n.ID + `" class="node state state-`
			if n.Missing {
				want = `<g id="` + n.ID + `" class="node missing"`
			}
			if !strings.Contains(s, want) {
				t.Errorf("SVG has no %s", want)
			}
			if len(n.Branches) > 0 {
				base := strings.TrimPrefix(n.ID, "state-")
				for _, id := range []string{"container-" + base, "branch0-" + base, "join-" + base} {
					if !strings.Contains(s, `<g id="`+id+`" class="`) {
						t.Errorf("SVG has no element with id %q", id)
					}
				}
			}
			for _, br := range n.Branches {
				walk(br)
			}
		}
		for _, e := range g.Edges {
			if want := `class="edge edge-` + string(e.Kind) + `"`; !strings.Contains(s, want) {
				t.Errorf("SVG has no %s", want)
			}
		}
	}
	walk(g)
}

func TestRenderDefinition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range goldenCases {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			def := readTestdata(t, tc.def)
			g, err := designer.NewGraph(def)
			if err != nil {
				t.Fatal(err)
			}
			first, err := designer.RenderDefinition(ctx, renderer, def, tc.opts)
			if err != nil {
				t.Fatalf("RenderDefinition: %v", err)
			}
			checkSVG(t, g, first)
			// A second Renderer has its own cache, so this is a second real graphviz run.
			fresh, err := designer.NewRenderer(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer fresh.Close()
			second, err := designer.RenderDefinition(ctx, fresh, def, tc.opts)
			if err != nil {
				t.Fatalf("RenderDefinition again: %v", err)
			}
			if !bytes.Equal(first, second) {
				t.Error("rendering the same definition twice gave different SVG")
			}
		})
	}
}

func TestRendererCacheReturnsCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g, err := designer.NewGraph(chain(3))
	if err != nil {
		t.Fatal(err)
	}
	first, err := renderer.Draw(ctx, g, designer.DOTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(first)
	first[0] = 'X' // the caller owns what it got
	second, err := renderer.Draw(ctx, g, designer.DOTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(second, want) {
		t.Error("a cached drawing changed when the caller modified an earlier result")
	}
}

func TestRenderEscapedNames(t *testing.T) {
	t.Parallel()
	svg, err := designer.RenderDefinition(context.Background(), renderer, readTestdata(t, "escaping.json"), designer.DOTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The names as graphviz writes them in <text>: XML-escaped, backslashes and \N kept as
	// written, a newline in a name split over two lines.
	for _, want := range []string{
		`<g id="state-Say_20__22_hi_22_" class="node state state-pass">`,
		`>Say &quot;hi&quot;</text>`,
		`<g id="state-with_20_space" class="node state state-pass">`,
		`<g id="state-Überprüfung" class="node state state-pass">`,
		`>Überprüfung</text>`,
		`>back\slash \N</text>`,
		`>snake_case &amp; &lt;tag&gt;</text>`,
		`<g id="state-日本語_20__2713_" class="node state state-pass">`,
		`>日本語 ✓</text>`,
		`>line</text>`,
		`>break</text>`,
		`<g id="state-line_a_break" class="node state state-succeed">`,
	} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG has no %s", want)
		}
	}
}

func TestRendererConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dots := make([]string, len(goldenCases))
	want := make([][]byte, len(goldenCases))
	for i, tc := range goldenCases {
		g, err := designer.NewGraph(readTestdata(t, tc.def))
		if err != nil {
			t.Fatal(err)
		}
		dots[i] = designer.DOT(g, tc.opts)
		if want[i], err = renderer.Layout(ctx, dots[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for k := range goldenCases {
				i := (k + w) % len(goldenCases) // workers render different definitions at once
				// Layout skips the cache, so graphviz really runs; the comment makes each
				// worker's text its own.
				dot := dots[i] + fmt.Sprintf("// worker %d\n", w)
				got, err := renderer.Layout(ctx, dot)
				if err != nil {
					t.Errorf("%s: %v", goldenCases[i].golden, err)
					return
				}
				if !bytes.Equal(got, want[i]) {
					t.Errorf("%s: concurrent render differs from the sequential one", goldenCases[i].golden)
				}
			}
		})
	}
	wg.Wait()
}

func TestRendererErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("bad DOT fails, and the renderer still works after", func(t *testing.T) {
		t.Parallel()
		_, err := renderer.Layout(ctx, "digraph { a -> }")
		if err == nil || !strings.Contains(err.Error(), "designer: parse DOT") {
			t.Fatalf("Layout(bad DOT) error = %v, want a parse error", err)
		}
		if _, err := renderer.Layout(ctx, "digraph { a -> b }"); err != nil {
			t.Fatalf("Layout after a parse error: %v", err)
		}
	})

	t.Run("invalid JSON fails before graphviz", func(t *testing.T) {
		t.Parallel()
		_, err := designer.RenderDefinition(ctx, renderer, []byte(`{"StartAt":`), designer.DOTOptions{})
		if err == nil || !strings.Contains(err.Error(), "designer: parse definition") {
			t.Fatalf("RenderDefinition(invalid JSON) error = %v", err)
		}
	})

	t.Run("cancelled context fails", func(t *testing.T) {
		t.Parallel()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := renderer.Layout(cctx, "digraph { a }"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Layout with a cancelled context: error = %v, want context.Canceled", err)
		}
	})

	t.Run("closed renderer fails", func(t *testing.T) {
		t.Parallel()
		r, err := designer.NewRenderer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := r.Layout(ctx, "digraph { a }"); !errors.Is(err, designer.ErrClosed) {
			t.Fatalf("Layout after Close: error = %v, want ErrClosed", err)
		}
	})
}
