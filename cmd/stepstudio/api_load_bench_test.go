package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/stepstudio/stepstudio/runtime"
)

// loadSFN is an SDK client of the studio with room for many connections at once.
func loadSFN(s *studio, conns int) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.url),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "x", ""),
		HTTPClient:       &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}},
		RetryMaxAttempts: 1,
	})
}

// latencyMetrics reports the p50 and p99 of latencies, in milliseconds, under prefix.
func latencyMetrics(b *testing.B, prefix string, latencies []time.Duration) {
	slices.Sort(latencies)
	at := func(q float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), prefix+"-p50-ms")
	b.ReportMetric(at(0.99), prefix+"-p99-ms")
}

// BenchmarkAPIExpressStarts50Clients: 50 clients (aws-sdk-go-v2) start Express executions of
// a 20-state chain through the API as fast as they are answered, for 10 seconds. It reports
// the StartExecution requests answered per second, their latency p50 and p99, and errors.
func BenchmarkAPIExpressStarts50Clients(b *testing.B) {
	const clients, period = 50, 10 * time.Second
	s := startStudio(&testing.T{})
	defer s.stop()
	c := loadSFN(s, clients)
	ctx := context.Background()
	out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("Quick"), Definition: aws.String(chainOf20()),
		RoleArn: aws.String(testRole), Type: "EXPRESS"})
	if err != nil {
		b.Fatal(err)
	}
	var latencies []time.Duration
	failed := 0
	var elapsed time.Duration
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		begin := time.Now()
		end := begin.Add(period)
		for i := range clients {
			wg.Go(func() {
				var mine []time.Duration
				bad := 0
				for n := 0; time.Now().Before(end); n++ {
					t0 := time.Now()
					_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: out.StateMachineArn,
						Input: aws.String(fmt.Sprintf(`{"order":"%d-%d"}`, i, n))})
					if err != nil {
						bad++
						continue
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				defer mu.Unlock()
				latencies = append(latencies, mine...)
				failed += bad
			})
		}
		wg.Wait()
		elapsed += time.Since(begin)
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "requests/s")
	latencyMetrics(b, "start", latencies)
	b.ReportMetric(float64(failed), "failed-starts")
}

// BenchmarkAPILoad1024Executions starts 1,024 Standard executions of a 20-state chain at once
// through the API (StartExecution answers once the start is stored) and waits for all to
// succeed, as BenchmarkLoad1024Executions does through the pages.
func BenchmarkAPILoad1024Executions(b *testing.B) {
	const n = 1024
	s := startStudio(&testing.T{})
	defer s.stop()
	c := loadSFN(s, n)
	ctx := context.Background()
	out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("Chain"), Definition: aws.String(chainOf20()), RoleArn: aws.String(testRole)})
	if err != nil {
		b.Fatal(err)
	}
	db := s.readDB(&testing.T{})
	var latencies []time.Duration
	failed := 0
	var elapsed time.Duration
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		begin := time.Now()
		for i := range n {
			wg.Go(func() {
				t0 := time.Now()
				_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: out.StateMachineArn, Input: aws.String(fmt.Sprintf(`{"order":%d}`, i))})
				d := time.Since(t0)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed++
					return
				}
				latencies = append(latencies, d)
			})
		}
		wg.Wait()
		awaitAllEnded(b, db)
		elapsed += time.Since(begin)
	}
	execs, err := db.FindExecutions(ctx, 0, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range execs {
		if e.Status != runtime.StatusSucceeded {
			b.Fatalf("execution %d ended %s %s %s", e.ID, e.Status, e.Error, e.Cause)
		}
	}
	s.stop()
	if m := regexp.MustCompile(`commit_wait_p50=(\S+) commit_wait_p99=(\S+)`).FindStringSubmatch(s.logs.String()); m != nil {
		for i, name := range []string{"commit-p50-ms", "commit-p99-ms"} {
			if d, err := time.ParseDuration(m[i+1]); err == nil {
				b.ReportMetric(float64(d.Microseconds())/1000, name)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "executions/s")
	latencyMetrics(b, "start", latencies)
	b.ReportMetric(float64(failed), "failed-starts")
}
