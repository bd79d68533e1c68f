package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
