package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

func TestPublishedVersionsAndAliases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "pub")
	v1, err := db.PublishMachineVersion(ctx, m.ID, 0, "first")
	if err != nil || v1.Published != 1 || v1.Description != "first" {
		t.Fatalf("publish: %v %+v", err, v1)
	}
	again, err := db.PublishMachineVersion(ctx, m.ID, 0, "again")
	if err != nil || again.Published != 1 {
		t.Fatalf("publishing a published revision again gave %+v %v", again, err)
	}
	m.Definition = []byte(`{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}`)
	v2, err := db.SaveMachineRevision(ctx, m, true)
	if err != nil || v2.Published != 2 || v2.Version != 2 {
		t.Fatalf("save and publish: %v %+v", err, v2)
	}
	if got, err := db.FindPublishedVersion(ctx, m.ID, 1); err != nil || string(got.Definition) != definition {
		t.Fatalf("version 1 changed: %v %s", err, got.Definition)
	}
	a, err := db.CreateAlias(ctx, resource.Alias{MachineID: m.ID, Name: "live", Routing: []resource.Route{{Version: 1, Weight: 90}, {Version: 2, Weight: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAlias(ctx, resource.Alias{MachineID: m.ID, Name: "live", Routing: a.Routing}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("a second alias of the name: %v", err)
	}
	if _, err := db.CreateAlias(ctx, resource.Alias{MachineID: m.ID, Name: "ghost", Routing: []resource.Route{{Version: 7, Weight: 100}}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an alias to an unpublished version: %v", err)
	}
	if err := db.DeletePublishedVersion(ctx, m.ID, 2); !errors.Is(err, store.ErrVersionInUse) {
		t.Fatalf("delete a routed version: %v", err)
	}
	a.Routing = []resource.Route{{Version: 1, Weight: 100}}
	if _, err := db.UpdateAlias(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePublishedVersion(ctx, m.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindPublishedVersion(ctx, m.ID, 2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a deleted version is found: %v", err)
	}
	if v3, err := db.PublishMachineVersion(ctx, m.ID, 0, ""); err != nil || v3.Published != 3 {
		t.Fatalf("a version number is not given twice: %+v %v", v3, err)
	}
}

// TestDeleteMachineFreesNoID: a deleted machine's rows stay (renamed, hidden), so no id of
// its versions or executions is handed to a new row, whose caches keyed by id would mix up.
func TestDeleteMachineFreesNoID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "gone")
	e := createExecution(t, db, m, "only")
	if deleted, err := db.DeleteMachine(ctx, m.ID); err != nil || deleted {
		t.Fatalf("delete with a running execution: %v %v", deleted, err)
	}
	if err := db.Record(ctx, e.ARN, runtime.Event{ID: 1, Type: runtime.ExecutionSucceeded, Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.DeleteFinishedMachines(ctx); err != nil || n != 1 {
		t.Fatalf("finish deletions: %d %v", n, err)
	}
	if _, err := db.FindMachine(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a deleted machine is found: %v", err)
	}
	again := createMachine(t, db, "gone")
	e2 := createExecution(t, db, again, "only")
	if again.ID == m.ID || again.VersionID == m.VersionID || e2.ID == e.ID {
		t.Fatalf("ids handed out again: machine %d/%d version %d/%d execution %d/%d", m.ID, again.ID, m.VersionID, again.VersionID, e.ID, e2.ID)
	}
	page, err := db.FindExecutionPage(ctx, resource.ExecutionFilter{})
	if err != nil || page.Total != 1 || page.Executions[0].ID != e2.ID {
		t.Fatalf("the deleted machine's execution is listed: %+v %v", page, err)
	}
}

// TestActivityTaskGoesToOneWorker: many pollers at once, each task taken once.
func TestActivityTaskGoesToOneWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	const activity = "arn:aws:states:us-east-1:123456789012:activity:work"
	const tasks = 20
	m := createMachine(t, db, "act")
	for i := range tasks {
		e := createExecution(t, db, m, fmt.Sprint("run-", i))
		for _, ev := range []runtime.Event{
			{ID: 1, Type: runtime.ExecutionStarted},
			{ID: 2, Type: runtime.ActivityScheduled, State: "Work", Details: runtime.EventDetails{
				Resource: activity, Input: fmt.Sprintf(`{"n":%d}`, i), TaskToken: fmt.Sprint("tok-", i)}},
		} {
			ev.Timestamp = time.Now()
			if err := db.Record(ctx, e.ARN, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	var mu sync.Mutex
	taken := map[string]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			worker := fmt.Sprint("w", w)
			for {
				task, err := db.TakeActivityTask(ctx, activity, worker, time.Now())
				if errors.Is(err, store.ErrNotFound) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if other, ok := taken[task.Token]; ok {
					t.Errorf("%s taken by %s and %s", task.Token, other, worker)
				}
				taken[task.Token] = worker
				mu.Unlock()
				if task.Worker != worker || task.StartedAt.IsZero() || string(task.Parameters) == "" {
					t.Errorf("taken task %+v", task)
				}
			}
		})
	}
	wg.Wait()
	if len(taken) != tasks {
		t.Fatalf("%d of %d tasks taken", len(taken), tasks)
	}
	if waiting, started, err := db.CountActivityTasks(ctx, activity); err != nil || waiting != 0 || started != tasks {
		t.Fatalf("counts %d waiting %d taken: %v", waiting, started, err)
	}
}

func TestTagsAndActivities(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	const arn = "arn:aws:states:us-east-1:123456789012:activity:a"
	a, err := db.CreateActivity(ctx, resource.Activity{Name: "a", ARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := db.CreateActivity(ctx, resource.Activity{Name: "a", ARN: arn}); err != nil || b.ID != a.ID {
		t.Fatalf("create again: %+v %v", b, err)
	}
	if err := db.TagResource(ctx, arn, []resource.Tag{{Key: "k", Value: "1"}, {Key: "j", Value: "2"}}, 2); err != nil {
		t.Fatal(err)
	}
	if err := db.TagResource(ctx, arn, []resource.Tag{{Key: "k", Value: "3"}}, 2); err != nil {
		t.Fatalf("replacing a value is no new tag: %v", err)
	}
	if err := db.TagResource(ctx, arn, []resource.Tag{{Key: "x", Value: "3"}}, 2); !errors.Is(err, store.ErrTooManyTags) {
		t.Fatalf("a third tag: %v", err)
	}
	tags, err := db.FindTags(ctx, arn)
	if err != nil || fmt.Sprint(tags) != "[{j 2} {k 3}]" {
		t.Fatalf("tags %v %v", tags, err)
	}
	if err := db.DeleteActivity(ctx, arn); err != nil {
		t.Fatal(err)
	}
	if tags, _ := db.FindTags(ctx, arn); len(tags) != 0 {
		t.Fatalf("tags outlive their activity: %v", tags)
	}
	if err := db.DeleteActivity(ctx, arn); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}
