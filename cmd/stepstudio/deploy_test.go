package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// twoStudios starts a target studio with a user and an access key (so every call must carry
// a good Signature Version 4) and a local studio whose target "staging" is the first, added
// with "stepstudio target add" and the secret on standard input.
func twoStudios(t *testing.T) (local, target *studio, key accessKey) {
	t.Helper()
	targetDB := filepath.Join(t.TempDir(), "target", "studio.db")
	addTestUser(t, targetDB, "deployer", "deployer's password", "--admin")
	key = userKey(t, targetDB, "deployer")
	target = startStudioOn(t, targetDB)
	t.Cleanup(target.stop)
	local = startStudio(t)
	addTestTarget(t, local, "staging", target.url, key)
	return local, target, key
}

func addTestTarget(t *testing.T, s *studio, name, endpoint string, key accessKey) {
	t.Helper()
	var out bytes.Buffer
	err := targetCommand(context.Background(), []string{"add", name, "--region", "us-east-1", "--endpoint", endpoint,
		"--access-key-id", key.id, "--role-arn", testRole, "--db", s.db}, func(string) string { return "" },
		strings.NewReader(key.secret+"\n"), &out, io.Discard)
	if err != nil {
		t.Fatalf("target add %s: %v\n%s", name, err, out.String())
	}
}

// cli runs one of the program's commands against a studio's database.
func cli(t *testing.T, s *studio, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append(args, "--db", s.db), func(string) string { return "" }, &out, &errOut)
	return out.String() + errOut.String(), err
}

const deployV1 = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"Next":"Done"},
  "Done":{"Type":"Pass","Result":"v1","ResultPath":"$.version","End":true}}}`

func TestDeployPublishesAndMovesTheAlias(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	ctx := context.Background()
	local.createMachine(t, "orders", deployV1)
	onTarget := newSFN(target, key.id, key.secret)

	out, err := cli(t, local, "deploy", "orders", "--target", "staging", "--alias", "live", "--dry-run")
	if err != nil || !strings.Contains(out, "new on staging") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if names := must[*sfn.ListStateMachinesOutput](t, "list")(onTarget.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})); len(names.StateMachines) != 0 {
		t.Fatalf("a dry run created %d machines on the target", len(names.StateMachines))
	}

	out, err = cli(t, local, "deploy", "orders", "--target", "staging", "--alias", "live")
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	machineARN := strings.TrimSuffix(arnAfter(t, out, "machine: "), "\n")
	got := must[*sfn.DescribeStateMachineOutput](t, "describe")(onTarget.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machineARN)}))
	if *got.Definition != deployV1 || *got.RoleArn != testRole {
		t.Fatalf("the target holds %q with role %q", *got.Definition, *got.RoleArn)
	}
	wantAliasAt(t, onTarget, machineARN+":live", machineARN+":1")

	// A second version: the deploy shows the difference, updates, publishes 2, moves live.
	v2 := strings.Replace(deployV1, `"v1"`, `"v2"`, 1)
	must[*sfn.UpdateStateMachineOutput](t, "update locally")(anySFN(local).UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:orders"), Definition: aws.String(v2)}))
	out, err = cli(t, local, "deploy", "orders", "--target", "staging", "--alias", "live")
	if err != nil || !strings.Contains(out, "differs from the definition on staging") || !strings.Contains(out, `+  "Done":{"Type":"Pass","Result":"v2"`) {
		t.Fatalf("second deploy: %v\n%s", err, out)
	}
	wantAliasAt(t, onTarget, machineARN+":live", machineARN+":2")
	versions := must[*sfn.ListStateMachineVersionsOutput](t, "versions")(onTarget.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machineARN)}))
	if len(versions.StateMachineVersions) != 2 {
		t.Fatalf("the target has %d versions, want 2", len(versions.StateMachineVersions))
	}

	// The alias runs version 2 there, through the callback approved on the target.
	exec := must[*sfn.StartExecutionOutput](t, "start")(onTarget.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN + ":live"), Input: aws.String(`{}`)}))
	token := historyToken(t, onTarget, *exec.ExecutionArn)
	must[*sfn.SendTaskSuccessOutput](t, "approve")(onTarget.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"approved":true}`)}))
	done := awaitStatus(t, onTarget, *exec.ExecutionArn, types.ExecutionStatusSucceeded)
	if *done.Output != `{"approved":true,"version":"v2"}` {
		t.Fatalf("output %s", *done.Output)
	}
}

func arnAfter(t *testing.T, out, label string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, label)
	if !ok {
		t.Fatalf("no %q in:\n%s", label, out)
	}
	line, _, _ := strings.Cut(rest, "\n")
	return line
}

func wantAliasAt(t *testing.T, c *sfn.Client, alias, version string) {
	t.Helper()
	a := must[*sfn.DescribeStateMachineAliasOutput](t, "describe alias")(c.DescribeStateMachineAlias(context.Background(), &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(alias)}))
	if len(a.RoutingConfiguration) != 1 || *a.RoutingConfiguration[0].StateMachineVersionArn != version || a.RoutingConfiguration[0].Weight != 100 {
		t.Fatalf("alias %s routes %+v, want all to %s", alias, a.RoutingConfiguration, version)
	}
}

func TestPullKeepsTheTargetsBytes(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	ctx := context.Background()
	onTarget := newSFN(target, key.id, key.secret)
	// Written on the target as a person would, with its own spacing: the pull keeps it.
	const there = "{\n  \"Comment\": \"made on the target\",\n  \"StartAt\": \"P\",\n  \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}\n}"
	arn := createAPIMachine(t, onTarget, "billing", there, "")

	out, err := cli(t, local, "pull", "billing", "--target", "staging")
	if err != nil || !strings.Contains(out, "as a new machine billing") {
		t.Fatalf("pull: %v\n%s", err, out)
	}
	_, page := local.get(t, "/machines/billing/definition.asl.json")
	if page != there {
		t.Fatalf("pulled %q, want the target's bytes %q", page, there)
	}
	out, err = cli(t, local, "pull", "billing", "--target", "staging")
	if err != nil || !strings.Contains(out, "already the same") {
		t.Fatalf("pull again: %v\n%s", err, out)
	}
	changed := strings.Replace(there, "made on the target", "changed on the target", 1)
	must[*sfn.UpdateStateMachineOutput](t, "update there")(onTarget.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(changed)}))
	out, err = cli(t, local, "pull", "billing", "--target", "staging")
	if err != nil || !strings.Contains(out, "as version 2 of billing") {
		t.Fatalf("pull a change: %v\n%s", err, out)
	}
	if _, page := local.get(t, "/machines/billing/definition.asl.json"); page != changed {
		t.Fatalf("after the change: %q", page)
	}
	out, err = cli(t, local, "pull", "billing", "--target", "staging", "--as", "billing-copy")
	if err != nil || !strings.Contains(out, "as a new machine billing-copy") {
		t.Fatalf("pull as: %v\n%s", err, out)
	}

	// A machine the target does not have, and a target the studio does not have.
	if out, err := cli(t, local, "pull", "nope", "--target", "staging"); !errors.Is(err, remote.ErrNoMachine) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("pull of a missing machine: %v\n%s", err, out)
	}
	if out, err := cli(t, local, "deploy", "billing", "--target", "prod"); err == nil || !strings.Contains(err.Error(), `target "prod"`) {
		t.Fatalf("deploy to a missing target: %v\n%s", err, out)
	}
}

func TestDeployErrorsFromTheTarget(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	local.createMachine(t, "orders", deployV1)

	// A wrong secret: the target refuses the signature, and the studio says so.
	addTestTarget(t, local, "wrong-key", target.url, accessKey{id: key.id, secret: key.secret + "x"})
	out, err := cli(t, local, "deploy", "orders", "--target", "wrong-key")
	var re *remote.Error
	if !errors.As(err, &re) || re.Code != "InvalidSignatureException" || !strings.Contains(err.Error(), "the target refused the credentials") {
		t.Fatalf("deploy with a wrong secret: %v\n%s", err, out)
	}
	// A target that does not answer.
	addTestTarget(t, local, "gone", "http://127.0.0.1:1", key)
	if _, err := cli(t, local, "deploy", "orders", "--target", "gone"); !errors.As(err, &re) || !strings.Contains(err.Error(), "could not be reached") {
		t.Fatalf("deploy to a closed port: %v", err)
	}
	// Bad input to target add, said by field.
	for _, c := range []struct{ args, want string }{
		{"add x --region nowhere", "region: \"nowhere\" is not a region"},
		{"add x --region us-east-1 --endpoint ftp://h", "endpoint: \"ftp://h\" is not an http or https URL"},
		{"add x --region us-east-1 --role-arn arn:aws:iam::1:user/x", "role ARN"},
		{"add staging --region us-east-1", `there is already a target "staging"`},
	} {
		if out, err := cli(t, local, append([]string{"target"}, strings.Fields(c.args)...)...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("target %s: %v\n%s", c.args, err, out)
		}
	}
	out, err = cli(t, local, "target", "list")
	if err != nil || !strings.Contains(out, "access key "+key.id) || strings.Contains(out, key.secret) {
		t.Fatalf("target list shows no key, or the secret: %v\n%s", err, out)
	}
}

// throttler answers the first n calls with AWS's ThrottlingException, as Step Functions does
// past its rate, on the wire as AWS sends it; it passes the others on to the studio. It sits
// in the client's transport: a proxy in front would change the Host that the signature covers.
type throttler struct {
	n, seen atomic.Int64
}

func (th *throttler) RoundTrip(r *http.Request) (*http.Response, error) {
	if th.seen.Add(1) <= th.n.Load() {
		if r.Body != nil {
			r.Body.Close()
		}
		body := `{"__type":"com.amazonaws.swf.base.model#ThrottlingException","message":"Rate exceeded"}`
		return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}}, Body: io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestDeployRetriesThrottlingWithBackoff(t *testing.T) {
	t.Parallel()
	_, target, key := twoStudios(t)
	th := &throttler{}
	th.n.Store(3)
	client := &http.Client{Transport: th}

	var mu sync.Mutex
	var waits []time.Duration
	backoff := func(attempt int) time.Duration {
		d := time.Duration(1<<attempt) * time.Millisecond
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return d
	}
	tg := resource.Target{Name: "throttled", Endpoint: target.url, Region: "us-east-1", AccessKeyID: key.id}
	c, err := remote.Dial(context.Background(), tg, key.secret, remote.Options{Backoff: backoff, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.Deploy(context.Background(), remote.Deploy{Name: "throttled", Definition: []byte(apiPassDefinition), RoleARN: testRole})
	if err != nil || !done.Created {
		t.Fatalf("deploy through 3 throttled answers: %+v, %v", done, err)
	}
	mu.Lock()
	if len(waits) != 3 || !(waits[0] < waits[1] && waits[1] < waits[2]) {
		t.Fatalf("backoff waits %v, want three growing", waits)
	}
	mu.Unlock()

	// Throttled past its attempts: the error says so.
	th.seen.Store(0)
	th.n.Store(100)
	c, _ = remote.Dial(context.Background(), tg, key.secret, remote.Options{Backoff: backoff, MaxAttempts: 3, HTTPClient: client})
	_, err = c.FindMachine(context.Background(), "throttled")
	var re *remote.Error
	if !errors.As(err, &re) || re.Code != "ThrottlingException" || !strings.Contains(err.Error(), "throttling the calls, still after retrying with backoff") || th.seen.Load() != 3 {
		t.Fatalf("always throttled: %v after %d calls", err, th.seen.Load())
	}
}
