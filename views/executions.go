package views

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// ListStatuses are the statuses the executions lists filter by, in AWS's order, with the
// studio's PAUSED (a debug run paused now, RUNNING for AWS) after RUNNING.
var ListStatuses = []runtime.Status{runtime.StatusRunning, resource.StatusPaused, runtime.StatusSucceeded, runtime.StatusFailed,
	runtime.StatusTimedOut, runtime.StatusAborted}

// ExecutionListData is what an executions list page shows.
type ExecutionListData struct {
	// Machine names the state machine whose executions are listed; "" lists every machine's.
	Machine string
	// Status and Search are the filter as the user gave it.
	Status runtime.Status
	Search string
	// FirstPage says the page is the newest one, where live updates add new executions.
	FirstPage bool
	Page      resource.ExecutionPage
	// PageSize is how many rows a page holds, so live additions keep pages that long.
	PageSize int
}

// ExecutionListURL is the list of a machine's executions, or of all when machine is "".
func ExecutionListURL(machine string) string {
	if machine == "" {
		return "/executions"
	}
	return MachineURL(machine) + "/executions"
}

// CompareURL compares two executions side by side.
func CompareURL(a, b int64) string {
	return "/executions/compare?a=" + strconv.FormatInt(a, 10) + "&b=" + strconv.FormatInt(b, 10)
}

// pageURL is the list with the filter kept and the cursor given (key "before" or "after").
func (d ExecutionListData) pageURL(key string, id int64) string {
	q := d.filterQuery()
	q.Set(key, strconv.FormatInt(id, 10))
	return ExecutionListURL(d.Machine) + "?" + q.Encode()
}

func (d ExecutionListData) filterQuery() url.Values {
	q := url.Values{}
	if d.Status != "" {
		q.Set("status", string(d.Status))
	}
	if d.Search != "" {
		q.Set("q", d.Search)
	}
	return q
}

// newerURL and olderURL lead to the neighbouring pages.
func (d ExecutionListData) newerURL() string {
	if len(d.Page.Executions) == 0 {
		return ExecutionListURL(d.Machine) + "?" + d.filterQuery().Encode()
	}
	return d.pageURL("after", d.Page.Executions[0].ID)
}

func (d ExecutionListData) olderURL() string {
	return d.pageURL("before", d.Page.Executions[len(d.Page.Executions)-1].ID)
}

// socketPath is where the page listens for changes, with its filter.
func (d ExecutionListData) socketPath() string {
	q := d.filterQuery()
	if d.Machine != "" {
		q.Set("machine", d.Machine)
	}
	return "/executions/ws?" + q.Encode()
}

func (d ExecutionListData) filtered() bool { return d.Status != "" || d.Search != "" }

// countText says how many executions match, in words.
func (d ExecutionListData) countText() string {
	switch d.Page.Total {
	case 1:
		return "1 execution"
	default:
		return strconv.Itoa(d.Page.Total) + " executions"
	}
}

// StatusIcon is the sign that goes with a status word, so status never rests on colour alone.
func StatusIcon(s runtime.Status) string {
	switch s {
	case runtime.StatusRunning:
		return "◔"
	case runtime.StatusSucceeded:
		return "✓"
	case runtime.StatusFailed:
		return "✕"
	case runtime.StatusTimedOut:
		return "⏱"
	case runtime.StatusAborted:
		return "⊘"
	}
	return "•"
}

// Duration is how long an execution ran, rounded for reading; "" while it runs.
func Duration(e resource.Execution) string {
	if e.StoppedAt.IsZero() {
		return ""
	}
	d := e.StoppedAt.Sub(e.StartedAt)
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

func listTitle(machine string) string {
	if machine == "" {
		return "Executions"
	}
	return machine + " · executions"
}

// listNav highlights "Executions" in the navigation for the overall list only.
func listNav(machine string) string {
	if machine == "" {
		return "executions"
	}
	return "machines"
}

func boolText(b bool) string { return strconv.FormatBool(b) }

// typeHint says what a state machine's type means for its executions.
func typeHint(t string) string {
	if t == "EXPRESS" {
		return "Express: executions get express ARNs (arn:aws:states:…:express:…)"
	}
	return "Standard: executions get execution ARNs (arn:aws:states:…:execution:…)"
}
