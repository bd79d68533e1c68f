package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// waitingTask records the history of a .waitForTaskToken task up to its TaskSubmitted.
func waitingTask(t *testing.T, db *store.DB, name string) (resource.Execution, resource.CallbackTask) {
	t.Helper()
	ctx := context.Background()
	e := createExecution(t, db, createMachine(t, db, name), "run-"+name)
	for _, ev := range []runtime.Event{
		{ID: 1, Type: runtime.ExecutionStarted},
		{ID: 2, Type: runtime.TaskScheduled, State: "Approve", Details: runtime.EventDetails{
			Parameters: `{"token":"tok-` + name + `"}`, TimeoutInSeconds: 60, HeartbeatInSeconds: 10}},
		{ID: 3, Type: runtime.TaskSubmitted, State: "Approve", Details: runtime.EventDetails{TaskToken: "tok-" + name}},
	} {
		ev.Timestamp = time.Now()
		if err := db.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	tasks, err := db.FindCallbackTasks(ctx, resource.CallbackWaiting)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if task.ExecutionID == e.ID {
			return e, task
		}
	}
	t.Fatalf("no waiting task for %s", name)
	return e, resource.CallbackTask{}
}

func TestTaskKeepsItsTimeouts(t *testing.T) {
	t.Parallel()
	_, task := waitingTask(t, openDB(t), "Timeouts")
	if task.TimeoutSeconds != 60 || task.HeartbeatSeconds != 10 || task.ClaimedBy != "" {
		t.Fatalf("task %+v", task)
	}
}

func TestTwoClaimsAtOnceOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	_, task := waitingTask(t, db, "Race")
	users := []string{"ann", "ben", "cid", "dee", "eve", "fay", "gus", "hal"}
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.ClaimCallbackTask(ctx, task.ID, u, time.Now())
		}()
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil && winner == "":
			winner = users[i]
		case err == nil:
			t.Fatalf("both %s and %s claimed the task", winner, users[i])
		case !errors.Is(err, resource.ErrTaskChanged):
			t.Fatalf("claim by %s: %v, want ErrTaskChanged", users[i], err)
		}
	}
	got, err := db.FindCallbackTask(ctx, task.ID)
	if err != nil || winner == "" || got.ClaimedBy != winner || got.ClaimedAt.IsZero() {
		t.Fatalf("winner %q, task %+v, %v", winner, got, err)
	}
	audit, err := db.FindAuditEvents(ctx, resource.AuditFilter{TaskID: task.ID})
	if err != nil || len(audit) != 1 || audit[0].User != winner || audit[0].Action != resource.AuditClaimed {
		t.Fatalf("audit after the race: %+v %v", audit, err)
	}
}

func TestClaimReleaseHeartbeatDecisionAreAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	e, task := waitingTask(t, db, "Audited")
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"ann claims", func() error { return db.ClaimCallbackTask(ctx, task.ID, "ann", at) }, nil},
		{"ben cannot release ann's claim as if it were his", func() error { return db.ReleaseCallbackTask(ctx, task.ID, "ben", "ben", at) }, resource.ErrTaskChanged},
		{"an admin releases ann's claim", func() error { return db.ReleaseCallbackTask(ctx, task.ID, "ann", "root", at) }, nil},
		{"ben claims", func() error { return db.ClaimCallbackTask(ctx, task.ID, "ben", at) }, nil},
		{"ben sends a heartbeat", func() error { return db.RecordHeartbeat(ctx, task.ID, "ben", at.Add(time.Second)) }, nil},
		{"ben approves", func() error {
			return db.DecideCallbackTask(ctx, task.ID, resource.AuditEvent{User: "ben", Action: resource.AuditApproved, Output: []byte(`{"ok":true}`), At: at})
		}, nil},
		{"a second decision is not recorded", func() error {
			return db.DecideCallbackTask(ctx, task.ID, resource.AuditEvent{User: "ann", Action: resource.AuditRejected, At: at})
		}, resource.ErrTaskChanged},
		{"an unknown task is not found", func() error { return db.ClaimCallbackTask(ctx, 9999, "ann", at) }, store.ErrNotFound},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) {
			t.Fatalf("%s: %v, want %v", st.name, err, st.want)
		}
	}
	got, _ := db.FindCallbackTask(ctx, task.ID)
	if got.ClaimedBy != "ben" || got.DecidedBy != "ben" || got.Decision != resource.CallbackSucceeded ||
		string(got.Output) != `{"ok":true}` || !got.LastHeartbeatAt.Equal(at.Add(time.Second)) {
		t.Fatalf("task %+v", got)
	}
	audit, err := db.FindAuditEvents(ctx, resource.AuditFilter{ExecutionID: e.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.User+" "+string(a.Action))
	}
	want := []string{"ben approved", "ben heartbeat", "ben claimed", "root released", "ann claimed"}
	if len(actions) != len(want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit %v, want %v (newest first)", actions, want)
		}
	}
	if string(audit[0].Output) != `{"ok":true}` || audit[3].Cause != "held by ann" || audit[0].ExecutionName != e.Name {
		t.Fatalf("audit details %+v", audit)
	}
	byBen, _ := db.FindAuditEvents(ctx, resource.AuditFilter{User: "ben", Action: resource.AuditClaimed})
	if len(byBen) != 1 {
		t.Fatalf("filtered audit %+v", byBen)
	}
	page, _ := db.FindAuditEvents(ctx, resource.AuditFilter{Before: audit[1].ID, Limit: 2})
	if len(page) != 2 || page[0].ID != audit[2].ID {
		t.Fatalf("second page %+v", page)
	}
}

func TestTimeoutIsAuditedWithTheTimedOutEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	e, task := waitingTask(t, db, "Late")
	if err := db.Record(ctx, e.ARN, runtime.Event{ID: 4, Type: runtime.TaskTimedOut, State: "Approve", Timestamp: time.Now(),
		Details: runtime.EventDetails{Error: "States.Timeout", Cause: "too slow"}}); err != nil {
		t.Fatal(err)
	}
	audit, err := db.FindAuditEvents(ctx, resource.AuditFilter{TaskID: task.ID})
	if err != nil || len(audit) != 1 || audit[0].Action != resource.AuditTimedOut || audit[0].User != "" || audit[0].Error != "States.Timeout" {
		t.Fatalf("audit %+v %v", audit, err)
	}
	if err := db.ClaimCallbackTask(ctx, task.ID, "ann", time.Now()); !errors.Is(err, resource.ErrTaskChanged) {
		t.Fatalf("claiming a timed-out task: %v", err)
	}
}

func TestRefusedLoginsAreAuditedWithoutATask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	_, task := waitingTask(t, db, "Mixed")
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := db.ClaimCallbackTask(ctx, task.ID, "ann", at); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []resource.AuditEvent{
		{User: "ann", Action: resource.AuditLoginFailed, Address: "192.0.2.7", At: at.Add(time.Second)},
		{User: "nobody", Action: resource.AuditLoginFailed, Address: "2001:db8::1", At: at.Add(2 * time.Second)},
		{User: "ann", Action: resource.AuditLoginThrottled, Address: "192.0.2.7", Cause: "retry after 1 s", At: at.Add(3 * time.Second)},
	} {
		if err := db.RecordLoginRefused(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		filter resource.AuditFilter
		want   []string // user action address cause, newest first
	}{
		{"the log holds logins and task actions, newest first", resource.AuditFilter{}, []string{
			"ann login_throttled 192.0.2.7 retry after 1 s", "nobody login_failed 2001:db8::1 ", "ann login_failed 192.0.2.7 ", "ann claimed  "}},
		{"the user filter finds a name's refused logins", resource.AuditFilter{User: "ann"}, []string{
			"ann login_throttled 192.0.2.7 retry after 1 s", "ann login_failed 192.0.2.7 ", "ann claimed  "}},
		{"the action filter finds failed logins", resource.AuditFilter{Action: resource.AuditLoginFailed}, []string{
			"nobody login_failed 2001:db8::1 ", "ann login_failed 192.0.2.7 "}},
		{"a task's audit has no logins", resource.AuditFilter{TaskID: task.ID}, []string{"ann claimed  "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			events, err := db.FindAuditEvents(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range events {
				got = append(got, ev.User+" "+string(ev.Action)+" "+ev.Address+" "+ev.Cause)
				if ev.Action != resource.AuditClaimed && (ev.TaskID != 0 || ev.ExecutionID != 0 || !ev.At.After(at)) {
					t.Errorf("login row %+v", ev)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("audit (-want +got):\n%s", diff)
			}
		})
	}
}

func TestADecisionTheExecutionRefusesIsTakenBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	e, task := waitingTask(t, db, "Refused")
	ev := resource.AuditEvent{User: "ann", Action: resource.AuditRejected, Error: "No", Cause: "too late", At: time.Now()}
	if err := db.DecideCallbackTask(ctx, task.ID, ev); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountCallbackTasks(ctx, resource.CallbackWaiting); err != nil || n != 0 {
		t.Errorf("a decided task still counts as waiting in the inbox: %d %v", n, err)
	}
	if err := db.UndoDecision(ctx, task.ID, ev); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindCallbackTask(ctx, task.ID)
	if got.Decision != "" || got.DecidedBy != "" || got.Error != "" || got.Status != resource.CallbackWaiting {
		t.Errorf("after the undo: %+v", got)
	}
	if audit, err := db.FindAuditEvents(ctx, resource.AuditFilter{ExecutionID: e.ID}); err != nil || len(audit) != 0 {
		t.Errorf("audit after the undo: %+v %v", audit, err)
	}
	// Decided again, by someone else: it takes.
	if err := db.DecideCallbackTask(ctx, task.ID, resource.AuditEvent{User: "ben", Action: resource.AuditApproved, Output: []byte(`1`)}); err != nil {
		t.Fatal(err)
	}
}
