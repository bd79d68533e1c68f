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

// floodItems is enough Map iterations (four events each) to overflow what a stalled client
// can hold: the socket buffers (the server's bounded to 256 KiB, about a thousand messages)
// and the hub's subscriberBuffer (256).
// It is kept small so the flood is over well before the server's 10 s write deadline gives
// up on the stalled client, even under -race on a busy machine.
const floodItems = 1000

// TestStalledWebsocketClientNeverSlowsTheExecution: a browser that stops reading (a frozen
// tab, a suspended laptop) never makes the execution wait: the hub drops it when it falls a
// buffer behind, and a page far behind is sent the whole picture rather than every event,
// while a reading client gets every event in order exactly once.
//
// Nothing here is timed: a hub that waited for the stalled client would hold the execution
// until the server gave up writing to it (its 10 s write deadline), and the client would then
// find its connection cut instead of the server's "too slow" close; a hub that waited for
// good would never let the execution end.
func TestStalledWebsocketClientNeverSlowsTheExecution(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a flood of events")
	}
	s := startStudio(t)
	s.createMachine(t, "flood", flood)
	items := make([]string, floodItems)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	path := s.startExecution(t, "flood", `{"items": [`+strings.Join(items, ",")+`]}`)
	stalled := s.dialStalled(t, path)
	defer stalled.Close()
	reader := s.watch(t, path, 0)
	readUntil(t, reader, "TaskSubmitted")
	reader.Close()
	if resp, body := s.post(t, "/inbox/"+s.taskOf(t, path)+"/approve", url.Values{"output": {"{}"}}); resp.StatusCode != 303 {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	floodStart := time.Now()

	// The reader does what the page does: when the server drops it for falling behind the
	// flood, it reconnects after the last event it read, so it still sees every event once.
	last := s.readAllReconnecting(t, path, "ExecutionSucceeded")
	t.Logf("the execution ended with event %d, %v after its release, beside a client that read nothing", last, time.Since(floodStart))

	// The stalled client, reading at last, finds a stream in order that is either cut short
	// by the server's "too slow" close (it fell a full buffer of commits behind) or brings it
	// to the end through the whole picture instead of every event (the server keeps only the
	// latest events' messages for late pages): never the whole history held for it.
	stalledFor := time.Since(floodStart)
	read, at := 0, int64(0)
	stalled.SetReadDeadline(time.Now().Add(waitLimit))
	for at < last {
		var m wsMessage
		if err := stalled.ReadJSON(&m); err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseTryAgainLater {
				t.Fatalf("after %d messages (up to event %d) the stalled client got %v, want the rest or a close with code %d (it read nothing for %v of the flood; the server gives up a blocked write after %v)",
					read, at, err, websocket.CloseTryAgainLater, stalledFor, 10*time.Second)
			}
			break
		}
		if m.ID <= at {
			t.Fatalf("message %d of the stalled client is event %d, after %d", read+1, m.ID, at)
		}
		read, at = read+1, m.ID
	}
	if int64(read) >= last {
		t.Errorf("the stalled client received all %d events one by one", read)
	}
	t.Logf("the stalled client, reading at last, got %d messages for the %d events", read, last)
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
// that ids arrive consecutively (nothing missed, nothing twice) after the whole picture the
// server sends a page that is too far behind. It returns the last id.
func (s *studio) readAllReconnecting(t *testing.T, execPath, last string) int64 {
	t.Helper()
	seen := int64(0)
	deadline := time.Now().Add(2 * waitLimit)
	for time.Now().Before(deadline) {
		conn := s.watch(t, execPath, seen)
		conn.SetReadDeadline(deadline)
		for {
			var m wsMessage
			if err := conn.ReadJSON(&m); err != nil {
				break // dropped or closed: reconnect after seen
			}
			if m.Type == "Resync" {
				// Further behind than the server keeps messages for (a page that connects
				// after a flood): the whole picture up to m.ID, then the events after it;
				// the picture of an execution that ended says so.
				seen = m.ID
				if m.Execution != nil {
					conn.Close()
					return seen
				}
				continue
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
	t.Fatalf("no %s within %s; read up to event %d", last, 2*waitLimit, seen)
	return 0
}
