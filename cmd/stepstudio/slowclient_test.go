package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stepstudio/stepstudio/runtime"
)

// flood holds at a callback task, then maps over every item of its input with a Pass: four
// history events per item, as fast as the runtime goes.
const flood = `{
  "StartAt": "Hold",
  "States": {
    "Hold": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
             "Parameters": {"token.$": "$$.Task.Token"}, "ResultPath": null, "Next": "Each"},
    "Each": {"Type": "Map", "ItemsPath": "$.items",
             "ItemProcessor": {"StartAt": "Touch", "States": {"Touch": {"Type": "Pass", "End": true}}},
             "End": true}
  }
}`

// TestStalledWebsocketClientNeverSlowsTheExecution: a browser that stops reading (a frozen
// tab, a suspended laptop) is dropped by the hub, and the execution runs at the speed it runs
// with nobody stalled, while a reading client still gets every event.
func TestStalledWebsocketClientNeverSlowsTheExecution(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 24,000 events twice")
	}
	s := startStudio(t)
	s.createMachine(t, "flood", flood)
	items := make([]string, 3000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := `{"items": [` + strings.Join(items, ",") + `]}`

	// run releases the held execution and returns how long the flood took by its own
	// history (from TaskSucceeded to ExecutionSucceeded) and how many events a reading
	// client got. The reader does what the page does: when the server drops it for falling
	// behind the flood, it reconnects after the last event it read, so it still sees every
	// event exactly once.
	db := s.readDB(t)
	run := func(stall bool) (time.Duration, int64, *websocket.Conn) {
		path := s.startExecution(t, "flood", input)
		var stalled *websocket.Conn
		if stall {
			stalled = s.dialStalled(t, path)
		}
		reader := s.watch(t, path, 0)
		readUntil(t, reader, "TaskSubmitted")
		reader.Close()
		ids := s.waitingTaskIDs(t)
		if len(ids) != 1 {
			t.Fatalf("waiting tasks: %v, want one", ids)
		}
		if resp, body := s.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {"{}"}}); resp.StatusCode != 303 {
			t.Fatalf("approve: %d %s", resp.StatusCode, body)
		}
		last := s.readAllReconnecting(t, path, "ExecutionSucceeded")
		var released, ended time.Time
		for _, ev := range waitForEvent(t, db, execIDOf(t, path), 0, runtime.ExecutionSucceeded) {
			switch ev.Type {
			case runtime.TaskSucceeded:
				released = ev.Timestamp
			case runtime.ExecutionSucceeded:
				ended = ev.Timestamp
			}
		}
		return ended.Sub(released), last, stalled
	}

	base, baseEvents, _ := run(false)
	slow, slowEvents, stalled := run(true)
	defer stalled.Close()
	t.Logf("3,000 Map iterations (%d events) ran in %v with every client reading, in %v with one client stalled", baseEvents, base, slow)
	if slowEvents != baseEvents {
		t.Errorf("the reading client got %d events beside a stalled one, %d alone", slowEvents, baseEvents)
	}
	// Generous for a loaded CI machine; a blocked hub would wait out the 10 s write deadline.
	if slow > 3*base+2*time.Second {
		t.Errorf("with a stalled client the execution took %v, alone %v", slow, base)
	}

	// The stalled client, reading at last, finds what fitted in the buffers and then the
	// server's "too slow" close, not the whole history.
	read := 0
	stalled.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, _, err := stalled.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseTryAgainLater {
				t.Fatalf("after %d messages the stalled client got %v, want a close with code %d", read, err, websocket.CloseTryAgainLater)
			}
			break
		}
		read++
	}
	if int64(read) >= baseEvents {
		t.Errorf("the stalled client received all %d events; it should have been dropped", read)
	}
}

// dialStalled opens an execution's websocket with a tiny receive buffer and never reads, so
// the server's writes to it soon block.
func (s *studio) dialStalled(t *testing.T, execPath string) *websocket.Conn {
	t.Helper()
	dialer := websocket.Dialer{
		ReadBufferSize: 512,
		// The buffer is set before connecting: shrunk afterwards, it would be smaller than
		// the window already offered, and the kernel would drop data the server then resends
		// with growing back-off, which is a different test.
		NetDial: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			var err error
			if cerr := c.Control(func(fd uintptr) {
				err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			}); cerr != nil {
				return cerr
			}
			return err
		}}).Dial,
	}
	u := strings.Replace(s.url, "http://", "ws://", 1) + execPath + "/ws?after=0"
	conn, _, err := dialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// readAllReconnecting reads an execution's events from the start until one of type last,
// reconnecting after the last event read whenever the server closes the socket, and checks
// that ids arrive consecutively (nothing missed, nothing twice). It returns the last id.
func (s *studio) readAllReconnecting(t *testing.T, execPath, last string) int64 {
	t.Helper()
	seen := int64(0)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		conn := s.watch(t, execPath, seen)
		conn.SetReadDeadline(deadline)
		for {
			var m wsMessage
			if err := conn.ReadJSON(&m); err != nil {
				break // dropped or closed: reconnect after seen
			}
			if m.ID != seen+1 {
				t.Fatalf("after event %d came event %d", seen, m.ID)
			}
			seen = m.ID
			if m.Type == last {
				conn.Close()
				return seen
			}
		}
		conn.Close()
	}
	t.Fatalf("no %s within 60s; read up to event %d", last, seen)
	return 0
}
