package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// passMachine waits a day, then adds an order to its input.
const (
	passMachine = `{"StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":86400,"Next":"Done"},"Done":{"Type":"Pass","Result":{"total":10.0,"items":["a","b"]},"ResultPath":"$.order","End":true}}}`
)

func TestTestCommand(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		// A day of Wait: passes on virtual time; total 10.0 matches 10.
		"flows/order/ok.json": `{"name":"order is totalled","input":{"id":1},"definition":` + passMachine + `,
			"expect":{"status":"SUCCEEDED","output":{"id":1,"order":{"total":10,"items":["a","b"]}}}}`,
		"flows/order/wrong.json": `{"name":"order total is wrong","input":{"id":1},"definition":"../order.asl.json",
			"expect":{"status":"SUCCEEDED","output":{"id":1,"order":{"total":12,"items":["a","b"]}}}}`,
		"flows/order.asl.json": passMachine, // the workflow itself: not a case
	})
	stdout, _, err := runCLI(t, "test", filepath.Join(dir, "flows"))
	if err == nil || !strings.Contains(err.Error(), "1 of 2 cases failed") {
		t.Errorf("error %v, want 1 of 2 cases failed", err)
	}
	want := "--- FAIL: order total is wrong (" + filepath.Join(dir, "flows/order/wrong.json") + ")\n" +
		"    output $.order.total: want 12, got 10.0\n" + // numbers show as written
		"1 passed, 1 failed\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestTestCommandVerboseListsPassesAndSkips(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.json":        `{"name":"waits a day","definition":` + passMachine + `,"expect":{"status":"SUCCEEDED"}}`,
		"flow.asl.json": passMachine,
	})
	stdout, _, err := runCLI(t, "test", dir, "-v")
	if err != nil {
		t.Fatalf("test returned %v\n%s", err, stdout)
	}
	for _, line := range []string{
		"--- SKIP: " + filepath.Join(dir, "flow.asl.json") + " (not a case file)",
		"--- PASS: waits a day (" + filepath.Join(dir, "a.json") + ")",
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
	if !strings.HasSuffix(stdout, "\n1 passed, 0 failed\n") {
		t.Errorf("stdout does not end with the count:\n%s", stdout)
	}
}

func TestTestCommandRunsJSONataCases(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"jsonata.json": `{"name":"jsonata output","input":{"a":1},
			"definition":{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.a %}","End":true}}},
			"expect":{"status":"SUCCEEDED","output":1}}`,
	})
	stdout, _, err := runCLI(t, "test", dir)
	if err != nil {
		t.Fatalf("test returned %v\n%s", err, stdout)
	}
	if stdout != "1 passed, 0 failed\n" {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestTestCommandFailsABrokenCaseFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"typo.json": `{"definition":` + passMachine + `,"expect":{"status":"SUCCEEDED","ouput":{}}}`,
	})
	stdout, _, err := runCLI(t, "test", dir)
	if err == nil {
		t.Fatal("a broken case file passed")
	}
	want := "--- FAIL: " + filepath.Join(dir, "typo.json") + "\n" +
		`    cannot read the case: unknown key "ouput" in "expect" (allowed: status, output)` + "\n" +
		"0 passed, 1 failed\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestTestCommandRunFilter(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.json": `{"name":"alpha","definition":` + passMachine + `,"expect":{"status":"SUCCEEDED"}}`,
		"b.json": `{"name":"beta","definition":` + passMachine + `,"expect":{"status":"FAILED"}}`,
	})
	stdout, _, err := runCLI(t, "test", "--run", "^alp", dir)
	if err != nil || stdout != "1 passed, 0 failed\n" {
		t.Errorf("test --run ^alp: %v\n%s", err, stdout)
	}
}

func TestTestCommandTaskFailsWithoutCallingAWS(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"caught.json": `{"name":"a task failure is caught","definition":{"StartAt":"Call","States":{
			"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Handled"}],"End":true},
			"Handled":{"Type":"Pass","Parameters":{"error.$":"$.Error"},"End":true}}},
			"expect":{"status":"SUCCEEDED","output":{"error":"States.TaskFailed"}}}`,
		"callback.json": `{"name":"a callback cannot be answered","definition":{"StartAt":"Ask","States":{
			"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}},
			"expect":{"status":"FAILED","error":"States.Runtime"}}`,
	})
	stdout, _, err := runCLI(t, "test", dir)
	if err != nil || stdout != "2 passed, 0 failed\n" {
		t.Errorf("test: %v\n%s", err, stdout)
	}
}

func TestTestCommandWithoutCases(t *testing.T) {
	t.Parallel()
	stdout, _, err := runCLI(t, "test", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no cases found") || stdout != "0 passed, 0 failed\n" {
		t.Errorf("got %v and %q, want a no-cases error after the count", err, stdout)
	}
	if _, _, err := runCLI(t, "test"); err == nil {
		t.Error("test without a path returned no error")
	}
}
