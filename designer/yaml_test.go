package designer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

const approvalYAML = `# Human approval, as a team writes it
Comment: Approve an order
StartAt: Ask
States:
  # The inbox shows this task until someone decides
  Ask:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
    Parameters:
      QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/approvals
      MessageBody:
        input.$: $
        token.$: $$.Task.Token
    TimeoutSeconds: 3600 # an hour
    Retry:
      - ErrorEquals: [States.Timeout]
        MaxAttempts: 2
        BackoffRate: 1.50
    Next: Done
  Done:
    Type: Succeed
`

func TestJSONFromYAML(t *testing.T) {
	t.Parallel()
	got, err := designer.JSONFromYAML([]byte(approvalYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Comment": "Approve an order",
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {
          "input.$": "$",
          "token.$": "$$.Task.Token"
        }
      },
      "TimeoutSeconds": 3600,
      "Retry": [
        {
          "ErrorEquals": [
            "States.Timeout"
          ],
          "MaxAttempts": 2,
          "BackoffRate": 1.50
        }
      ],
      "Next": "Done"
    },
    "Done": {
      "Type": "Succeed"
    }
  }
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJSONFromYAMLErrors(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"StartAt: A\nStates:\n  A: {Type: Pass\n": "Not valid YAML at line 2",
		"": "Not valid YAML: the document is empty",
		"StartAt: A\nStates: {A: {Type: Wait, Seconds: .inf}}": `".inf" is not a number JSON can hold`,
		"? [a, b]\n: c\n": "a key must be plain text",
	} {
		_, err := designer.JSONFromYAML([]byte(src))
		var ye *designer.YAMLError
		if !errors.As(err, &ye) || !strings.Contains(err.Error(), want) {
			t.Errorf("JSONFromYAML(%q) = %v, want a YAMLError containing %q", src, err, want)
		}
	}
}

// TestYAMLRoundTrip: YAML in, JSON stored, YAML out: unchanged it is the same bytes; after an
// edit, the comments and the untouched values' style survive and the edit shows.
func TestYAMLRoundTrip(t *testing.T) {
	t.Parallel()
	def, err := designer.JSONFromYAML([]byte(approvalYAML))
	if err != nil {
		t.Fatal(err)
	}
	same, err := designer.YAMLOf(def, []byte(approvalYAML))
	if err != nil || string(same) != approvalYAML {
		t.Fatalf("unchanged document: got %v\n%s", err, same)
	}
	edited := strings.Replace(string(def), `"TimeoutSeconds": 3600`, `"TimeoutSeconds": 7200, "HeartbeatSeconds": 60`, 1)
	edited = strings.Replace(edited, `"Comment": "Approve an order",`, ``, 1)
	out, err := designer.YAMLOf([]byte(edited), []byte(approvalYAML))
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"# Human approval, as a team writes it",
		"# The inbox shows this task until someone decides",
		"TimeoutSeconds: 7200 # an hour",
		"HeartbeatSeconds: 60",
		"ErrorEquals: [States.Timeout]",
		"BackoffRate: 1.50",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the YAML lost %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Approve an order") {
		t.Errorf("a deleted key is still there:\n%s", text)
	}
	back, err := designer.JSONFromYAML(out)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := designer.JSONFromYAML([]byte(edited))
	if string(back) != string(again) {
		t.Errorf("the YAML does not read back as the edited JSON:\n%s\nvs\n%s", back, again)
	}
}

// TestYAMLOfJSON writes a JSON document as YAML that reads back as the same JSON, strings
// that look like other types quoted.
func TestYAMLOfJSON(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":"1","b":"true","empty":"","expr":"{% $states.input %}","list":[1,2.5,null],"nested":[{"x":1}]},"End":true}}}`
	out, err := designer.YAMLOf([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := designer.JSONFromYAML(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !sameCompact(t, back, []byte(def)) {
		t.Errorf("round trip changed the document:\n%s\n->\n%s", out, back)
	}
}

func sameCompact(t *testing.T, a, b []byte) bool {
	t.Helper()
	da, err1 := designer.Parse(a)
	db, err2 := designer.Parse(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return strings.Join(strings.Fields(da.String()), "") == strings.Join(strings.Fields(db.String()), "")
}
