package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// seedList makes 30 executions of "Orders" (every third one failed, the rest succeeded but
// the last, still running) and 5 of "Refunds", and returns their names by machine.
func seedList(t *testing.T, db *store.DB) (orders, refunds resource.StateMachine) {
	t.Helper()
	ctx := context.Background()
	orders, refunds = createMachine(t, db, "Orders"), createMachine(t, db, "Refunds")
	for i := 1; i <= 30; i++ {
		e := createExecution(t, db, orders, fmt.Sprintf("order-%02d", i))
		end := runtime.Event{ID: 1, Type: runtime.ExecutionSucceeded, Timestamp: time.Now()}
		if i%3 == 0 {
			end.Type = runtime.ExecutionFailed
		}
		if i == 30 {
			continue
		}
		if err := db.Record(ctx, e.ARN, end); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 5; i++ {
		createExecution(t, db, refunds, fmt.Sprintf("refund_%d%%", i))
	}
	return orders, refunds
}

func names(page resource.ExecutionPage) []string {
	out := []string{}
	for _, e := range page.Executions {
		out = append(out, e.Name)
	}
	return out
}

func TestFindExecutionPageFilters(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	orders, refunds := seedList(t, db)
	tests := []struct {
		name   string
		filter resource.ExecutionFilter
		want   []string
		total  int
		older  bool
	}{
		{"all machines, newest first, 25 a page", resource.ExecutionFilter{Limit: 3},
			[]string{"refund_5%", "refund_4%", "refund_3%"}, 35, true},
		{"one machine", resource.ExecutionFilter{MachineID: refunds.ID, Limit: 2},
			[]string{"refund_5%", "refund_4%"}, 5, true},
		{"status within a machine", resource.ExecutionFilter{MachineID: orders.ID, Status: runtime.StatusFailed, Limit: 3},
			[]string{"order-27", "order-24", "order-21"}, 9, true},
		{"running anywhere", resource.ExecutionFilter{Status: runtime.StatusRunning},
			[]string{"refund_5%", "refund_4%", "refund_3%", "refund_2%", "refund_1%", "order-30"}, 6, false},
		{"name substring, case ignored", resource.ExecutionFilter{NameContains: "ORDER-1"},
			[]string{"order-19", "order-18", "order-17", "order-16", "order-15", "order-14", "order-13", "order-12", "order-11", "order-10"}, 10, false},
		{"LIKE wildcards match themselves", resource.ExecutionFilter{NameContains: "_3%"},
			[]string{"refund_3%"}, 1, false},
		{"no match", resource.ExecutionFilter{NameContains: "nothing"}, []string{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := db.FindExecutionPage(context.Background(), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(page)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if page.Total != tt.total || page.HasNewer || page.HasOlder != tt.older {
				t.Errorf("total %d newer %v older %v, want %d false %v", page.Total, page.HasNewer, page.HasOlder, tt.total, tt.older)
			}
		})
	}
}

func TestFindExecutionPageWalksBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	orders, _ := seedList(t, db)
	f := resource.ExecutionFilter{MachineID: orders.ID, Limit: 12}
	var pages [][]string
	for {
		page, err := db.FindExecutionPage(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, names(page))
		if page.HasNewer != (len(pages) > 1) {
			t.Errorf("page %d: HasNewer %v", len(pages), page.HasNewer)
		}
		if !page.HasOlder {
			break
		}
		f.Before = page.Executions[len(page.Executions)-1].ID
	}
	if len(pages) != 3 || pages[0][0] != "order-30" || pages[1][0] != "order-18" || len(pages[2]) != 6 || pages[2][5] != "order-01" {
		t.Fatalf("pages: %v", pages)
	}
	// Back from the last page: the previous page is the second one again, not the newest 12.
	last, err := db.FindExecutionPage(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := db.FindExecutionPage(ctx, resource.ExecutionFilter{MachineID: orders.ID, Limit: 12, After: last.Executions[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pages[1], names(back)); diff != "" || !back.HasNewer || !back.HasOlder {
		t.Errorf("previous page (-want +got):\n%s newer %v older %v", diff, back.HasNewer, back.HasOlder)
	}
	// A cursor past the end gives an empty page that still leads back.
	empty, err := db.FindExecutionPage(ctx, resource.ExecutionFilter{MachineID: orders.ID, Before: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.Executions) != 0 || !empty.HasNewer || empty.HasOlder {
		t.Errorf("past the end: %+v", empty)
	}
}

func TestFindExecutionByARN(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "ByARN")
	e := createExecution(t, db, m, "one")
	got, err := db.FindExecutionByARN(ctx, e.ARN)
	if err != nil || got.ID != e.ID || got.StateMachineName != "ByARN" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := db.FindExecutionByARN(ctx, e.ARN+"x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown ARN: %v", err)
	}
}

func TestSavedInputs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	a, b := createMachine(t, db, "A"), createMachine(t, db, "B")
	for _, in := range []struct {
		machine     int64
		name, input string
	}{{a.ID, "small", `{"n":1}`}, {a.ID, "big", `{"n":1000}`}, {a.ID, "small", `{"n":2}`}, {b.ID, "small", `{}`}} {
		if err := db.UpsertSavedInput(ctx, in.machine, in.name, in.input); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindSavedInputs(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []resource.SavedInput{{Name: "big", Input: `{"n":1000}`}, {Name: "small", Input: `{"n":2}`}}
	if diff := cmp.Diff(want, got, cmpIgnoreTime); diff != "" {
		t.Errorf("saved inputs of A (-want +got):\n%s", diff)
	}
	if err := db.DeleteSavedInput(ctx, a.ID, "small"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSavedInput(ctx, a.ID, "small"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v, want not found", err)
	}
	if got, _ := db.FindSavedInputs(ctx, b.ID); len(got) != 1 {
		t.Errorf("B's inputs changed with A's: %+v", got)
	}
}

var cmpIgnoreTime = cmp.Comparer(func(x, y time.Time) bool { return true })
