package designer_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

func TestWorkerRenderer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var started atomic.Int32
	worker := designer.NewWorkerRenderer(func() *exec.Cmd {
		started.Add(1)
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "STEPSTUDIO_LAYOUT_WORKER=1")
		return cmd
	}, 2)
	defer worker.Close()

	g, err := designer.NewGraph(chain(5))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		// A different comment each time: five real layouts, not cache hits.
		dot := designer.DOT(g, designer.DOTOptions{}) + "// " + strconv.Itoa(i) + "\n"
		got, err := worker.Layout(ctx, dot)
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		want, err := renderer.Layout(ctx, dot)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("render %d in the worker differs from the one in this process", i)
		}
	}
	if n := started.Load(); n != 3 {
		t.Errorf("started %d workers for 5 renders at 2 per worker, want 3", n)
	}
	if _, err := worker.Layout(ctx, "digraph { a -> }"); err == nil {
		t.Error("broken DOT rendered without an error")
	}
	if _, err := worker.Layout(ctx, "digraph { a -> b }"); err != nil {
		t.Errorf("the render after an error failed: %v", err)
	}
	worker.Close()
	if _, err := worker.Layout(ctx, "digraph { c }"); err != designer.ErrClosed {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
