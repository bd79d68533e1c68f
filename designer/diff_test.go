package designer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

func TestDiffVersions(t *testing.T) {
	t.Parallel()
	from := `{"Comment":"v1","StartAt":"A","States":{"A":{"Type":"Pass","Next":"P"},"P":{"Type":"Parallel","Branches":[{"StartAt":"L","States":{"L":{"Type":"Pass","End":true}}}],"Next":"Gone"},"Gone":{"Type":"Succeed"}}}`
	// Reformatted, with A's Result changed, L changed inside P (P itself is not), Gone
	// removed and New added.
	to := `{
  "Comment": "v2",
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Result": 1, "Next": "P"},
    "P": {"Type": "Parallel", "Branches": [{"StartAt": "L", "States": {"L": {"Type": "Pass", "Result": 2, "End": true}}}], "Next": "New"},
    "New": {"Type": "Succeed"}
  }
}`
	d, err := designer.DiffVersions([]byte(from), []byte(to))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range d.States {
		got = append(got, s.Name+":"+s.Change)
	}
	want := []string{"A:changed", "P:changed", "L:changed", "New:added", "Gone:removed"}
	if !slices.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	if !slices.Equal(d.Machine, []string{"Comment"}) {
		t.Errorf("machine fields %v", d.Machine)
	}
	var minus, plus []string
	for _, h := range d.Hunks {
		for _, l := range h.Lines {
			switch l.Kind {
			case "-":
				minus = append(minus, strings.TrimSpace(l.Text))
			case "+":
				plus = append(plus, strings.TrimSpace(l.Text))
			}
		}
	}
	if !slices.Contains(minus, `"Comment": "v1",`) || !slices.Contains(plus, `"Comment": "v2",`) || !slices.Contains(plus, `"Result": 1,`) {
		t.Errorf("line diff -%v +%v", minus, plus)
	}
	if d.Change("Gone") != designer.StateRemoved || d.Change("A") != designer.StateChanged || d.Change("nope") != "" {
		t.Errorf("Change lookups wrong: %+v", d.States)
	}
}
