package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// BenchmarkDistributedMapCSV100k: a distributed Map reads a 100,000-line CSV from the S3
// folder, runs a Pass child per row (Express or Standard children, as a user picks) and
// writes the results to the folder, as a user would run it (without a ResultWriter the
// Map's output would pass 256 KiB). It reports the seconds per run, rows per second and the
// process's peak RSS (the studio runs in the benchmark's process).
func BenchmarkDistributedMapCSV100k(b *testing.B) {
	const rows = 100_000
	for _, typ := range []string{"EXPRESS", "STANDARD"} {
		b.Run(typ, func(b *testing.B) {
			dir := b.TempDir()
			root := filepath.Join(dir, "s3")
			for _, bucket := range []string{"in", "out"} {
				if err := os.MkdirAll(filepath.Join(root, bucket), 0o755); err != nil {
					b.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "in", "rows.csv"), []byte(csvRows(rows)), 0o644); err != nil {
				b.Fatal(err)
			}
			s, err := startStudioArgs(&testing.T{}, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "data", "studio.db"), "--s3-dir", root)
			if err != nil {
				b.Fatal(err)
			}
			defer s.stop()
			c := anySFN(s)
			ctx := context.Background()
			def := s3Map(typ, `{"Do":{"Type":"Pass","End":true}}`, 0)
			out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("rows"), Definition: aws.String(def), RoleArn: aws.String(testRole)})
			if err != nil {
				b.Fatal(err)
			}
			var elapsed time.Duration
			for b.Loop() {
				begin := time.Now()
				start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: out.StateMachineArn, Input: aws.String(`{"key":"rows.csv"}`)})
				if err != nil {
					b.Fatal(err)
				}
				for {
					d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
					if err != nil {
						b.Fatal(err)
					}
					if d.Status == types.ExecutionStatusSucceeded {
						break
					}
					if d.Status != types.ExecutionStatusRunning {
						b.Fatalf("%s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
					}
					time.Sleep(100 * time.Millisecond)
				}
				elapsed += time.Since(begin)
			}
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/run")
			b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(selfPeakRSSMB(), "peak-RSS-MB")
		})
	}
}
