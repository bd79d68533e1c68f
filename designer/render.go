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

// Renderer lays out DOT with graphviz's dot engine and renders it to SVG. Create one per
// process and share it: NewRenderer sets up a graphviz context with its plugins, and all
// Renderers share one graphviz instance anyway. It is safe for concurrent use; renders run one
// at a time (about 11 ms for a 50-state machine, 50 ms for 200 states, on this project's
// 2-core machines).
//
// Every graphviz render leaks WebAssembly memory that is never returned to the process: about
// 100 KB for a 50-state machine (go-graphviz v0.2.9 does not free the DOT text it copies in nor
// the output graphviz returns; upstream issue goccy/go-graphviz#111). So the Renderer keeps the
// SVG of the last renderCacheSize distinct DOT texts: showing the same machine again (a page
// reload, an execution view) costs neither time nor memory.
//
// NewWorkerRenderer makes a Renderer that lays out in a child process instead, replaced now
// and then, which is what a long-running server wants.
type Renderer struct {
	// All fields are guarded by graphvizMu.
	closed bool
	cache  *renderCache
	// layout runs graphviz on DOT and returns the cleaned SVG: in this process, or in a
	// worker process.
	layout func(ctx context.Context, dot string) ([]byte, error)
	stop   func()
}

// renderCache keeps the SVG of the last renderCacheSize distinct DOT texts.
type renderCache struct {
	byHash map[[sha256.Size]byte][]byte // SVG by hash of the DOT text; looked up, never iterated
	order  [][sha256.Size]byte          // keys, oldest first, to evict in insertion order
}

func newRenderCache() *renderCache {
	return &renderCache{byHash: map[[sha256.Size]byte][]byte{}}
}

func (c *renderCache) add(key [sha256.Size]byte, svg []byte) {
	if len(c.order) == renderCacheSize {
		delete(c.byHash, c.order[0])
		c.order = c.order[1:]
	}
	c.byHash[key] = svg
	c.order = append(c.order, key)
}

// renderCacheSize bounds the SVG cache: a few editing sessions' worth of distinct drawings, a
// few MB at most.
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
		cache:  newRenderCache(),
		layout: func(ctx context.Context, dot string) ([]byte, error) { return renderInProcess(ctx, gv, dot) },
		// graphviz's gvFreeContext returns the number of errors graphviz has reported since
		// the process started (a DOT syntax error in some earlier render counts), which
		// go-graphviz turns into that stale error; it does not mean the context was not freed.
		stop: func() { _ = gv.Close() },
	}, nil
}

// SVG lays out dot and returns the rendered <svg> element alone, ready to be inlined in HTML:
// graphviz's XML declaration, DOCTYPE, comments and <title> elements are removed (a <title> is
// the DOT node name, which browsers would show as a tooltip), and graphviz's "&#45;" is written
// back as "-" so ids read in the bytes as NodeID returns them. The result is the caller's to
// keep or modify. The context is checked before the render starts; a render in progress cannot
// be interrupted.
func (r *Renderer) SVG(ctx context.Context, dot string) ([]byte, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("designer: render: %w", err)
	}
	key := sha256.Sum256([]byte(dot))
	if svg, ok := r.cache.byHash[key]; ok {
		return bytes.Clone(svg), nil
	}
	svg, err := r.layout(ctx, dot)
	if err != nil {
		return nil, err
	}
	r.cache.add(key, svg)
	return bytes.Clone(svg), nil
}

// renderInProcess runs graphviz in this process; graphvizMu must be held.
func renderInProcess(ctx context.Context, gv *graphviz.Graphviz, dot string) ([]byte, error) {
	graph, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("designer: parse DOT: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("designer: render: %w", err)
	}
	return cleanSVG(buf.Bytes())
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

// RenderDefinition draws an ASL definition as an inline <svg> element: NewGraph, DOT and
// r.SVG in one call.
func RenderDefinition(ctx context.Context, r *Renderer, definition []byte, opts DOTOptions) ([]byte, error) {
	g, err := NewGraph(definition)
	if err != nil {
		return nil, err
	}
	return r.SVG(ctx, DOT(g, opts))
}

// cleanSVG cuts graphviz's output down to the <svg> element. Graphviz's writer is regular
// (comments and titles never contain '<' or '>', which it escapes), so a scan is enough.
func cleanSVG(out []byte) ([]byte, error) {
	start := bytes.Index(out, []byte("<svg"))
	end := bytes.LastIndex(out, []byte("</svg>"))
	if start < 0 || end < start {
		return nil, errors.New("designer: render: graphviz output has no <svg> element")
	}
	out = out[start : end+len("</svg>")]
	var b bytes.Buffer
	b.Grow(len(out))
	for len(out) > 0 {
		i := bytes.IndexByte(out, '<')
		if i < 0 {
			b.Write(out)
			break
		}
		b.Write(out[:i])
		out = out[i:]
		var close string
		switch {
		case bytes.HasPrefix(out, []byte("<!--")):
			close = "-->"
		case bytes.HasPrefix(out, []byte("<title>")):
			close = "</title>"
		default:
			b.WriteByte('<')
			out = out[1:]
			continue
		}
		j := bytes.Index(out, []byte(close))
		if j < 0 {
			return nil, errors.New("designer: render: unterminated " + close + " in graphviz output")
		}
		out = out[j+len(close):]
		if len(out) > 0 && out[0] == '\n' {
			out = out[1:] // drop the removed element's line, not just its text
		}
	}
	// Graphviz writes '-' as "&#45;" everywhere (it keeps "--" out of comments); the two are
	// the same character to an XML parser, but code that searches the bytes for an id needs
	// the plain form. A literal "&#45;" in a label was escaped to "&amp;#45;", so it is safe.
	return bytes.ReplaceAll(b.Bytes(), []byte("&#45;"), []byte("-")), nil
}
