package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepstudio/stepstudio/auth"
)

// TestAWSServiceTasksThroughEndpoints: with --sqs-endpoint and --aws-endpoint, an
// sqs:sendMessage.waitForTaskToken task sends its message, token inside, to the queue's
// endpoint and waits until SendTaskSuccess answers it, and dynamodb:putItem and getItem
// write and read an item at the shared endpoint; every request is signed for its service.
func TestAWSServiceTasksThroughEndpoints(t *testing.T) {
	t.Parallel()
	messages := make(chan string, 1)
	var mu sync.Mutex
	items := map[string]json.RawMessage{}
	var unsigned []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		target := r.Header.Get("X-Amz-Target")
		cred, _, _ := auth.ParseSigV4(r)
		mu.Lock()
		defer mu.Unlock()
		service := map[string]string{"AmazonSQS": "sqs", "DynamoDB_20120810": "dynamodb"}[strings.Split(target, ".")[0]]
		if err := auth.VerifySigV4(r, body, "stepstudio", time.Now()); err != nil || cred.Service != service {
			unsigned = append(unsigned, fmt.Sprintf("%s scoped %s: %v", target, cred.Service, err))
		}
		var in struct {
			MessageBody string
			Item, Key   map[string]json.RawMessage
		}
		json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		switch target {
		case "AmazonSQS.SendMessage":
			messages <- in.MessageBody
			sum := md5.Sum([]byte(in.MessageBody))
			fmt.Fprintf(w, `{"MD5OfMessageBody":%q,"MessageId":"m-1"}`, hex.EncodeToString(sum[:]))
		case "DynamoDB_20120810.PutItem":
			items[string(in.Item["id"])], _ = json.Marshal(in.Item)
			io.WriteString(w, `{}`)
		case "DynamoDB_20120810.GetItem":
			fmt.Fprintf(w, `{"Item":%s}`, items[string(in.Key["id"])])
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"__type":"UnknownOperationException","message":%q}`, target)
		}
	}))
	t.Cleanup(fake.Close)
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "data", "studio.db"),
		"--aws-endpoint", fake.URL, "--sqs-endpoint", fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "orders", `{"StartAt":"Save","States":{
  "Save":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem",
    "Parameters":{"TableName":"orders","Item":{"id":{"S.$":"$.id"},"status":{"S":"new"}}},"ResultPath":null,"Next":"Approve"},
  "Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters":{"QueueUrl":"http://127.0.0.1/000000000000/approvals","MessageBody":{"order.$":"$.id","TaskToken.$":"$$.Task.Token"}},
    "ResultPath":"$.approval","Next":"Load"},
  "Load":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","Parameters":{"TableName":"orders","Key":{"id":{"S.$":"$.id"}}},
    "ResultSelector":{"status.$":"$.Item.status.S"},"ResultPath":"$.stored","End":true}}}`, "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"id":"o-1"}`)}))
	var message struct{ Order, TaskToken string }
	select {
	case m := <-messages:
		if err := json.Unmarshal([]byte(m), &message); err != nil || message.Order != "o-1" || message.TaskToken == "" {
			t.Fatalf("message %s", m)
		}
	case <-time.After(waitLimit):
		t.Fatalf("no message in %s", waitLimit)
	}
	// Answered at once, as a fast worker does: the message is handed over before SendMessage
	// has answered, so the task is not stored yet; the answer waits for it, as on AWS the
	// token is valid as soon as the message is out.
	must[*sfn.SendTaskSuccessOutput](t, "send task success")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(message.TaskToken), Output: aws.String(`{"approved":true}`)}))
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	var submitted string
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
	for _, ev := range h.Events {
		if ev.Type == types.HistoryEventTypeTaskSubmitted {
			submitted = aws.ToString(ev.TaskSubmittedEventDetails.Output)
		}
	}
	if !strings.Contains(submitted, `"MessageId":"m-1"`) {
		t.Fatalf("TaskSubmitted output %q, want SendMessage's response", submitted)
	}
	var out struct {
		Approval struct{ Approved bool }
		Stored   struct{ Status string }
	}
	json.Unmarshal([]byte(*d.Output), &out)
	if !out.Approval.Approved || out.Stored.Status != "new" {
		t.Fatalf("output %s", *d.Output)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(unsigned) > 0 {
		t.Fatalf("badly signed requests: %v", unsigned)
	}
}
