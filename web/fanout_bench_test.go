package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/web"
)

// BenchmarkFanout200 is one history event reaching 200 browsers watching the same execution:
// each iteration publishes an event through the hub (as the recorder does after the store has
// committed it) and waits until every one of 200 websocket clients has read it. ns/op is the
// time from publish to the last client; p50/p99 are over the iterations, and ns/subscriber is
// the fan-out cost per subscriber.
func BenchmarkFanout200(b *testing.B) {
	const subscribers = 200
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "studio.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	m, err := db.CreateMachine(ctx, resource.StateMachine{Name: "m", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
		Definition: []byte(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)})
	if err != nil {
		b.Fatal(err)
	}
	exec, err := db.CreateExecution(ctx, resource.Execution{ARN: "arn:aws:states:us-east-1:123456789012:execution:m:x", Name: "x",
		StateMachineID: m.ID, VersionID: m.VersionID, Input: []byte("{}"), StartedAt: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	hub := web.NewHub()
	srv := httptest.NewServer(web.New(web.Config{Store: db, Hub: hub, Users: db, LocalWithoutUsers: true}))
	defer srv.Close()

	// Each client reports every event id it reads.
	got := make(chan int64, subscribers*64)
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, subscribers)
	for i := range conns {
		u := strings.Replace(srv.URL, "http://", "ws://", 1) + fmt.Sprintf("/executions/%d/ws?after=0", exec.ID)
		conn, _, err := websocket.DefaultDialer.Dial(u, nil)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = conn
		wg.Go(func() {
			for {
				var msg struct {
					ID int64 `json:"id"`
				}
				if err := conn.ReadJSON(&msg); err != nil {
					return
				}
				got <- msg.ID
			}
		})
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		wg.Wait()
	}()
	// The handlers subscribe before answering the upgrade, so every client is subscribed now.

	var times []time.Duration
	id := int64(0)
	for b.Loop() {
		id++
		ev := runtime.Event{ID: id, PreviousEventID: id - 1, Type: runtime.PassStateEntered, State: "P", Timestamp: time.Now()}
		start := time.Now()
		hub.Publish(exec.ARN, ev)
		for range subscribers {
			if <-got != id {
				b.Fatal("an event arrived out of order")
			}
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/subscribers, "ns/subscriber")
}
