package views

import (
	"encoding/json"
	"slices"
)

// PaletteItem is a state the designer's palette offers to drag onto the flow: one of the eight
// state types, or a preset of a Task that writes the ASL AWS expects for a common integration.
type PaletteItem struct {
	// Label is what the palette shows; Name is the base of the dropped state's name.
	Label, Name string
	// Group is "State types" or "Task presets".
	Group string
	// Hint says what it is for, in a few words (also searched).
	Hint string
	// Definition is the state's JSON, without Next or End: the drop connects it.
	Definition string
}

// Palette is what the designer offers to drop, in the order it shows them.
var Palette = []PaletteItem{
	{"Pass", "Pass", "State types", "passes its input on, or injects data", `{"Type":"Pass"}`},
	{"Task", "Task", "State types", "calls a service", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"my-function","Payload.$":"$"}}`},
	{"Choice", "Choice", "State types", "branches on the input", `{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true}]}`},
	{"Wait", "Wait", "State types", "waits some seconds or until a time", `{"Type":"Wait","Seconds":5}`},
	{"Parallel", "Parallel", "State types", "runs branches side by side", `{"Type":"Parallel","Branches":[{"StartAt":"Branch step","States":{"Branch step":{"Type":"Pass","End":true}}}]}`},
	{"Map", "Map", "State types", "runs steps for each item", `{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Item step","States":{"Item step":{"Type":"Pass","End":true}}}}`},
	{"Succeed", "Succeed", "State types", "ends the flow successfully", `{"Type":"Succeed"}`},
	{"Fail", "Fail", "State types", "ends the flow with an error", `{"Type":"Fail","Error":"Failed","Cause":"Something went wrong."}`},
	{"Approval (callback)", "Approve", "Task presets", "waits for a human: task token, inbox", `{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/approvals","MessageBody":{"input.$":"$","token.$":"$$.Task.Token"}},"ResultPath":"$.decision"}`},
	{"HTTP call", "Call API", "Task presets", "HTTPS endpoint through a connection", `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://example.com/api","Method":"GET","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/my-connection/00000000-0000-0000-0000-000000000000"}}}`},
	{"Lambda invoke", "Invoke function", "Task presets", "runs a Lambda function", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:my-function","Payload.$":"$"},"OutputPath":"$.Payload"}`},
	{"Activity", "Activity", "Task presets", "work done by an activity worker", `{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:my-activity","TimeoutSeconds":300}`},
	{"Nested execution", "Run workflow", "Task presets", "starts another state machine and waits", `{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child","Input.$":"$"}}`},
}

// pathJSON is the path of a field inside a list entry as the browser sends it in a SetField.
func pathJSON(list string, index int, key string) string {
	b, _ := json.Marshal([]any{list, index, key})
	return string(b)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
