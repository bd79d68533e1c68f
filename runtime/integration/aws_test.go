package integration_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/integration"
)

// fakeAWS speaks the wire protocols of the services the AWS integrations call, all on one
// endpoint as LocalStack does: SQS's JSON 1.0, SNS's query protocol, DynamoDB's JSON 1.0 and
// EventBridge's JSON 1.1. It keeps DynamoDB items by their "id", and records every request
// with its credential scope and whether its signature is right for the secret.
type fakeAWS struct {
	*httptest.Server
	secret   string
	mu       sync.Mutex
	requests []awsRequest
	items    map[string]json.RawMessage
}

// awsRequest is a request fakeAWS received.
type awsRequest struct {
	// Target is X-Amz-Target, or the query protocol's Action.
	Target, Body    string
	Service, Region string
	SignatureError  error
}

const messageID = "5fea7756-0ea4-451a-a703-a558b933e274"

func startFakeAWS(t *testing.T, secret string) *fakeAWS {
	t.Helper()
	f := &fakeAWS{secret: secret, items: map[string]json.RawMessage{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	target := r.Header.Get("X-Amz-Target")
	form, _ := url.ParseQuery(string(body))
	if target == "" {
		target = form.Get("Action")
	}
	cred, _, _ := auth.ParseSigV4(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, awsRequest{Target: target, Body: string(body), Service: cred.Service, Region: cred.Region,
		SignatureError: auth.VerifySigV4(r, body, f.secret, time.Now())})
	w.Header().Set("X-Amzn-RequestId", "req-1")
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	var in struct {
		QueueURL                                                  string `json:"QueueUrl"`
		MessageBody, TableName, ConditionExpression, ReturnValues string
		Item, Key                                                 map[string]json.RawMessage
		Entries                                                   []struct{ Source string }
	}
	json.Unmarshal(body, &in)
	switch target {
	case "AmazonSQS.SendMessage":
		if strings.HasSuffix(in.QueueURL, "/missing") {
			w.Header().Set("X-Amzn-Query-Error", "AWS.SimpleQueueService.NonExistentQueue;Sender")
			jsonError(w, "com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist.")
			return
		}
		sum := md5.Sum([]byte(in.MessageBody))
		json.NewEncoder(w).Encode(map[string]string{"MD5OfMessageBody": hex.EncodeToString(sum[:]), "MessageId": messageID})
	case "Publish":
		w.Header().Set("Content-Type", "text/xml")
		if strings.HasSuffix(form.Get("TopicArn"), ":missing") {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`)
			return
		}
		io.WriteString(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>`+messageID+
			`</MessageId></PublishResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>`)
	case "DynamoDB_20120810.PutItem":
		id := string(in.Item["id"])
		if strings.Contains(in.TableName, "/") {
			jsonError(w, "com.amazon.coral.validate#ValidationException", "1 validation error detected: Value '"+in.TableName+
				"' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
			return
		}
		if _, exists := f.items[id]; exists && in.ConditionExpression == "attribute_not_exists(id)" {
			jsonError(w, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "The conditional request failed")
			return
		}
		f.items[id], _ = json.Marshal(in.Item)
		io.WriteString(w, `{}`)
	case "DynamoDB_20120810.GetItem":
		if item, ok := f.items[string(in.Key["id"])]; ok {
			fmt.Fprintf(w, `{"Item":%s}`, item)
			return
		}
		io.WriteString(w, `{}`)
	case "DynamoDB_20120810.UpdateItem":
		io.WriteString(w, `{"Attributes":{"count":{"N":"2"}},"ConsumedCapacity":{"TableName":"orders","CapacityUnits":1}}`)
	case "DynamoDB_20120810.DeleteItem":
		id := string(in.Key["id"])
		item, ok := f.items[id]
		delete(f.items, id)
		if ok && in.ReturnValues == "ALL_OLD" {
			fmt.Fprintf(w, `{"Attributes":%s}`, item)
			return
		}
		io.WriteString(w, `{}`)
	case "AWSEvents.PutEvents":
		var entries []map[string]string
		failed := 0
		for i, e := range in.Entries {
			if e.Source == "" {
				failed++
				entries = append(entries, map[string]string{"ErrorCode": "InvalidArgument", "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument."})
				continue
			}
			entries = append(entries, map[string]string{"EventId": fmt.Sprintf("event-%d", i)})
		}
		json.NewEncoder(w).Encode(map[string]any{"Entries": entries, "FailedEntryCount": failed})
	default:
		jsonError(w, "UnknownOperationException", "no such operation: "+target)
	}
}

func jsonError(w http.ResponseWriter, typ, message string) {
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": message})
}

// received are the requests the fake has had since the n-th.
func (f *fakeAWS) received(n int) []awsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]awsRequest(nil), f.requests[n:]...)
}

const executionARN = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"

// TestAWSIntegrations: each integration sends its API call, signed for its service, in the
// service's protocol, and answers the response as Step Functions does; the service's errors
// are named as on AWS.
func TestAWSIntegrations(t *testing.T) {
	t.Parallel()
	fake := startFakeAWS(t, "stepstudio")
	inv := integration.Invoker{AWS: &integration.AWS{Endpoint: fake.URL, Region: "eu-west-1"}}
	sdkMetadata := `"SdkHttpMetadata":{"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"req-1"}`
	item := `{"id":{"S":"o-1"},"total":{"N":"12.5"},"paid":{"BOOL":true},"note":{"NULL":true},"raw":{"B":"aGk="},` +
		`"tags":{"SS":["a","b"]},"sizes":{"NS":["1","2"]},"blobs":{"BS":["aGk="]},` +
		`"lines":{"L":[{"S":"pen"},{"N":"2"}]},"address":{"M":{"city":{"S":"Lyon"}}},"none":{"L":[]}}`
	for _, tc := range []struct {
		name, resource, params string
		// target, service and sent are the request's: its target or action, its credential
		// scope's service, and text its body has.
		target, service, sent string
		want, errName, cause  string
	}{
		{"sqs:sendMessage sends an object body as its JSON text", "arn:aws:states:::sqs:sendMessage",
			`{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/orders","MessageBody":{"order": "o-1", "n": 2},"DelaySeconds":1}`,
			"AmazonSQS.SendMessage", "sqs", `"MessageBody":"{\"order\":\"o-1\",\"n\":2}"`,
			`{"MD5OfMessageBody":"` + md5Text(`{"order":"o-1","n":2}`) + `","MessageId":"` + messageID + `",` + sdkMetadata + `}`, "", ""},
		{"a queue that does not exist is SQS.QueueDoesNotExistException", "arn:aws:states:::sqs:sendMessage",
			`{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/missing","MessageBody":"hello"}`,
			"AmazonSQS.SendMessage", "sqs", `"MessageBody":"hello"`, "", "SQS.QueueDoesNotExistException",
			"The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue; Request ID: req-1; Proxy: null)"},
		{"sns:publish sends Message, Subject and MessageAttributes", "arn:aws:states:::sns:publish",
			`{"TopicArn":"arn:aws:sns:eu-west-1:123456789012:orders","Message":{"order":"o-1"},"Subject":"New order",` +
				`"MessageAttributes":{"kind":{"DataType":"String","StringValue":"order"}}}`,
			"Publish", "sns", "Message=%7B%22order%22%3A%22o-1%22%7D&MessageAttributes.entry.1.Name=kind&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=order&Subject=New+order",
			`{"MessageId":"` + messageID + `",` + sdkMetadata + `}`, "", ""},
		{"a topic that does not exist is SNS.NotFoundException", "arn:aws:states:::sns:publish",
			`{"TopicArn":"arn:aws:sns:eu-west-1:123456789012:missing","Message":"hello"}`,
			"Publish", "sns", "Message=hello", "", "SNS.NotFoundException",
			"Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: req-1; Proxy: null)"},
		{"dynamodb:putItem sends every type of attribute value", "arn:aws:states:::dynamodb:putItem",
			`{"TableName":"orders","Item":` + item + `,"ConditionExpression":"attribute_not_exists(id)"}`,
			"DynamoDB_20120810.PutItem", "dynamodb", `"Item":{`, `{` + sdkMetadata + `}`, "", ""},
		{"dynamodb:getItem answers the item in the same form", "arn:aws:states:::dynamodb:getItem",
			`{"TableName":"orders","Key":{"id":{"S":"o-1"}},"ConsistentRead":true}`,
			"DynamoDB_20120810.GetItem", "dynamodb", `"ConsistentRead":true`, `{"Item":` + item + `,` + sdkMetadata + `}`, "", ""},
		{"a failed condition is DynamoDB.ConditionalCheckFailedException", "arn:aws:states:::dynamodb:putItem",
			`{"TableName":"orders","Item":{"id":{"S":"o-1"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			"DynamoDB_20120810.PutItem", "dynamodb", `"ConditionExpression":"attribute_not_exists(id)"`, "", "DynamoDB.ConditionalCheckFailedException",
			"The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: req-1; Proxy: null)"},
		{"an error the model does not declare is DynamoDB.AmazonDynamoDBException", "arn:aws:states:::dynamodb:putItem",
			`{"TableName":"bad/name","Item":{"id":{"S":"o-2"}}}`,
			"DynamoDB_20120810.PutItem", "dynamodb", `"TableName":"bad/name"`, "", "DynamoDB.AmazonDynamoDBException",
			"1 validation error detected: Value 'bad/name' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ " +
				"(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: req-1; Proxy: null)"},
		{"dynamodb:updateItem sends typed expression values", "arn:aws:states:::dynamodb:updateItem",
			`{"TableName":"orders","Key":{"id":{"S":"o-1"}},"UpdateExpression":"SET #c = #c + :one","ExpressionAttributeNames":{"#c":"count"},` +
				`"ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}`,
			"DynamoDB_20120810.UpdateItem", "dynamodb", `"ExpressionAttributeValues":{":one":{"N":"1"}}`,
			`{"Attributes":{"count":{"N":"2"}},"ConsumedCapacity":{"CapacityUnits":1,"TableName":"orders"},` + sdkMetadata + `}`, "", ""},
		{"dynamodb:deleteItem answers the old item", "arn:aws:states:::dynamodb:deleteItem",
			`{"TableName":"orders","Key":{"id":{"S":"o-1"}},"ReturnValues":"ALL_OLD"}`,
			"DynamoDB_20120810.DeleteItem", "dynamodb", `"ReturnValues":"ALL_OLD"`, `{"Attributes":` + item + `,` + sdkMetadata + `}`, "", ""},
		{"an attribute value of no type is refused before the call", "arn:aws:states:::dynamodb:getItem",
			`{"TableName":"orders","Key":{"id":{"STRING":"o-1"}}}`, "", "", "", "", runtime.ErrNameRuntime,
			`The Parameters '{"TableName":"orders","Key":{"id":{"STRING":"o-1"}}}' could not be used to start the Task: [Key: id: "STRING" is not an attribute value's type (S, N, B, BOOL, NULL, M, L, SS, NS or BS)]`},
		{"events:putEvents sends Detail as text and adds the machine and the execution to Resources", "arn:aws:states:::events:putEvents",
			`{"Entries":[{"Detail":{"order":"o-1"},"DetailType":"OrderPlaced","Source":"shop.orders","EventBusName":"orders"}]}`,
			"AWSEvents.PutEvents", "events",
			`"Detail":"{\"order\":\"o-1\"}","DetailType":"OrderPlaced","EventBusName":"orders","Resources":["arn:aws:states:eu-west-1:123456789012:stateMachine:orders","` + executionARN + `"]`,
			`{"Entries":[{"EventId":"event-0"}],"FailedEntryCount":0}`, "", ""},
		{"a failed entry is EventBridge.FailedEntry with the response as the cause", "arn:aws:states:::events:putEvents",
			`{"Entries":[{"Detail":{"order":"o-1"},"DetailType":"OrderPlaced"}]}`, "AWSEvents.PutEvents", "events", `"DetailType":"OrderPlaced"`,
			"", "EventBridge.FailedEntry",
			`{"Entries":[{"ErrorCode":"InvalidArgument","ErrorMessage":"Parameter Source is not valid. Reason: Source is a required argument."}],"FailedEntryCount":1}`},
	} {
		// In order: getItem reads what putItem wrote.
		t.Run(tc.name, func(t *testing.T) {
			n := len(fake.received(0))
			out, err := inv.Invoke(context.Background(), runtime.TaskRequest{ExecutionARN: executionARN, Resource: tc.resource, Input: json.RawMessage(tc.params)})
			if tc.errName != "" {
				var failure *runtime.Error
				if !errors.As(err, &failure) || failure.Name != tc.errName || failure.Cause != tc.cause {
					t.Fatalf("error %v, want %s: %s", err, tc.errName, tc.cause)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(jsonValue(t, tc.want), withoutHeaders(jsonValue(t, string(out)))); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
			}
			requests := fake.received(n)
			if tc.target == "" {
				if len(requests) != 0 {
					t.Fatalf("sent %v, want nothing", requests)
				}
				return
			}
			if len(requests) != 1 {
				t.Fatalf("sent %d requests, want 1", len(requests))
			}
			r := requests[0]
			if r.Target != tc.target || r.Service != tc.service || r.Region != "eu-west-1" || !strings.Contains(r.Body, tc.sent) {
				t.Errorf("sent %s to %s in %s: %s; want %s to %s in eu-west-1 with %s", r.Target, r.Service, r.Region, r.Body, tc.target, tc.service, tc.sent)
			}
			if r.SignatureError != nil {
				t.Errorf("signature: %v", r.SignatureError)
			}
		})
	}
}

func md5Text(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

// withoutHeaders leaves out the headers of SdkHttpMetadata, which change with the date, after
// checking that both forms of them carry the request id.
func withoutHeaders(v any) any {
	if m, ok := v.(map[string]any); ok {
		if md, ok := m["SdkHttpMetadata"].(map[string]any); ok {
			headers, _ := md["HttpHeaders"].(map[string]any)
			all, _ := md["AllHttpHeaders"].(map[string]any)
			if headers["X-Amzn-Requestid"] != "req-1" || fmt.Sprint(all["X-Amzn-Requestid"]) != "[req-1]" {
				md["headers"] = "missing X-Amzn-Requestid"
			}
			delete(md, "HttpHeaders")
			delete(md, "AllHttpHeaders")
		}
	}
	return v
}

// TestAWSRouting: a service's own endpoint overrides the shared one, a callback without an
// endpoint waits for the inbox without a call, one with an endpoint sends its message, an
// endpoint that is down is <Service>.SdkClientException, and a service without an endpoint
// is called with AWS's configuration, or says how to route it when there are no credentials.
func TestAWSRouting(t *testing.T) {
	t.Parallel()
	fake := startFakeAWS(t, "stepstudio")
	fromChain := startFakeAWS(t, "secret-from-the-chain")
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	const send = `{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/approvals","MessageBody":{"token":"TOKEN-1"}}`
	noCredentials := func(context.Context) (aws.Config, error) {
		return aws.Config{Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no credentials in the environment")
		})}, nil
	}
	chain := func(context.Context) (aws.Config, error) {
		// As AWS_ENDPOINT_URL and AWS_ACCESS_KEY_ID would give them to config.LoadDefaultConfig.
		return aws.Config{BaseEndpoint: aws.String(fromChain.URL), Credentials: credentials.NewStaticCredentialsProvider("AKIDCHAIN", "secret-from-the-chain", "")}, nil
	}
	for _, tc := range []struct {
		name     string
		aws      *integration.AWS
		resource string
		// sent is the fake that gets the request, nil for none.
		sent                  *fakeAWS
		want, errName, reason string
	}{
		{"a callback without an endpoint waits for the inbox", &integration.AWS{}, "arn:aws:states:::sqs:sendMessage.waitForTaskToken", nil, `{}`, "", ""},
		{"a callback with an endpoint sends its message", &integration.AWS{Endpoint: fake.URL}, "arn:aws:states:::sqs:sendMessage.waitForTaskToken", fake, "", "", ""},
		{"a service's endpoint overrides the shared one", &integration.AWS{Endpoint: down.URL, Endpoints: map[string]string{"sqs": fake.URL}},
			"arn:aws:states:::sqs:sendMessage", fake, "", "", ""},
		{"an endpoint that is down is SQS.SdkClientException", &integration.AWS{Endpoints: map[string]string{"sqs": down.URL}},
			"arn:aws:states:::sqs:sendMessage", nil, "", "SQS.SdkClientException", "Unable to execute HTTP request: "},
		{"without an endpoint the call uses AWS's configuration", &integration.AWS{LoadConfigFunc: chain},
			"arn:aws:states:::sqs:sendMessage", fromChain, "", "", ""},
		{"without an endpoint or credentials the cause says how to route the task", &integration.AWS{LoadConfigFunc: noCredentials},
			"arn:aws:states:::sqs:sendMessage", nil, "", "SQS.SdkClientException",
			"--sqs-endpoint URL (or SQS_ENDPOINT), or with --aws-endpoint URL (or AWS_ENDPOINT_URL)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := map[*fakeAWS]int{fake: len(fake.received(0)), fromChain: len(fromChain.received(0))}
			out, err := integration.Invoker{AWS: tc.aws}.Invoke(context.Background(), runtime.TaskRequest{Resource: tc.resource, Input: json.RawMessage(send)})
			var failure *runtime.Error
			switch {
			case tc.errName != "":
				if !errors.As(err, &failure) || failure.Name != tc.errName || !strings.Contains(failure.Cause, tc.reason) {
					t.Fatalf("error %v, want %s with %q", err, tc.errName, tc.reason)
				}
			case err != nil:
				t.Fatal(err)
			case tc.want != "" && string(out) != tc.want:
				t.Fatalf("result %s, want %s", out, tc.want)
			}
			for f, n := range before {
				got := f.received(n)
				if f != tc.sent {
					if len(got) != 0 {
						t.Errorf("unexpected requests %v", got)
					}
					continue
				}
				if len(got) != 1 || !strings.Contains(got[0].Body, `"MessageBody":"{\"token\":\"TOKEN-1\"}"`) || got[0].SignatureError != nil || got[0].Region != "us-east-1" {
					t.Errorf("requests %+v, want the message signed for us-east-1", got)
				}
			}
		})
	}
}

// TestDynamoDBInAWorkflow: a second putItem of the same order fails its condition, a Catch
// on DynamoDB.ConditionalCheckFailedException takes it, and getItem reads the first.
func TestDynamoDBInAWorkflow(t *testing.T) {
	t.Parallel()
	fake := startFakeAWS(t, "stepstudio")
	put := `{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName":"orders",` +
		`"Item":{"id":{"S.$":"$.id"},"total":{"N.$":"States.Format('{}', $.total)"}},"ConditionExpression":"attribute_not_exists(id)"},"ResultPath":null`
	output, rec := runToSuccess(t, integration.Invoker{AWS: &integration.AWS{Endpoint: fake.URL}}, `{"StartAt":"Put","States":{
		"Put":`+put+`,"Next":"PutAgain"},
		"PutAgain":`+put+`,"Catch":[{"ErrorEquals":["DynamoDB.ConditionalCheckFailedException"],"ResultPath":"$.duplicate","Next":"Get"}],"Next":"Get"},
		"Get":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","Parameters":{"TableName":"orders","Key":{"id":{"S.$":"$.id"}}},
			"ResultSelector":{"total.$":"$.Item.total.N"},"ResultPath":"$.stored","End":true}}}`, `{"id":"o-7","total":42}`)
	var out struct {
		Duplicate struct{ Error, Cause string }
		Stored    struct{ Total string }
	}
	json.Unmarshal(output, &out)
	if out.Duplicate.Error != "DynamoDB.ConditionalCheckFailedException" || !strings.HasPrefix(out.Duplicate.Cause, "The conditional request failed (Service: AmazonDynamoDBv2;") ||
		out.Stored.Total != "42" {
		t.Fatalf("output %s", output)
	}
	var failed []string
	for _, ev := range rec.all() {
		if ev.Type == runtime.TaskFailed {
			failed = append(failed, ev.Details.ResourceType+":"+ev.Details.Resource+" "+ev.Details.Error)
		}
	}
	if want := []string{"dynamodb:putItem DynamoDB.ConditionalCheckFailedException"}; !cmp.Equal(failed, want) {
		t.Fatalf("TaskFailed events %v, want %v", failed, want)
	}
}

func (r *recorder) all() []runtime.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]runtime.Event(nil), r.events...)
}
