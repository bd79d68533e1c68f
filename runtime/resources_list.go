package runtime

import "time"

// ExecutionFilter chooses the executions of one page of a list, newest first.
type ExecutionFilter struct {
	// MachineID keeps the executions of one state machine; 0 keeps all.
	MachineID int64
	// Status keeps the executions with this status; "" keeps all.
	Status Status
	// NameContains keeps the executions whose name contains it (ASCII case ignored).
	NameContains string
	// Before and After are keyset cursors (execution ids): Before asks for the page of older
	// executions, After for the page of newer ones. With neither, the newest page. Keyset
	// rather than offset paging, so executions that start meanwhile do not shift the pages.
	Before, After int64
	// Limit is the page size; 0 means 25.
	Limit int
}

// ExecutionPage is one page of a list of executions, newest first.
type ExecutionPage struct {
	Executions []ExecutionInfo
	// HasNewer and HasOlder say whether executions matching the filter come before or after
	// this page.
	HasNewer, HasOlder bool
	// Total counts the executions matching the filter on every page.
	Total int
}

// SavedInput is an execution input the user saved under a name for one state machine.
type SavedInput struct {
	Name      string
	Input     string
	UpdatedAt time.Time
}
