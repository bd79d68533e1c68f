package designer

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Where is a place in the flow where a state can be dropped: one of the designer's drop zones.
// Exactly one field is set. Its JSON form is one of
//
//	{"edge": {"from": "A", "kind": "next"}}             the transition A -> its Next
//	{"edge": {"from": "C", "kind": "choice", "index": 1}}  the target of rule 2 of Choice C
//	{"edge": {"from": "C", "kind": "default"}}          the Default of Choice C
//	{"edge": {"from": "T", "kind": "catch", "index": 0}}   the target of catcher 1 of T
//	{"after": "A"}                                     after A, which ends its scope
//	{"start": {}}                                      the start of the top level
//	{"start": {"parent": "P", "branch": 1}}            the start of branch 2 of Parallel P
//	{"start": {"parent": "M"}}                         the start of Map M's item processor
//	{"newBranch": "P"}                                 a new last branch of Parallel P
//
// The edges of the Graph give From, Kind and Index directly (the SVG's edge ids carry them too).
type Where struct {
	// Edge is a transition: the state goes between its source and its target.
	Edge *EdgeRef `json:"edge,omitempty"`
	// After names a state that ends its scope (End: true); the dropped state comes after it
	// and ends the scope instead. For a state with a Next it means Edge on that Next.
	After string `json:"after,omitempty"`
	// Start is a scope: the state becomes its StartAt and leads to the old one; in an empty
	// scope (an empty branch) it becomes the only state.
	Start *ScopeRef `json:"start,omitempty"`
	// NewBranch names a Parallel state: the state is alone in a new last branch.
	NewBranch string `json:"newBranch,omitempty"`
}

// EdgeRef names a transition: the field of state From that makes it. Index is the position in
// Choices (EdgeChoice) or Catch (EdgeCatch), 0 otherwise.
type EdgeRef struct {
	From  string   `json:"from"`
	Kind  EdgeKind `json:"kind"`
	Index int      `json:"index,omitempty"`
}

// spot is a resolved Where: where the state goes in States, what it leads to, and how the
// flow is made to lead to it.
type spot struct {
	scope     *scope // the scope it joins; nil for a new branch
	after     string // the state it follows in States; "" to go first
	successor string // what it leads to; "" when it ends its scope
	link      func(name string) error
	parallel  *stateInfo // for a new branch: the Parallel state
}

// resolve checks a Where against the document as the edit has made it so far.
func (a *aslEdit) resolve(w Where) (spot, error) {
	set := 0
	for _, ok := range []bool{w.Edge != nil, w.After != "", w.Start != nil, w.NewBranch != ""} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return spot{}, errors.New(`a place is exactly one of "edge", "after", "start" or "newBranch"`)
	}
	switch {
	case w.Edge != nil:
		return a.resolveEdge(*w.Edge)
	case w.After != "":
		x, err := a.m.state(w.After)
		if err != nil {
			return spot{}, err
		}
		st := a.current(x)
		if _, ok := st.get("Next").str(); ok {
			return a.resolveEdge(EdgeRef{From: x.name, Kind: EdgeNext})
		}
		switch typ := typeOf(st); typ {
		case "Choice":
			return spot{}, fmt.Errorf("the Choice state %q does not end: drop on one of its rules or its Default instead", x.name)
		case "Succeed", "Fail":
			return spot{}, fmt.Errorf("nothing can follow the %s state %q: it ends the flow", typ, x.name)
		}
		return spot{scope: x.scope, after: x.name, link: func(name string) error {
			st, err := a.mutable(x.path)
			if err == nil {
				a.setNext(st, name)
			}
			return err
		}}, nil
	case w.Start != nil:
		sc, err := a.m.scope(*w.Start)
		if err != nil {
			return spot{}, err
		}
		names := a.stateNames(sc)
		succ := a.startOf(sc)
		if !contains(names, succ) {
			succ = ""
			if len(names) > 0 {
				succ = names[0]
			}
		}
		return spot{scope: sc, successor: succ, link: func(name string) error { return a.setStartAt(sc, name) }}, nil
	default:
		p, err := a.m.state(w.NewBranch)
		if err != nil {
			return spot{}, err
		}
		if t := typeOf(a.current(p)); t != "Parallel" {
			return spot{}, fmt.Errorf("%q is a %s state; only a Parallel state has branches to add", p.name, orUnknownType(t))
		}
		return spot{parallel: p}, nil
	}
}

// resolveEdge finds the transition an EdgeRef names.
func (a *aslEdit) resolveEdge(r EdgeRef) (spot, error) {
	switch r.Kind {
	case EdgeNext, EdgeDefault, EdgeChoice, EdgeCatch:
	default:
		return spot{}, fmt.Errorf("unknown edge kind %q: it is next, default, choice or catch", r.Kind)
	}
	from, err := a.m.state(r.From)
	if err != nil {
		return spot{}, err
	}
	for _, s := range slotsOf(a.current(from)) {
		if s.kind == r.Kind && (s.index == r.Index || r.Kind == EdgeNext || r.Kind == EdgeDefault) {
			return spot{scope: from.scope, after: from.name, successor: s.target, link: func(name string) error {
				return a.setString(from.path.with(s.field...), name)
			}}, nil
		}
	}
	want := slot{kind: r.Kind, index: r.Index}
	return spot{}, fmt.Errorf("%q has no %s transition", from.name, want.describe())
}

// place puts the state name, whose object def is owned by the edit, at sp: it is connected to
// the spot's successor, added to States and linked into the flow.
func (a *aslEdit) place(name string, def *node, sp spot) error {
	if err := a.connect(def, sp.successor); err != nil {
		return err
	}
	if sp.parallel != nil {
		states := freshObject()
		a.insertMember(states, 0, name, def)
		branch := freshObject()
		a.insertMember(branch, 0, "StartAt", freshString(name))
		a.insertMember(branch, 1, "States", states)
		p, err := a.mutable(sp.parallel.path)
		if err != nil {
			return err
		}
		if p.find("Branches") < 0 {
			a.setKey(p, "Branches", &node{kind: kindArray, fresh: true})
		}
		branches, err := a.mutable(sp.parallel.path.with("Branches"))
		if err != nil {
			return err
		}
		if branches.kind != kindArray {
			return fmt.Errorf("the Branches of %q is not an array", sp.parallel.name)
		}
		a.insertMember(branches, len(branches.members), "", branch)
		return nil
	}
	if err := a.insertState(sp.scope, sp.after, name, def); err != nil {
		return err
	}
	return sp.link(name)
}

// InsertState adds a new state, as when a palette item is dropped on the flow. State is its
// name (unique in the machine, 1 to 80 characters), Definition its JSON object (Type must be one
// of the eight state types; states inside a Parallel or Map definition need unique names too),
// Where the drop zone. Its JSON form is {"state": "Wait 1", "definition": {"Type": "Wait",
// "Seconds": 5}, "where": {"edge": {"from": "A", "kind": "next"}}}.
//
// The new state takes over the target of the edge it is dropped on as its Next (any Next or End
// in Definition is replaced), or ends its scope when dropped after the end, in a new branch or
// in an empty scope. A Choice takes the target as its Default and as the Next of every rule
// that has none, and cannot be dropped where there is nothing to lead to. A Succeed or Fail
// dropped on an edge ends that path: the old target keeps its other ways in, or becomes
// unreachable (a warning, not an error). In States, the new state goes right after the state it
// follows, or first at the start of a scope.
type InsertState struct {
	State      string          `json:"state"`
	Definition json.RawMessage `json:"definition"`
	Where      Where           `json:"where"`
}

func (InsertState) opName() string { return "InsertState" }

// Apply inserts the state.
func (op InsertState) Apply(d *Document) (*Document, error) {
	a, err := beginEdit(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	def, err := a.newState(op.State, op.Definition)
	if err != nil {
		return nil, err
	}
	sp, err := a.resolve(op.Where)
	if err != nil {
		return nil, a.fail("", err)
	}
	if err := a.place(op.State, def, sp); err != nil {
		return nil, a.wrap(err)
	}
	return a.document()
}

// newState checks the name and definition of a new state, and returns its object, owned by
// the edit: a JSON object of a known Type, whose own states (inside a Parallel or Map) have
// names unique in the machine too.
func (a *aslEdit) newState(name string, definition json.RawMessage) (*node, error) {
	if err := a.m.checkNewName(name); err != nil {
		return nil, a.fail("", err)
	}
	def, err := parseFresh(definition)
	if err != nil {
		return nil, a.fail("", fmt.Errorf("definition: %w", err))
	}
	if def.kind != kindObject {
		return nil, a.failf("", "the definition of a state is a JSON object, not %s", def.text)
	}
	if t := typeOf(def); !knownType(t) {
		return nil, a.failf("Type", "Type must be one of %s, not %s", quoteList(stateTypes), orText(def.get("Type")))
	}
	seen := map[string]bool{name: true}
	for _, n := range nestedNames(def) {
		if err := a.m.checkNewName(n); err != nil {
			return nil, a.fail("", fmt.Errorf("inside the definition: %w", err))
		}
		if seen[n] {
			return nil, a.failf("", "inside the definition: the name %q is used twice", n)
		}
		seen[n] = true
	}
	return a.own(def), nil
}

// MoveState moves a state elsewhere, as when a state is dragged: it is taken out of the flow
// the way DeleteState does it (its predecessors are reconnected to its successor), then placed
// at Where the way InsertState does it, keeping its object as written (only its Next or End
// changes). When it has no successor (it ended), a Next into it becomes End, while Choice
// rules, a Default and catchers that lead to it keep leading to it at its new place (in
// another scope they cannot: they are removed as DeleteState removes them). Dropping a state
// on one of its own transitions, after itself, or at the start of the scope it already starts
// changes nothing.
//
// A state may move into another scope (into a branch of a Parallel, out of a Map's item
// processor, to a new branch) only when its one way out is Next or End: not a Choice, and
// without catchers, whose targets would be left behind in the old scope. Moving a Parallel or
// Map into its own branches is refused, and so is a move that leaves the old scope with no
// state that ends it.
type MoveState struct {
	State string `json:"state"`
	Where Where  `json:"where"`
}

func (MoveState) opName() string { return "MoveState" }

// Apply moves the state.
func (op MoveState) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	if a.samePlace(x, op.Where) {
		return d, nil
	}
	sp, err := a.resolve(op.Where)
	if err != nil {
		return nil, a.fail("", err)
	}
	into := sp.scope
	if sp.parallel != nil {
		if sp.parallel.name == x.name || sp.parallel.scope.inside(x.name) {
			return nil, a.failf("", "a state cannot move into itself")
		}
	} else if into.inside(x.name) {
		return nil, a.failf("", "a state cannot move into itself")
	}
	st := a.current(x)
	if st == nil || st.kind != kindObject {
		return nil, a.failf("", "the state is not a JSON object; fix it in the code first")
	}
	if sp.parallel != nil || into != x.scope {
		if typeOf(st) == "Choice" {
			return nil, a.failf("", "a Choice state cannot move to another scope: its rules lead to states of its own")
		}
		for _, s := range slotsOf(st) {
			if s.kind == EdgeCatch {
				return nil, a.failf("Catch", "it cannot move to another scope while %s leads to %q, a state of its own scope; remove its catchers first", s.describe(), s.target)
			}
		}
	}
	ended := a.ends(x.scope)
	if err := a.detach(x, sp.parallel == nil && into == x.scope); err != nil {
		return nil, err
	}
	if err := a.removeState(x.scope, x.name); err != nil {
		return nil, a.fail("", err)
	}
	// Taking the state out may have removed catchers that led to it: resolve again, so an
	// index names the catcher it named before.
	if sp, err = a.resolve(op.Where); err != nil {
		return nil, a.fail("", err)
	}
	if err := a.place(x.name, a.own(st), sp); err != nil {
		return nil, a.wrap(err)
	}
	if err := a.keepsEnding(x.scope, ended); err != nil {
		return nil, err
	}
	return a.document()
}

// samePlace reports a drop of state x where it already is: on one of its own transitions or
// one that leads to it, after itself, or at the start of the scope it starts.
func (a *aslEdit) samePlace(x *stateInfo, w Where) bool {
	switch {
	case w.Edge != nil:
		if w.Edge.From == x.name {
			return true
		}
		from, err := a.m.state(w.Edge.From)
		if err != nil {
			return false
		}
		for _, s := range slotsOf(a.current(from)) {
			if s.kind == w.Edge.Kind && (s.index == w.Edge.Index || s.kind == EdgeNext || s.kind == EdgeDefault) {
				return s.target == x.name
			}
		}
	case w.After != "":
		if w.After == x.name {
			return true
		}
		y, err := a.m.state(w.After)
		if err != nil {
			return false
		}
		next, _ := a.current(y).get("Next").str()
		return next == x.name
	case w.Start != nil:
		sc, err := a.m.scope(*w.Start)
		return err == nil && sc == x.scope && a.startOf(sc) == x.name
	}
	return false
}

// DuplicateState copies a state under a new name: NewName, or when empty "X copy" ("X copy 2",
// ... when taken). The copy goes right after the original, on its way out: the original leads
// to the copy, which leads where the original led (or ends where it ended). A Choice, Succeed
// or Fail has no single way out, so its copy is added unconnected (a warning until it is
// dragged into place). States inside a copied Parallel or Map are renamed the same way, with
// their references. A Map's Label, which must be unique, is not copied.
type DuplicateState struct {
	State   string `json:"state"`
	NewName string `json:"newName,omitempty"`
}

func (DuplicateState) opName() string { return "DuplicateState" }

// Apply duplicates the state.
func (op DuplicateState) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	taken := func(n string) bool { return chosen[n] || len(a.m.byName[n]) > 0 }
	name := op.NewName
	if name == "" {
		name = copyName(x.name, taken)
	} else if err := a.m.checkNewName(name); err != nil {
		return nil, a.fail("", err)
	}
	chosen[name] = true
	st := a.current(x)
	if st.kind != kindObject {
		return nil, a.failf("", "the state is not a JSON object; fix it in the code first")
	}
	cp := a.own(st)
	if typeOf(cp) == "Map" {
		deleteKey(cp, "Label")
	}
	renames := map[string]string{}
	for _, n := range nestedNames(st) {
		renames[n] = copyName(n, taken)
		chosen[renames[n]] = true
	}
	a.renameInside(cp, renames)

	if hasNextField(typeOf(st)) {
		orig, err := a.mutable(x.path)
		if err != nil {
			return nil, a.fail("", err)
		}
		if _, ok := st.get("Next").str(); ok {
			a.setKey(orig, "Next", freshString(name))
		} else {
			a.setNext(orig, name)
			a.setEnd(cp)
		}
	}
	if err := a.insertState(x.scope, x.name, name, cp); err != nil {
		return nil, a.fail("", err)
	}
	return a.document()
}

// DropZones lists every place where a state can be dropped, scope by scope (the top level
// first, then the scopes inside states in document order): the start of the scope, then for
// each state its transitions (next, choice rules, default, catchers), the place after it when
// it ends with End, and for a Parallel a new branch.
func (d *Document) DropZones() ([]Where, error) {
	m, err := indexMachine(d.root)
	if err != nil {
		return nil, err
	}
	byScope := map[*scope][]*stateInfo{}
	for _, s := range m.states {
		byScope[s.scope] = append(byScope[s.scope], s)
	}
	var out []Where
	for _, sc := range m.scopes {
		ref := sc.ref
		out = append(out, Where{Start: &ref})
		for _, s := range byScope[sc] {
			if s.node.kind != kindObject {
				continue
			}
			for _, sl := range slotsOf(s.node) {
				out = append(out, Where{Edge: &EdgeRef{From: s.name, Kind: sl.kind, Index: sl.index}})
			}
			if s.node.get("End").isTrue() && s.node.get("Next") == nil && hasNextField(typeOf(s.node)) {
				out = append(out, Where{After: s.name})
			}
			if typeOf(s.node) == "Parallel" {
				out = append(out, Where{NewBranch: s.name})
			}
		}
	}
	return out, nil
}

// wrap turns an error from the edit's helpers into an *OpError, keeping one that already is.
func (a *aslEdit) wrap(err error) error {
	var opErr *OpError
	if errors.As(err, &opErr) {
		return err
	}
	return a.fail("", err)
}

// contains reports whether names holds name.
func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// orText is a node's JSON text for messages, "nothing" for a missing node.
func orText(n *node) string {
	if n == nil {
		return "nothing"
	}
	return n.text
}
