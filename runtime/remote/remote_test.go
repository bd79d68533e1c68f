package remote_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

func TestLocalReport(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Charge","States":{
	  "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},"Next":"Each"},
	  "Each":{"Type":"Map","ItemProcessor":{"StartAt":"Pack","States":{
	    "Pack":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:pack","End":true}}},"Next":"Call"},
	  "Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://x","Method":"GET"},"Next":"Ship"},
	  "Ship":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:ship","End":true}}}`
	local := remote.Local{LambdaEndpoint: "http://127.0.0.1:3001", LambdaFunctions: map[string]string{"ship": "http://127.0.0.1:4000"},
		HTTPConnections: true, Account: "123456789012", MockCases: map[string][]string{"orders": {"Refused", "Happy"}}}
	got := strings.Join(local.Report("orders", []byte(def)), "\n")
	for _, want := range []string{
		`Lambda function "charge" (state "Charge") is invoked here through the local endpoint http://127.0.0.1:3001`,
		`Lambda function "ship" (state "Ship") is invoked here through http://127.0.0.1:4000`,
		`Activity arn:aws:states:us-east-1:123456789012:activity:pack (state "Pack"): its workers poll this studio`,
		`State "Call"'s connection credentials come from this studio's connections file`,
		`State "Ship"'s resource arn:aws:lambda:us-east-1:123456789012:function:ship names this studio's account 123456789012`,
		`Mock test cases Happy, Refused stay here`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report does not say %q:\n%s", want, got)
		}
	}
	if r := (remote.Local{}).Report("orders", []byte(def)); len(r) != 1 || !strings.HasPrefix(r[0], "Activity") {
		t.Errorf("with nothing local but the activity: %q", r)
	}
	if r := local.Report("orders", []byte("{not json")); r != nil {
		t.Errorf("a broken definition: %q", r)
	}
}

func TestCheckTarget(t *testing.T) {
	t.Parallel()
	ok := resource.Target{Name: "staging", Region: "eu-west-1", Endpoint: "http://127.0.0.1:8080", RoleARN: "arn:aws:iam::123456789012:role/sfn"}
	if err := remote.CheckTarget(ok); err != nil {
		t.Fatalf("a good target: %v", err)
	}
	for _, c := range []struct {
		change func(*resource.Target)
		want   string
	}{
		{func(t *resource.Target) { t.Name = " " }, "name:"},
		{func(t *resource.Target) { t.Name = "a/b" }, "name:"},
		{func(t *resource.Target) { t.Region = "Europe" }, `region: "Europe" is not a region`},
		{func(t *resource.Target) { t.Endpoint = "localhost:4566" }, "endpoint:"},
		{func(t *resource.Target) { t.Profile, t.AccessKeyID = "p", "AKID" }, "credentials: give a profile or an access key pair, not both"},
		{func(t *resource.Target) { t.RoleARN = "sfn-role" }, "role ARN:"},
	} {
		bad := ok
		c.change(&bad)
		if err := remote.CheckTarget(bad); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", bad, err, c.want)
		}
	}
	for tg, want := range map[resource.Target]string{
		{AccessKeyID: "AKID"}: "access key AKID", {Profile: "prod"}: "profile prod", {}: "the default AWS chain",
	} {
		if got := remote.CredentialsOf(tg); got != want {
			t.Errorf("CredentialsOf(%+v) = %q, want %q", tg, got, want)
		}
	}
}

// TestTrackerNestedContainers: a Parallel inside a Map's iteration, its branches' events and
// its end named as AWS's console names them, and the Map's end after the last iteration.
func TestTrackerNestedContainers(t *testing.T) {
	t.Parallel()
	at := aws.Time(time.Unix(0, 0))
	entered := func(name string) *types.StateEnteredEventDetails {
		return &types.StateEnteredEventDetails{Name: aws.String(name)}
	}
	iter := func(i int32) *types.MapIterationEventDetails {
		return &types.MapIterationEventDetails{Name: aws.String("Each"), Index: i}
	}
	h := []types.HistoryEvent{
		{Id: 1, Type: types.HistoryEventTypeExecutionStarted},
		{Id: 2, PreviousEventId: 1, Type: types.HistoryEventTypeMapStateEntered, StateEnteredEventDetails: entered("Each")},
		{Id: 3, PreviousEventId: 2, Type: types.HistoryEventTypeMapStateStarted, MapStateStartedEventDetails: &types.MapStateStartedEventDetails{Length: 1}},
		{Id: 4, PreviousEventId: 3, Type: types.HistoryEventTypeMapIterationStarted, MapIterationStartedEventDetails: iter(0)},
		{Id: 5, PreviousEventId: 4, Type: types.HistoryEventTypeParallelStateEntered, StateEnteredEventDetails: entered("Both")},
		{Id: 6, PreviousEventId: 5, Type: types.HistoryEventTypeParallelStateStarted},
		{Id: 7, PreviousEventId: 6, Type: types.HistoryEventTypeTaskStateEntered, StateEnteredEventDetails: entered("Call")},
		{Id: 8, PreviousEventId: 7, Type: types.HistoryEventTypeTaskScheduled, TaskScheduledEventDetails: &types.TaskScheduledEventDetails{Resource: aws.String("invoke"), ResourceType: aws.String("lambda"), Region: aws.String("us-east-1"), Parameters: aws.String("{}")}},
		{Id: 9, PreviousEventId: 8, Type: types.HistoryEventTypeTaskFailed, TaskFailedEventDetails: &types.TaskFailedEventDetails{Error: aws.String("Boom"), Cause: aws.String("it broke")}},
		{Id: 10, PreviousEventId: 9, Type: types.HistoryEventTypeParallelStateFailed},
		{Id: 11, PreviousEventId: 10, Type: types.HistoryEventTypeMapIterationFailed, MapIterationFailedEventDetails: iter(0)},
		{Id: 12, PreviousEventId: 11, Type: types.HistoryEventTypeMapStateFailed},
		{Id: 13, PreviousEventId: 12, Type: types.HistoryEventTypeExecutionFailed, ExecutionFailedEventDetails: &types.ExecutionFailedEventDetails{Error: aws.String("Boom")}},
	}
	for i := range h {
		h[i].Timestamp = at
	}
	got := remote.NewTracker().Events(h)
	want := []string{"", "Each", "Each", "Each", "Both", "Both", "Call", "Call", "Call", "Both", "Each", "Each", "Each"}
	for i, ev := range got {
		if ev.State != want[i] {
			t.Errorf("event %d (%s): state %q, want %q", ev.ID, ev.Type, ev.State, want[i])
		}
	}
	if d := got[8].Details; d.Error != "Boom" || d.Cause != "it broke" {
		t.Errorf("TaskFailed's details: %+v", d)
	}
	if d := got[7].Details; d.Resource != "invoke" || d.ResourceType != "lambda" || d.Parameters != "{}" {
		t.Errorf("TaskScheduled's details: %+v", d)
	}
	if d := got[3].Details; d.Index == nil || *d.Index != 0 || d.Name != "Each" {
		t.Errorf("MapIterationStarted's details: %+v", d)
	}
	if d := got[2].Details; d.Length == nil || *d.Length != 1 {
		t.Errorf("MapStateStarted's details: %+v", d)
	}
}
