package views

import (
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

func TestParamSummaryListsLeavesInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"nested object keeps key order", `{"b": 1, "a": {"z": "x", "y": [true, null]}}`, "b: 1 · a.z: x · a.y[0]: true · a.y[1]: null"},
		{"empty containers", `{"items": [], "meta": {}}`, "items: [] · meta: {}"},
		{"a scalar", `"hello"`, "hello"},
		{"empty object", `{}`, "{}"},
		{"not JSON", `not {json`, "not {json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ParamSummary([]byte(tt.in), 160); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	long := ParamSummary([]byte(`{"text": "`+strings.Repeat("a", 300)+`", "more": 1}`), 50)
	if n := len([]rune(long)); n != 50 || !strings.HasSuffix(long, "…") {
		t.Errorf("a long summary is cut to 50 characters with an ellipsis: %q (%d)", long, n)
	}
}

func TestInboxRowMasksTheTokenAndFindsTheDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	token := "AAAAtokenZZZZ-0123456789abcdefghijklmnop"
	task := resource.CallbackTask{ID: 7, Token: token, CreatedAt: start, TimeoutSeconds: 600, HeartbeatSeconds: 120,
		LastHeartbeatAt: start.Add(9 * time.Minute), Parameters: []byte(`{"token": "` + token + `", "id": 1}`)}
	r := NewInboxRow(task, "bob")
	if strings.Contains(r.Summary+r.Parameters, token) {
		t.Errorf("the token is shown: %q / %q", r.Summary, r.Parameters)
	}
	if want := start.Add(10 * time.Minute); !r.Deadline.Equal(want) || r.DeadlineKind != "timeout" {
		t.Errorf("deadline %v (%s), want the timeout's %v", r.Deadline, r.DeadlineKind, want)
	}
	task.LastHeartbeatAt = start.Add(time.Minute)
	if d, kind := TaskDeadline(task); !d.Equal(start.Add(3*time.Minute)) || kind != "heartbeat" {
		t.Errorf("deadline %v (%s), want the heartbeat's 12:03", d, kind)
	}
	if d, _ := TaskDeadline(resource.CallbackTask{CreatedAt: start}); !d.IsZero() {
		t.Errorf("a task without timeouts has deadline %v", d)
	}
	if !r.CanDecide {
		t.Error("an unclaimed task cannot be decided from the list")
	}
	task.ClaimedBy = "alice"
	if NewInboxRow(task, "bob").CanDecide || !NewInboxRow(task, "alice").CanDecide {
		t.Error("only the holder decides a claimed task from the list")
	}
}
