package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// passChain is a definition of n Pass states in a row, each with Parameters reading two
// paths and a ResultPath, as the shared pass-chain-1000 workload has them.
func passChain(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Parameters":{"step":%d,"prev.$":"$.last.step","orderId.$":"$.order.id"},"ResultPath":"$.last",`, i, i)
		if i == n-1 {
			b.WriteString(`"End":true}`)
		} else {
			fmt.Fprintf(&b, `"Next":"S%d"}`, i+1)
		}
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// orderDocument is a JSON document of about 1 KB.
func orderDocument() json.RawMessage {
	lines := make([]string, 6)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"sku":"SKU-%06d","qty":%d,"price":%d.99,"desc":"line item number %d for the benchmark order"}`, 1000+37*i, i+1, 9+i, i)
	}
	return json.RawMessage(`{"order":{"id":"ord-000123","customer":{"id":"c-42","name":"Ada Lovelace","email":"ada@example.com","tier":"gold"},"lines":[` +
		strings.Join(lines, ",") + `]},"last":{"step":-1}}`)
}

// BenchmarkParse1000 compiles a 1000-state definition (target: at most 20 ms).
func BenchmarkParse1000(b *testing.B) {
	def := passChain(1000)
	b.SetBytes(int64(len(def)))
	for b.Loop() {
		if _, err := runtime.Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPassTransition runs a 1000-state Pass chain over a 1 KB document in memory, with
// no recorder, and reports the cost of one transition (target: a few microseconds).
func BenchmarkPassTransition(b *testing.B) {
	def, err := runtime.Parse(passChain(1000))
	if err != nil {
		b.Fatal(err)
	}
	input := orderDocument()
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Unix(0, 0))})
	in := runtime.StartInput{ExecutionARN: "arn:aws:states:us-east-1:123456789012:execution:bench:run",
		StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:bench", Definition: def, Input: input}
	for b.Loop() {
		res, err := eng.Run(context.Background(), in)
		if err != nil || res.Status != runtime.StatusSucceeded {
			b.Fatalf("%v %+v", err, res)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/transition")
}

// BenchmarkWorkload runs the shared benchmark workloads (../../shared/bench/workloads, or
// $STEPSTUDIO_BENCH_WORKLOADS) in process, as `stepstudio bench` measures one run: JSON input
// text in, output text out, no recorder, the wall clock. It is there to profile them:
//
//	go test -run '^$' -bench 'Workload/map' -cpuprofile cpu.out ./runtime
func BenchmarkWorkload(b *testing.B) {
	dir := os.Getenv("STEPSTUDIO_BENCH_WORKLOADS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "bench", "workloads")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Skipf("no workloads: %v", err)
	}
	for _, e := range entries {
		w := filepath.Join(dir, e.Name())
		var meta struct {
			ExecutionsPerRun int               `json:"executionsPerRun"`
			ConcurrencyModes []int             `json:"concurrencyModes"`
			TaskHandlers     map[string]string `json:"taskHandlers"`
		}
		metaText, err := os.ReadFile(filepath.Join(w, "meta.json"))
		if err != nil {
			continue
		}
		if err := json.Unmarshal(metaText, &meta); err != nil {
			b.Fatal(err)
		}
		defText, err := os.ReadFile(filepath.Join(w, "definition.asl.json"))
		if err != nil {
			b.Fatal(err)
		}
		input, err := os.ReadFile(filepath.Join(w, "input.json"))
		if err != nil {
			b.Fatal(err)
		}
		def, err := runtime.Parse(defText)
		if err != nil {
			b.Fatal(err)
		}
		eng := runtime.NewEngine(runtime.EngineConfig{Clock: wallClock{}, Invoker: echoInvoker(meta.TaskHandlers)})
		in := runtime.StartInput{ExecutionARN: "arn:aws:states:us-east-1:123456789012:execution:bench:run",
			StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:bench", Definition: def, Input: input}
		one := func() {
			res, err := eng.Run(context.Background(), in)
			if err != nil || res.Status != runtime.StatusSucceeded {
				b.Fatalf("%v %+v", err, res)
			}
		}
		modes := meta.ConcurrencyModes
		if meta.ExecutionsPerRun <= 1 || len(modes) == 0 {
			modes = []int{1}
		}
		for _, c := range modes {
			name := e.Name()
			if meta.ExecutionsPerRun > 1 {
				name += fmt.Sprintf("/c%d", c)
			}
			n := max(1, meta.ExecutionsPerRun)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					var next atomic.Int64
					var wg sync.WaitGroup
					for range min(c, n) {
						wg.Go(func() {
							for next.Add(1) <= int64(n) {
								one()
							}
						})
					}
					wg.Wait()
				}
			})
		}
	}
}

// echoInvoker returns the input of the Tasks whose resource it maps to "echo".
type echoInvoker map[string]string

func (h echoInvoker) Invoke(_ context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	if h[req.Resource] == "echo" {
		return req.Input, nil
	}
	return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: "no handler for " + req.Resource}
}

// wallClock is the real clock, as the bench command uses.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) runtime.Timer { return wallTimer{time.NewTimer(d)} }

type wallTimer struct{ t *time.Timer }

func (t wallTimer) C() <-chan time.Time { return t.t.C }
func (t wallTimer) Stop() bool          { return t.t.Stop() }
