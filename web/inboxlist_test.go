package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

func queryOf(t *testing.T, rawQuery string) (inboxQuery, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/inbox?"+rawQuery, nil)
	return parseInboxQuery(echo.New().NewContext(req, httptest.NewRecorder()))
}

// inboxFixture is four waiting tasks at now: two of Orders (one with a 10-minute timeout,
// one with a 1-hour heartbeat), one of Payroll with no deadline, one of Orders waiting an hour.
func inboxFixture(now time.Time) []views.InboxRow {
	tasks := []resource.CallbackTask{
		{ID: 1, StateMachineName: "Orders", State: "Approve", ExecutionName: "order-1", CreatedAt: now.Add(-2 * time.Minute),
			TimeoutSeconds: 600, Parameters: []byte(`{"orderId": "o-1", "amount": 250}`)},
		{ID: 2, StateMachineName: "Orders", State: "Review", ExecutionName: "order-2", CreatedAt: now.Add(-5 * time.Minute),
			HeartbeatSeconds: 3600, Parameters: []byte(`{"orderId": "o-2"}`)},
		{ID: 3, StateMachineName: "Payroll", State: "Approve", ExecutionName: "march", CreatedAt: now.Add(-30 * time.Second),
			Parameters: []byte(`{"month": "March", "token": "TOKEN-abcdefghijklmnopqrstuvwxyz"}`), Token: "TOKEN-abcdefghijklmnopqrstuvwxyz"},
		{ID: 4, StateMachineName: "Orders", State: "Approve", ExecutionName: "order-0", CreatedAt: now.Add(-time.Hour),
			TimeoutSeconds: 7200, Parameters: []byte(`{"orderId": "o-0"}`)},
	}
	var rows []views.InboxRow
	for _, t := range tasks {
		rows = append(rows, views.NewInboxRow(t, "alice"))
	}
	return rows
}

func TestInboxFilterSortAndSearch(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, query string
		want        []int64
	}{
		{"everything, longest waiting first", "", []int64{4, 2, 1, 3}},
		{"one machine", "machine=Orders", []int64{4, 2, 1}},
		{"one state", "state=Approve", []int64{4, 1, 3}},
		{"machine and state", "machine=Orders&state=Approve", []int64{4, 1}},
		{"waiting longer than 3 minutes", "older=3", []int64{4, 2}},
		{"with a deadline", "deadline=set", []int64{4, 2, 1}},
		{"without a deadline", "deadline=none", []int64{3}},
		{"due within 15 minutes", "due=15", []int64{1}},
		{"due within 90 minutes (heartbeat counts)", "due=90", []int64{4, 2, 1}},
		{"nearest deadline first, none last", "sort=deadline", []int64{1, 2, 4, 3}},
		{"search the execution name", "q=ORDER-2", []int64{2}},
		{"search the parameters", "q=march", []int64{3}},
		{"search the machine", "q=payroll", []int64{3}},
		{"search never finds a masked token", "q=TOKEN-abcdefghij", nil},
		{"search the state with sort", "q=approve&sort=deadline", []int64{1, 4, 3}},
		{"nothing matches", "machine=Nope", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := queryOf(t, tt.query)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			rows := inboxFixture(now)
			f.sort(rows)
			for _, r := range rows {
				if f.keep(r, now) {
					got = append(got, r.Task.ID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got tasks %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInboxFilterRefusesBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, query, says string }{
		{"older not a number", "older=ten", `Waiting over (older="ten") must be a whole number of minutes`},
		{"older negative", "older=-1", "from 0 to 525600"},
		{"due too large", "due=9999999", `Due within (due="9999999")`},
		{"unknown deadline", "deadline=soon", `There is no deadline filter "soon"`},
		{"due without a deadline", "deadline=none&due=5", "never due"},
		{"unknown sort", "sort=name", `There is no sort order "name"`},
		{"search too long", "q=" + strings.Repeat("x", 201), "The filter q is 201 characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := queryOf(t, tt.query)
			ue, ok := err.(*userError)
			if !ok || ue.status != http.StatusBadRequest || !strings.Contains(ue.message, tt.says) {
				t.Fatalf("got %v, want a 400 that says %q", err, tt.says)
			}
		})
	}
}
