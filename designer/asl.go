package designer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNotStateMachine reports a JSON document that is not an ASL state machine: not an object,
// or without a States object.
var ErrNotStateMachine = errors.New("designer: not a state machine")

// ErrNoSuchState reports a state name that no scope of the document defines.
var ErrNoSuchState = errors.New("no such state")

// MaxStateNameLength is the longest state name AWS Step Functions accepts, in characters.
const MaxStateNameLength = 80

// ScopeRef names one state machine of a document: the top level (Parent ""), branch Branch of
// the Parallel state Parent, or the item processor of the Map state Parent (Branch 0). Its JSON
// form is {"parent": "P", "branch": 1}, or {} for the top level.
type ScopeRef struct {
	Parent string `json:"parent,omitempty"`
	Branch int    `json:"branch,omitempty"`
}

// String reads "the top level" or "branch 2 of \"P\"" (counting from 1, as people do).
func (s ScopeRef) String() string {
	if s.Parent == "" {
		return "the top level"
	}
	return "branch " + strconv.Itoa(s.Branch+1) + " of " + strconv.Quote(s.Parent)
}

// StateRef says where a state is in a document.
type StateRef struct {
	// Name is the state's name, its key in States.
	Name string
	// Type is its Type field ("" when absent or not a string).
	Type string
	// Path is the path of the state's object, such as {"States", "P", "Branches", 0,
	// "States", "A"}.
	Path Path
	// Scope is the state machine whose States holds it.
	Scope ScopeRef
}

// Pointer is the JSON pointer of the state's object, such as "/States/P/Branches/0/States/A".
func (r StateRef) Pointer() string { return r.Path.Pointer() }

// States lists every state of the document in document order, the states of a Parallel's
// branches or a Map's item processor right after the Parallel or Map.
func (d *Document) States() ([]StateRef, error) {
	m, err := indexMachine(d.root)
	if err != nil {
		return nil, err
	}
	refs := make([]StateRef, len(m.states))
	for i, s := range m.states {
		refs[i] = s.ref()
	}
	return refs, nil
}

// FindState finds the state named name in any scope. The error wraps ErrNoSuchState when no
// scope defines it, ErrNotStateMachine when the document is not a state machine.
func (d *Document) FindState(name string) (StateRef, error) {
	m, err := indexMachine(d.root)
	if err != nil {
		return StateRef{}, err
	}
	s, err := m.state(name)
	if err != nil {
		return StateRef{}, fmt.Errorf("designer: %w", err)
	}
	return s.ref(), nil
}

// UniqueName returns base when no state has that name, else base followed by the first free
// number from 2 ("Wait", "Wait 2", "Wait 3", ...), shortened to fit MaxStateNameLength: a name
// for a state dropped from the palette. A document that is not a state machine has no names
// in use.
func (d *Document) UniqueName(base string) string {
	taken := map[string]bool{}
	if m, err := indexMachine(d.root); err == nil {
		for name := range m.byName {
			taken[name] = true
		}
	}
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = " " + strconv.Itoa(n)
		}
		name := fit(base, suffix)
		if !taken[name] {
			return name
		}
	}
}

// fit joins base and suffix, cutting base so the result stays within MaxStateNameLength.
func fit(base, suffix string) string {
	if over := utf8.RuneCountInString(base) + utf8.RuneCountInString(suffix) - MaxStateNameLength; over > 0 {
		r := []rune(base)
		base = string(r[:max(0, len(r)-over)])
	}
	return base + suffix
}

// scope is one state machine in a document while an edit looks at it.
type scope struct {
	ref   ScopeRef
	path  Path       // the object holding StartAt and States
	owner *stateInfo // the Parallel or Map it belongs to; nil for the top level
}

// describe names the scope for messages: "the top level", "branch 2 of \"P\"", "the item
// processor of \"M\"".
func (s *scope) describe() string {
	if s.owner != nil && typeOf(s.owner.node) == "Map" {
		return "the item processor of " + strconv.Quote(s.owner.name)
	}
	return s.ref.String()
}

// inside reports whether s lies within the state named name (in one of its branches, at any
// depth).
func (s *scope) inside(name string) bool {
	for sc := s; sc.owner != nil; sc = sc.owner.scope {
		if sc.owner.name == name {
			return true
		}
	}
	return false
}

// stateInfo is one state in a document while an edit looks at it.
type stateInfo struct {
	name  string
	path  Path
	scope *scope
	node  *node // as the document had it when indexed
}

func (s *stateInfo) ref() StateRef {
	t, _ := s.node.get("Type").str()
	return StateRef{Name: s.name, Type: t, Path: s.path, Scope: s.scope.ref}
}

// machine indexes the scopes and states of a document.
type machine struct {
	scopes []*scope
	states []*stateInfo            // in document order
	byName map[string][]*stateInfo // more than one only in an invalid document
}

// indexMachine indexes the state machine held by root.
func indexMachine(root *node) (*machine, error) {
	switch {
	case root == nil: // the zero Document
		return nil, fmt.Errorf("%w: the document is empty", ErrNotStateMachine)
	case root.kind == kindArray:
		return nil, fmt.Errorf("%w: the document is a JSON array; an ASL definition is an object with StartAt and States", ErrNotStateMachine)
	case root.kind != kindObject:
		return nil, fmt.Errorf("%w: the document is a single JSON value; an ASL definition is an object with StartAt and States", ErrNotStateMachine)
	}
	if st := root.get("States"); st == nil || st.kind != kindObject {
		return nil, fmt.Errorf("%w: the top-level object has no \"States\" object; an ASL definition is an object with StartAt and States", ErrNotStateMachine)
	}
	m := &machine{byName: map[string][]*stateInfo{}}
	m.addScope(root, &scope{path: Path{}})
	return m, nil
}

// addScope indexes the states of one scope and, through them, of the scopes inside it. The
// recursion is bounded: every scope is at least four levels deeper in the JSON than the one
// around it, and Parse bounds the JSON's depth.
func (m *machine) addScope(obj *node, sc *scope) {
	m.scopes = append(m.scopes, sc)
	states := obj.get("States")
	if states == nil || states.kind != kindObject {
		return
	}
	for _, mem := range states.members {
		s := &stateInfo{name: mem.key, path: sc.path.with("States", mem.key), scope: sc, node: mem.value}
		m.states = append(m.states, s)
		m.byName[s.name] = append(m.byName[s.name], s)
		for i, sub := range subMachines(mem.value) {
			if sub.value.kind == kindObject {
				m.addScope(sub.value, &scope{ref: ScopeRef{Parent: s.name, Branch: i}, path: s.path.with(sub.path...), owner: s})
			}
		}
	}
}

// subMachine is one branch of a Parallel or the item processor of a Map.
type subMachine struct {
	path  Path // relative to the state
	value *node
}

// subMachines lists the state machines inside a state: a Parallel's Branches, a Map's
// ItemProcessor (or its legacy name Iterator).
func subMachines(st *node) []subMachine {
	switch typeOf(st) {
	case "Parallel":
		br := st.get("Branches")
		if br == nil || br.kind != kindArray {
			return nil
		}
		out := make([]subMachine, len(br.members))
		for i, m := range br.members {
			out[i] = subMachine{Path{"Branches", i}, m.value}
		}
		return out
	case "Map":
		for _, key := range []string{"ItemProcessor", "Iterator"} {
			if p := st.get(key); p != nil {
				return []subMachine{{Path{key}, p}}
			}
		}
	}
	return nil
}

// typeOf is a state's Type, "" when absent or not a string.
func typeOf(st *node) string {
	t, _ := st.get("Type").str()
	return t
}

// with returns a new path: p followed by steps (p itself is never extended in place, since
// paths are shared).
func (p Path) with(steps ...any) Path {
	out := make(Path, 0, len(p)+len(steps))
	return append(append(out, p...), steps...)
}

// state finds a state by name, refusing a name that is defined twice.
func (m *machine) state(name string) (*stateInfo, error) {
	found := m.byName[name]
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w %q", ErrNoSuchState, name)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("the name %q is defined %d times (at %s and %s): rename one in the code first", name, len(found), found[0].path.Pointer(), found[1].path.Pointer())
}

// scope finds a scope by its reference.
func (m *machine) scope(ref ScopeRef) (*scope, error) {
	for _, sc := range m.scopes {
		if sc.ref == ref {
			return sc, nil
		}
	}
	if ref.Parent == "" {
		return m.scopes[0], nil
	}
	owner, err := m.state(ref.Parent)
	if err != nil {
		return nil, err
	}
	switch t := typeOf(owner.node); t {
	case "Parallel":
		return nil, fmt.Errorf("the Parallel state %q has no branch %d", ref.Parent, ref.Branch+1)
	case "Map":
		return nil, fmt.Errorf("the Map state %q has no item processor %d (a Map has one, number 0)", ref.Parent, ref.Branch)
	default:
		return nil, fmt.Errorf("%q is a %s state, which has no branches", ref.Parent, orUnknownType(t))
	}
}

func orUnknownType(t string) string {
	if t == "" {
		return "typeless"
	}
	return t
}

// checkNewName checks a name for a new state: valid for AWS and used by no state yet.
func (m *machine) checkNewName(name string) error {
	if err := checkStateName(name); err != nil {
		return err
	}
	if found := m.byName[name]; len(found) > 0 {
		return fmt.Errorf("a state named %q already exists (at %s); state names are unique in the whole machine", name, found[0].path.Pointer())
	}
	return nil
}

// checkStateName applies AWS's rules for state names: 1 to 80 characters. Quotes, spaces and
// any Unicode letter are fine; control characters are refused too, since no one can see or
// type them in the designer.
func checkStateName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return errors.New("a state name cannot be empty")
	case n > MaxStateNameLength:
		return fmt.Errorf("the state name %q is %d characters long; AWS allows at most %d", name, n, MaxStateNameLength)
	case !utf8.ValidString(name):
		return fmt.Errorf("the state name %q is not valid UTF-8", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("the state name %q holds the control character U+%04X", name, r)
		}
	}
	return nil
}

// slot is one transition of a state: the field that names its target.
type slot struct {
	kind   EdgeKind
	index  int  // position in Choices or Catch
	field  Path // relative to the state
	target string
}

// slotsOf lists the transitions of a state in document order of kinds: Next, Choices rules,
// Default, Catch (the order of the graph's edges).
func slotsOf(st *node) []slot {
	var out []slot
	if t, ok := st.get("Next").str(); ok {
		out = append(out, slot{kind: EdgeNext, field: Path{"Next"}, target: t})
	}
	if rules := st.get("Choices"); rules != nil && rules.kind == kindArray {
		for i, r := range rules.members {
			if t, ok := r.value.get("Next").str(); ok {
				out = append(out, slot{kind: EdgeChoice, index: i, field: Path{"Choices", i, "Next"}, target: t})
			}
		}
	}
	if t, ok := st.get("Default").str(); ok {
		out = append(out, slot{kind: EdgeDefault, field: Path{"Default"}, target: t})
	}
	if cs := st.get("Catch"); cs != nil && cs.kind == kindArray {
		for i, c := range cs.members {
			if t, ok := c.value.get("Next").str(); ok {
				out = append(out, slot{kind: EdgeCatch, index: i, field: Path{"Catch", i, "Next"}, target: t})
			}
		}
	}
	return out
}

// describe names a transition for messages: "Next", "rule 2", "Default", "catcher 1".
func (s slot) describe() string {
	switch s.kind {
	case EdgeChoice:
		return "rule " + strconv.Itoa(s.index+1)
	case EdgeDefault:
		return "Default"
	case EdgeCatch:
		return "catcher " + strconv.Itoa(s.index+1)
	}
	return "Next"
}

// hasNextField reports the state types that go on with Next or stop with End.
func hasNextField(typ string) bool {
	switch typ {
	case "Choice", "Succeed", "Fail":
		return false
	}
	return true
}

// stateTypes are the types a new state may have.
var stateTypes = []string{"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}

// knownType reports one of the eight state types.
func knownType(t string) bool {
	for _, s := range stateTypes {
		if s == t {
			return true
		}
	}
	return false
}

// nestedNames lists the names of the states inside a state (its branches' states, at any
// depth), in document order.
func nestedNames(st *node) []string {
	var out []string
	for _, sub := range subMachines(st) {
		states := sub.value.get("States")
		if states == nil || states.kind != kindObject {
			continue
		}
		for _, m := range states.members {
			out = append(out, m.key)
			out = append(out, nestedNames(m.value)...)
		}
	}
	return out
}

// quoteList quotes names and joins them for messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
