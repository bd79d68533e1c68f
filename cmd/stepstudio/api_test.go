package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// These tests drive the started studio with AWS's own Go client, as a user's program would.

const testRole = "arn:aws:iam::123456789012:role/stepstudio-test"

// newSFN is an AWS SDK client of the studio. The SDK sends StartSyncExecution and TestState
// to the host "sync-<host>", which does not resolve for 127.0.0.1: its dialer takes the
// prefix off, as a hosts entry would, so the studio sees (and must accept) that Host.
func newSFN(s *studio, id, secret string) *sfn.Client {
	dialer := &net.Dialer{}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, strings.TrimPrefix(addr, "sync-"))
	}
	return sfn.New(sfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.url),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		HTTPClient:   &http.Client{Transport: transport},
		Retryer:      connectionRetryer(),
	})
}

// connectionRetryer makes a second attempt at a request only when the connection failed
// under it ("use of closed network connection", "connection reset"): the tests look at the
// studio's first answer, but a Go client reading a response can find its keep-alive
// connection closed under load (aws/aws-sdk-go-v2#2737), which the SDK's default retryer
// retries, and which a test under -race met about once in 60 runs.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.RateLimiter = ratelimit.None
	})
}

// anySFN is a client with the dummy credentials a loopback studio without users accepts.
func anySFN(s *studio) *sfn.Client { return newSFN(s, "AKIDEXAMPLE", "not-checked") }

// errorCode is the AWS error code of err, "" when it is none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// wantCode fails unless err is an AWS error with the code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := errorCode(err); got != code {
		t.Fatalf("%s: error %v, want code %s", what, err, code)
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func createAPIMachine(t *testing.T, c *sfn.Client, name, definition string, typ types.StateMachineType) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(testRole), Type: typ})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return *out.StateMachineArn
}

// awaitStatus polls DescribeExecution until the execution has the status.
func awaitStatus(t *testing.T, c *sfn.Client, arn string, status types.ExecutionStatus) *sfn.DescribeExecutionOutput {
	t.Helper()
	var last *sfn.DescribeExecutionOutput
	eventually(t, fmt.Sprintf("%s to be %s", arn, status), func() bool {
		out, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("describe %s: %v", arn, err)
		}
		last = out
		return out.Status == status
	})
	return last
}

const apiPassDefinition = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.r","End":true}}}`

func TestAPIStateMachines(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()

	arn := createAPIMachine(t, c, "orders", apiPassDefinition, "")
	if want := "arn:aws:states:us-east-1:123456789012:stateMachine:orders"; arn != want {
		t.Fatalf("ARN %s, want %s", arn, want)
	}
	// Idempotent with the same configuration; a different one is refused.
	if again := createAPIMachine(t, c, "orders", apiPassDefinition, ""); again != arn {
		t.Fatalf("repeated create gave %s", again)
	}
	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("orders"),
		Definition: aws.String(`{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`), RoleArn: aws.String(testRole)})
	wantCode(t, "create with another definition", err, "StateMachineAlreadyExists")

	for _, tc := range []struct{ name, definition, role, code string }{
		{"bad name", apiPassDefinition, testRole, "InvalidName"},
		{"broken", `{"StartAt":"Nowhere","States":{"P":{"Type":"Pass","End":true}}}`, testRole, "InvalidDefinition"},
		{"notjson", `{"StartAt":`, testRole, "InvalidDefinition"},
		{"badrole", apiPassDefinition, "admin", "InvalidArn"},
	} {
		name := tc.name
		if name == "bad name" {
			name = "has space"
		}
		_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(tc.definition), RoleArn: aws.String(tc.role)})
		wantCode(t, "create "+tc.name, err, tc.code)
	}
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("broken"),
		Definition: aws.String(`{"StartAt":"Nowhere","States":{"P":{"Type":"Pass","End":true}}}`), RoleArn: aws.String(testRole)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.ErrorMessage(), "MISSING_TRANSITION_TARGET") || !strings.Contains(ae.ErrorMessage(), "/StartAt") {
		t.Fatalf("InvalidDefinition message %v does not name the code and the location", err)
	}

	d := must[*sfn.DescribeStateMachineOutput](t, "describe")(c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}))
	if *d.Name != "orders" || *d.Definition != apiPassDefinition || *d.RoleArn != testRole || d.Type != types.StateMachineTypeStandard ||
		d.Status != types.StateMachineStatusActive || d.CreationDate == nil || d.LoggingConfiguration.Level != types.LogLevelOff {
		t.Fatalf("describe: %+v", d)
	}
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + "x")})
	wantCode(t, "describe a missing machine", err, "StateMachineDoesNotExist")
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:activity:orders")})
	wantCode(t, "describe an activity's ARN", err, "InvalidArn")

	// Paging.
	for i := range 4 {
		createAPIMachine(t, c, fmt.Sprintf("page-%d", i), apiPassDefinition, types.StateMachineTypeExpress)
	}
	var names []string
	var token *string
	for pages := 0; ; pages++ {
		out := must[*sfn.ListStateMachinesOutput](t, "list")(c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 2, NextToken: token}))
		for _, m := range out.StateMachines {
			names = append(names, *m.Name)
		}
		if token = out.NextToken; token == nil {
			if pages != 2 {
				t.Fatalf("%d pages of 2 for 5 machines", pages+1)
			}
			break
		}
	}
	if strings.Join(names, ",") != "orders,page-0,page-1,page-2,page-3" {
		t.Fatalf("listed %v", names)
	}
	_, err = c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("forged")})
	wantCode(t, "list with a forged token", err, "InvalidToken")

	// Update with publish, versions, aliases.
	v1 := must[*sfn.PublishStateMachineVersionOutput](t, "publish")(c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), Description: aws.String("first")}))
	if *v1.StateMachineVersionArn != arn+":1" {
		t.Fatalf("version ARN %s", *v1.StateMachineVersionArn)
	}
	changed := strings.Replace(apiPassDefinition, `"ok":true`, `"ok":"v2"`, 1)
	up := must[*sfn.UpdateStateMachineOutput](t, "update")(c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(changed), Publish: true, VersionDescription: aws.String("second")}))
	if up.StateMachineVersionArn == nil || *up.StateMachineVersionArn != arn+":2" || up.RevisionId == nil {
		t.Fatalf("update: %+v", up)
	}
	_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn)})
	wantCode(t, "update without a change", err, "MissingRequiredParameter")
	_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(`{}`)})
	wantCode(t, "update to a broken definition", err, "InvalidDefinition")
	old := must[*sfn.DescribeStateMachineOutput](t, "describe v1")(c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")}))
	if *old.Definition != apiPassDefinition || *old.StateMachineArn != arn+":1" || aws.ToString(old.Description) != "first" {
		t.Fatalf("version 1 changed: %+v", old)
	}
	versions := must[*sfn.ListStateMachineVersionsOutput](t, "versions")(c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)}))
	if len(versions.StateMachineVersions) != 2 || *versions.StateMachineVersions[0].StateMachineVersionArn != arn+":2" {
		t.Fatalf("versions %+v", versions.StateMachineVersions)
	}
	alias := must[*sfn.CreateStateMachineAliasOutput](t, "alias")(c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 100}}}))
	_, err = c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("half"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 50}}})
	wantCode(t, "alias with weights that do not sum to 100", err, "ValidationException")
	_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":1")})
	wantCode(t, "delete a version an alias routes to", err, "ConflictException")

	// An execution through the alias runs version 1 and records both.
	start := must[*sfn.StartExecutionOutput](t, "start via alias")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: alias.StateMachineAliasArn, Name: aws.String("via-alias")}))
	done := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	if *done.Output != `{"r":{"ok":true}}` || aws.ToString(done.StateMachineAliasArn) != arn+":live" || aws.ToString(done.StateMachineVersionArn) != arn+":1" {
		t.Fatalf("execution through the alias: output %s, alias %v, version %v", aws.ToString(done.Output), aws.ToString(done.StateMachineAliasArn), aws.ToString(done.StateMachineVersionArn))
	}
	must[*sfn.UpdateStateMachineAliasOutput](t, "move alias")(c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn,
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":2"), Weight: 100}}}))
	da := must[*sfn.DescribeStateMachineAliasOutput](t, "describe alias")(c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn}))
	if len(da.RoutingConfiguration) != 1 || *da.RoutingConfiguration[0].StateMachineVersionArn != arn+":2" {
		t.Fatalf("alias after update: %+v", da.RoutingConfiguration)
	}
	viaAlias := must[*sfn.ListExecutionsOutput](t, "list by alias")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: alias.StateMachineAliasArn}))
	if len(viaAlias.Executions) != 1 || *viaAlias.Executions[0].Name != "via-alias" {
		t.Fatalf("executions of the alias: %+v", viaAlias.Executions)
	}
	aliases := must[*sfn.ListStateMachineAliasesOutput](t, "aliases")(c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn)}))
	if len(aliases.StateMachineAliases) != 1 {
		t.Fatalf("aliases %+v", aliases.StateMachineAliases)
	}
	must[*sfn.DeleteStateMachineVersionOutput](t, "delete v1")(c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":1")}))
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")})
	wantCode(t, "describe a deleted version", err, "StateMachineDoesNotExist")
	must[*sfn.DeleteStateMachineAliasOutput](t, "delete alias")(c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn}))
	_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn})
	wantCode(t, "describe a deleted alias", err, "ResourceNotFound")

	// Tags.
	must[*sfn.TagResourceOutput](t, "tag")(c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}, {Key: aws.String("tier"), Value: aws.String("1")}}}))
	must[*sfn.UntagResourceOutput](t, "untag")(c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"tier"}}))
	tags := must[*sfn.ListTagsForResourceOutput](t, "tags")(c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)}))
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" || *tags.Tags[0].Value != "ops" {
		t.Fatalf("tags %+v", tags.Tags)
	}
	_, err = c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn + "-missing")})
	wantCode(t, "tags of a missing machine", err, "ResourceNotFound")
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}
	}
	_, err = c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	wantCode(t, "51 tags", err, "TooManyTags")

	// Validation, with the codes and locations of the designer's validator.
	val := must[*sfn.ValidateStateMachineDefinitionOutput](t, "validate")(c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`)}))
	if val.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(val.Diagnostics) == 0 ||
		*val.Diagnostics[0].Code != "MISSING_TRANSITION_TARGET" || aws.ToString(val.Diagnostics[0].Location) != "/States/A/Next" {
		t.Fatalf("validate: %+v %+v", val, val.Diagnostics)
	}
	ok := must[*sfn.ValidateStateMachineDefinitionOutput](t, "validate ok")(c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(apiPassDefinition)}))
	if ok.Result != types.ValidateStateMachineDefinitionResultCodeOk {
		t.Fatalf("validate ok: %+v", ok.Diagnostics)
	}

	// Delete: the machine, its versions and tags go.
	must[*sfn.DeleteStateMachineOutput](t, "delete")(c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}))
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	wantCode(t, "describe a deleted machine", err, "StateMachineDoesNotExist")
}

func TestAPIExecutions(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "runs", apiPassDefinition, "")

	first := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("one"), Input: aws.String(`{"n":1}`)}))
	if *first.ExecutionArn != "arn:aws:states:us-east-1:123456789012:execution:runs:one" {
		t.Fatalf("execution ARN %s", *first.ExecutionArn)
	}
	d := awaitStatus(t, c, *first.ExecutionArn, types.ExecutionStatusSucceeded)
	if *d.Input != `{"n":1}` || *d.Output != `{"n":1,"r":{"ok":true}}` || d.StopDate == nil || d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable {
		t.Fatalf("describe: %+v", d)
	}
	meta := must[*sfn.DescribeExecutionOutput](t, "metadata only")(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: first.ExecutionArn, IncludedData: types.IncludedDataMetadataOnly}))
	if meta.Input != nil || meta.Output != nil {
		t.Fatalf("METADATA_ONLY gave the data: %+v", meta)
	}
	_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("one"), Input: aws.String(`{"n":1}`)})
	wantCode(t, "start a name that ended", err, "ExecutionAlreadyExists")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"n":`)})
	wantCode(t, "start with broken input", err, "InvalidExecutionInput")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`"` + strings.Repeat("x", 256*1024) + `"`)})
	wantCode(t, "start with an input over 256 KiB", err, "InvalidExecutionInput")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "-nope")})
	wantCode(t, "start a missing machine", err, "StateMachineDoesNotExist")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(*first.ExecutionArn + "x")})
	wantCode(t, "describe a missing execution", err, "ExecutionDoesNotExist")

	// Idempotent start of a running execution: same name and input, same answer.
	waiting := createAPIMachine(t, c, "waits", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, "")
	a := must[*sfn.StartExecutionOutput](t, "start waiting")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(waiting), Name: aws.String("w"), Input: aws.String(`{}`)}))
	b := must[*sfn.StartExecutionOutput](t, "start again")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(waiting), Name: aws.String("w"), Input: aws.String(`{}`)}))
	if *a.ExecutionArn != *b.ExecutionArn || !a.StartDate.Equal(*b.StartDate) {
		t.Fatalf("idempotent start: %v %v / %v %v", *a.ExecutionArn, a.StartDate, *b.ExecutionArn, b.StartDate)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(waiting), Name: aws.String("w"), Input: aws.String(`{"other":1}`)})
	wantCode(t, "same name, other input", err, "ExecutionAlreadyExists")
	stop := must[*sfn.StopExecutionOutput](t, "stop")(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: a.ExecutionArn, Error: aws.String("Enough"), Cause: aws.String("by the test")}))
	if stop.StopDate == nil {
		t.Fatal("no stop date")
	}
	aborted := awaitStatus(t, c, *a.ExecutionArn, types.ExecutionStatusAborted)
	if aws.ToString(aborted.Error) != "Enough" || aborted.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("aborted: %+v", aborted)
	}
	red := must[*sfn.RedriveExecutionOutput](t, "redrive")(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: a.ExecutionArn}))
	if red.RedriveDate == nil {
		t.Fatal("no redrive date")
	}
	again := awaitStatus(t, c, *a.ExecutionArn, types.ExecutionStatusRunning)
	if again.RedriveCount == nil || *again.RedriveCount != 1 {
		t.Fatalf("redrive count %v", again.RedriveCount)
	}
	redriven := must[*sfn.ListExecutionsOutput](t, "redriven")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(waiting), RedriveFilter: types.ExecutionRedriveFilterRedriven}))
	if len(redriven.Executions) != 1 {
		t.Fatalf("redriven %+v", redriven.Executions)
	}
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: first.ExecutionArn})
	wantCode(t, "redrive a success", err, "ExecutionNotRedrivable")
	// Deleting a machine while an execution of it runs: it is DELETING, starts nothing new,
	// and goes once its last execution has ended.
	must[*sfn.DeleteStateMachineOutput](t, "delete while running")(c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(waiting)}))
	deleting := must[*sfn.DescribeStateMachineOutput](t, "describe deleting")(c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(waiting)}))
	if deleting.Status != types.StateMachineStatusDeleting {
		t.Fatalf("status %s while its execution runs", deleting.Status)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(waiting)})
	wantCode(t, "start a deleting machine", err, "StateMachineDeleting")
	must[*sfn.StopExecutionOutput](t, "stop the last")(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: a.ExecutionArn}))
	eventually(t, "the deleting machine to go", func() bool {
		_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(waiting)})
		return errorCode(err) == "StateMachineDoesNotExist"
	})
	forExec := must[*sfn.DescribeStateMachineForExecutionOutput](t, "machine for execution")(c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: first.ExecutionArn}))
	if *forExec.Definition != apiPassDefinition || *forExec.StateMachineArn != arn {
		t.Fatalf("machine for execution: %+v", forExec)
	}

	// History: AWS's shapes, both orders, paging, without data.
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: first.ExecutionArn}))
	var kinds []string
	for _, ev := range h.Events {
		kinds = append(kinds, fmt.Sprintf("%d:%s<%d", ev.Id, ev.Type, ev.PreviousEventId))
	}
	if strings.Join(kinds, " ") != "1:ExecutionStarted<0 2:PassStateEntered<0 3:PassStateExited<2 4:ExecutionSucceeded<3" {
		t.Fatalf("history %v", kinds)
	}
	if *h.Events[0].ExecutionStartedEventDetails.Input != `{"n":1}` || *h.Events[0].ExecutionStartedEventDetails.RoleArn != testRole ||
		*h.Events[2].StateExitedEventDetails.Name != "P" || *h.Events[3].ExecutionSucceededEventDetails.Output != `{"n":1,"r":{"ok":true}}` {
		t.Fatalf("history details: %+v", h.Events)
	}
	var ids []int64
	var token *string
	for {
		page := must[*sfn.GetExecutionHistoryOutput](t, "history page")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: first.ExecutionArn, MaxResults: 3, ReverseOrder: true, NextToken: token}))
		for _, ev := range page.Events {
			ids = append(ids, ev.Id)
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if fmt.Sprint(ids) != "[4 3 2 1]" {
		t.Fatalf("reverse pages gave %v", ids)
	}
	bare := must[*sfn.GetExecutionHistoryOutput](t, "history without data")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: first.ExecutionArn, IncludeExecutionData: aws.Bool(false)}))
	if bare.Events[0].ExecutionStartedEventDetails.Input != nil {
		t.Fatal("includeExecutionData false gave the input")
	}

	// Listing with filters and pages.
	for i := range 5 {
		must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(fmt.Sprint("more-", i))}))
	}
	var listed []string
	token = nil
	for {
		page := must[*sfn.ListExecutionsOutput](t, "list")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: 4, NextToken: token}))
		for _, e := range page.Executions {
			listed = append(listed, *e.Name)
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(listed) != 6 || listed[0] != "more-4" || listed[5] != "one" {
		t.Fatalf("listed %v", listed)
	}
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: "LOST"})
	wantCode(t, "list with a bad status", err, "ValidationException")

	// Express, run to the end by StartSyncExecution (through the sync- host prefix).
	express := createAPIMachine(t, c, "quick", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Nope","Cause":"it fails"}}}`, types.StateMachineTypeExpress)
	sync := must[*sfn.StartSyncExecutionOutput](t, "sync")(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(express), Input: aws.String(`{}`)}))
	if sync.Status != types.SyncExecutionStatusFailed || aws.ToString(sync.Error) != "Nope" || aws.ToString(sync.Cause) != "it fails" || sync.BillingDetails == nil {
		t.Fatalf("sync: %+v", sync)
	}
	_, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn)})
	wantCode(t, "sync on a Standard machine", err, "StateMachineTypeNotSupported")

	// TestState, one state and a machine's state with a mock.
	ts := must[*sfn.TestStateOutput](t, "test state")(c.TestState(ctx, &sfn.TestStateInput{
		Definition:      aws.String(`{"Type":"Pass","Parameters":{"x.$":"$.a"},"Next":"After"}`),
		Input:           aws.String(`{"a":7}`),
		InspectionLevel: types.InspectionLevelDebug}))
	if ts.Status != types.TestExecutionStatusSucceeded || *ts.Output != `{"x":7}` || aws.ToString(ts.NextState) != "After" ||
		ts.InspectionData == nil || aws.ToString(ts.InspectionData.AfterParameters) != `{"x":7}` {
		t.Fatalf("test state: %+v %+v", ts, ts.InspectionData)
	}
	caught := must[*sfn.TestStateOutput](t, "test state mock")(c.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["Boom"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`),
		StateName:  aws.String("T"),
		Mock:       &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Boom"), Cause: aws.String("mocked")}}}))
	if caught.Status != types.TestExecutionStatusCaughtError || aws.ToString(caught.NextState) != "H" || aws.ToString(caught.Error) != "Boom" {
		t.Fatalf("test state with an error mock: %+v", caught)
	}
	retryDef := `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":2}],
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"Parameters":{"token.$":"$$.Task.Token","name.$":"$$.Execution.Name"},"End":true}`
	boom := &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Boom")}}
	retriable := must[*sfn.TestStateOutput](t, "retriable")(c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(retryDef), Mock: boom}))
	if retriable.Status != types.TestExecutionStatusRetriable {
		t.Fatalf("a first failure with a retrier: %s", retriable.Status)
	}
	spent := must[*sfn.TestStateOutput](t, "retries spent")(c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(retryDef), Mock: boom,
		StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(2)}}))
	if spent.Status != types.TestExecutionStatusCaughtError || aws.ToString(spent.NextState) != "H" {
		t.Fatalf("a failure after the retries: %s %v", spent.Status, aws.ToString(spent.NextState))
	}
	withContext := must[*sfn.TestStateOutput](t, "context")(c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(retryDef),
		Mock: &types.MockInput{Result: aws.String(`{}`)}, InspectionLevel: types.InspectionLevelDebug,
		Context: aws.String(`{"Task":{"Token":"my-token"},"Execution":{"Name":"run-7"}}`)}))
	if got := aws.ToString(withContext.InspectionData.AfterParameters); got != `{"token":"my-token","name":"run-7"}` {
		t.Fatalf("parameters with the given context: %s", got)
	}
}

// TestAPITestStateJSONata tests JSONata states through TestState: the inspection data has
// afterArguments (and no afterInputPath or afterParameters, which JSONata has not), and a
// failing expression is a States.QueryEvaluationError result.
func TestAPITestStateJSONata(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	task := `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke",
		"Arguments":{"id":"{% $states.input.id %}","run":"{% $states.context.Execution.Name %}"},
		"Assign":{"price":"{% $states.result.Payload.price %}"},
		"Output":{"id":"{% $states.input.id %}","price":"{% $states.result.Payload.price %}"},"Next":"After"}`
	got := must[*sfn.TestStateOutput](t, "jsonata task")(c.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(task), Input: aws.String(`{"id":7}`), InspectionLevel: types.InspectionLevelDebug,
		Context: aws.String(`{"Execution":{"Name":"run-7"}}`),
		Mock:    &types.MockInput{Result: aws.String(`{"Payload":{"price":12}}`)}}))
	d := got.InspectionData
	if got.Status != types.TestExecutionStatusSucceeded || aws.ToString(got.Output) != `{"id":7,"price":12}` || aws.ToString(got.NextState) != "After" || d == nil {
		t.Fatalf("jsonata task: %+v %+v", got, d)
	}
	want := []string{`{"id":7}`, `{"id":7,"run":"run-7"}`, `{"Payload":{"price":12}}`, `{"price":12}`, "", ""}
	have := []string{aws.ToString(d.Input), aws.ToString(d.AfterArguments), aws.ToString(d.Result), aws.ToString(d.Variables),
		aws.ToString(d.AfterInputPath), aws.ToString(d.AfterParameters)}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("inspection data: input, afterArguments, result, variables, afterInputPath, afterParameters (-want +got):\n%s", diff)
	}

	failing := must[*sfn.TestStateOutput](t, "jsonata output fails")(c.TestState(ctx, &sfn.TestStateInput{
		Definition:      aws.String(`{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input.missing %}","End":true}`),
		Input:           aws.String(`{"a":1}`),
		InspectionLevel: types.InspectionLevelDebug}))
	if failing.Status != types.TestExecutionStatusFailed || aws.ToString(failing.Error) != "States.QueryEvaluationError" ||
		!strings.Contains(aws.ToString(failing.Cause), "specified for the field 'Output' returned nothing (undefined).") ||
		failing.InspectionData == nil || aws.ToString(failing.InspectionData.AfterArguments) != `{"a":1}` {
		t.Fatalf("a failing Output: %+v %+v", failing, failing.InspectionData)
	}
}

// historyToken finds the task token a .waitForTaskToken task passed in its parameters.
func historyToken(t *testing.T, c *sfn.Client, arn string) string {
	t.Helper()
	var token string
	eventually(t, "the task to be scheduled", func() bool {
		h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range h.Events {
			if ev.Type == types.HistoryEventTypeTaskSubmitted {
				for _, e := range h.Events {
					if e.Type == types.HistoryEventTypeTaskScheduled {
						var p struct{ MessageBody struct{ Token string } }
						json.Unmarshal([]byte(*e.TaskScheduledEventDetails.Parameters), &p)
						token = p.MessageBody.Token
					}
				}
				return true
			}
		}
		return false
	})
	return token
}

const apiCallbackDefinition = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"End":true}}}`

func TestAPICallbacks(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "approve", apiCallbackDefinition, "")

	run := func(name string) (string, string) {
		out := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name)}))
		return *out.ExecutionArn, historyToken(t, c, *out.ExecutionArn)
	}
	execA, tokenA := run("a")
	if tokenA == "" {
		t.Fatal("no token in the task's parameters")
	}
	_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tokenA), Output: aws.String(`{"approved":`)})
	wantCode(t, "success with broken output", err, "InvalidOutput")
	must[*sfn.SendTaskHeartbeatOutput](t, "heartbeat")(c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(tokenA)}))
	must[*sfn.SendTaskSuccessOutput](t, "success")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tokenA), Output: aws.String(`{"approved":true}`)}))
	if d := awaitStatus(t, c, execA, types.ExecutionStatusSucceeded); *d.Output != `{"approved":true}` {
		t.Fatalf("output %s", *d.Output)
	}
	_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tokenA), Output: aws.String(`{}`)})
	wantCode(t, "a second decision", err, "TaskTimedOut")
	_, err = c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("made-up")})
	wantCode(t, "a token never given", err, "InvalidToken")

	execB, tokenB := run("b")
	must[*sfn.SendTaskFailureOutput](t, "failure")(c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(tokenB), Error: aws.String("Refused"), Cause: aws.String("over budget")}))
	if d := awaitStatus(t, c, execB, types.ExecutionStatusFailed); aws.ToString(d.Error) != "Refused" || aws.ToString(d.Cause) != "over budget" {
		t.Fatalf("failed with %v %v", aws.ToString(d.Error), aws.ToString(d.Cause))
	}

	// The inbox and the API decide the same task once: the API's answer comes second here.
	_, tokenC := run("c")
	ids := s.waitingTaskIDs(t)
	if len(ids) != 1 {
		t.Fatalf("inbox has %v", ids)
	}
	resp, _ := s.post(t, "/inbox/"+ids[0]+"/approve", map[string][]string{"output": {`{"by":"inbox"}`}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("inbox approve: %d", resp.StatusCode)
	}
	_, err = c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tokenC), Output: aws.String(`{"by":"api"}`)})
	wantCode(t, "the API after the inbox", err, "TaskTimedOut")
}

const activityARN = "arn:aws:states:us-east-1:123456789012:activity:"

func TestAPIActivities(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()

	act := must[*sfn.CreateActivityOutput](t, "create activity")(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize")}))
	if *act.ActivityArn != activityARN+"resize" {
		t.Fatalf("activity ARN %s", *act.ActivityArn)
	}
	again := must[*sfn.CreateActivityOutput](t, "create again")(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize")}))
	if !again.CreationDate.Equal(*act.CreationDate) {
		t.Fatal("CreateActivity is not idempotent")
	}
	desc := must[*sfn.DescribeActivityOutput](t, "describe activity")(c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: act.ActivityArn}))
	if *desc.Name != "resize" {
		t.Fatalf("describe activity: %+v", desc)
	}
	_, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(activityARN + "missing")})
	wantCode(t, "describe a missing activity", err, "ActivityDoesNotExist")
	_, err = c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(activityARN + "missing")})
	wantCode(t, "poll a missing activity", err, "ActivityDoesNotExist")

	// 200 tasks, 10 workers polling at once: each task goes to one worker, once.
	const tasks, workers = 200, 10
	def := fmt.Sprintf(`{"StartAt":"Resize","States":{"Resize":{"Type":"Task","Resource":%q,"HeartbeatSeconds":60,"End":true}}}`, *act.ActivityArn)
	arn := createAPIMachine(t, c, "resizer", def, "")
	pollCtx, stopPolling := context.WithCancel(ctx)
	var mu sync.Mutex
	seen := map[string]string{} // token -> worker
	doubled := 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprint("worker-", w)
			for pollCtx.Err() == nil {
				task, err := c.GetActivityTask(pollCtx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String(name)})
				if err != nil {
					if pollCtx.Err() == nil {
						t.Errorf("%s: poll: %v", name, err)
					}
					return
				}
				if task.TaskToken == nil {
					continue
				}
				mu.Lock()
				if _, ok := seen[*task.TaskToken]; ok {
					doubled++
				}
				seen[*task.TaskToken] = name
				mu.Unlock()
				var in struct{ N int }
				json.Unmarshal([]byte(*task.Input), &in)
				if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
					t.Errorf("%s: heartbeat: %v", name, err)
				}
				out := fmt.Sprintf(`{"n":%d,"by":%q}`, in.N, name)
				if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(out)}); err != nil {
					t.Errorf("%s: success: %v", name, err)
				}
			}
		}()
	}
	execs := make([]string, tasks)
	for i := range tasks {
		out := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(fmt.Sprintf(`{"n":%d}`, i))}))
		execs[i] = *out.ExecutionArn
	}
	for i, e := range execs {
		d := awaitStatus(t, c, e, types.ExecutionStatusSucceeded)
		var out struct {
			N  int
			By string
		}
		json.Unmarshal([]byte(*d.Output), &out)
		if out.N != i || !strings.HasPrefix(out.By, "worker-") {
			t.Fatalf("execution %d: output %s", i, *d.Output)
		}
	}
	stopPolling()
	wg.Wait()
	if len(seen) != tasks || doubled != 0 {
		t.Fatalf("%d tasks handed out (%d twice), want %d once each", len(seen), doubled, tasks)
	}
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execs[0])}))
	var kinds []string
	for _, ev := range h.Events {
		kinds = append(kinds, string(ev.Type))
	}
	if strings.Join(kinds, " ") != "ExecutionStarted TaskStateEntered ActivityScheduled ActivityStarted ActivitySucceeded TaskStateExited ExecutionSucceeded" {
		t.Fatalf("history %v", kinds)
	}
	if h.Events[2].ActivityScheduledEventDetails == nil || *h.Events[2].ActivityScheduledEventDetails.Resource != *act.ActivityArn ||
		*h.Events[2].ActivityScheduledEventDetails.Input != `{"n":0}` || aws.ToInt64(h.Events[2].ActivityScheduledEventDetails.HeartbeatInSeconds) != 60 ||
		!strings.HasPrefix(aws.ToString(h.Events[3].ActivityStartedEventDetails.WorkerName), "worker-") {
		t.Fatalf("activity events: %+v %+v", h.Events[2].ActivityScheduledEventDetails, h.Events[3].ActivityStartedEventDetails)
	}

	// A poll with nothing to do answers empty after its wait (shortened by the test's studio? no:
	// a cancelled poll ends with the caller).
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = c.GetActivityTask(short, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
	cancel()
	if err == nil {
		t.Fatal("a poll with no task answered before its wait ended")
	}

	// A Task of an activity that does not exist fails at once, as it can never get a worker.
	ghost := createAPIMachine(t, c, "ghost", fmt.Sprintf(`{"StartAt":"W","States":{"W":{"Type":"Task","Resource":%q,"End":true}}}`, activityARN+"ghost"), "")
	gr := must[*sfn.StartExecutionOutput](t, "start ghost")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(ghost)}))
	gd := awaitStatus(t, c, *gr.ExecutionArn, types.ExecutionStatusFailed)
	if aws.ToString(gd.Error) != "States.Runtime" || !strings.Contains(aws.ToString(gd.Cause), "does not exist") {
		t.Fatalf("a missing activity: %v %v", aws.ToString(gd.Error), aws.ToString(gd.Cause))
	}
	gh := must[*sfn.GetExecutionHistoryOutput](t, "ghost history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: gr.ExecutionArn}))
	if gh.Events[2].Type != types.HistoryEventTypeActivityScheduleFailed || gh.Events[2].ActivityScheduleFailedEventDetails == nil {
		t.Fatalf("ghost history: %v", gh.Events[2].Type)
	}

	list := must[*sfn.ListActivitiesOutput](t, "list activities")(c.ListActivities(ctx, &sfn.ListActivitiesInput{}))
	if len(list.Activities) != 1 {
		t.Fatalf("activities %+v", list.Activities)
	}
	must[*sfn.DeleteActivityOutput](t, "delete activity")(c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: act.ActivityArn}))
	_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: act.ActivityArn})
	wantCode(t, "describe a deleted activity", err, "ActivityDoesNotExist")
}

func TestAPIActivityHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	act := must[*sfn.CreateActivityOutput](t, "create activity")(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("slow")}))
	def := fmt.Sprintf(`{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":%q,"HeartbeatSeconds":1,"End":true}}}`, *act.ActivityArn)
	arn := createAPIMachine(t, c, "slow", def, "")

	// A worker that takes the task and goes quiet: the task times out a second after it took it.
	silent := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}))
	task := must[*sfn.GetActivityTaskOutput](t, "poll")(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("quiet")}))
	d := awaitStatus(t, c, *silent.ExecutionArn, types.ExecutionStatusFailed)
	if aws.ToString(d.Error) != "States.HeartbeatTimeout" {
		t.Fatalf("error %v", aws.ToString(d.Error))
	}
	_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
	wantCode(t, "an answer after the timeout", err, "TaskTimedOut")

	// One that sends heartbeats for longer than HeartbeatSeconds keeps it. HeartbeatSeconds is
	// 3 here and a heartbeat goes every 250 ms, so a slow machine has seconds of slack.
	steady := createAPIMachine(t, c, "steady", strings.Replace(def, `"HeartbeatSeconds":1`, `"HeartbeatSeconds":3`, 1), "")
	busy := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(steady)}))
	task = must[*sfn.GetActivityTaskOutput](t, "poll")(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("busy")}))
	for begin := time.Now(); time.Since(begin) < 4*time.Second; time.Sleep(250 * time.Millisecond) {
		must[*sfn.SendTaskHeartbeatOutput](t, "heartbeat")(c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}))
	}
	must[*sfn.SendTaskSuccessOutput](t, "success")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"done":true}`)}))
	awaitStatus(t, c, *busy.ExecutionArn, types.ExecutionStatusSucceeded)
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: silent.ExecutionArn}))
	if h.Events[4].Type != types.HistoryEventTypeActivityTimedOut || aws.ToString(h.Events[4].ActivityTimedOutEventDetails.Error) != "States.HeartbeatTimeout" {
		t.Fatalf("timed out history: %v %+v", h.Events[4].Type, h.Events[4].ActivityTimedOutEventDetails)
	}
}
