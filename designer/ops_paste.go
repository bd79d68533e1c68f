package designer

import "fmt"

// PasteStates adds the states of a fragment of ASL, as the designer's Paste does with what
// Copy put on the clipboard (here or in another machine or browser tab). Fragment is JSON text
// in one of three shapes: a whole state machine {"StartAt": ..., "States": {...}} (as the AWS
// console or Copy gives it), a bare States map {"A": {"Type": ...}, ...}, or one state object
// with a Type, which is named after its Type. Its JSON form is {"op": "PasteStates",
// "fragment": "{\"StartAt\": ...}", "after": "Fetch"}.
//
// State names are unique in the whole machine, so a pasted state (or a state inside a pasted
// Parallel or Map) whose name is taken is renamed as DuplicateState names copies ("X copy",
// "X copy 2"), and every reference inside the fragment follows: StartAt, Next, Default, Choice
// rules and catchers, at any depth. A Map's Label that a Map of the machine already has is
// dropped. When the fragment's machine sets a QueryLanguage the target's does not (JSONata
// states copied into a JSONPath machine), each pasted state names it itself.
//
// With After, the states join the scope of that state, right after it in States; when it goes
// on with Next or ends with End (not a Choice, Succeed or Fail), it now leads to the fragment's
// StartAt, and the fragment's states that ended go where it went (or end, when it ended).
// Without After they join the top level, at the end of States, with nothing leading to them
// yet (a warning, as for AddState, until something does).
//
// A Next that leads out of the fragment, to a state that is not in the scope the states join
// either, becomes End: true. Other such references (a Choice rule, a Default, a catcher, or
// anything inside a pasted Parallel or Map) are kept as written, and validation reports them
// as it reports any missing target, so that no condition or catcher is lost silently.
type PasteStates struct {
	Fragment string `json:"fragment"`
	After    string `json:"after,omitempty"`
}

func (PasteStates) opName() string { return "PasteStates" }

// Pasted says what a PasteStates added: the names of the fragment's states as pasted, in the
// fragment's order (the states inside them not listed), and the names changed to keep names
// unique, at any depth.
type Pasted struct {
	States  []string
	Renamed []Renamed
}

// Renamed is one state of a fragment pasted under another name.
type Renamed struct {
	From, To string
}

// Apply pastes the fragment.
func (op PasteStates) Apply(d *Document) (*Document, error) {
	out, _, err := op.Paste(d)
	return out, err
}

// Paste pastes the fragment, and says what it added.
func (op PasteStates) Paste(d *Document) (*Document, Pasted, error) {
	a, err := beginEdit(d, op.opName(), op.After)
	if err != nil {
		return nil, Pasted{}, err
	}
	frag, err := readFragment(op.Fragment)
	if err != nil {
		// About the pasted text, not the state it was to follow.
		return nil, Pasted{}, &OpError{Op: op.opName(), Err: err}
	}
	sc := a.m.scopes[0]
	var x *stateInfo
	if op.After != "" {
		if x, err = a.find(op.After); err != nil {
			return nil, Pasted{}, err
		}
		sc = x.scope
	}

	renames, res, err := a.pasteNames(frag)
	if err != nil {
		return nil, Pasted{}, err
	}
	inScope := map[string]bool{}
	for _, n := range a.stateNames(sc) {
		inScope[n] = true
	}
	labels := a.m.mapLabels()
	inFrag := map[string]bool{}
	for _, s := range frag.states {
		inFrag[s.name] = true
	}
	for _, s := range frag.states {
		// A Next out of the fragment may still name a state of the scope it joins; one that
		// names nothing there would be an error to fix, so the state ends instead.
		if next, ok := s.def.get("Next").str(); ok && !inFrag[next] && !inScope[next] {
			a.setEnd(s.def)
		}
		renameFragment(s.def, renames, labels)
	}

	a.keepLanguage(frag)

	start := renamedTo(renames, frag.start)
	prev := ""
	if x != nil {
		prev = x.name
		if st := a.current(x); hasNextField(typeOf(st)) {
			if next, ok := st.get("Next").str(); ok {
				for _, s := range frag.states {
					if hasNextField(typeOf(s.def)) && s.def.get("End").isTrue() {
						a.setNext(s.def, next)
					}
				}
			}
			own, err := a.mutable(x.path)
			if err != nil {
				return nil, Pasted{}, a.fail("", err)
			}
			a.setNext(own, start)
		}
	} else if names := a.stateNames(sc); len(names) > 0 {
		prev = names[len(names)-1]
	}
	for _, s := range frag.states {
		name := renamedTo(renames, s.name)
		if err := a.insertState(sc, prev, name, s.def); err != nil {
			return nil, Pasted{}, a.fail("", err)
		}
		prev = name
	}
	out, err := a.document()
	if err != nil {
		return nil, Pasted{}, a.wrap(err)
	}
	return out, res, nil
}

// keepLanguage gives the states of a fragment whose machine sets a QueryLanguage other than the
// target machine's that QueryLanguage of their own (after Type), so that JSONata states stay
// JSONata in a JSONPath machine. A state that names its own is left as it is.
func (a *aslEdit) keepLanguage(f fragment) {
	lang, _ := a.doc.root.get("QueryLanguage").str()
	if lang == "" {
		lang = "JSONPath"
	}
	if f.lang == "" || f.lang == lang {
		return
	}
	for _, s := range f.states {
		if s.def.get("QueryLanguage") == nil {
			a.insertMember(s.def, s.def.find("Type")+1, "QueryLanguage", freshString(f.lang))
		}
	}
}

// fragment is a fragment of ASL read for pasting: its states, in order, with their objects
// (fresh: owned by nobody else, so the paste changes them in place), and the one to start at.
type fragment struct {
	start  string
	states []fragmentState
	lang   string // the machine's QueryLanguage, "" when it says none
}

type fragmentState struct {
	name string
	def  *node
}

// readFragment reads the three shapes PasteStates accepts, saying what is wrong and where
// (as a JSON pointer in the fragment) when the text is none of them.
func readFragment(text string) (fragment, error) {
	root, err := parseFresh([]byte(text))
	if err != nil {
		return fragment{}, fmt.Errorf("the pasted text is not JSON: %v", err) // not %w: the error is not about the document's text
	}
	const shapes = `a state machine {"StartAt": ..., "States": {...}}, a States map {"Name": {"Type": ...}}, or a state {"Type": ...}`
	if root.kind != kindObject {
		return fragment{}, fmt.Errorf("the pasted JSON is %s, not ASL: paste %s", describeKind(root), shapes)
	}
	var f fragment
	states, at := root, ""
	switch {
	case root.get("States") != nil:
		states, at = root.get("States"), "/States"
		if states.kind != kindObject {
			return fragment{}, fmt.Errorf("the pasted JSON at %s: States is %s, not an object of states", at, describeKind(states))
		}
		if s := root.get("StartAt"); s != nil {
			start, ok := s.str()
			if !ok {
				return fragment{}, fmt.Errorf("the pasted JSON at /StartAt: StartAt is %s, not a state name", describeKind(s))
			}
			f.start = start
		}
		f.lang, _ = root.get("QueryLanguage").str()
	case root.get("Type") != nil:
		t, _ := root.get("Type").str()
		if err := checkFragmentState("", root); err != nil {
			return fragment{}, err
		}
		return fragment{start: t, states: []fragmentState{{name: t, def: root}}}, nil
	}
	if len(states.members) == 0 {
		return fragment{}, fmt.Errorf("the pasted JSON holds no states: paste %s", shapes)
	}
	for _, m := range states.members {
		p := at + Path{m.key}.Pointer()
		if err := checkStateName(m.key); err != nil {
			return fragment{}, fmt.Errorf("the pasted JSON at %s: %w", p, err)
		}
		if err := checkFragmentState(p, m.value); err != nil {
			return fragment{}, err
		}
		f.states = append(f.states, fragmentState{name: m.key, def: m.value})
	}
	if f.start == "" || states.get(f.start) == nil {
		// A StartAt that names none of the states (or none at all): the first one starts.
		f.start = f.states[0].name
	}
	return f, nil
}

// checkFragmentState checks that the value at pointer p of a fragment is a state: an object
// with one of the eight types.
func checkFragmentState(p string, st *node) error {
	at := "the pasted JSON at " + p
	if p == "" {
		at += "/" // the whole fragment is the state
	}
	if st.kind != kindObject {
		return fmt.Errorf("%s: a state is a JSON object, not %s", at, describeKind(st))
	}
	t := st.get("Type")
	if t == nil {
		return fmt.Errorf("%s: the state has no Type; it is one of %s", at, quoteList(stateTypes))
	}
	if s, _ := t.str(); !knownType(s) {
		return fmt.Errorf("the pasted JSON at %s/Type: Type must be one of %s, not %s", p, quoteList(stateTypes), t.text)
	}
	return nil
}

// describeKind names a JSON value's type for messages: "an array", "the number 3".
func describeKind(n *node) string {
	switch n.kind {
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	case kindString:
		return "the string " + n.text
	}
	return n.text
}

// pasteNames chooses the names the fragment's states are pasted under: their own, or for one
// that the machine has already, a copy name free in both the machine and the fragment. A name
// used twice within the fragment is refused: its references could not be told apart.
func (a *aslEdit) pasteNames(f fragment) (map[string]string, Pasted, error) {
	var all []string
	for _, s := range f.states {
		all = append(all, s.name)
		all = append(all, nestedNames(s.def)...)
	}
	inFrag := map[string]bool{}
	for _, n := range all {
		if inFrag[n] {
			return nil, Pasted{}, a.failf("", "the pasted states use the name %q twice; state names are unique in the whole machine", n)
		}
		inFrag[n] = true
	}
	chosen := map[string]bool{}
	taken := func(n string) bool { return chosen[n] || inFrag[n] || len(a.m.byName[n]) > 0 }
	renames := map[string]string{}
	var res Pasted
	for _, n := range all {
		if len(a.m.byName[n]) == 0 {
			continue
		}
		to := copyName(n, taken)
		chosen[to] = true
		renames[n] = to
		res.Renamed = append(res.Renamed, Renamed{From: n, To: to})
	}
	for _, s := range f.states {
		res.States = append(res.States, renamedTo(renames, s.name))
	}
	return renames, res, nil
}

// renamedTo is the name name is pasted under.
func renamedTo(renames map[string]string, name string) string {
	if to := renames[name]; to != "" {
		return to
	}
	return name
}

// renameFragment renames the references of fresh state st and of the states inside it, and
// the states inside it, as renames says; a Map whose Label the machine has already loses it
// (Labels are unique in a machine). Fresh nodes belong to the paste alone, so they are changed
// in place.
func renameFragment(st *node, renames map[string]string, labels map[string]bool) {
	if st.kind != kindObject {
		return
	}
	for _, s := range slotsOf(st) {
		if to := renames[s.target]; to != "" {
			setFresh(st, s.field, freshString(to))
		}
	}
	if l, ok := st.get("Label").str(); ok && typeOf(st) == "Map" && labels[l] {
		deleteKey(st, "Label")
	}
	for _, sub := range subMachines(st) {
		if sub.value.kind != kindObject {
			continue
		}
		if s, ok := sub.value.get("StartAt").str(); ok && renames[s] != "" {
			setFresh(sub.value, Path{"StartAt"}, freshString(renames[s]))
		}
		states := sub.value.get("States")
		if states == nil || states.kind != kindObject {
			continue
		}
		for i := range states.members {
			if to := renames[states.members[i].key]; to != "" {
				renameMember(states, i, to)
			}
			renameFragment(states.members[i].value, renames, labels)
		}
	}
}

// setFresh puts v at the relative path p inside fresh node n, which must lead somewhere.
func setFresh(n *node, p Path, v *node) {
	for _, step := range p[:len(p)-1] {
		n = n.child(step).value
	}
	n.child(p[len(p)-1]).value = v
}

// mapLabels lists the Labels of the machine's Map states.
func (m *machine) mapLabels() map[string]bool {
	out := map[string]bool{}
	for _, s := range m.states {
		if l, ok := s.node.get("Label").str(); ok && typeOf(s.node) == "Map" {
			out[l] = true
		}
	}
	return out
}
