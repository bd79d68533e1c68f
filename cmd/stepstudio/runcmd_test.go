package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCommand(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"greet.asl.json": `{"StartAt":"Greet","States":{"Greet":{"Type":"Pass",
			"Parameters":{"greeting.$":"$.name","machine.$":"$$.StateMachine.Name"},"End":true}}}`,
		"input.json":    `{"name": "Ada"}`,
		"fail.asl.json": `{"StartAt":"Check","States":{"Check":{"Type":"Fail","Error":"Rejected","Cause":"amount too large"}}}`,
		"callback.asl.json": `{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
			"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}`,
		"invalid.asl.json": `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`,
		"s3.asl.json": `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
			"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"in","Key":"rows.csv"},
				"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
		"s3/in/rows.csv": "a,b\n1,2\n",
	})
	path := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name   string
		args   []string
		stdout string
		stderr []string // lines stderr must hold
		err    string
	}{
		{name: "S3 items from --s3-dir",
			args:   []string{path("s3.asl.json"), "--s3-dir", path("s3")},
			stdout: `[{"a":"1","b":"2"}]` + "\n"},
		{name: "literal input, flag after the file",
			args:   []string{path("greet.asl.json"), "--input", `{"name":"Grace"}`},
			stdout: `{"greeting":"Grace","machine":"greet"}` + "\n"},
		{name: "input from a file, flag first",
			args:   []string{"--input", "@" + path("input.json"), path("greet.asl.json")},
			stdout: `{"greeting":"Ada","machine":"greet"}` + "\n"},
		{name: "no input means {}",
			args:   []string{path("fail.asl.json")},
			stderr: []string{"status: FAILED", "error: Rejected", "cause: amount too large"},
			err:    "the execution failed"},
		{name: "a callback task cannot be answered",
			args:   []string{path("callback.asl.json")},
			stderr: []string{"status: FAILED", "error: States.Runtime"},
			err:    "the execution failed"},
		{name: "an invalid definition prints its diagnostics",
			args:   []string{path("invalid.asl.json")},
			stderr: []string{"ERROR MISSING_TRANSITION_TARGET /States/A/Next "},
			err:    "the definition is not valid"},
		{name: "input that is not JSON",
			args: []string{path("greet.asl.json"), "--input", "{name}"},
			err:  "--input is not valid JSON"},
		{name: "a missing input file",
			args: []string{path("greet.asl.json"), "--input", "@" + path("missing.json")},
			err:  "missing.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, append([]string{"run"}, tt.args...)...)
			if stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			for _, line := range tt.stderr {
				if !strings.Contains(stderr, line) {
					t.Errorf("stderr lacks %q:\n%s", line, stderr)
				}
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("run returned %v; stderr:\n%s", err, stderr)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("run returned %v, want an error containing %q", err, tt.err)
			}
		})
	}
}

func TestRunCommandCallbackCauseSaysWhy(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"cb.asl.json": `{"StartAt":"Approve","States":{"Approve":{"Type":"Task",
		"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}`})
	_, stderr, _ := runCLI(t, "run", filepath.Join(dir, "cb.asl.json"))
	if !strings.Contains(stderr, `stepstudio run cannot answer the .waitForTaskToken task of state "Approve"`) {
		t.Errorf("stderr:\n%s", stderr)
	}
}
