package designer

import (
	"fmt"
	"regexp"
	"strconv"
)

// aslEdit is one edit of a state machine: an editor, the index of the document's states as
// they were before the edit, and what to say in errors.
type aslEdit struct {
	*editor
	m     *machine
	op    string // the operation's name, for errors
	state string // the state the operation is about, for errors
}

// beginEdit starts an edit of d by operation op about state.
func beginEdit(d *Document, op, state string) (*aslEdit, error) {
	a := &aslEdit{editor: newEditor(d), op: op, state: state}
	m, err := indexMachine(d.root)
	if err != nil {
		return nil, a.fail("", err)
	}
	a.m = m
	return a, nil
}

// fail wraps err in an *OpError about the edit's state.
func (a *aslEdit) fail(field string, err error) error {
	return &OpError{Op: a.op, State: a.state, Field: field, Err: err}
}

// failf is fail with a formatted message.
func (a *aslEdit) failf(field, format string, args ...any) error {
	return a.fail(field, fmt.Errorf(format, args...))
}

// find looks a state up by name.
// editState begins an edit of the named state of d, for op.
func editState(d *Document, op, state string) (*aslEdit, *stateInfo, error) {
	a, err := beginEdit(d, op, state)
	if err != nil {
		return nil, nil, err
	}
	x, err := a.find(state)
	if err != nil {
		return nil, nil, err
	}
	return a, x, nil
}

func (a *aslEdit) find(name string) (*stateInfo, error) {
	s, err := a.m.state(name)
	if err != nil {
		return nil, a.fail("", err)
	}
	return s, nil
}

// current is a state's object as the edit has made it so far.
func (a *aslEdit) current(s *stateInfo) *node {
	n, err := a.node(s.path)
	if err != nil {
		return nil
	}
	return n
}

// setKey sets the member key of owned object n to v, adding it at the end when missing.
func (e *editor) setKey(n *node, key string, v *node) {
	if i := n.find(key); i >= 0 {
		n.members[i].value = v
		return
	}
	e.insertMember(n, len(n.members), key, v)
}

// deleteKey removes the member key of owned object n, if there is one.
func deleteKey(n *node, key string) {
	if i := n.find(key); i >= 0 {
		removeMember(n, i)
	}
}

// setNext makes owned state st go on to target: Next takes the place of End, so the field stays
// where the author put it.
func (e *editor) setNext(st *node, target string) {
	e.swapKeys(st, "End", "Next", freshString(target))
}

// setEnd makes owned state st end its scope: End takes the place of Next.
func (e *editor) setEnd(st *node) {
	e.swapKeys(st, "Next", "End", freshTrue())
}

// swapKeys sets key to v in owned object n, at the place of the member old when key is missing
// and old is there, and removes old.
func (e *editor) swapKeys(n *node, old, key string, v *node) {
	if i := n.find(key); i >= 0 {
		n.members[i].value = v
		deleteKey(n, old)
		return
	}
	if i := n.find(old); i >= 0 {
		renameMember(n, i, key)
		n.members[i].value = v
		return
	}
	e.insertMember(n, len(n.members), key, v)
}

// setString sets the string at path p.
func (e *editor) setString(p Path, s string) error { return e.set(p, freshString(s)) }

// statesOf returns the owned States object of scope sc, creating it (and StartAt) when the
// scope has none, as in an empty branch.
func (a *aslEdit) statesOf(sc *scope) (*node, error) {
	obj, err := a.mutable(sc.path)
	if err != nil {
		return nil, err
	}
	if obj.kind != kindObject {
		return nil, fmt.Errorf("%s is not an object", sc.describe())
	}
	if obj.find("States") < 0 {
		a.setKey(obj, "States", freshObject())
	}
	states, err := a.mutable(sc.path.with("States"))
	if err == nil && states.kind != kindObject {
		err = fmt.Errorf("the States of %s is not an object", sc.describe())
	}
	return states, err
}

// setStartAt points the StartAt of scope sc at name, adding the field before States when
// missing.
func (a *aslEdit) setStartAt(sc *scope, name string) error {
	obj, err := a.mutable(sc.path)
	if err != nil {
		return err
	}
	if i := obj.find("StartAt"); i >= 0 {
		obj.members[i].value = freshString(name)
		return nil
	}
	pos := obj.find("States")
	if pos < 0 {
		pos = len(obj.members)
	}
	a.insertMember(obj, pos, "StartAt", freshString(name))
	return nil
}

// startOf is the StartAt of scope sc as the edit has made it, "" when missing.
func (a *aslEdit) startOf(sc *scope) string {
	obj, err := a.node(sc.path)
	if err != nil {
		return ""
	}
	s, _ := obj.get("StartAt").str()
	return s
}

// stateNames lists the names in the States of scope sc as the edit has made it.
func (a *aslEdit) stateNames(sc *scope) []string {
	states, err := a.node(sc.path.with("States"))
	if err != nil || states.kind != kindObject {
		return nil
	}
	names := make([]string, len(states.members))
	for i, m := range states.members {
		names[i] = m.key
	}
	return names
}

// retarget points every transition of scope sc that leads to from at to instead, and StartAt
// too. It is what keeps references right when a state is renamed, wrapped or deleted.
func (a *aslEdit) retarget(sc *scope, from, to string) error {
	for _, name := range a.stateNames(sc) {
		p := sc.path.with("States", name)
		st, err := a.node(p)
		if err != nil {
			return err
		}
		for _, s := range slotsOf(st) {
			if s.target == from {
				if err := a.setString(p.with(s.field...), to); err != nil {
					return err
				}
			}
		}
	}
	if a.startOf(sc) == from {
		return a.setStartAt(sc, to)
	}
	return nil
}

// insertState adds a state to the States of sc: right after the state named after, or first
// when after is "".
func (a *aslEdit) insertState(sc *scope, after, name string, def *node) error {
	states, err := a.statesOf(sc)
	if err != nil {
		return err
	}
	pos := 0
	if after != "" {
		pos = len(states.members)
		if i := states.find(after); i >= 0 {
			pos = i + 1
		}
	}
	a.insertMember(states, pos, name, def)
	return nil
}

// removeState removes a state from the States of sc.
func (a *aslEdit) removeState(sc *scope, name string) error {
	states, err := a.statesOf(sc)
	if err != nil {
		return err
	}
	deleteKey(states, name)
	return nil
}

// successorOf is where the flow goes after state st named name when it is taken out: its
// Next; for a Choice its Default, or its first rule's target when it has no Default; "" when
// it ends or only leads to itself.
func successorOf(st *node, name string) string {
	if t, ok := st.get("Next").str(); ok && t != name {
		return t
	}
	if typeOf(st) != "Choice" {
		return ""
	}
	if t, ok := st.get("Default").str(); ok && t != name {
		return t
	}
	for _, s := range slotsOf(st) {
		if s.kind == EdgeChoice && s.target != name {
			return s.target
		}
	}
	return ""
}

// detach takes state x out of the flow of its scope, leaving it in States: every transition
// into x goes to x's successor instead. When x has none (it ends), a Next into x becomes End,
// and the other transitions depend on whether x stays in the scope (a move within it): if it
// does they keep leading to x, at its new place; if not, a catcher that leads to x is removed
// (the error then goes up, as with no catcher), a Default that leads to x is removed (unmatched
// input then fails with States.NoChoiceMatched), and a Choice rule that leads to x is refused:
// it would have nowhere to go, and dropping it would lose its condition. StartAt moves to the
// successor, or to the first other state.
func (a *aslEdit) detach(x *stateInfo, staysInScope bool) error {
	names := a.stateNames(x.scope)
	if len(names) <= 1 {
		return a.failf("", "it is the only state of %s, which needs at least one; delete the enclosing state or add another state first", x.scope.describe())
	}
	succ := successorOf(a.current(x), x.name)
	for _, name := range names {
		if name == x.name {
			continue
		}
		p := x.scope.path.with("States", name)
		st, err := a.node(p)
		if err != nil {
			return err
		}
		var dropped []int // catchers to remove, in increasing order
		for _, s := range slotsOf(st) {
			if s.target != x.name {
				continue
			}
			if succ != "" {
				if err := a.setString(p.with(s.field...), succ); err != nil {
					return err
				}
				continue
			}
			if staysInScope && s.kind != EdgeNext {
				continue
			}
			switch s.kind {
			case EdgeNext:
				own, err := a.mutable(p)
				if err != nil {
					return err
				}
				a.setEnd(own)
			case EdgeDefault:
				if err := a.delete(p.with("Default")); err != nil {
					return err
				}
			case EdgeCatch:
				dropped = append(dropped, s.index)
			case EdgeChoice:
				return a.failf("", "%s of the Choice state %q leads to it, and it has no next state to lead to instead; point that rule elsewhere first", s.describe(), name)
			}
		}
		for i := len(dropped) - 1; i >= 0; i-- {
			if err := a.delete(p.with("Catch", dropped[i])); err != nil {
				return err
			}
		}
		if len(dropped) > 0 {
			if catch, err := a.node(p.with("Catch")); err == nil && len(catch.members) == 0 {
				if err := a.delete(p.with("Catch")); err != nil {
					return err
				}
			}
		}
	}
	if a.startOf(x.scope) == x.name {
		next := succ
		if next == "" {
			for _, n := range names {
				if n != x.name {
					next = n
					break
				}
			}
		}
		return a.setStartAt(x.scope, next)
	}
	return nil
}

// ends reports whether scope sc, as the edit has made it, has a state that ends it: End true,
// Succeed or Fail.
func (a *aslEdit) ends(sc *scope) bool {
	for _, name := range a.stateNames(sc) {
		st, err := a.node(sc.path.with("States", name))
		if err != nil {
			continue
		}
		if t := typeOf(st); t == "Succeed" || t == "Fail" || st.get("End").isTrue() {
			return true
		}
	}
	return false
}

// keepsEnding refuses an edit that leaves scope sc, which had a state that ends it, with none
// (as deleting the Succeed that only a Choice's Default led to would).
func (a *aslEdit) keepsEnding(sc *scope, had bool) error {
	if had && !a.ends(sc) {
		return a.failf("", "%s would have no state left that ends it (End: true, Succeed or Fail)", sc.describe())
	}
	return nil
}

// connect sets the way out of state st (owned, about to be placed) towards successor, or
// makes it end when successor is "". A Choice's Default takes the successor, and so does every
// rule without a target; Succeed and Fail lose any Next or End, having none.
func (a *aslEdit) connect(st *node, successor string) error {
	switch typ := typeOf(st); {
	case typ == "Choice":
		if successor == "" {
			return a.failf("", "a Choice state must lead somewhere, so it cannot end the flow: drop it on an arrow into another state (add a Succeed first, then drop the Choice before it)")
		}
		rules := st.get("Choices")
		if rules == nil || rules.kind != kindArray || len(rules.members) == 0 {
			return a.failf("Choices", "a Choice state needs at least one rule in Choices")
		}
		a.setKey(st, "Default", freshString(successor))
		i := st.find("Choices")
		own := a.own(rules)
		st.members[i].value = own
		for j, r := range own.members {
			if r.value.kind != kindObject {
				return a.failf(fmt.Sprintf("Choices/%d", j), "a Choice rule must be an object")
			}
			if t, ok := r.value.get("Next").str(); !ok || t == "" {
				rule := a.own(r.value)
				a.setKey(rule, "Next", freshString(successor))
				own.members[j].value = rule
			}
		}
	case typ == "Succeed" || typ == "Fail":
		deleteKey(st, "Next")
		deleteKey(st, "End")
	case successor == "":
		a.setEnd(st)
	default:
		a.setNext(st, successor)
	}
	return nil
}

// copySuffix matches the suffix that copyName adds, so that a copy of "X copy" is "X copy 2",
// not "X copy copy".
var copySuffix = regexp.MustCompile(` copy(?: [0-9]+)?$`)

// copyName is a fresh name for a copy of base: "X copy", then "X copy 2", "X copy 3"...,
// shortened so that it stays within MaxStateNameLength.
func copyName(base string, taken func(string) bool) string {
	base = copySuffix.ReplaceAllString(base, "")
	for n := 1; ; n++ {
		suffix := " copy"
		if n > 1 {
			suffix += " " + strconv.Itoa(n)
		}
		if name := fit(base, suffix); !taken(name) {
			return name
		}
	}
}

// renameInside renames the states inside owned state st (in its branches, at any depth) as
// renames says, with every reference inside: StartAt, Next, Default, rules and catchers.
func (a *aslEdit) renameInside(st *node, renames map[string]string) {
	for _, sub := range subMachines(st) {
		if sub.value.kind != kindObject {
			continue
		}
		obj := a.own(sub.value)
		a.replaceAt(st, sub.path, obj)
		if s, ok := obj.get("StartAt").str(); ok && renames[s] != "" {
			a.setKey(obj, "StartAt", freshString(renames[s]))
		}
		states := obj.get("States")
		if states == nil || states.kind != kindObject {
			continue
		}
		states = a.own(states)
		a.setKey(obj, "States", states)
		for i := range states.members {
			m := &states.members[i]
			if to := renames[m.key]; to != "" {
				renameMember(states, i, to)
			}
			inner := a.own(m.value)
			m.value = inner
			if typeOf(inner) == "Map" {
				deleteKey(inner, "Label")
			}
			for _, s := range slotsOf(inner) {
				if to := renames[s.target]; to != "" {
					a.replaceAt(inner, s.field, freshString(to))
				}
			}
			a.renameInside(inner, renames)
		}
	}
}

// replaceAt puts v at the relative path p inside owned node n, owning the nodes between.
func (a *aslEdit) replaceAt(n *node, p Path, v *node) {
	for i, step := range p {
		m := n.child(step)
		if m == nil {
			return
		}
		if i == len(p)-1 {
			m.value = v
			return
		}
		m.value = a.own(m.value)
		n = m.value
	}
}
