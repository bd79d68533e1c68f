package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

func TestDebugSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "debug.db")
	db := openAt(t, path)
	m := createMachine(t, db, "orders")
	other := createMachine(t, db, "refunds")

	got, err := db.FindDebugSettings(ctx, m.ID)
	if err != nil || got.Breakpoints == nil || len(got.Breakpoints) != 0 || got.BreakOnError {
		t.Fatalf("FindDebugSettings of a machine without any = %+v, %v; want empty settings", got, err)
	}

	want := resource.DebugSettings{BreakOnError: true, Breakpoints: []resource.Breakpoint{
		{State: "A", Enabled: true},
		{State: "B", Enabled: false, Condition: "$.amount > 100", HitCount: 3},
	}}
	if err := db.SaveDebugSettings(ctx, m.ID, want); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindDebugSettings(ctx, m.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("FindDebugSettings = %+v, %v; want %+v", got, err, want)
	}
	if got, _ := db.FindDebugSettings(ctx, other.ID); len(got.Breakpoints) != 0 {
		t.Fatalf("another machine's settings = %+v; want none", got)
	}

	// Saving again replaces, and the settings survive reopening the file.
	want = resource.DebugSettings{Breakpoints: []resource.Breakpoint{{State: "C", Enabled: true, Condition: "{% $states.input.ok %}"}}}
	if err := db.SaveDebugSettings(ctx, m.ID, want); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path)
	if got, err := db.FindDebugSettings(ctx, m.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("after reopening: %+v, %v; want %+v", got, err, want)
	}

	// Empty settings are stored as an empty list, not null.
	if err := db.SaveDebugSettings(ctx, m.ID, resource.DebugSettings{}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindDebugSettings(ctx, m.ID); err != nil || got.Breakpoints == nil || len(got.Breakpoints) != 0 {
		t.Fatalf("after clearing: %+v, %v", got, err)
	}
}
