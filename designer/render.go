package designer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"
)

// graphvizMu serialises every call into graphviz. go-graphviz runs a single WebAssembly
// instance of graphviz for the whole process (created in its package init), and graphviz's C
// code keeps global state (the DOT parser, the last error), so two calls at once would corrupt
// each other even through two different Renderers. A process-wide mutex is therefore the only
// correct lock; one render of a 50-state machine takes about 11 ms, so waiting is short.
var graphvizMu sync.Mutex

// Renderer lays out graphs with graphviz's dot engine and draws them as SVG. Create one per
// process and share it: NewRenderer sets up a graphviz context with its plugins, and all
// Renderers share one graphviz instance anyway. It is safe for concurrent use; layouts run one
// at a time (about 10 ms for a 50-state machine, 35 ms for 200 states, on this project's
// 2-core machines: a third of it go-graphviz's DOT parsing, which calls into WebAssembly
// for every node); the SVG is written in Go from the layout (see scene).
//
// Every graphviz layout leaks WebAssembly memory that is never returned to the process (go-graphviz
// v0.2.9 does not free the DOT text it copies in nor the output graphviz returns; upstream
// issue goccy/go-graphviz#111). So the Renderer keeps the layouts of the last renderCacheSize
// distinct DOT texts: showing the same machine again (a page reload, an execution view, an
// inspector edit that changes no label) costs neither a layout nor memory.
//
// NewWorkerRenderer makes a Renderer that lays out in a child process instead, replaced now
// and then, which is what a long-running server wants.
type Renderer struct {
	// All fields are guarded by graphvizMu.
	closed bool
	cache  *layoutCache
	// layout runs graphviz on DOT and returns its plain output: in this process, or in a
	// worker process.
	layout func(ctx context.Context, dot string) ([]byte, error)
	stop   func()
}

// layoutCache keeps the layouts of the last renderCacheSize distinct DOT texts.
type layoutCache struct {
	byHash map[[sha256.Size]byte]*placement // by hash of the DOT text; looked up, never iterated
	order  [][sha256.Size]byte              // keys, oldest first, to evict in insertion order
}

func newLayoutCache() *layoutCache {
	return &layoutCache{byHash: map[[sha256.Size]byte]*placement{}}
}

func (c *layoutCache) add(key [sha256.Size]byte, lay *placement) {
	if len(c.order) == renderCacheSize {
		delete(c.byHash, c.order[0])
		c.order = c.order[1:]
	}
	c.byHash[key] = lay
	c.order = append(c.order, key)
}

// renderCacheSize bounds the layout cache: a few editing sessions' worth of distinct
// drawings, a few MB at most.
const renderCacheSize = 64

// ErrClosed is returned by Renderer.SVG after Close.
var ErrClosed = errors.New("designer: renderer is closed")

// NewRenderer creates a Renderer. Importing this package already compiled graphviz's
// WebAssembly module (go-graphviz does it in its package init, with a compilation cache in
// os.TempDir()/go-graphviz); NewRenderer only creates the graphviz context.
func NewRenderer(ctx context.Context) (*Renderer, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("designer: start graphviz: %w", err)
	}
	return &Renderer{
		cache:  newLayoutCache(),
		layout: func(ctx context.Context, dot string) ([]byte, error) { return layoutInProcess(ctx, gv, dot) },
		// graphviz's gvFreeContext returns the number of errors graphviz has reported since
		// the process started (a DOT syntax error in some earlier render counts), which
		// go-graphviz turns into that stale error; it does not mean the context was not freed.
		stop: func() { _ = gv.Close() },
	}, nil
}

// Draw lays out g and draws it as an inline <svg> element (see DOT for what it shows and the
// ids and classes of its elements). The result is the caller's to keep or modify. The context
// is checked before a layout starts; a layout in progress cannot be interrupted.
func (r *Renderer) Draw(ctx context.Context, g Graph, opts DOTOptions) ([]byte, error) {
	s := newScene(g, opts)
	lay, err := r.layoutOf(ctx, s.dot)
	if err != nil {
		return nil, err
	}
	return s.svg(lay)
}

// Layout returns graphviz's plain output for a DOT text: where dot puts the nodes and edges.
// Draw is what pages want; this shows the layout step alone (tests and benchmarks).
func (r *Renderer) Layout(ctx context.Context, dot string) ([]byte, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if err := r.ready(ctx); err != nil {
		return nil, err
	}
	return r.layout(ctx, dot)
}

// ready checks, with graphvizMu held, that a layout may start.
func (r *Renderer) ready(ctx context.Context) error {
	if r.closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("designer: layout: %w", err)
	}
	return nil
}

// layoutOf returns the layout of a DOT text, from the cache or from graphviz.
func (r *Renderer) layoutOf(ctx context.Context, dot string) (*placement, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if err := r.ready(ctx); err != nil {
		return nil, err
	}
	key := sha256.Sum256([]byte(dot))
	if lay, ok := r.cache.byHash[key]; ok {
		return lay, nil
	}
	out, err := r.layout(ctx, dot)
	if err != nil {
		return nil, err
	}
	lay, err := parsePlain(out)
	if err != nil {
		return nil, fmt.Errorf("designer: layout: %w", err)
	}
	r.cache.add(key, lay)
	return lay, nil
}

// layoutInProcess runs graphviz in this process; graphvizMu must be held.
func layoutInProcess(ctx context.Context, gv *graphviz.Graphviz, dot string) ([]byte, error) {
	graph, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("designer: parse DOT: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, "plain", &buf); err != nil {
		return nil, fmt.Errorf("designer: layout: %w", err)
	}
	return buf.Bytes(), nil
}

// Close releases the graphviz context, or ends the worker process. Further calls to SVG
// return ErrClosed; closing twice is harmless. It always returns nil.
func (r *Renderer) Close() error {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	r.stop()
	r.cache, r.layout = nil, nil
	return nil
}

// RenderDefinition draws an ASL definition as an inline <svg> element: NewGraph and r.Draw
// in one call.
func RenderDefinition(ctx context.Context, r *Renderer, definition []byte, opts DOTOptions) ([]byte, error) {
	g, err := NewGraph(definition)
	if err != nil {
		return nil, err
	}
	return r.Draw(ctx, g, opts)
}
