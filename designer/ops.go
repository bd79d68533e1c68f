package designer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Op is one edit of a state machine document: a gesture in the designer, a form field in the
// inspector, or a code edit. Ops are plain values with a JSON form (see MarshalOp), so the
// browser, the server and an undo history can exchange and keep them.
type Op interface {
	// Apply returns the edited document; d is not changed. An edit that cannot be made
	// returns an *OpError saying what and where, and no document.
	Apply(d *Document) (*Document, error)
	// opName is the op's "op" field in JSON: its type's name.
	opName() string
}

// OpError is why an edit was refused, with the state and field it is about, so the designer
// can mark them.
type OpError struct {
	// Op is the operation: "InsertState", "SetField", ...
	Op string
	// State is the state the edit is about, "" when none.
	State string
	// Field is the field of that state, as a JSON pointer inside the state ("Catch/0/Next"),
	// "" when the edit is refused as a whole.
	Field string
	// Err says what is wrong.
	Err error
}

// Error reads `designer: DeleteState "Fetch": <what is wrong>` or, with a field,
// `designer: SetField "Fetch" Next: <what is wrong>`.
func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString("designer: ")
	b.WriteString(e.Op)
	if e.State != "" {
		b.WriteString(" " + strconv.Quote(e.State))
	}
	if e.Field != "" {
		b.WriteString(" " + e.Field)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "designer: "))
	return b.String()
}

// Unwrap returns the cause, so errors.Is finds ErrNoSuchState and ErrNotStateMachine.
func (e *OpError) Unwrap() error { return e.Err }

// opTypes makes an empty op of each kind, by name, for UnmarshalOp.
var opTypes = map[string]func() Op{
	"InsertState":     func() Op { return &InsertState{} },
	"AddState":        func() Op { return &AddState{} },
	"MoveState":       func() Op { return &MoveState{} },
	"DeleteState":     func() Op { return &DeleteState{} },
	"DuplicateState":  func() Op { return &DuplicateState{} },
	"RenameState":     func() Op { return &RenameState{} },
	"SetField":        func() Op { return &SetField{} },
	"WrapStates":      func() Op { return &WrapStates{} },
	"PasteStates":     func() Op { return &PasteStates{} },
	"ReplaceDocument": func() Op { return &ReplaceDocument{} },

	"ConvertQueryLanguage": func() Op { return &ConvertQueryLanguage{} },
}

// MarshalOp writes an op as a JSON object whose "op" field names its kind, followed by its
// own fields: {"op":"RenameState","from":"A","to":"B"}.
func MarshalOp(op Op) ([]byte, error) {
	// Values are kept as written: a ">" in a JSONata Condition stays ">", not "\u003e".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(op); err != nil {
		return nil, fmt.Errorf("designer: marshal %s: %w", op.opName(), err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	head := `{"op":` + strconv.Quote(op.opName())
	if string(body) == "{}" {
		return []byte(head + "}"), nil
	}
	return append([]byte(head+","), body[1:]...), nil
}

// UnmarshalOp reads an op written by MarshalOp (or by the browser in the same form). Unknown
// fields are refused, so a misspelt field is an error rather than an edit that does something
// else.
func UnmarshalOp(data []byte) (Op, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("designer: an op is a JSON object: %w", err)
	}
	var name string
	if err := json.Unmarshal(fields["op"], &name); err != nil || name == "" {
		return nil, errors.New(`designer: an op needs an "op" field naming its kind, such as "InsertState"`)
	}
	mk, ok := opTypes[name]
	if !ok {
		return nil, fmt.Errorf("designer: unknown op %q", name)
	}
	delete(fields, "op")
	var rest bytes.Buffer
	enc := json.NewEncoder(&rest)
	enc.SetEscapeHTML(false) // a value's "<", ">" and "&" stay as written
	if err := enc.Encode(fields); err != nil {
		return nil, fmt.Errorf("designer: op %s: %w", name, err)
	}
	op := mk()
	dec := json.NewDecoder(&rest)
	dec.DisallowUnknownFields()
	if err := dec.Decode(op); err != nil {
		return nil, fmt.Errorf("designer: op %s: %w", name, err)
	}
	// Return the value, not the pointer, so ops compare and switch the same whichever way
	// they were made.
	switch o := op.(type) {
	case *InsertState:
		return *o, nil
	case *AddState:
		return *o, nil
	case *MoveState:
		return *o, nil
	case *DeleteState:
		return *o, nil
	case *DuplicateState:
		return *o, nil
	case *RenameState:
		return *o, nil
	case *SetField:
		return *o, nil
	case *WrapStates:
		return *o, nil
	case *PasteStates:
		return *o, nil
	case *ReplaceDocument:
		return *o, nil
	case *ConvertQueryLanguage:
		return *o, nil
	}
	return op, nil
}

// ReplaceDocument replaces the whole text, as the code editor does. The text is kept exactly
// as typed; it must be JSON, and need not be valid ASL yet (the validator says what is wrong).
type ReplaceDocument struct {
	Text string `json:"text"`
}

func (ReplaceDocument) opName() string { return "ReplaceDocument" }

// Apply parses the text; a syntax error is an *OpError wrapping the *SyntaxError.
func (op ReplaceDocument) Apply(*Document) (*Document, error) {
	d, err := parseString(op.Text)
	if err != nil {
		return nil, &OpError{Op: op.opName(), Err: err}
	}
	return d, nil
}

// DeleteState removes a state and reconnects the flow around it: every transition into it
// goes to its Next instead (for a Choice, to its Default, or to its first rule's target when it
// has none), and StartAt follows. When it has no next state, a Next into it becomes End, a
// catcher or Default into it is removed, and a Choice rule into it makes the delete refused. A
// Parallel or Map goes with the states inside it. Deleting the only state of a Parallel branch
// deletes the branch, when the Parallel has another; deleting the only state of a Parallel's
// only branch or of a Map's item processor leaves that scope empty ("StartAt": "" and no
// States), which the validator reports and the designer offers as a drop zone, as AWS Workflow
// Studio shows an empty Map. Deleting the only state of the machine, or the last state that
// ends a scope, is refused.
type DeleteState struct {
	State string `json:"state"`
}

func (DeleteState) opName() string { return "DeleteState" }

// Apply deletes the state.
func (op DeleteState) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	if sc := x.scope; sc.owner != nil && typeOf(sc.owner.node) == "Parallel" && len(a.stateNames(sc)) == 1 {
		// The only state of a branch: the branch goes with it, if the Parallel keeps another.
		branches, err := a.node(sc.owner.path.with("Branches"))
		if err != nil {
			return nil, err
		}
		if len(branches.members) > 1 {
			if err := a.delete(sc.path); err != nil {
				return nil, a.fail("", err)
			}
			return a.document()
		}
	}
	if sc := x.scope; sc.owner != nil && len(a.stateNames(sc)) == 1 {
		// Nothing else in the scope refers to the state, so nothing needs reconnecting.
		if err := a.removeState(sc, x.name); err != nil {
			return nil, a.fail("", err)
		}
		if err := a.setStartAt(sc, ""); err != nil {
			return nil, a.fail("", err)
		}
		return a.document()
	}
	ended := a.ends(x.scope)
	if err := a.detach(x, false); err != nil {
		return nil, err
	}
	if err := a.removeState(x.scope, x.name); err != nil {
		return nil, a.fail("", err)
	}
	if err := a.keepsEnding(x.scope, ended); err != nil {
		return nil, err
	}
	return a.document()
}

// RenameState renames a state, and every reference to it follows: StartAt, Next, Default,
// Choice rules and catchers of the states of its own scope (references from other scopes are
// invalid anyway and stay as they are). The state's object is kept as written, in its place.
// Renaming to the same name changes nothing; to a name in use, or not valid for AWS, is
// refused.
type RenameState struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (RenameState) opName() string { return "RenameState" }

// Apply renames the state.
func (op RenameState) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.From)
	if err != nil {
		return nil, err
	}
	if op.To == op.From {
		return d, nil
	}
	if err := a.m.checkNewName(op.To); err != nil {
		return nil, a.fail("", err)
	}
	states, err := a.statesOf(x.scope)
	if err != nil {
		return nil, a.fail("", err)
	}
	renameMember(states, states.find(x.name), op.To)
	if err := a.retarget(x.scope, op.From, op.To); err != nil {
		return nil, a.fail("", err)
	}
	return a.document()
}
