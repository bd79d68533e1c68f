package designer_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
)

// BenchmarkParseBytes200 measures importing and exporting a 200-state definition, what every
// page that shows the code pays.
func BenchmarkParseBytes200(b *testing.B) {
	def := chainDefinition(200)
	b.SetBytes(int64(len(def)))
	for b.Loop() {
		d, err := designer.Parse(def)
		if err != nil {
			b.Fatal(err)
		}
		_ = d.Bytes()
	}
}

// BenchmarkInsertState200 measures one drop on a 200-state definition: the edit, the writing
// of the result and its parse.
func BenchmarkInsertState200(b *testing.B) {
	d, err := designer.Parse(chainDefinition(200))
	if err != nil {
		b.Fatal(err)
	}
	op := designer.InsertState{State: "Dropped", Definition: []byte(`{"Type": "Wait", "Seconds": 1}`),
		Where: designer.Where{Edge: &designer.EdgeRef{From: "Step 100", Kind: designer.EdgeNext}}}
	for b.Loop() {
		if _, err := op.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse5MB measures the parse of a 5 MB definition (five times what AWS accepts), to
// show it is linear and bounded.
func BenchmarkParse5MB(b *testing.B) {
	def := bigDefinition(5 << 20)
	b.SetBytes(int64(len(def)))
	for b.Loop() {
		if _, err := designer.Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetField5MB measures an inspector edit of a 5 MB definition.
func BenchmarkSetField5MB(b *testing.B) {
	d, err := designer.Parse(bigDefinition(5 << 20))
	if err != nil {
		b.Fatal(err)
	}
	op := designer.SetField{State: "Big", Field: designer.Path{"Comment"}, Value: []byte(`"big"`)}
	for b.Loop() {
		if _, err := op.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEdit200 is the server's whole cost of one designer edit on a 200-state
// definition: apply the drop, validate the result, build the graph, lay it out and render it
// (budget: 50 ms). Each iteration drops a differently named state, so every layout is new to
// the renderer's cache, as after a real edit.
func BenchmarkEdit200(b *testing.B) { benchmarkEdit200(b, renderer) }

// BenchmarkEdit200Worker is BenchmarkEdit200 with the layout in a worker process, as the
// server does it.
func BenchmarkEdit200Worker(b *testing.B) {
	worker := designer.NewWorkerRenderer(func() *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "STEPSTUDIO_LAYOUT_WORKER=1")
		return cmd
	}, 500)
	defer worker.Close()
	benchmarkEdit200(b, worker)
}

func benchmarkEdit200(b *testing.B, renderer *designer.Renderer) {
	d, err := designer.Parse(chainDefinition(200))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	for b.Loop() {
		i := fresh.Add(1)
		op := designer.InsertState{State: "Dropped " + strconv.FormatInt(i, 10), Definition: []byte(`{"Type": "Wait", "Seconds": 1}`),
			Where: designer.Where{Edge: &designer.EdgeRef{From: "Step 100", Kind: designer.EdgeNext}}}
		edited, err := op.Apply(d)
		if err != nil {
			b.Fatal(err)
		}
		for _, diag := range runtime.Validate(edited.Bytes()) {
			if diag.Severity == runtime.SeverityError {
				b.Fatalf("the edit made the definition invalid: %s", diag)
			}
		}
		if _, err := designer.RenderDefinition(ctx, renderer, edited.Bytes(), designer.DOTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFieldEdit200 is an inspector edit on a 200-state definition that does not change
// the drawing (a Comment): apply, validate, and a render that the renderer's cache answers,
// since the DOT text is the same.
func BenchmarkFieldEdit200(b *testing.B) {
	d, err := designer.Parse(chainDefinition(200))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := designer.RenderDefinition(ctx, renderer, d.Bytes(), designer.DOTOptions{}); err != nil {
		b.Fatal(err)
	}

	for b.Loop() {
		i := fresh.Add(1)
		op := designer.SetField{State: "Step 100", Field: designer.Path{"Comment"}, Value: []byte(strconv.Quote("note " + strconv.FormatInt(i, 10)))}
		edited, err := op.Apply(d)
		if err != nil {
			b.Fatal(err)
		}
		runtime.Validate(edited.Bytes())
		if _, err := designer.RenderDefinition(ctx, renderer, edited.Bytes(), designer.DOTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
