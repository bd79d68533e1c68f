package runtime_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stepstudio/stepstudio/runtime"
)

// distributedMap is a distributed Map definition with extra fields (JSON members, no braces).
func distributedMap(fields string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
}

func TestValidateItemReaderAndResultWriter(t *testing.T) {
	t.Parallel()
	const schema = "SCHEMA_VALIDATION_FAILED"
	tests := []struct {
		name string
		def  string
		want []diag
	}{
		{
			name: "a CSV reader with given headers and an export are valid",
			def: distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket.$":"$.bucket","Key":"in.csv"},
				"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["a","b"],"CSVDelimiter":"PIPE","MaxItemsPath":"$.n"}},
				"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix.$":"$.prefix"},
				"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSONL"}}`),
		},
		{
			name: "a listing, JSON with ItemsPointer, and WriterConfig alone are valid",
			def: `{"StartAt":"L","States":{"L":{"Type":"Map","Next":"J",
				"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"p/"},"ReaderConfig":{"MaxItems":10}},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}},
				"J":{"Type":"Map","End":true,
				"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k.json"},"ReaderConfig":{"InputType":"JSON","ItemsPointer":"/items"}},
				"ResultWriter":{"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSON"}},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}}}}`,
		},
		{
			name: "reader and writer of an inline Map are refused",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
				"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b"}},
				"ResultWriter":{"WriterConfig":{"Transformation":"NONE","OutputType":"JSON"}},
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			want: []diag{
				{"ERROR", schema, "/States/M/ItemReader", "M", "ItemReader", "only for a Map state whose ProcessorConfig Mode is DISTRIBUTED"},
				{"ERROR", schema, "/States/M/ResultWriter", "M", "ResultWriter", "only for a Map state whose ProcessorConfig Mode is DISTRIBUTED"},
			},
		},
		{
			name: "reader fields name their place",
			def: distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Key":"k"},"Extra":1,
				"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVDelimiter":"COLON","MaxItems":-1,"ItemsPointer":"/x"}}`),
			want: []diag{
				{"ERROR", schema, "/States/M/ItemReader/Extra", "M", "ItemReader/Extra", "Field 'Extra' is not supported"},
				{"ERROR", schema, "/States/M/ItemReader/Parameters", "M", "ItemReader/Parameters", "[Bucket]"},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig", "M", "ItemReader/ReaderConfig", "[CSVHeaders]"},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig/CSVDelimiter", "M", "ItemReader/ReaderConfig/CSVDelimiter", `not "COLON"`},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig/ItemsPointer", "M", "ItemReader/ReaderConfig/ItemsPointer", "only for InputType JSON"},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig/MaxItems", "M", "ItemReader/ReaderConfig/MaxItems", "must be between 0 and 100000000"},
			},
		},
		{
			name: "a getObject reader needs its key and input type; unknown resources are refused",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","Next":"N",
				"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b"},"ReaderConfig":{"CSVHeaderLocation":"FIRST_ROW"}},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}},
				"N":{"Type":"Map","End":true,
				"ItemReader":{"Resource":"arn:aws:states:::s3:headObject","Parameters":{"Bucket":"b","Key":"k"},"ReaderConfig":{"InputType":"PARQUET"}},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}}}}`,
			want: []diag{
				{"ERROR", schema, "/States/M/ItemReader/Parameters", "M", "ItemReader/Parameters", "[Key]"},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig", "M", "ItemReader/ReaderConfig", "[InputType]"},
				{"ERROR", schema, "/States/M/ItemReader/ReaderConfig/CSVHeaderLocation", "M", "ItemReader/ReaderConfig/CSVHeaderLocation", "only for InputType CSV"},
				{"ERROR", schema, "/States/N/ItemReader/Resource", "N", "ItemReader/Resource", `not "arn:aws:states:::s3:headObject"`},
				{"ERROR", schema, "/States/N/ItemReader/ReaderConfig/InputType", "N", "ItemReader/ReaderConfig/InputType", "does not read PARQUET objects yet"},
			},
		},
		{
			name: "writer combinations and values",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","Next":"N",
				"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject"},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}},
				"N":{"Type":"Map","Next":"O",
				"ResultWriter":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Prefix":"p"},"WriterConfig":{"Transformation":"SQUASH"}},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}},
				"O":{"Type":"Map","End":true,"ResultWriter":{},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"R","States":{"R":{"Type":"Pass","End":true}}}}}}`,
			want: []diag{
				{"ERROR", schema, "/States/M/ResultWriter", "M", "ResultWriter", "needs both Resource and Parameters"},
				{"ERROR", schema, "/States/N/ResultWriter/Resource", "N", "ResultWriter/Resource", `must be "arn:aws:states:::s3:putObject"`},
				{"ERROR", schema, "/States/N/ResultWriter/Parameters", "N", "ResultWriter/Parameters", "[Bucket]"},
				{"ERROR", schema, "/States/N/ResultWriter/WriterConfig/Transformation", "N", "ResultWriter/WriterConfig/Transformation", `not "SQUASH"`},
				{"ERROR", schema, "/States/N/ResultWriter/WriterConfig", "N", "ResultWriter/WriterConfig", "[OutputType]"},
				{"ERROR", schema, "/States/O/ResultWriter", "O", "ResultWriter", "cannot be empty"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDiagnostics(t, tt.def, tt.want)
		})
	}
}

// checkDiagnostics validates def and compares the diagnostics with want, a wanted message
// matching any message that contains it.
func checkDiagnostics(t *testing.T, def string, want []diag) {
	t.Helper()
	got := []diag{}
	for _, d := range runtime.Validate([]byte(def)) {
		got = append(got, diag{d.Severity, d.Code, d.Location, d.State, d.Field, d.Message})
	}
	messageContains := cmp.Comparer(func(a, b diag) bool {
		if strings.Contains(a.Message, b.Message) {
			a.Message = b.Message
		} else if strings.Contains(b.Message, a.Message) {
			b.Message = a.Message
		}
		return a == b
	})
	if diff := cmp.Diff(want, got, messageContains, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
