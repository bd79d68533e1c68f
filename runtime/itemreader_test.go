package runtime_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/runtime/objectstore"
)

// s3Folder makes a folder standing in for S3 with the given files ("bucket/key": content).
func s3Folder(t *testing.T, files map[string]string) objectstore.Folder {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return objectstore.Folder{Root: root}
}

// runWithObjects runs def over input with the object store on a virtual clock.
func runWithObjects(t *testing.T, objects runtime.ObjectStore, def, input string) (runtime.Result, []runtime.Event) {
	t.Helper()
	rec := newRecorder()
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Recorder: rec, Objects: objects})
	in := startInput(mustParse(t, def), input)
	res, err := eng.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res, rec.history(in.ExecutionARN)
}

// readerMap is a distributed Map whose items come from reader (the ItemReader object) and
// whose children pass their item on, with extra fields (JSON members, leading comma).
func readerMap(reader, extra string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":` + reader + extra + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
}

// getObject is an ItemReader of bucket b's key with the ReaderConfig members config.
func getObject(key, config string) string {
	return `{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key.$":"$.key"},"ReaderConfig":{` + config + `}}`
}

func TestItemReaderReadsItems(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"b/typed.csv":   "0,True,{}\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
		"b/given.csv":   "Value1,Value2,Value3\nValue4\n\n\"quoted, comma\",x\n",
		"b/pipe.csv":    "a|b\n1|2\n3|4\n",
		"b/tab.csv":     "a\tb\n1\t2\n",
		"b/semi.csv":    "a;b\n1;2\n",
		"b/space.csv":   "a b\n1 2\n",
		"b/empty.csv":   "",
		"b/items.json":  `[{"verdict":"true","n":1},[1,2],"three",null]`,
		"b/nested.json": `{"meta":{"n":2},"data":{"items":[{"k":1},{"k":2}]}}`,
		"b/lines.jsonl": "{\"a\":1}\n\n[2]\n\"three\"\n",
		"b/list/b.txt":  "bb",
		"b/list/a.txt":  "a",
		"b/other.txt":   "not listed",
	}
	objects := s3Folder(t, files)
	csv := func(header, extra string) string {
		return getObject("", `"InputType":"CSV","CSVHeaderLocation":`+header+extra)
	}
	tests := []struct {
		name, reader, input, want string
	}{
		{"CSV with the first row as headers, columns as AWS orders them", csv(`"FIRST_ROW"`, ""), `{"key":"typed.csv"}`,
			`[{"0":"Value4","{}":"Value6","True":"Value5"},{"0":"","{}":"","True":""},{"0":"true","{}":"'HelloWorld'","True":"1"},{"0":"Null","{}":"","True":"None"},{"0":"   ","{}":"","True":""}]`},
		{"CSV with given headers, short rows filled, long rows cut", csv(`"GIVEN","CSVHeaders":["H1","H2"]`, ""), `{"key":"given.csv"}`,
			`[{"H1":"Value1","H2":"Value2"},{"H1":"Value4","H2":""},{"H1":"quoted, comma","H2":"x"}]`},
		{"CSV with MaxItems", csv(`"FIRST_ROW"`, `,"MaxItems":1`), `{"key":"pipe.csv"}`, `[{"a|b":"1|2"}]`},
		{"CSV split by PIPE", csv(`"FIRST_ROW"`, `,"CSVDelimiter":"PIPE"`), `{"key":"pipe.csv"}`, `[{"a":"1","b":"2"},{"a":"3","b":"4"}]`},
		{"CSV split by TAB", csv(`"FIRST_ROW"`, `,"CSVDelimiter":"TAB"`), `{"key":"tab.csv"}`, `[{"a":"1","b":"2"}]`},
		{"CSV split by SEMICOLON", csv(`"FIRST_ROW"`, `,"CSVDelimiter":"SEMICOLON"`), `{"key":"semi.csv"}`, `[{"a":"1","b":"2"}]`},
		{"CSV split by SPACE", csv(`"FIRST_ROW"`, `,"CSVDelimiter":"SPACE"`), `{"key":"space.csv"}`, `[{"a":"1","b":"2"}]`},
		{"an empty CSV has no items", csv(`"FIRST_ROW"`, ""), `{"key":"empty.csv"}`, `[]`},
		{"MaxItemsPath of 0 reads all", csv(`"FIRST_ROW"`, `,"MaxItemsPath":"$.n"`), `{"key":"pipe.csv","n":0}`, `[{"a|b":"1|2"},{"a|b":"3|4"}]`},
		{"a JSON array", getObject("", `"InputType":"JSON"`), `{"key":"items.json"}`, `[{"verdict":"true","n":1},[1,2],"three",null]`},
		{"a JSON array with MaxItemsPath", getObject("", `"InputType":"JSON","MaxItemsPath":"$.n"`), `{"key":"items.json","n":2}`, `[{"verdict":"true","n":1},[1,2]]`},
		{"a JSON array found by ItemsPointer", getObject("", `"InputType":"JSON","ItemsPointer":"/data/items"`), `{"key":"nested.json"}`, `[{"k":1},{"k":2}]`},
		{"JSON Lines", getObject("", `"InputType":"JSONL"`), `{"key":"lines.jsonl"}`, `[{"a":1},[2],"three"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, events := runWithObjects(t, objects, readerMap(tt.reader, ""), tt.input)
			if res.Status != runtime.StatusSucceeded || string(res.Output) != tt.want {
				t.Fatalf("got %s %s %s, want %s\n%s", res.Status, res.Output, res.Cause, tt.want, formatHistory(events))
			}
			if started := events[2]; started.Type != runtime.MapStateStarted || *started.Details.Length != 0 {
				t.Errorf("event 3 is %s %v; AWS records MapStateStarted with length 0 for an ItemReader", started.Type, started.Details.Length)
			}
		})
	}
}

func TestItemReaderListsObjects(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"b/list/b.txt": "bb", "b/list/a.txt": "a", "b/other.txt": "x"})
	modified := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(objects.Root, "b", "list", "a.txt"), modified, modified); err != nil {
		t.Fatal(err)
	}
	reader := `{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"list/"}}`
	res, _ := runWithObjects(t, objects, readerMap(reader, `,"ItemSelector":{"key.$":"$$.Map.Item.Value.Key","item.$":"$$.Map.Item.Value"}`), `{}`)
	var got []map[string]any
	if err := json.Unmarshal(res.Output, &got); err != nil || len(got) != 2 {
		t.Fatalf("output %s %s: %v", res.Output, res.Cause, err)
	}
	first := got[0]["item"].(map[string]any)
	want := map[string]any{"Etag": `"0cc175b9c0f1b6a831c399e269772661"`, "Key": "list/a.txt",
		"LastModified": float64(modified.Unix()), "Size": float64(1), "StorageClass": "STANDARD"}
	if diff := cmp.Diff(want, first); diff != "" || got[1]["key"] != "list/b.txt" {
		t.Errorf("listed items (-want +got):\n%s\n%s", diff, res.Output)
	}
	if !strings.HasPrefix(string(res.Output), `[{"key":"list/a.txt","item":{"Etag":`) {
		t.Errorf("an item's fields are not in AWS's order: %s", res.Output)
	}
}

func TestItemReaderFailures(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{
		"b/dup.csv":     "a,b,a\n1,2,3\n",
		"b/object.json": `{"not":"an array"}`,
		"b/bad.jsonl":   "{\"a\":1}\n{oops\n",
	})
	csvFirstRow := getObject("", `"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItemsPath":"$.n"`)
	tests := []struct {
		name, reader, input, errName, cause string
	}{
		{"a missing object", csvFirstRow, `{"key":"missing.csv","n":0}`, runtime.ErrNameItemReaderFailed, "Failed to read s3://b/missing.csv: The specified key does not exist."},
		{"a missing bucket", `{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"nobucket"}}`, `{}`, runtime.ErrNameItemReaderFailed, "The specified bucket does not exist."},
		{"a key leaving the bucket", csvFirstRow, `{"key":"../b/dup.csv","n":0}`, runtime.ErrNameItemReaderFailed, `leaves the folder of bucket "b"`},
		{"duplicate CSV headers", csvFirstRow, `{"key":"dup.csv","n":0}`, runtime.ErrNameItemReaderFailed, "CSV headers cannot contain duplicates."},
		{"a negative MaxItemsPath", csvFirstRow, `{"key":"dup.csv","n":-1}`, runtime.ErrNameItemReaderFailed, "field MaxItems must be positive"},
		{"a MaxItemsPath that is no integer", csvFirstRow, `{"key":"dup.csv","n":1.5}`, runtime.ErrNameRuntime, `The MaxItemsPath field refers to value "1.5" which is not a valid integer: $.n`},
		{"a JSON object", getObject("", `"InputType":"JSON"`), `{"key":"object.json"}`, runtime.ErrNameItemReaderFailed, "Attempting to map over non-iterable node."},
		{"a JSONL line that is not JSON", getObject("", `"InputType":"JSONL"`), `{"key":"bad.jsonl"}`, runtime.ErrNameItemReaderFailed, "JSONL line 2 is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, events := runWithObjects(t, objects, readerMap(tt.reader, ""), tt.input)
			if res.Status != runtime.StatusFailed || res.Error != tt.errName || !strings.Contains(res.Cause, tt.cause) {
				t.Fatalf("got %s %s %q, want %s %q\n%s", res.Status, res.Error, res.Cause, tt.errName, tt.cause, formatHistory(events))
			}
		})
	}
}

func TestItemReaderFailureIsCaught(t *testing.T) {
	t.Parallel()
	def := readerMap(getObject("", `"InputType":"JSON"`), `,"Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"Next":"Caught"}]`)
	def = strings.Replace(def, `"End":true,"ItemReader"`, `"Next":"Caught","ItemReader"`, 1)
	def = strings.Replace(def, `"States":{"M":`, `"States":{"Caught":{"Type":"Pass","End":true},"M":`, 1)
	res, events := runWithObjects(t, s3Folder(t, map[string]string{"b/x": ""}), def, `{"key":"missing.json"}`)
	if res.Status != runtime.StatusSucceeded || !strings.Contains(string(res.Output), `"Error":"States.ItemReaderFailed"`) ||
		!strings.Contains(string(res.Output), "s3://b/missing.json") {
		t.Fatalf("got %s %s %s\n%s", res.Status, res.Output, res.Cause, formatHistory(events))
	}
}

func TestItemReaderWithoutAnObjectStore(t *testing.T) {
	t.Parallel()
	res, _ := runWithObjects(t, nil, readerMap(getObject("", `"InputType":"JSON"`), ""), `{"key":"k"}`)
	if res.Error != runtime.ErrNameItemReaderFailed || !strings.Contains(res.Cause, "--s3-dir") {
		t.Fatalf("got %s %s", res.Error, res.Cause)
	}
}

func TestItemReaderItemsAreBatchedAndSelected(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"b/rows.csv": "n\n1\n2\n3\n4\n5\n"})
	reader := getObject("", `"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItems":4`)
	extra := `,"ItemSelector":{"n.$":"$$.Map.Item.Value.n","i.$":"$$.Map.Item.Index"},"ItemBatcher":{"MaxItemsPerBatch":3,"BatchInput":{"from.$":"$.key"}}`
	res, events := runWithObjects(t, objects, readerMap(reader, extra), `{"key":"rows.csv"}`)
	want := `[{"BatchInput":{"from":"rows.csv"},"Items":[{"n":"1","i":0},{"n":"2","i":1},{"n":"3","i":2}]},` +
		`{"BatchInput":{"from":"rows.csv"},"Items":[{"n":"4","i":3}]}]`
	if string(res.Output) != want {
		t.Fatalf("got %s %s, want %s\n%s", res.Output, res.Cause, want, formatHistory(events))
	}
}
