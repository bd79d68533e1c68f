package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"

	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/store"
)

// chainOf20 is 20 Pass states in a row.
func chainOf20() string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == 19 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Parameters":{"step":%d,"order.$":"$.order"},"ResultPath":"$.last",%s}`, i, i, next)
	}
	b.WriteString(`}}`)
	return b.String()
}

// BenchmarkLoad1024Executions starts 1,024 executions of a 20-state chain at once through the
// pages of the real program (POST /machines/NAME/executions, each answered once the start is
// stored) and waits for all of them to succeed. It reports executions/s from the first start
// to the last end, the start latency (request to 303) p50 and p99, and the requests that did
// not get their 303 (a busy SQLite would show here as 500s), and how long the program's
// acknowledgements (starts, flushes before an end) waited for their commit, p50 and p99.
func BenchmarkLoad1024Executions(b *testing.B) {
	const n = 1024
	s := startStudio(&testing.T{})
	defer s.stop()
	s.createMachine(&testing.T{}, "Chain", chainOf20())
	token, err := s.client.Transport.(*csrfTransport).token()
	if err != nil {
		b.Fatal(err)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	client := &http.Client{Jar: s.client.Jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
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
				req, _ := http.NewRequest(http.MethodPost, s.url+"/machines/Chain/executions",
					strings.NewReader(url.Values{"input": {fmt.Sprintf(`{"order":%d}`, i)}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-CSRF-Token", token)
				t0 := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t0)
				ok := err == nil && resp.StatusCode == http.StatusSeeOther
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				defer mu.Unlock()
				if ok {
					latencies = append(latencies, d)
				} else {
					failed++
				}
			})
		}
		wg.Wait()
		awaitAllEnded(b, db)
		elapsed += time.Since(begin)
	}
	execs, err := db.FindExecutions(context.Background(), 0, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range execs {
		if e.Status != runtime.StatusSucceeded {
			b.Fatalf("execution %d ended %s %s %s", e.ID, e.Status, e.Error, e.Cause)
		}
	}
	// The program logs, as it stops, how long acknowledgements waited for their commit.
	s.stop()
	m := regexp.MustCompile(`commit_wait_p50=(\S+) commit_wait_p99=(\S+)`).FindStringSubmatch(s.logs.String())
	if m == nil {
		b.Fatalf("the program did not log its commit waits:\n%s", s.logs)
	}
	for i, name := range []string{"commit-p50-ms", "commit-p99-ms"} {
		d, err := time.ParseDuration(m[i+1])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(d.Microseconds())/1000, name)
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "executions/s")
	latencyMetrics(b, "start", latencies)
	b.ReportMetric(float64(failed), "failed-starts")
}

// awaitAllEnded polls the store until no execution runs: the program's work is done.
func awaitAllEnded(b *testing.B, db *store.DB) {
	for {
		running, err := db.FindRunningExecutions(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(running) == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond) // polling the store for work done by the program
	}
}
