package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

const templateMachine = `{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
      "Next": "Approve"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {"token.$": "$$.Task.Token"}
      },
      "End": true
    }
  }
}`

// TestMachineTemplate downloads a machine as a SAM and a CloudFormation template from the
// machine page's links; a format the studio does not write is the user's mistake (400).
func TestMachineTemplate(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	resp, body := s.post(t, "/machines", url.Values{"name": {"order-flow"}, "definition": {templateMachine}, "type": {"EXPRESS"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, body)
	}
	_, page := s.get(t, "/machines/order-flow")
	for _, link := range []string{`href="/machines/order-flow/template.yaml?format=sam"`, `href="/machines/order-flow/template.yaml?format=cloudformation"`} {
		if !strings.Contains(page, link) {
			t.Errorf("the machine page has no %s", link)
		}
	}

	for _, tc := range []struct {
		query, file, resourceType, typeKey string
	}{
		{"", "order-flow.sam.yaml", "AWS::Serverless::StateMachine", "Type"},
		{"?format=sam", "order-flow.sam.yaml", "AWS::Serverless::StateMachine", "Type"},
		{"?format=cloudformation", "order-flow.cfn.yaml", "AWS::StepFunctions::StateMachine", "StateMachineType"},
	} {
		resp, text := s.get(t, "/machines/order-flow/template.yaml"+tc.query)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", tc.query, resp.StatusCode, text)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+tc.file+`"`) {
			t.Errorf("%s: Content-Disposition %q", tc.query, cd)
		}
		var doc struct {
			Resources map[string]struct {
				Type       string               `yaml:"Type"`
				Properties map[string]yaml.Node `yaml:"Properties"`
			} `yaml:"Resources"`
		}
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("%s: not YAML: %v\n%s", tc.query, err, text)
		}
		r, ok := doc.Resources["OrderFlowStateMachine"]
		if !ok || r.Type != tc.resourceType {
			t.Fatalf("%s: resources %+v", tc.query, doc.Resources)
		}
		if typ := r.Properties[tc.typeKey]; typ.Value != "EXPRESS" {
			t.Errorf("%s: %s %q", tc.query, tc.typeKey, typ.Value)
		}
		subs := r.Properties["DefinitionSubstitutions"]
		if got := len(subs.Content); got != 4 || subs.Content[0].Value != "ChargeFunctionArn" || subs.Content[1].Tag != "!Sub" ||
			subs.Content[2].Value != "ApprovalsQueueUrl" {
			t.Errorf("%s: DefinitionSubstitutions:\n%s", tc.query, text)
		}
		for _, want := range []string{
			"Resource: ${ChargeFunctionArn}",
			"QueueUrl: ${ApprovalsQueueUrl}",
			"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:charge",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the template lacks %q:\n%s", tc.query, want, text)
			}
		}
	}

	// A Ref key would be a function call to SAM: the SAM template is refused (422), the
	// CloudFormation one holds the definition as a JSON string.
	s.createMachine(t, "refs", `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"Ref": "x"}, "End": true}}}`)
	if resp, page := s.get(t, "/machines/refs/template.yaml?format=sam"); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "cannot go in a SAM template") {
		t.Errorf("SAM template of a Ref key: %d\n%s", resp.StatusCode, page)
	}
	if resp, text := s.get(t, "/machines/refs/template.yaml?format=cloudformation"); resp.StatusCode != http.StatusOK ||
		!strings.Contains(text, "DefinitionString: |") {
		t.Errorf("CloudFormation template of a Ref key: %d\n%s", resp.StatusCode, text)
	}

	resp, page = s.get(t, "/machines/order-flow/template.yaml?format=terraform")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "format=sam or format=cloudformation") {
		t.Errorf("unknown format: %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := s.get(t, "/machines/nobody/template.yaml"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown machine: %d", resp.StatusCode)
	}
}

// TestExportCommand writes a stored machine as a template from the command line, as the
// machine page's links do.
func TestExportCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "studio.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateMachine(ctx, resource.StateMachine{Name: "order-flow", Type: "STANDARD",
		ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:order-flow", Definition: []byte(templateMachine)})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	stdout, _, err := runCLI(t, "export", "order-flow", "--db", path)
	if err != nil || !strings.Contains(stdout, "Type: AWS::Serverless::StateMachine") || !strings.Contains(stdout, "Resource: ${ChargeFunctionArn}") {
		t.Fatalf("export: %v\n%s", err, stdout)
	}
	out := filepath.Join(t.TempDir(), "order-flow.cfn.yaml")
	if stdout, _, err := runCLI(t, "export", "--format", "cloudformation", "order-flow", "--db", path, "--out", out); err != nil || stdout != "" {
		t.Fatalf("export --out: %v\n%s", err, stdout)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "Type: AWS::StepFunctions::StateMachine") {
		t.Fatalf("%s: %v\n%s", out, err, b)
	}

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"export", "nobody", "--db", path}, `there is no state machine named "nobody"`},
		{[]string{"export", "order-flow", "--format", "terraform", "--db", path}, `--format must be sam or cloudformation, not "terraform"`},
		{[]string{"export", "--db", path}, "export takes one state machine name"},
		{[]string{"export", "order-flow", "--db", filepath.Join(t.TempDir(), "missing.db")}, "no such file"},
	} {
		if _, _, err := runCLI(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%q: %v, want an error saying %q", tc.args, err, tc.says)
		}
	}
}
