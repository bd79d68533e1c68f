package designer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// AddState adds a new state off the main flow, as the inspector's "New state…" entry of a
// transition's menu does: State is its name and Definition its JSON object, as for InsertState;
// it joins the scope of the state Beside (the top level, a branch or an item processor), right
// after it in States, and ends there (End: true, or nothing for a Succeed or Fail). With Link,
// that transition of Beside (["Next"], ["Default"], ["Choices", 1, "Next"] or ["Catch", 0,
// "Next"]) then leads to it, in the same edit, as SetField sets it; without Link nothing leads
// to it yet (a warning, until something does). A Link of ["Catch", N, "Next"] with N the number
// of Beside's catchers adds a catcher of States.ALL leading to it: how "Add catcher" makes its
// target when the scope has no other state. Its JSON form is {"state": "Failed 2",
// "definition": {"Type": "Fail"}, "beside": "Fetch", "link": ["Catch", 0, "Next"]}.
//
// A Choice cannot be added this way: it must lead somewhere, so it is dropped on an arrow.
type AddState struct {
	State      string          `json:"state"`
	Definition json.RawMessage `json:"definition"`
	Beside     string          `json:"beside"`
	Link       Path            `json:"link,omitempty"`
}

func (AddState) opName() string { return "AddState" }

// Apply adds the state, then links it.
func (op AddState) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.Beside)
	if err != nil {
		return nil, err
	}
	if op.Link != nil && !isLink(op.Link) {
		return nil, a.failf(strings.TrimPrefix(op.Link.Pointer(), "/"),
			`a new state is linked from a transition: ["Next"], ["Default"], ["Choices", N, "Next"] or ["Catch", N, "Next"]`)
	}
	if typ := typeOf(a.current(x)); op.Link != nil && (op.Link[0] == "Default" || op.Link[0] == "Choices") && typ != "Choice" {
		return nil, a.failf(strings.TrimPrefix(op.Link.Pointer(), "/"), "a %s state has no %s; only a Choice state has", orUnknownType(typ), op.Link[0])
	}
	if typ := typeOf(a.current(x)); op.Link != nil && op.Link[0] == "Catch" && typ != "Task" && typ != "Parallel" && typ != "Map" {
		return nil, a.failf("Catch", "a %s state has no Catch; only Task, Parallel and Map states catch errors", orUnknownType(typ))
	}
	def, err := a.newState(op.State, op.Definition)
	if err != nil {
		return nil, err
	}
	if typeOf(def) == "Choice" {
		return nil, a.failf("Type", "a new Choice must lead somewhere, so it cannot be added off the flow: drop it on an arrow of the graph instead")
	}
	if err := a.connect(def, ""); err != nil {
		return nil, a.wrap(err)
	}
	if err := a.insertState(x.scope, x.name, op.State, def); err != nil {
		return nil, a.fail("", err)
	}
	added, err := a.document()
	if err != nil || op.Link == nil {
		return added, err
	}
	link := SetField{State: op.Beside, Field: op.Link, Value: []byte(quote(op.State))}
	if n := newCatcher(a.current(x), op.Link); n >= 0 {
		catcher := `{"ErrorEquals": ["States.ALL"], "Next": ` + quote(op.State) + `}`
		link.Field, link.Value = Path{"Catch", n}, []byte(catcher)
		if n == 0 {
			link.Field, link.Value = Path{"Catch"}, []byte("["+catcher+"]")
		}
	}
	linked, err := link.Apply(added)
	var opErr *OpError
	if errors.As(err, &opErr) {
		// Said as this op's refusal: the document is left as it was.
		e := *opErr
		e.Op = op.opName()
		return nil, &e
	}
	if err != nil {
		return nil, fmt.Errorf("designer: AddState: %w", err)
	}
	return linked, nil
}

// newCatcher is N when link is ["Catch", N, "Next"] and the state has N catchers (none: no
// Catch field), so the link is a new catcher; else -1.
func newCatcher(st *node, link Path) int {
	if len(link) != 3 || link[0] != "Catch" {
		return -1
	}
	n := 0
	if catchers := st.get("Catch"); catchers != nil {
		if catchers.kind != kindArray {
			return -1
		}
		n = len(catchers.members)
	}
	if link[1] != n {
		return -1
	}
	return n
}

// isLink reports a path to a transition of a state: Next, Default, or the Next of a Choice
// rule or a catcher.
func isLink(p Path) bool {
	switch len(p) {
	case 1:
		return p[0] == "Next" || p[0] == "Default"
	case 3:
		_, index := p[1].(int)
		return (p[0] == "Choices" || p[0] == "Catch") && index && p[2] == "Next"
	}
	return false
}
