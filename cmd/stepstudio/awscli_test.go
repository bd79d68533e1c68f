package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// awsCLI is Debian's AWS CLI (package awscli). The path is fixed because a machine may have
// other "aws" programs earlier on PATH (a pyenv shim of CLI v1, say), and this test is about
// the one CI installs.
const awsCLI = "/usr/bin/aws"

// awsCLIRunner runs the AWS CLI against a started studio.
type awsCLIRunner struct {
	endpoint string
	env      []string
}

func newAWSCLI(t *testing.T, s *studio) *awsCLIRunner {
	t.Helper()
	if _, err := os.Stat(awsCLI); err != nil {
		t.Fatalf("%s: %v: this test needs Debian's AWS CLI: apt-get install awscli (.ci/run installs it)", awsCLI, err)
	}
	// A clean environment: the CLI reads many AWS_* variables (profiles, CA bundles, retry
	// modes) and a developer's would change what is sent. No config or credentials file, so
	// only what is set here counts; a HOME of its own, so the CLI's caches stay in the test.
	//
	// AWS_DISABLE_HOST_PREFIX_INJECTION is not set: the botocore inside Debian's awscli 2.9.19
	// reads host-prefix injection only from a Config object, never from the environment
	// (--debug shows StartSyncExecution still going to http://sync-127.0.0.1:<port>/ with it
	// set), so it would do nothing here.
	return &awsCLIRunner{
		endpoint: s.url,
		env: []string{
			"PATH=/usr/bin:/bin",
			"HOME=" + t.TempDir(),
			"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
			"AWS_SECRET_ACCESS_KEY=x",
			"AWS_DEFAULT_REGION=us-east-1",
			"AWS_PAGER=",
			"AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			// The test looks at the studio's first answer, as the SDK tests do.
			"AWS_MAX_ATTEMPTS=1",
		},
	}
}

// run runs "aws stepfunctions <args>" and returns its stdout and stderr, and the error it
// exited with. The call is bounded by waitLimit: far more than a CLI start and one request
// take, so reaching it means the studio never answered.
func (c *awsCLIRunner) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	full := append([]string{"--endpoint-url", c.endpoint, "--output", "json", "stepfunctions"}, args...)
	cmd := exec.CommandContext(ctx, awsCLI, full...)
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("aws stepfunctions %s: no answer within %s\nstderr: %s", args[0], waitLimit, errOut.String())
	}
	return out.String(), errOut.String(), err
}

// call runs a command that must succeed and decodes its JSON output into v (nil: the
// command prints nothing, as for SendTaskSuccess's empty answer).
func (c *awsCLIRunner) call(t *testing.T, v any, args ...string) {
	t.Helper()
	stdout, stderr, err := c.run(t, args...)
	if err != nil {
		t.Fatalf("aws stepfunctions %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout, stderr)
	}
	if v == nil {
		if strings.TrimSpace(stdout) != "" {
			t.Fatalf("aws stepfunctions %s printed %s, want nothing", args[0], stdout)
		}
		return
	}
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		t.Fatalf("aws stepfunctions %s: output is not the JSON expected: %v\n%s", args[0], err, stdout)
	}
}

// smokeDefinition waits for a callback, then for an activity worker: both ways a task
// token reaches the outside and comes back through SendTaskSuccess.
const smokeDefinition = `{"StartAt":"Approve","States":{
"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
  "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"ResultPath":"$.approval","Next":"Work"},
"Work":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:smoke-work","ResultPath":"$.work","Next":"Done"},
"Done":{"Type":"Succeed"}}}`

// TestAWSCLISmoke runs a user's session with the AWS CLI against the studio: an activity
// and a machine created, an execution started, its callback token read from the history
// and answered, its activity task polled for and answered, the end described and listed,
// and one error. Two actions are left out: StartSyncExecution, because this CLI sends it
// to the host "sync-127.0.0.1", which does not resolve, and nothing in the environment
// turns that off (see newAWSCLI); TestState, because awscli 2.9.19 predates it and has no
// test-state command.
func TestAWSCLISmoke(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	cli := newAWSCLI(t, s)
	const (
		activityARN = "arn:aws:states:us-east-1:123456789012:activity:smoke-work"
		machineARN  = "arn:aws:states:us-east-1:123456789012:stateMachine:smoke"
		role        = "arn:aws:iam::123456789012:role/r"
	)

	// The activity first: creating the machine checks the ARNs its Tasks name.
	var activity struct{ ActivityArn string }
	cli.call(t, &activity, "create-activity", "--name", "smoke-work")
	if activity.ActivityArn != activityARN {
		t.Fatalf("create-activity: activityArn %q, want %q", activity.ActivityArn, activityARN)
	}

	var machine struct{ StateMachineArn string }
	cli.call(t, &machine, "create-state-machine", "--name", "smoke", "--role-arn", role, "--definition", smokeDefinition)
	if machine.StateMachineArn != machineARN {
		t.Fatalf("create-state-machine: stateMachineArn %q, want %q", machine.StateMachineArn, machineARN)
	}

	var started struct{ ExecutionArn string }
	cli.call(t, &started, "start-execution", "--state-machine-arn", machineARN, "--input", `{"order":1}`)
	if !strings.HasPrefix(started.ExecutionArn, "arn:aws:states:us-east-1:123456789012:execution:smoke:") {
		t.Fatalf("start-execution: executionArn %q", started.ExecutionArn)
	}
	execARN := started.ExecutionArn

	// The callback token is in the parameters the Task was scheduled with, as an SQS
	// consumer would find it in the message; once TaskSubmitted is recorded the execution
	// waits for it.
	type historyEvent struct {
		Type                      string
		TaskScheduledEventDetails *struct{ Resource, Parameters string }
	}
	var token string
	eventually(t, "a TaskSubmitted event in get-execution-history", func() bool {
		var history struct{ Events []historyEvent }
		cli.call(t, &history, "get-execution-history", "--execution-arn", execARN)
		submitted := false
		for _, ev := range history.Events {
			switch ev.Type {
			case "TaskScheduled":
				d := ev.TaskScheduledEventDetails
				if d == nil || d.Resource != "sendMessage.waitForTaskToken" {
					t.Fatalf("TaskScheduled event without the SQS resource: %+v", ev)
				}
				var params struct{ MessageBody struct{ Token string } }
				if err := json.Unmarshal([]byte(d.Parameters), &params); err != nil {
					t.Fatalf("TaskScheduled parameters %q: %v", d.Parameters, err)
				}
				token = params.MessageBody.Token
			case "TaskSubmitted":
				submitted = true
			}
		}
		return submitted
	})
	if token == "" {
		t.Fatal("TaskScheduled parameters carry no MessageBody.Token")
	}
	cli.call(t, nil, "send-task-success", "--task-token", token, "--task-output", `{"approved":true}`)

	// The poll may start before the engine has scheduled the activity's task: it long-polls
	// and answers once it is.
	var task struct{ TaskToken, Input string }
	cli.call(t, &task, "get-activity-task", "--activity-arn", activityARN, "--worker-name", "cli")
	if task.TaskToken == "" {
		t.Fatal("get-activity-task answered without a task")
	}
	if diff := jsonDiff(t, task.Input, `{"order":1,"approval":{"approved":true}}`); diff != "" {
		t.Fatalf("activity task input (-got +want):\n%s", diff)
	}
	cli.call(t, nil, "send-task-success", "--task-token", task.TaskToken, "--task-output", `{"shipped":true}`)

	var described struct{ Status, Output, StateMachineArn string }
	eventually(t, "describe-execution to say SUCCEEDED", func() bool {
		cli.call(t, &described, "describe-execution", "--execution-arn", execARN)
		if described.Status != "RUNNING" && described.Status != "SUCCEEDED" {
			t.Fatalf("describe-execution: status %s, want RUNNING then SUCCEEDED", described.Status)
		}
		return described.Status == "SUCCEEDED"
	})
	if diff := jsonDiff(t, described.Output, `{"order":1,"approval":{"approved":true},"work":{"shipped":true}}`); diff != "" {
		t.Fatalf("execution output (-got +want):\n%s", diff)
	}
	if described.StateMachineArn != machineARN {
		t.Fatalf("describe-execution: stateMachineArn %q", described.StateMachineArn)
	}

	var executions struct {
		Executions []struct{ ExecutionArn, Status string }
	}
	cli.call(t, &executions, "list-executions", "--state-machine-arn", machineARN)
	if len(executions.Executions) != 1 || executions.Executions[0].ExecutionArn != execARN || executions.Executions[0].Status != "SUCCEEDED" {
		t.Fatalf("list-executions: %+v, want the one execution %s, SUCCEEDED", executions.Executions, execARN)
	}

	var sm struct{ Name, Status, Type, RoleArn, Definition string }
	cli.call(t, &sm, "describe-state-machine", "--state-machine-arn", machineARN)
	if sm.Name != "smoke" || sm.Status != "ACTIVE" || sm.Type != "STANDARD" || sm.RoleArn != role || sm.Definition != smokeDefinition {
		t.Fatalf("describe-state-machine: %+v", sm)
	}

	var activities struct {
		Activities []struct{ ActivityArn, Name string }
	}
	cli.call(t, &activities, "list-activities")
	if len(activities.Activities) != 1 || activities.Activities[0].ActivityArn != activityARN || activities.Activities[0].Name != "smoke-work" {
		t.Fatalf("list-activities: %+v", activities.Activities)
	}

	// The CLI exits 254 when the service answered with an error (255 is for everything
	// else, a refused connection among them), and prints the error code on stderr.
	stdout, stderr, err := cli.run(t, "describe-execution", "--execution-arn", "arn:aws:states:us-east-1:123456789012:execution:smoke:missing")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 254 || !strings.Contains(stderr, "ExecutionDoesNotExist") {
		t.Fatalf("describe-execution of a missing execution: %v, want exit 254 with ExecutionDoesNotExist\nstdout: %s\nstderr: %s", err, stdout, stderr)
	}
}

// jsonDiff compares two JSON texts by value, so the order of keys does not matter.
func jsonDiff(t *testing.T, got, want string) string {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%q is not JSON: %v", want, err)
	}
	return cmp.Diff(g, w)
}
