package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// TestTargetPages adds targets through the form: the list shows the access key, never its
// secret; bad input comes back with the field's message and what was typed.
func TestTargetPages(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	form := url.Values{"name": {"qa"}, "endpoint": {target.url}, "region": {"us-east-1"}, "credentials": {"keys"},
		"access_key_id": {key.id}, "secret": {key.secret}, "role_arn": {testRole}}
	if resp, body := local.post(t, "/targets", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a target: %d\n%s", resp.StatusCode, body)
	}
	page := local.page(t, "/targets")
	if got := testIDText(t, page, "target-qa"); !strings.Contains(got, "access key "+key.id) || !strings.Contains(got, testRole) {
		t.Errorf("the list shows qa as %q", got)
	}
	if strings.Contains(page, key.secret) {
		t.Errorf("the targets page shows the secret")
	}
	if !strings.Contains(page, `data-testid="target-staging"`) {
		t.Errorf("the target added by the command line is not listed")
	}

	for _, c := range []struct {
		change      url.Values
		status      int
		field, want string
	}{
		{url.Values{"region": {"nowhere"}}, http.StatusBadRequest, "region", `region: &#34;nowhere&#34; is not a region`},
		{url.Values{"endpoint": {"ftp://h"}}, http.StatusBadRequest, "endpoint", "is not an http or https URL"},
		{url.Values{"role_arn": {"arn:aws:iam::1:user/x"}}, http.StatusBadRequest, "role", "is not an IAM role"},
		{url.Values{"secret": {""}}, http.StatusBadRequest, "credentials", "give the access key ID and its secret"},
		{url.Values{"name": {"staging"}}, http.StatusConflict, "name", "there is already a target &#34;staging&#34;"},
	} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("name", "other")
		for k, v := range c.change {
			bad[k] = v
		}
		resp, body := local.post(t, "/targets", bad)
		if resp.StatusCode != c.status || !strings.Contains(body, `data-testid="problem-`+c.field+`"`) || !strings.Contains(body, c.want) {
			t.Errorf("%v: %d, want %d with %s's %q\n%s", c.change, resp.StatusCode, c.status, c.field, c.want, testIDText(t, body, "problem-"+c.field))
		}
		if !strings.Contains(body, `value="`+bad.Get("name")+`"`) || strings.Contains(body, key.secret) {
			t.Errorf("%v: the form lost the name, or shows the secret", c.change)
		}
	}

	// Targets hold credentials: only an admin adds or removes them.
	addTestUser(t, target.db, "viewer", "viewer's password")
	viewer := target.as(t, "viewer", "viewer's password")
	if resp, body := viewer.post(t, "/targets", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a target added by a user who is not an admin: %d\n%s", resp.StatusCode, body)
	}
	if page := viewer.page(t, "/targets"); strings.Contains(page, `data-testid="target-form"`) || !strings.Contains(page, `data-testid="targets-admin-only"`) {
		t.Errorf("the targets page offers a user who is not an admin the form")
	}
	if resp, body := target.as(t, "deployer", "deployer's password").post(t, "/targets", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a target added by an admin: %d\n%s", resp.StatusCode, body)
	}

	if resp, body := local.post(t, "/targets/qa/remove", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", resp.StatusCode, body)
	}
	if page := local.page(t, "/targets"); strings.Contains(page, `data-testid="target-qa"`) {
		t.Errorf("qa is still listed after its removal")
	}
}

// TestDeployPages deploys from the machine's pages: the plan of a new machine, the deploy, the
// diff of a change, the record on the machine page and the home page's badge.
func TestDeployPages(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	ctx := context.Background()
	local.createMachine(t, "orders", deployV1)
	onTarget := newSFN(target, key.id, key.secret)

	if page := local.page(t, "/machines/orders"); !strings.Contains(page, `data-testid="deploy-to-staging"`) {
		t.Fatalf("the machine page offers no deploy to staging")
	}
	page := local.page(t, "/machines/orders/deploy?target=staging")
	if got := testIDText(t, page, "plan-summary"); got != "orders is new on staging (it will be created)." {
		t.Errorf("plan of a new machine: %q", got)
	}
	if !strings.Contains(page, `value="`+testRole+`"`) {
		t.Errorf("the role is not prefilled with the target's")
	}

	resp, body := local.post(t, "/machines/orders/deploy", url.Values{"target": {"staging"}, "alias": {"live"}, "role": {testRole}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deploy: %d\n%s", resp.StatusCode, body)
	}
	machinePage := local.page(t, resp.Header.Get("Location"))
	machineARN := "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
	if got := testIDText(t, machinePage, "notice"); got != "Deployed version 1 to staging: version "+machineARN+":1, alias "+machineARN+":live." {
		t.Errorf("notice %q", got)
	}
	got := must[*sfn.DescribeStateMachineOutput](t, "describe")(onTarget.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machineARN)}))
	if *got.Definition != deployV1 {
		t.Fatalf("the target holds %q", *got.Definition)
	}
	if got := testIDText(t, machinePage, "deployment-state"); got != "up to date" {
		t.Errorf("deployment after the deploy: %q", got)
	}
	if got := testIDText(t, local.page(t, "/"), "deployed-badge"); got != "deployed: staging ✓" {
		t.Errorf("home badge %q", got)
	}

	// A local change: the page says which version differs, the preview shows the diff.
	v2 := strings.Replace(deployV1, `"v1"`, `"v2"`, 1)
	if resp, body := local.post(t, "/machines/orders", url.Values{"definition": {v2}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	if got := testIDText(t, local.page(t, "/machines/orders"), "deployment-state"); got != "local version 2 differs" {
		t.Errorf("deployment after a change: %q", got)
	}
	if got := testIDText(t, local.page(t, "/"), "deployed-badge"); got != "staging: changed since" {
		t.Errorf("home badge after a change %q", got)
	}
	page = local.page(t, "/machines/orders/deploy?target=staging")
	for _, want := range []string{
		"Version 2 here differs from the definition on staging",
		`<g id="state-Done" data-diff="changed" class="node state`,
		`data-kind="+">+       &#34;Result&#34;: &#34;v2&#34;,`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview of a change lacks %s", want)
		}
	}
	if resp, body := local.post(t, "/machines/orders/deploy", url.Values{"target": {"staging"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second deploy: %d\n%s", resp.StatusCode, body)
	}
	if got := testIDText(t, local.page(t, "/machines/orders/deploy?target=staging"), "plan-summary"); !strings.HasPrefix(got, "staging's definition is the same as version 2 here") {
		t.Errorf("plan after the second deploy: %q", got)
	}

	// Refused: a new machine without a role; a missing target.
	form := url.Values{"name": {"roleless"}, "endpoint": {target.url}, "region": {"us-east-1"}, "credentials": {"keys"},
		"access_key_id": {key.id}, "secret": {key.secret}}
	if resp, body := local.post(t, "/targets", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a target without a role: %d\n%s", resp.StatusCode, body)
	}
	local.createMachine(t, "fresh", deployV1)
	resp, body = local.post(t, "/machines/fresh/deploy", url.Values{"target": {"roleless"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(testIDText(t, body, "deploy-problem"), "needs an execution role ARN") {
		t.Errorf("deploy without a role: %d %q", resp.StatusCode, testIDText(t, body, "deploy-problem"))
	}
	if resp, _ := local.get(t, "/machines/orders/deploy?target=prod"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing target: %d", resp.StatusCode)
	}
}

// TestPullPages lists the target's machines beside the local ones and pulls one.
func TestPullPages(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	onTarget := newSFN(target, key.id, key.secret)
	const there = "{\n  \"StartAt\": \"P\",\n  \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}\n}"
	createAPIMachine(t, onTarget, "billing", there, "")
	createAPIMachine(t, onTarget, "orders", deployV1, "")
	local.createMachine(t, "orders", strings.Replace(deployV1, `"v1"`, `"local"`, 1))

	page := local.page(t, "/targets/staging")
	if got := testIDText(t, page, "remote-billing"); !strings.Contains(got, "not here") {
		t.Errorf("billing: %q", got)
	}
	if got := testIDText(t, page, "remote-orders"); !strings.Contains(got, "version 1 differs") {
		t.Errorf("orders: %q", got)
	}

	resp, body := local.post(t, "/targets/staging/pull", url.Values{"name": {"billing"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pull: %d\n%s", resp.StatusCode, body)
	}
	if got := testIDText(t, local.page(t, resp.Header.Get("Location")), "notice"); got != "Pulled billing from staging as a new machine billing." {
		t.Errorf("notice %q", got)
	}
	if _, def := local.get(t, "/machines/billing/definition.asl.json"); def != there {
		t.Errorf("pulled %q", def)
	}
	resp, _ = local.post(t, "/targets/staging/pull", url.Values{"name": {"orders"}})
	if got := testIDText(t, local.page(t, resp.Header.Get("Location")), "notice"); got != "Pulled orders from staging as version 2." {
		t.Errorf("notice %q", got)
	}
	if got := testIDText(t, local.page(t, "/targets/staging"), "remote-orders"); !strings.Contains(got, "same as version 2") {
		t.Errorf("orders after the pull: %q", got)
	}
	resp, body = local.post(t, "/targets/staging/pull", url.Values{"name": {"nope"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(testIDText(t, body, "target-problem"), "&#34;nope&#34;: no such state machine on the target") {
		t.Errorf("pull of a missing machine: %d %q", resp.StatusCode, testIDText(t, body, "target-problem"))
	}
}

// TestTargetErrorPages: a target that cannot be reached, or refuses the credentials, is said
// on the page as a 502, never a 500.
func TestTargetErrorPages(t *testing.T) {
	t.Parallel()
	local, target, key := twoStudios(t)
	local.createMachine(t, "orders", deployV1)
	addTestTarget(t, local, "gone", "http://127.0.0.1:1", key)
	addTestTarget(t, local, "wrong-key", target.url, accessKey{id: key.id, secret: key.secret + "x"})

	for path, want := range map[string]string{
		"/targets/gone":                            "could not be reached",
		"/targets/wrong-key":                       "the target refused the credentials",
		"/machines/orders/deploy?target=gone":      "could not be reached",
		"/machines/orders/deploy?target=wrong-key": "the target refused the credentials",
	} {
		resp, body := local.get(t, path)
		problem := testIDText(t, body, "target-problem") + testIDText(t, body, "plan-problem")
		if resp.StatusCode != http.StatusBadGateway || !strings.Contains(problem, want) {
			t.Errorf("%s: %d %q, want 502 saying %q", path, resp.StatusCode, problem, want)
		}
	}
	resp, body := local.post(t, "/machines/orders/deploy", url.Values{"target": {"gone"}})
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "could not be reached") {
		t.Errorf("deploy to a closed port: %d", resp.StatusCode)
	}
	resp, body = local.post(t, "/targets/gone/pull", url.Values{"name": {"orders"}})
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(testIDText(t, body, "target-problem"), "could not be reached") {
		t.Errorf("pull from a closed port: %d", resp.StatusCode)
	}
}
