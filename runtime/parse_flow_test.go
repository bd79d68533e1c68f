package runtime_test

import (
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

// TestValidateParallelMapAndVariables checks the diagnostics of the fields Parallel, Map and
// variables add: every problem, each naming its state and field.
func TestValidateParallelMapAndVariables(t *testing.T) {
	t.Parallel()
	const processor = `"ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name string
		def  string
		want []diag
	}{
		{
			name: "Assign is not an object",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":1,"End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Assign", "A", "Assign", "must be an object"}},
		},
		{
			name: "bad variable names and expressions, all of them",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a.b":1,"states":2,"x.$":"nope","1x":3,"ok":{"y.$":"$.z"}},"End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Assign/a.b", "A", "Assign/a.b", `"a.b" is not a variable name`},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Assign/states", "A", "Assign/states", "'states' is reserved"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Assign/1x", "A", "Assign/1x", `"1x" is not a variable name`},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Assign/x.$", "A", "Assign/x.$", "must be a JSONPath or an intrinsic function"},
			},
		},
		{
			name: "ResultPath cannot be a variable",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$x","End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/ResultPath", "A", "ResultPath", "not a variable"}},
		},
		{
			name: "only top-level Choice rules assign",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsPresent":true,"Assign":{"x":1}},
				"Assign":{"y.$":"$$$"},"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/0/Not/Assign", "C", "Choices/0/Not/Assign", "only top-level choice rules have Assign"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/0/Assign/y.$", "C", "Choices/0/Assign/y.$", "not a valid JSONPath"},
			},
		},
		{
			name: "a catcher's Assign is checked",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],
				"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"e-rr":1},"Next":"D"}],"End":true},"D":{"Type":"Succeed"}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/P/Catch/0/Assign/e-rr", "P", "Catch/0/Assign/e-rr", "not a variable name"}},
		},
		{
			name: "an inner scope cannot assign an outer variable, but siblings and distributed children may reuse names",
			def: `{"StartAt":"S","States":{
				"S":{"Type":"Pass","Assign":{"x":1},"Next":"P"},
				"P":{"Type":"Parallel","Next":"M","Branches":[
					{"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"x":2,"y":1},"End":true}}},
					{"StartAt":"B2","States":{"B2":{"Type":"Pass","Assign":{"y":2},"End":true}}}],
					"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"x.$":"$.Error"},"Next":"M"}]},
				"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
					"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"x":3},"End":true}}}}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/P/Branches/0/States/B/Assign/x", "B", "Assign/x",
				`the variable "x" is assigned in an enclosing scope (/States/S/Assign/x)`}},
		},
		{
			name: "Map field values",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":-1,"ToleratedFailureCount":1,"ToleratedFailureCountPath":"$.c",
				"ToleratedFailurePercentage":101,"Label":"x","ItemBatcher":{"MaxItemsPerBatch":2},"ItemReader":{},` + processor + `,"End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/Label", "M", "Label", "only for a Map state whose ProcessorConfig Mode is DISTRIBUTED"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/MaxConcurrency", "M", "MaxConcurrency", "must be between 0 and 2147483647"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ToleratedFailureCountPath", "M", "ToleratedFailureCountPath", "cannot have both ToleratedFailureCount and ToleratedFailureCountPath"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ToleratedFailurePercentage", "M", "ToleratedFailurePercentage", "must be between 0 and 100"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemBatcher", "M", "ItemBatcher", "only for a Map state whose ProcessorConfig Mode is DISTRIBUTED"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemReader", "M", "ItemReader", "only for a Map state whose ProcessorConfig Mode is DISTRIBUTED"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemReader", "M", "ItemReader", "[Resource]"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemReader", "M", "ItemReader", "[Parameters]"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemReader", "M", "ItemReader", "[ReaderConfig]"},
			},
		},
		{
			name: "ProcessorConfig",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"MaxConcurrencyPath":"$.c",
				"ItemProcessor":{"ProcessorConfig":{"Mode":"FAST","Extra":1},"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"Next":"N"},
				"N":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"Next":"O"},
				"O":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE","ExecutionType":"STANDARD"},"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}},"End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/ProcessorConfig/Extra", "M", "ItemProcessor/ProcessorConfig/Extra", "Field 'Extra' is not supported"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/ProcessorConfig/Mode", "M", "ItemProcessor/ProcessorConfig/Mode", `not "FAST"`},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/MaxConcurrencyPath", "M", "MaxConcurrencyPath", "cannot have both MaxConcurrency and MaxConcurrencyPath"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/N/ItemProcessor/ProcessorConfig", "N", "ItemProcessor/ProcessorConfig", "[ExecutionType]"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/O/ItemProcessor/ProcessorConfig/ExecutionType", "O", "ItemProcessor/ProcessorConfig/ExecutionType", "only for DISTRIBUTED mode"},
			},
		},
		{
			name: "distributed Map labels and batcher",
			def: `{"StartAt":"M","States":{
				"M":{"Type":"Map","Label":"has space","ItemBatcher":{"BatchInput":1},"Next":"N",
					"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}},
				"N":{"Type":"Map","Label":"dup","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"B","States":{
					"B":{"Type":"Map","Label":"dup","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
						"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}}}}}}}}`,
			want: []diag{
				{"ERROR", "INVALID_LABEL_NAME", "/States/M/Label", "M", "Label", `"has space" is not a valid label`},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemBatcher", "M", "ItemBatcher", "needs MaxItemsPerBatch"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemBatcher/BatchInput", "M", "ItemBatcher/BatchInput", "must be an object"},
				{"ERROR", "DUPLICATE_LABEL_NAME", "/States/N/ItemProcessor/States/B/Label", "B", "Label", `"dup" is already used at /States/N/Label`},
			},
		},
		{
			name: "a valid distributed Map with everything",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"run-1","MaxConcurrencyPath":"$limit","ToleratedFailurePercentage":12.5,
				"ToleratedFailureCountPath":"$.c","ItemsPath":"$.items","ItemSelector":{"v.$":"$$.Map.Item.Value"},
				"ItemBatcher":{"MaxItemsPerBatchPath":"$.n","MaxInputBytesPerBatch":1024,"BatchInput":{"k.$":"$.k"}},
				"ResultSelector":{"r.$":"$"},"ResultPath":"$.out","OutputPath":"$.out","Assign":{"done":true},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"End":true}}}`,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDiagnostics(t, tt.def, tt.want)
		})
	}
}

func TestParseBuildsMapAndParallelStates(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(`{"StartAt":"P","States":{
		"P":{"Type":"Parallel","Next":"M","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
		"M":{"Type":"Map","MaxConcurrency":4,"ToleratedFailureCount":2,"Label":"l","ItemsPath":"$.items","End":true,
			"Iterator":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := def.States["P"].(*runtime.ParallelState); len(p.Branches) != 2 || p.Branches[1].StartAt != "B" {
		t.Errorf("parallel = %+v", p)
	}
	m := def.States["M"].(*runtime.MapState)
	if m.Mode != "DISTRIBUTED" || m.ExecutionType != "EXPRESS" || m.MaxConcurrency != 4 || m.ToleratedFailureCount != 2 ||
		m.Label != "l" || m.ItemsPath.String() != "$.items" || m.ItemProcessor.StartAt != "C" {
		t.Errorf("map = %+v", m)
	}
}
