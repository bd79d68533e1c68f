package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// A run with a Map, a Parallel, a Choice, a caught failure and a callback approved on the
// target: every kind of event.
const everyEventKind = `{"StartAt":"Each","States":{
  "Each":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.each","Next":"Both",
    "ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($,$)"},"End":true}}}},
  "Both":{"Type":"Parallel","ResultPath":"$.both","Next":"Route","Branches":[
    {"StartAt":"Left","States":{"Left":{"Type":"Pass","Result":"l","End":true}}},
    {"StartAt":"Right","States":{"Right":{"Type":"Fail","Error":"Oops","Cause":"right failed"}}}],
    "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Route"}]},
  "Route":{"Type":"Choice","Choices":[{"Variable":"$.error","IsPresent":true,"Next":"Ask"}],"Default":"Ask"},
  "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"ResultPath":"$.answer","End":true}}}`

// TestRemoteEventsAreTheTargetsOwn: the events the studio makes of a target's
// GetExecutionHistory are the ones the target recorded, state names and all, so a remote run
// folds and shows as a local one does.
func TestRemoteEventsAreTheTargetsOwn(t *testing.T) {
	t.Parallel()
	_, target, key := twoStudios(t)
	ctx := context.Background()
	onTarget := newSFN(target, key.id, key.secret)
	arn := createAPIMachine(t, onTarget, "every", everyEventKind, "")
	exec := must[*sfn.StartExecutionOutput](t, "start")(onTarget.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"items":[1,2,3]}`)}))
	token := historyToken(t, onTarget, *exec.ExecutionArn)
	must[*sfn.SendTaskSuccessOutput](t, "approve")(onTarget.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"yes"`)}))
	awaitStatus(t, onTarget, *exec.ExecutionArn, types.ExecutionStatusSucceeded)

	c, err := remote.Dial(ctx, resource.Target{Name: "t", Endpoint: target.url, Region: "us-east-1", AccessKeyID: key.id}, key.secret, remote.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// In two parts, as a page following the run gets them.
	first, err := c.History(ctx, *exec.ExecutionArn, 0)
	if err != nil {
		t.Fatal(err)
	}
	tr := remote.NewTracker()
	got := tr.Events(first[:10])
	rest, err := c.History(ctx, *exec.ExecutionArn, 10)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, tr.Events(rest)...)

	db, err := store.Open(ctx, target.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.FindExecutionByARN(ctx, *exec.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	var want []runtime.Event
	if err := db.EachEvent(ctx, e.ID, 0, func(ev runtime.Event) error { want = append(want, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events from the target's API, %d recorded there", len(got), len(want))
	}
	for i := range want {
		// AWS's ParallelStateFailed and MapStateFailed have no details: the error the studio
		// keeps on them for its own pages is not in the API's history.
		if want[i].Type == runtime.ParallelStateFailed || want[i].Type == runtime.MapStateFailed {
			want[i].Details = runtime.EventDetails{}
		}
		w, g := comparable(want[i]), comparable(got[i])
		if w != g {
			t.Errorf("event %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
}

// comparable is an event as JSON, without what the API never gives (tokens kept apart, the
// studio's own marks) and with the timestamp to the millisecond the API gives.
func comparable(ev runtime.Event) string {
	ev.Details.TaskToken, ev.Details.Mocked = "", false
	ev.Details.HeartbeatFrom = ev.Details.HeartbeatFrom.UTC()
	ev.Timestamp = ev.Timestamp.UTC().Truncate(1e6)
	data, _ := json.Marshal(struct {
		ID, Prev    int64
		At          string
		Type, State string
		Details     runtime.EventDetails
	}{ev.ID, ev.PreviousEventID, ev.Timestamp.Format("15:04:05.000"), string(ev.Type), ev.State, ev.Details})
	return string(data)
}
