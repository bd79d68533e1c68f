package designer

import "fmt"

// WrapStates puts a selection of states into a new Parallel (as its single branch) or Map (as
// its item processor) named Name, which takes their place in the flow. Its JSON form is
// {"states": ["A", "B"], "in": "Parallel", "name": "Both"}.
//
// The selection is a part of one scope with one way in and at most one way out, such as a chain
// A -> B -> C (loops and Choice branches inside it are fine): every transition from outside
// leads to the same state (the branch's StartAt), and every transition that leaves it is a Next
// to the same state, which becomes the wrapper's Next (a Catch or Choice rule that leaves is
// refused, as is a state that ends the flow while others go on, and a state that assigns
// variables: they would not be visible after the wrapper, and one assigned outside too could
// not be assigned inside). The states keep their objects
// as written, in document order; a Next that left the selection becomes End. The wrapper takes
// the place of the first selected state in States, and every transition to the entry state.
// A Parallel's output is an array of its branches' outputs, so the Parallel also gets
// "OutputPath": "$[0]" (in a JSONata machine "Output": "{% $states.result[0] %}"): the data
// after it is what the chain made.
type WrapStates struct {
	States []string `json:"states"`
	In     string   `json:"in"`
	Name   string   `json:"name"`
}

func (WrapStates) opName() string { return "WrapStates" }

// Apply wraps the states.
func (op WrapStates) Apply(d *Document) (*Document, error) {
	a, err := beginEdit(d, op.opName(), op.Name)
	if err != nil {
		return nil, err
	}
	if op.In != "Parallel" && op.In != "Map" {
		return nil, a.failf("", `states are wrapped "in" a "Parallel" or a "Map", not %q`, op.In)
	}
	if len(op.States) == 0 {
		return nil, a.failf("", "select the states to wrap")
	}
	if err := a.m.checkNewName(op.Name); err != nil {
		return nil, a.fail("", err)
	}
	selected := map[string]bool{}
	var sc *scope
	for _, name := range op.States {
		s, err := a.find(name)
		if err != nil {
			return nil, err
		}
		switch {
		case selected[name]:
			return nil, a.failf("", "%q is selected twice", name)
		case sc != nil && s.scope != sc:
			return nil, a.failf("", "%q is in %s and %q in %s: the selection must be in one scope", op.States[0], sc.describe(), name, s.scope.describe())
		}
		selected[name] = true
		sc = s.scope
		if field := assignField(a.current(s)); field != "" {
			return nil, a.failf("", "%q assigns variables (%s); inside a %s they would not be seen after it, so move the Assign out first", name, field, op.In)
		}
	}

	names := a.stateNames(sc)
	head, err := a.entry(sc, names, selected)
	if err != nil {
		return nil, err
	}
	exit, err := a.exit(sc, names, selected)
	if err != nil {
		return nil, err
	}

	// The branch: the selected states in document order, a Next that leaves becoming End.
	inner := freshObject()
	prev := "" // the last state that stays before the first selected one: the wrapper follows it
	started := false
	for _, name := range names {
		if !selected[name] {
			if !started {
				prev = name
			}
			continue
		}
		started = true
		st, err := a.node(sc.path.with("States", name))
		if err != nil {
			return nil, a.fail("", err)
		}
		if next, ok := st.get("Next").str(); ok && next == exit {
			st = a.own(st)
			a.setEnd(st)
		}
		a.insertMember(inner, len(inner.members), name, st)
	}
	branch := freshObject()
	a.insertMember(branch, 0, "StartAt", freshString(head))
	a.insertMember(branch, 1, "States", inner)

	wrapper := freshObject()
	a.insertMember(wrapper, 0, "Type", freshString(op.In))
	if op.In == "Parallel" {
		a.insertMember(wrapper, 1, "Branches", &node{kind: kindArray, fresh: true, members: []entry{{value: branch}}})
		if q, _ := a.root.get("QueryLanguage").str(); q == "JSONata" {
			a.setKey(wrapper, "Output", freshString("{% $states.result[0] %}"))
		} else {
			a.setKey(wrapper, "OutputPath", freshString("$[0]"))
		}
	} else {
		a.insertMember(wrapper, 1, "ItemProcessor", branch)
	}
	if exit != "" {
		a.setNext(wrapper, exit)
	} else {
		a.setEnd(wrapper)
	}

	for _, name := range names {
		if selected[name] {
			if err := a.removeState(sc, name); err != nil {
				return nil, a.fail("", err)
			}
		}
	}
	// Only states outside the selection are left to lead to the head: they now lead to the
	// wrapper.
	if err := a.retarget(sc, head, op.Name); err != nil {
		return nil, a.fail("", err)
	}
	if err := a.insertState(sc, prev, op.Name, wrapper); err != nil {
		return nil, a.fail("", err)
	}
	return a.document()
}

// entry finds the one state where the flow enters the selection: the target of every
// transition from outside it and of StartAt, or, when nothing leads in, the one selected state
// that no selected state leads to.
func (a *aslEdit) entry(sc *scope, names []string, selected map[string]bool) (string, error) {
	var heads []string
	from := map[string]string{} // head -> a state that leads to it, for the message
	add := func(head, source string) {
		if !contains(heads, head) {
			heads = append(heads, head)
			from[head] = source
		}
	}
	if start := a.startOf(sc); selected[start] {
		add(start, "StartAt")
	}
	targetedInside := map[string]bool{}
	for _, name := range names {
		st, err := a.node(sc.path.with("States", name))
		if err != nil {
			return "", a.fail("", err)
		}
		for _, s := range slotsOf(st) {
			switch {
			case !selected[s.target]:
			case selected[name]:
				targetedInside[s.target] = true
			default:
				add(s.target, fmt.Sprintf("%s of %q", s.describe(), name))
			}
		}
	}
	switch len(heads) {
	case 1:
		return heads[0], nil
	case 0:
		for _, name := range names {
			if selected[name] && !targetedInside[name] {
				heads = append(heads, name)
			}
		}
		if len(heads) == 1 {
			return heads[0], nil
		}
		return "", a.failf("", "cannot tell where the selection starts: nothing leads into it and it has %d first states", len(heads))
	}
	return "", a.failf("", "the flow enters the selection at %q (from %s) and at %q (from %s); a wrapped part has one way in", heads[0], from[heads[0]], heads[1], from[heads[1]])
}

// exit finds the one state the selection leads out to, "" when it only ends.
func (a *aslEdit) exit(sc *scope, names []string, selected map[string]bool) (string, error) {
	exit := ""
	var ends []string // selected states that end the flow for good
	for _, name := range names {
		if !selected[name] {
			continue
		}
		st, err := a.node(sc.path.with("States", name))
		if err != nil {
			return "", a.fail("", err)
		}
		if st.get("End").isTrue() || typeOf(st) == "Succeed" {
			ends = append(ends, name)
		}
		for _, s := range slotsOf(st) {
			switch {
			case selected[s.target]:
			case s.kind != EdgeNext:
				return "", a.failf("", "%s of %q leads out of the selection, to %q; only a Next may leave a wrapped part", s.describe(), name, s.target)
			case exit != "" && exit != s.target:
				return "", a.failf("", "the selection leads out to %q and to %q; a wrapped part has one way out", exit, s.target)
			default:
				exit = s.target
			}
		}
	}
	if exit != "" && len(ends) > 0 {
		return "", a.failf("", "%q ends the flow while the selection also goes on to %q; inside the wrapper it would go on instead", ends[0], exit)
	}
	return exit, nil
}

// assignField is the first field of a state that assigns variables: "Assign", or the Assign
// of a Choice rule or a catcher ("Choices/0/Assign"); "" when there is none.
func assignField(st *node) string {
	if st.get("Assign") != nil {
		return "Assign"
	}
	for _, list := range []string{"Choices", "Catch"} {
		if l := st.get(list); l != nil && l.kind == kindArray {
			for i, m := range l.members {
				if m.value.get("Assign") != nil {
					return fmt.Sprintf("%s/%d/Assign", list, i)
				}
			}
		}
	}
	return ""
}
