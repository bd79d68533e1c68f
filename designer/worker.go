package designer

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
)

// Layout in a child process. Every graphviz render leaks WebAssembly memory that go-graphviz
// never gives back (see Renderer), and a designer session renders on every edit: in the
// server's own process that memory would only grow. A worker Renderer sends each layout to a
// child process running ServeLayout and replaces the child after a number of renders, which
// returns all of its memory to the system.
//
// The protocol on the child's stdin and stdout: a request is a 4-byte big-endian length and
// the DOT text; a response is a status byte (0: graphviz's plain output follows, 1: an error
// message follows), a
// 4-byte length and the bytes.

// maxLayoutMessage bounds one message, so a broken peer cannot make the other allocate
// without limit (a 1 MB definition lays out to about 1 MB of plain output).
const maxLayoutMessage = 64 << 20

// ServeLayout lays out every DOT text read from r and writes graphviz's plain output (or the error) to
// w, until r ends. It is the child side of NewWorkerRenderer.
func ServeLayout(ctx context.Context, r io.Reader, w io.Writer) error {
	local, err := NewRenderer(ctx)
	if err != nil {
		return err
	}
	defer local.Close()
	in, out := bufio.NewReader(r), bufio.NewWriter(w)
	for {
		dot, err := readMessage(in)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("designer: layout worker: %w", err)
		}
		graphvizMu.Lock()
		plain, err := local.layout(ctx, string(dot))
		graphvizMu.Unlock()
		status, payload := byte(0), plain
		if err != nil {
			status, payload = 1, []byte(err.Error())
		}
		if err := out.WriteByte(status); err != nil {
			return err
		}
		if err := writeMessage(out, payload); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

// NewWorkerRenderer returns a Renderer whose layouts run in a child process made by start
// (which must run ServeLayout on its stdin and stdout). A child serves rendersPerWorker
// layouts, then a fresh one takes over; a child that fails is replaced on the next render.
func NewWorkerRenderer(start func() *exec.Cmd, rendersPerWorker int) *Renderer {
	w := &layoutWorker{start: start, limit: max(rendersPerWorker, 1)}
	return &Renderer{cache: newLayoutCache(), layout: w.render, stop: w.close}
}

// layoutWorker owns the current child; graphvizMu serialises its use.
type layoutWorker struct {
	start func() *exec.Cmd
	limit int

	mu      sync.Mutex
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
	renders int
}

func (w *layoutWorker) render(ctx context.Context, dot string) ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cmd != nil && w.renders >= w.limit {
		w.closeLocked()
	}
	if w.cmd == nil {
		if err := w.startLocked(); err != nil {
			return nil, err
		}
	}
	w.renders++
	plain, err := w.exchange([]byte(dot))
	if err != nil {
		// A broken child is not reused; the next render starts a fresh one.
		w.closeLocked()
		return nil, err
	}
	return plain, nil
}

func (w *layoutWorker) exchange(dot []byte) ([]byte, error) {
	if err := writeMessage(w.in, dot); err != nil {
		return nil, fmt.Errorf("designer: layout worker: %w", err)
	}
	status, err := w.out.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("designer: layout worker: %w", err)
	}
	payload, err := readMessage(w.out)
	if err != nil {
		return nil, fmt.Errorf("designer: layout worker: %w", err)
	}
	if status != 0 {
		return nil, errors.New(string(payload))
	}
	return payload, nil
}

func (w *layoutWorker) startLocked() error {
	cmd := w.start()
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("designer: start layout worker: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("designer: start layout worker: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("designer: start layout worker: %w", err)
	}
	w.cmd, w.in, w.out, w.renders = cmd, in, bufio.NewReader(out), 0
	return nil
}

// closeLocked ends the current child: closing its stdin ends ServeLayout's loop.
func (w *layoutWorker) closeLocked() {
	if w.cmd == nil {
		return
	}
	w.in.Close()
	if err := w.cmd.Wait(); err != nil {
		w.cmd.Process.Kill()
	}
	w.cmd, w.in, w.out = nil, nil, nil
}

func (w *layoutWorker) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
}

func writeMessage(w io.Writer, b []byte) error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

func readMessage(r *bufio.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxLayoutMessage {
		return nil, fmt.Errorf("a message of %d bytes is over the %d-byte limit", size, maxLayoutMessage)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}
