package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// csvRows is a CSV of n rows with the header id,name.
func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("id,name\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,item %d\n", i, i)
	}
	return b.String()
}

// s3Map is a distributed Map that reads the CSV in/rows.csv, runs processor (its States) on
// every row, and exports the results to the bucket out under the prefix results.
func s3Map(typ, processor string, maxConcurrency int) string {
	return fmt.Sprintf(`{"StartAt":"Fan","States":{"Fan":{"Type":"Map","Label":"rows","MaxConcurrency":%d,
  "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"in","Key.$":"$.key"},
    "ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}},
  "ItemSelector":{"id.$":"$$.Map.Item.Value.id","name.$":"$$.Map.Item.Value.name","index.$":"$$.Map.Item.Index"},
  "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"results"}},
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":%q},"StartAt":"Do","States":%s},
  "End":true}}}`, maxConcurrency, typ, processor)
}

// resultFiles reads the export a Map's output points at: the manifest and its SUCCEEDED
// entries.
func resultFiles(t *testing.T, root, output string) (manifest map[string]any, succeeded []map[string]any) {
	t.Helper()
	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal([]byte(output), &out); err != nil || out.ResultWriterDetails.Bucket != "out" {
		t.Fatalf("output %s: %v", output, err)
	}
	id := out.MapRunArn[strings.LastIndexByte(out.MapRunArn, ':')+1:]
	if out.ResultWriterDetails.Key != "results/"+id+"/manifest.json" {
		t.Fatalf("manifest key %s for map run %s", out.ResultWriterDetails.Key, out.MapRunArn)
	}
	read := func(key string, v any) {
		data, err := os.ReadFile(filepath.Join(root, "out", filepath.FromSlash(key)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	read(out.ResultWriterDetails.Key, &manifest)
	read("results/"+id+"/SUCCEEDED_0.json", &succeeded)
	return manifest, succeeded
}

func TestDistributedMapReadsCSVAndWritesResultsToTheS3Folder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := writeFiles(t, map[string]string{"in/rows.csv": csvRows(30), "out/.keep": ""})
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "data", "studio.db"), "--s3-dir", root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	if !strings.Contains(s.banner, "S3 "+root) {
		t.Errorf("the banner does not say where S3 is: %s", s.banner)
	}
	c := anySFN(s)
	ctx := context.Background()
	processor := `{"Do":{"Type":"Pass","Parameters":{"row.$":"$.id","upper.$":"States.Format('{}!', $.name)"},"End":true}}`
	for _, typ := range []string{"EXPRESS", "STANDARD"} {
		t.Run(typ+" children", func(t *testing.T) {
			arn := createAPIMachine(t, c, "rows-"+strings.ToLower(typ), s3Map(typ, processor, 4), "")
			start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"key":"rows.csv"}`)}))
			done := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
			manifest, succeeded := resultFiles(t, root, *done.Output)
			files := manifest["ResultFiles"].(map[string]any)
			if len(files["FAILED"].([]any)) != 0 || len(files["PENDING"].([]any)) != 0 || len(files["SUCCEEDED"].([]any)) != 1 {
				t.Fatalf("manifest %v", manifest)
			}
			if len(succeeded) != 30 {
				t.Fatalf("%d entries in SUCCEEDED_0.json", len(succeeded))
			}
			runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
			children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn, MaxResults: 100}))
			if len(children.Executions) != 30 {
				t.Fatalf("%d children", len(children.Executions))
			}
			byARN := map[string]bool{}
			for _, e := range children.Executions {
				byARN[*e.ExecutionArn] = true
			}
			for i, e := range succeeded {
				wantOut := fmt.Sprintf(`{"row":"%d","upper":"item %d!"}`, i, i)
				wantIn := fmt.Sprintf(`{"id":"%d","name":"item %d","index":%d}`, i, i, i)
				if e["Status"] != "SUCCEEDED" || e["Output"] != wantOut || e["Input"] != wantIn || !byARN[e["ExecutionArn"].(string)] {
					t.Fatalf("entry %d: %v", i, e)
				}
			}
		})
	}
}

// TestDistributedMapFromS3SurvivesRestart: a map run reading its items from the S3 folder,
// stopped with children waiting, reads them again after the restart and neither loses nor
// starts again a child.
func TestDistributedMapFromS3SurvivesRestart(t *testing.T) {
	t.Parallel()
	root, db := writeFiles(t, map[string]string{"in/rows.csv": csvRows(3), "out/.keep": ""}), filepath.Join(t.TempDir(), "data", "studio.db")
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", db, "--s3-dir", root)
	if err != nil {
		t.Fatal(err)
	}
	c := anySFN(s)
	ctx := context.Background()
	processor := `{"Do":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"End":true}}`
	arn := createAPIMachine(t, c, "rows-wait", s3Map("STANDARD", processor, 2), "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"key":"rows.csv"}`)}))
	eventually(t, "two tasks to wait", func() bool { return len(s.waitingTaskIDs(t)) == 2 })
	runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
	s.stop()

	s, err = startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", db, "--s3-dir", root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	c = anySFN(s)
	answered := map[string]bool{}
	answer := func() {
		children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn}))
		for _, e := range children.Executions {
			if answered[*e.ExecutionArn] || e.Status != types.ExecutionStatusRunning {
				continue
			}
			answered[*e.ExecutionArn] = true
			token := historyToken(t, c, *e.ExecutionArn)
			must[*sfn.SendTaskSuccessOutput](t, "answer")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"answered":true}`)}))
		}
	}
	// The third child starts once one of the first two ends.
	eventually(t, "every child to be answered", func() bool { answer(); return len(answered) == 3 })
	done := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	_, succeeded := resultFiles(t, root, *done.Output)
	children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn}))
	if len(children.Executions) != 3 || len(succeeded) != 3 || len(answered) != 3 {
		t.Fatalf("%d children, %d results, %d answered: a child was lost or started twice", len(children.Executions), len(succeeded), len(answered))
	}
}

func TestServeChoosesItsS3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name  string
		env   map[string]string
		where string // what the banner says, and the folder made, if it is one
	}{
		{"beside the database by default", nil, filepath.Join(dir, "a", "s3")},
		{"STEPSTUDIO_S3_DIR", map[string]string{"STEPSTUDIO_S3_DIR": filepath.Join(dir, "elsewhere")}, filepath.Join(dir, "elsewhere")},
		{"S3_ENDPOINT", map[string]string{"S3_ENDPOINT": "http://127.0.0.1:4566"}, "http://127.0.0.1:4566"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(dir, string(rune('a'+i)), "studio.db")
			s, err := startStudioEnv(t, tt.env, "--addr", "127.0.0.1:0", "--db", db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.stop()
			if !strings.Contains(s.banner, "S3 "+tt.where+",") {
				t.Errorf("banner %s, want S3 %s", s.banner, tt.where)
			}
			if info, err := os.Stat(tt.where); !strings.HasPrefix(tt.where, "http") && (err != nil || !info.IsDir()) {
				t.Errorf("no folder %s: %v", tt.where, err)
			}
			// S3's folder is made after the database's, which stays private.
			if info, err := os.Stat(filepath.Dir(db)); err != nil || info.Mode().Perm() != 0o700 {
				t.Errorf("the data folder: %v %v", info.Mode(), err)
			}
		})
	}
}
