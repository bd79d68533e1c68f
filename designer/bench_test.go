package designer_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

// chain is a definition of n Pass states in a line, the shape whose layout time the designer
// budgets for on every edit.
func chain(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"StartAt": "Step 1", "States": {`)
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(",")
		}
		if i == n {
			fmt.Fprintf(&b, `"Step %d": {"Type": "Pass", "End": true}`, i)
		} else {
			fmt.Fprintf(&b, `"Step %d": {"Type": "Pass", "Next": "Step %d"}`, i, i+1)
		}
	}
	b.WriteString("}}")
	return []byte(b.String())
}

// fresh numbers the names benchmarks make up, across all runs of a `go test -count N`, so
// that no iteration finds its drawing in the renderer's cache left by an earlier run.
var fresh atomic.Int64

func benchmarkLayout(b *testing.B, n int) {
	def := string(chain(n))
	ctx := context.Background()

	for b.Loop() {
		// A new name for the first state makes every DOT text new to the Renderer's cache,
		// so each iteration measures a real layout, as after an edit.
		i := fresh.Add(1)
		g, err := designer.NewGraph([]byte(strings.ReplaceAll(def, `"Step 1"`, `"Step 1 #`+strconv.FormatInt(i, 10)+`"`)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := renderer.Draw(ctx, g, designer.DOTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayout50 measures what an edit costs the server: graph, DOT, layout and SVG of a
// 50-state machine.
func BenchmarkLayout50(b *testing.B) { benchmarkLayout(b, 50) }

// BenchmarkLayout200 is the same for a large machine, to see how layout time grows.
func BenchmarkLayout200(b *testing.B) { benchmarkLayout(b, 200) }

// BenchmarkCachedSVG50 measures showing a machine that was drawn before (a page reload).
func BenchmarkCachedSVG50(b *testing.B) {
	g, err := designer.NewGraph(chain(50))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := renderer.Draw(ctx, g, designer.DOTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGraphDOT50 is the Go part alone, to tell it from graphviz's share.
func BenchmarkGraphDOT50(b *testing.B) {
	def := chain(50)
	for b.Loop() {
		g, err := designer.NewGraph(def)
		if err != nil {
			b.Fatal(err)
		}
		_ = designer.DOT(g, designer.DOTOptions{})
	}
}

// BenchmarkNewRenderer measures creating and closing a Renderer (a graphviz context), which
// is why the server creates one and shares it.
func BenchmarkNewRenderer(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		r, err := designer.NewRenderer(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
