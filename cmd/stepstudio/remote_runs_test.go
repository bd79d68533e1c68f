package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

var lastEventPattern = regexp.MustCompile(`data-last-event="(\d+)"`)

// TestRemoteRunFollowedLive: an execution started on the target from the studio's page is
// shown on the studio's execution page and followed live while it waits for a callback that
// is approved on the target itself, to its end.
func TestRemoteRunFollowedLive(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	ctx := context.Background()
	onTarget := newSFN(target, key.id, key.secret)
	createAPIMachine(t, onTarget, "every", everyEventKind, "")

	res, body := local.get(t, "/targets/staging/machines/every/runs")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "None yet.") {
		t.Fatalf("the target's runs: %d\n%s", res.StatusCode, body)
	}
	res, body = local.post(t, "/targets/staging/machines/every/runs", url.Values{"input": {`{"items": [1, 2`}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "remote-start-problem") {
		t.Fatalf("a broken input: %d\n%s", res.StatusCode, body)
	}
	res, _ = local.post(t, "/targets/staging/machines/every/runs", url.Values{"input": {`{"items": [1, 2, 3]}`}})
	page := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(page, "/targets/staging/runs/arn") {
		t.Fatalf("start there: %d to %q", res.StatusCode, page)
	}
	arn, _ := url.PathUnescape(strings.TrimPrefix(page, "/targets/staging/runs/"))

	// The page is drawn from the target's history; the socket follows it from there.
	token := historyToken(t, onTarget, arn)
	res, body = local.get(t, page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "on target staging") || !strings.Contains(body, ">RUNNING<") {
		t.Fatalf("the run's page: %d\n%s", res.StatusCode, body)
	}
	m := lastEventPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no last event on the page:\n%s", body)
	}
	conn := local.watch(t, page, atoi(t, m[1]))
	must[*sfn.SendTaskSuccessOutput](t, "approve on the target")(onTarget.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"yes"`)}))
	msgs := readUntil(t, conn, "ExecutionSucceeded")
	if msgs[0].Type != "TaskSucceeded" {
		t.Fatalf("the socket's first news is %s, want the approval's TaskSucceeded: %+v", msgs[0].Type, msgs)
	}

	// The table, the events and a visit's data come from the same history.
	res, body = local.get(t, page+"/visits")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Double") || !strings.Contains(body, "Ask") {
		t.Fatalf("visits: %d\n%s", res.StatusCode, body)
	}
	res, body = local.get(t, page+"/events?q=MapIteration")
	if res.StatusCode != http.StatusOK || strings.Count(body, "<td>MapIterationSucceeded</td>") != 3 {
		t.Fatalf("events: %d\n%s", res.StatusCode, body)
	}
	res, body = local.get(t, page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, ">SUCCEEDED<") || strings.Contains(body, "run-from") {
		t.Fatalf("the ended run's page: %d\n%s", res.StatusCode, body)
	}
	visit := regexp.MustCompile(`data-visit="(\d+)" data-node="state-Ask"`).FindStringSubmatch(body)
	if visit == nil {
		t.Fatalf("no visit of Ask on the page")
	}
	res, body = local.get(t, page+"/visits/"+visit[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `&#34;answer&#34;: &#34;yes&#34;`) {
		t.Fatalf("Ask's visit: %d\n%s", res.StatusCode, body)
	}

	// Listed, then errors from the target said as such.
	if _, body := local.get(t, "/targets/staging/machines/every/runs"); !strings.Contains(body, "SUCCEEDED") {
		t.Fatalf("the list does not show the run:\n%s", body)
	}
	if res, body := local.get(t, "/targets/staging/machines/nope/runs"); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "nope") {
		t.Fatalf("a machine the target lacks: %d\n%s", res.StatusCode, body)
	}
	addTestTarget(t, local, "wrong-key", target.url, accessKey{id: key.id, secret: key.secret + "x"})
	if res, body := local.get(t, "/targets/wrong-key/machines/every/runs"); res.StatusCode != http.StatusBadGateway || !strings.Contains(body, "refused the credentials") {
		t.Fatalf("bad credentials: %d\n%s", res.StatusCode, body)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRemoteRunStopAndRedrive: Stop and Redrive on a target's execution page act on the target.
func TestRemoteRunStopAndRedrive(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	ctx := context.Background()
	onTarget := newSFN(target, key.id, key.secret)
	arn := createAPIMachine(t, onTarget, "ask", apiCallbackDefinition, "")
	run := must[*sfn.StartExecutionOutput](t, "start")(onTarget.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}))
	historyToken(t, onTarget, *run.ExecutionArn)
	page := "/targets/staging/runs/" + url.PathEscape(*run.ExecutionArn)
	if res, _ := local.get(t, page); res.StatusCode != http.StatusOK {
		t.Fatalf("the page: %d", res.StatusCode)
	}
	res, _ := local.post(t, page+"/stop", url.Values{"error": {"Cancelled"}, "cause": {"stopped from the studio"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop: %d", res.StatusCode)
	}
	stopped := awaitStatus(t, onTarget, *run.ExecutionArn, types.ExecutionStatusAborted)
	if aws.ToString(stopped.Error) != "Cancelled" || aws.ToString(stopped.Cause) != "stopped from the studio" {
		t.Fatalf("stopped with %q / %q", aws.ToString(stopped.Error), aws.ToString(stopped.Cause))
	}
	if _, body := local.get(t, page); !strings.Contains(body, ">ABORTED<") {
		t.Fatalf("the page after the stop:\n%s", body)
	}

	res, _ = local.post(t, page+"/redrive", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redrive: %d", res.StatusCode)
	}
	eventually(t, "the target to count the redrive", func() bool {
		d := must[*sfn.DescribeExecutionOutput](t, "describe")(onTarget.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn}))
		return aws.ToInt32(d.RedriveCount) == 1 && d.Status == types.ExecutionStatusRunning
	})
	if _, body := local.get(t, page); !strings.Contains(body, ">RUNNING<") {
		t.Fatalf("the page after the redrive:\n%s", body)
	}
}
