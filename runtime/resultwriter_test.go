package runtime_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
)

// writerMap is a distributed Map over $.items whose children fail on an item {"fail":true}
// and output {"out": item} otherwise, with the ResultWriter writer and extra fields.
func writerMap(writer, extra string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPath":"$.items","ResultWriter":` + writer + extra + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$.fail","IsPresent":true,"Next":"F"}],"Default":"P"},
			"F":{"Type":"Fail","Error":"Item.Bad","Cause":"this item fails"},
			"P":{"Type":"Pass","Parameters":{"out.$":"$"},"End":true}}}}}}`
}

// readJSONFile decodes a file of the folder store.
func readJSONFile(t *testing.T, root, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, data)
	}
	return v
}

func TestResultWriterExportsTheResults(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"out/.keep": ""})
	def := writerMap(`{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix.$":"$.prefix"}}`, `,"ToleratedFailureCount":1`)
	res, events := runWithObjects(t, objects, def, `{"prefix":"runs","items":[1,{"fail":true},"three"]}`)
	if res.Status != runtime.StatusSucceeded {
		t.Fatalf("%s %s %s\n%s", res.Status, res.Error, res.Cause, formatHistory(events))
	}
	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal(res.Output, &out); err != nil {
		t.Fatal(err)
	}
	id := out.MapRunArn[strings.LastIndexByte(out.MapRunArn, ':')+1:]
	if !strings.HasPrefix(out.MapRunArn, "arn:aws:states:us-east-1:123456789012:mapRun:machine/M:") ||
		out.ResultWriterDetails.Bucket != "out" || out.ResultWriterDetails.Key != "runs/"+id+"/manifest.json" {
		t.Fatalf("output %s", res.Output)
	}
	dir := "out/runs/" + id + "/"
	succeeded, failed := readJSONFile(t, objects.Root, dir+"SUCCEEDED_0.json"), readJSONFile(t, objects.Root, dir+"FAILED_0.json")
	size := func(name string) float64 {
		info, err := os.Stat(filepath.Join(objects.Root, dir+name))
		if err != nil {
			t.Fatal(err)
		}
		return float64(info.Size())
	}
	wantManifest := map[string]any{"DestinationBucket": "out", "MapRunArn": out.MapRunArn, "ResultFiles": map[string]any{
		"FAILED":    []any{map[string]any{"Key": "runs/" + id + "/FAILED_0.json", "Size": size("FAILED_0.json")}},
		"PENDING":   []any{},
		"SUCCEEDED": []any{map[string]any{"Key": "runs/" + id + "/SUCCEEDED_0.json", "Size": size("SUCCEEDED_0.json")}},
	}}
	if diff := cmp.Diff(wantManifest, readJSONFile(t, objects.Root, dir+"manifest.json")); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	machine := "arn:aws:states:us-east-1:123456789012:stateMachine:machine/M"
	entry := func(i int, input, status string) map[string]any {
		e := map[string]any{"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:machine/M:" + id + "-" + string(rune('0'+i)),
			"Input": input, "InputDetails": map[string]any{"Included": true}, "Name": id + "-" + string(rune('0'+i)),
			"RedriveCount": float64(0), "StartDate": "2026-03-01T12:00:00.000Z", "StateMachineArn": machine,
			"Status": status, "StopDate": "2026-03-01T12:00:00.000Z"}
		return e
	}
	first, third := entry(0, `1`, "SUCCEEDED"), entry(2, `"three"`, "SUCCEEDED")
	for e, output := range map[*map[string]any]string{&first: `{"out":1}`, &third: `{"out":"three"}`} {
		(*e)["Output"], (*e)["OutputDetails"] = output, map[string]any{"Included": true}
		(*e)["RedriveStatus"], (*e)["RedriveStatusReason"] = "NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"
	}
	second := entry(1, `{"fail":true}`, "FAILED")
	second["Error"], second["Cause"], second["RedriveStatus"] = "Item.Bad", "this item fails", "REDRIVABLE"
	if diff := cmp.Diff([]any{first, third}, succeeded); diff != "" {
		t.Errorf("SUCCEEDED_0.json (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{second}, failed); diff != "" {
		t.Errorf("FAILED_0.json (-want +got):\n%s", diff)
	}
}

func TestResultWriterTransformations(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"out/.keep": ""})
	export := `"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":""},`
	tests := []struct {
		name, writer, input string
		want                string // the Map's output, or the SUCCEEDED file's content with an export
	}{
		{"COMPACT without export outputs the outputs", `{"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSON"}}`,
			`[1,2]`, `[{"out":1},{"out":2}]`},
		{"FLATTEN without export flattens arrays", `{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}`,
			`[[1,2],[3]]`, `[{"out":[1,2]},{"out":[3]}]`},
		{"COMPACT as JSON Lines", `{` + export + `"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}}`,
			`[1,{"fail":true},[2]]`, "{\"out\":1}\n{\"out\":[2]}\n"},
		{"FLATTEN as JSON", `{` + export + `"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}`,
			`[1,2]`, `[{"out":1},{"out":2}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := writerMap(tt.writer, `,"ToleratedFailurePercentage":50`)
			res, events := runWithObjects(t, objects, def, `{"items":`+tt.input+`}`)
			if res.Status != runtime.StatusSucceeded {
				t.Fatalf("%s %s %s\n%s", res.Status, res.Error, res.Cause, formatHistory(events))
			}
			got := string(res.Output)
			if strings.Contains(tt.writer, "Resource") {
				var out struct{ ResultWriterDetails struct{ Key string } }
				json.Unmarshal(res.Output, &out)
				data, err := os.ReadFile(filepath.Join(objects.Root, "out", strings.Replace(out.ResultWriterDetails.Key, "manifest.json", "SUCCEEDED_0.json", 1)))
				if err != nil {
					t.Fatal(err)
				}
				got = string(data)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestResultWriterFlattensArrayOutputs(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
	res, _ := runWithObjects(t, nil, def, `[[1,2],[3],4]`)
	if string(res.Output) != `[1,2,3,4]` {
		t.Fatalf("got %s %s %s", res.Status, res.Output, res.Cause)
	}
}

func TestResultWriterFailure(t *testing.T) {
	t.Parallel()
	def := writerMap(`{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"nobucket","Prefix":"p"}}`, "")
	res, _ := runWithObjects(t, s3Folder(t, nil), def, `{"items":[1]}`)
	if res.Error != runtime.ErrNameResultWriterFailed || !strings.Contains(res.Cause, "Failed to write s3://nobucket/p/") ||
		!strings.Contains(res.Cause, "The specified bucket does not exist.") {
		t.Fatalf("got %s %s %q", res.Status, res.Error, res.Cause)
	}
}

func TestResultWriterNamesExpressChildren(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"out/.keep": ""})
	def := strings.Replace(writerMap(`{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":""}}`, `,"ToleratedFailureCount":1`),
		`"ExecutionType":"STANDARD"`, `"ExecutionType":"EXPRESS"`, 1)
	res, _ := runWithObjects(t, objects, def, `{"items":[{"fail":true}]}`)
	var out struct{ ResultWriterDetails struct{ Key string } }
	if err := json.Unmarshal(res.Output, &out); err != nil {
		t.Fatalf("%s %s: %v", res.Output, res.Cause, err)
	}
	failed := readJSONFile(t, objects.Root, "out/"+strings.Replace(out.ResultWriterDetails.Key, "manifest.json", "FAILED_0.json", 1)).([]any)
	entry := failed[0].(map[string]any)
	if !strings.Contains(entry["ExecutionArn"].(string), ":express:machine/M:") || entry["RedriveStatus"] != "REDRIVABLE_BY_MAP_RUN" {
		t.Fatalf("entry %v", entry)
	}
}
