package designer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/stepstudio/stepstudio/designer"
)

// home is where the test definitions' ARNs are: what ${AWS::...} stands for when a
// template is read back.
var home = strings.NewReplacer(
	"${AWS::Partition}", "aws",
	"${AWS::Region}", "us-east-1",
	"${AWS::AccountId}", "123456789012",
	"${AWS::URLSuffix}", "amazonaws.com",
)

// TestTemplateGolden writes order_flow.json (a Lambda task with Credentials, an SQS
// callback, SNS, an activity, a nested machine and a topic of another account inside a Map)
// as both kinds of template, and reads each back to the same definition.
func TestTemplateGolden(t *testing.T) {
	t.Parallel()
	def := readTestdata(t, "template/order_flow.json")
	for _, tc := range []struct{ format, golden string }{
		{designer.TemplateSAM, "order_flow.sam.yaml"},
		{designer.TemplateCloudFormation, "order_flow.cfn.yaml"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			got, err := designer.Template(def, designer.TemplateOptions{Format: tc.format, Name: "order-flow"})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "template", tc.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := string(readTestdata(t, filepath.Join("template", tc.golden)))
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("template differs from %s (-want +got; rerun with -update and review the diff):\n%s", path, diff)
			}
			readBack(t, got, def)
		})
	}
}

func TestTemplateSubstitutions(t *testing.T) {
	t.Parallel()
	def := readTestdata(t, "template/order_flow.json")
	out, err := designer.Template(def, designer.TemplateOptions{Name: "order-flow", Type: "EXPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	props := properties(t, out)
	if got := value(t, props, "Type").Value; got != "EXPRESS" {
		t.Errorf("Type %q", got)
	}
	subs := map[string]string{}
	m := value(t, props, "DefinitionSubstitutions")
	for i := 0; i+1 < len(m.Content); i += 2 {
		subs[m.Content[i].Value] = m.Content[i+1].Value
	}
	want := map[string]string{
		"ChargeFunctionArn":       "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:charge",
		"ChargeInvokerRoleArn":    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/charge-invoker",
		"ApprovalsQueueUrl":       "https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/approvals",
		"NotifyTopicArn":          "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:notify",
		"PackActivityArn":         "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:activity:pack",
		"ShipItemStateMachineArn": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:ship-item",
		// Another account's topic in another region keeps them: it is not the stack's.
		"NotifyTopicArn2": "arn:${AWS::Partition}:sns:eu-west-1:210987654321:notify",
	}
	if diff := cmp.Diff(want, subs); diff != "" {
		t.Errorf("substitutions (-want +got):\n%s", diff)
	}
	text := string(out)
	for _, kept := range []string{
		"Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken", // integrations name no account
		"Resource: arn:aws:states:::lambda:invoke",
		"FunctionName: ${ChargeFunctionArn}", // the same ARN twice is one variable
		"note: Reply with ${decision}",       // the definition's own placeholder stays
	} {
		if !strings.Contains(text, kept) {
			t.Errorf("template lacks %q", kept)
		}
	}
}

// TestTemplateNames checks that variables never take a name the definition already uses as
// ${Name}: CloudFormation would replace that text too.
func TestTemplateNames(t *testing.T) {
	t.Parallel()
	def := `{"StartAt": "A", "States": {"A": {"Type": "Task",
	  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
	  "Parameters": {"said": "${ChargeFunctionArn}", "fifo": "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo",
	    "table": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/byDate",
	    "policy": "arn:aws:iam::aws:policy/ReadOnlyAccess", "bucket": "arn:aws:s3:::my-bucket",
	    "text": "see arn:aws:lambda:us-east-1:123456789012:function:charge"},
	  "End": true}}}`
	out, err := designer.Template([]byte(def), designer.TemplateOptions{Format: designer.TemplateCloudFormation, Name: "Billing StateMachine"})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"  BillingStateMachine:\n", // no StateMachineStateMachine
		"Resource: ${ChargeFunctionArn2}",
		"said: ${ChargeFunctionArn}",
		"fifo: ${OrdersQueueUrl}",
		"table: ${OrdersTableArn}",
		"policy: arn:aws:iam::aws:policy/ReadOnlyAccess", // AWS managed: nobody's account
		"bucket: arn:aws:s3:::my-bucket",                 // no region, no account
		"text: see arn:aws:lambda:",                      // only whole values are ARNs
	} {
		if !strings.Contains(text, want) {
			t.Errorf("template lacks %q:\n%s", want, text)
		}
	}
	readBack(t, out, []byte(def))
}

// TestTemplateYAML11 checks that what YAML 1.1 (CloudFormation's) reads as a boolean, a null
// or a number stays a string: states named Yes and No are common after a Choice.
func TestTemplateYAML11(t *testing.T) {
	t.Parallel()
	def := []byte(`{"StartAt": "Yes", "States": {
	  "Yes": {"Type": "Choice", "Choices": [{"Variable": "$.switch", "StringEquals": "on", "Next": "No"}], "Default": "No"},
	  "No": {"Type": "Pass", "Result": ["off", "y", "12:30:00", "0777", ".inf", "~", "", "null", "=", "1_000", "-1"], "End": true}}}`)
	out, err := designer.Template(def, designer.TemplateOptions{Name: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		`StartAt: "Yes"`, `"Yes":`, `"No":`, `StringEquals: "on"`, `Next: "No"`, `Default: "No"`, `Name: "yes"`,
		`["off", "y", "12:30:00", "0777", ".inf", "~", "", "null", "=", "1_000", "-1"]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("template lacks %s:\n%s", want, text)
		}
	}
	readBack(t, out, def)
}

// TestTemplateIntrinsicKeys: an object whose only key is Ref would be a function call to
// CloudFormation; the CloudFormation template holds such a definition as a JSON string, SAM
// refuses it.
func TestTemplateIntrinsicKeys(t *testing.T) {
	t.Parallel()
	def := []byte(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"Ref": "x"},
	  "Parameters": {"f": "arn:aws:lambda:us-east-1:123456789012:function:f"}, "End": true}}}`)
	out, err := designer.Template(def, designer.TemplateOptions{Format: designer.TemplateCloudFormation})
	if err != nil {
		t.Fatal(err)
	}
	props := properties(t, out)
	if v := value(t, props, "DefinitionString"); !strings.Contains(v.Value, `"f": "${FFunctionArn}"`) {
		t.Errorf("DefinitionString:\n%s", v.Value)
	}
	readBack(t, out, def)
	if _, err := designer.Template(def, designer.TemplateOptions{}); !errors.Is(err, designer.ErrNotDeployable) || !strings.Contains(err.Error(), `"Ref"`) {
		t.Errorf("SAM with a Ref key: %v", err)
	}
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, def string
		opts      designer.TemplateOptions
		want      string
	}{
		{"not JSON", `{"StartAt": `, designer.TemplateOptions{}, "not valid JSON"},
		{"not an object", `[1]`, designer.TemplateOptions{}, "not a JSON object"},
		{"unknown format", `{}`, designer.TemplateOptions{Format: "terraform"}, `unknown template format "terraform"`},
		{"unknown type", `{}`, designer.TemplateOptions{Type: "FAST"}, `unknown state machine type "FAST"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := designer.Template([]byte(tc.def), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestTemplateConformance writes every definition of the conformance corpus as both kinds of
// template and reads each back to the same definition.
func TestTemplateConformance(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not present: %v", err)
	}
	n := 0
	err := filepath.WalkDir(conformanceDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var c struct {
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		for _, format := range []string{designer.TemplateSAM, designer.TemplateCloudFormation} {
			out, err := designer.Template(c.Definition, designer.TemplateOptions{Format: format, Name: filepath.Base(path)})
			if err != nil {
				t.Errorf("%s (%s): %v", path, format, err)
				continue
			}
			if !readBack(t, out, c.Definition) {
				t.Logf("in %s (%s)", path, format)
			}
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d definitions written and read back", n)
}

// readBack parses a template as CloudFormation would, fills the definition's variables in
// as the Step Functions resource does (the text ${Name} replaced by the Fn::Sub value), and
// checks that the result is the original definition, key order included.
func readBack(t *testing.T, template, original []byte) bool {
	t.Helper()
	props := properties(t, template)
	var text string
	if v := find(props, "DefinitionString"); v != nil {
		text = v.Value
	} else {
		y, err := yaml.Marshal(value(t, props, "Definition"))
		if err != nil {
			t.Fatal(err)
		}
		j, err := designer.JSONFromYAML(y)
		if err != nil {
			t.Fatal(err)
		}
		text = string(j)
	}
	if subs := find(props, "DefinitionSubstitutions"); subs != nil {
		for i := 0; i+1 < len(subs.Content); i += 2 {
			name, v := subs.Content[i].Value, subs.Content[i+1]
			if v.Tag != "!Sub" {
				t.Errorf("substitution %s is %s %q, not !Sub", name, v.Tag, v.Value)
			}
			resolved := home.Replace(v.Value)
			if strings.Contains(resolved, "${") {
				t.Errorf("substitution %s = %q refers to more than the stack's pseudo parameters", name, v.Value)
			}
			text = strings.ReplaceAll(text, "${"+name+"}", resolved)
		}
	}
	got, err := tokens([]byte(text))
	if err != nil {
		t.Errorf("the definition read back is not JSON: %v\n%s", err, text)
		return false
	}
	want, err := tokens(original)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("definition read back differs (-original +read back):\n%s", diff)
		return false
	}
	return true
}

// tokens is a JSON text as its token stream: the same document, whatever its spacing and
// string escapes, has the same tokens; numbers keep their text.
func tokens(b []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []any
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
}

// properties parses a template and returns its one resource's Properties.
func properties(t *testing.T, template []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(template, &doc); err != nil {
		t.Fatalf("the template is not YAML: %v\n%s", err, template)
	}
	resources := value(t, doc.Content[0], "Resources")
	if len(resources.Content) != 2 {
		t.Fatalf("%d resources, want one", len(resources.Content)/2)
	}
	return value(t, resources.Content[1], "Properties")
}

func find(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func value(t *testing.T, m *yaml.Node, key string) *yaml.Node {
	t.Helper()
	v := find(m, key)
	if v == nil {
		t.Fatalf("no %s", key)
	}
	return v
}
