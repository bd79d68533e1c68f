package designer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// SetField sets or deletes one field of a state, as the inspector's forms do: Field is a path
// inside the state, such as ["Comment"], ["Parameters"], ["Catch"] or ["Retry", 0,
// "MaxAttempts"]; Value is the new JSON value (null is a value: "ResultPath": null discards the
// result), or Delete removes the field. Its JSON form is {"state": "A", "field": ["Retry", 0,
// "MaxAttempts"], "value": 3} or {"state": "A", "field": ["Comment"], "delete": true}.
//
// The field's parent must exist (an index equal to an array's length appends). Setting a value
// equal to the one there (as JSON, whatever the spacing) and deleting a field that is not there
// change nothing, so a form can send all its fields and only the changed ones are rewritten.
//
// Next and End stay consistent: setting End to true removes Next, setting Next removes End,
// deleting Next makes the state End, and deleting End (or setting it false) is refused unless
// the state has a Next. Next, Default and the Next of rules and catchers must name a state of
// the same scope. Type cannot be changed here (that will be a ChangeType operation), nor the
// states inside a Parallel or Map (use the state operations).
type SetField struct {
	State  string          `json:"state"`
	Field  Path            `json:"field"`
	Value  json.RawMessage `json:"value,omitempty"`
	Delete bool            `json:"delete,omitempty"`
}

func (SetField) opName() string { return "SetField" }

// Apply sets or deletes the field.
func (op SetField) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	field := strings.TrimPrefix(op.Field.Pointer(), "/")
	if err := op.check(a, x); err != nil {
		return nil, err
	}
	st := a.current(x)
	old, _, lookErr := lookup(st, op.Field)
	var value *node
	if op.Delete {
		if lookErr != nil {
			return d, nil // already gone
		}
	} else {
		if value, err = parseFresh(op.Value); err != nil {
			return nil, a.fail(field, fmt.Errorf("value: %w", err))
		}
		if lookErr == nil && compactText(old) == compactText(value) {
			return d, nil // the same value: keep it as written
		}
	}

	if len(op.Field) == 1 {
		done, err := op.setFlow(a, x, value)
		if err != nil {
			return nil, a.fail(field, err)
		}
		if done {
			return a.document()
		}
	}
	p := x.path.with(op.Field...)
	if op.Delete {
		err = a.delete(p)
	} else {
		err = a.set(p, value)
	}
	if err != nil {
		return nil, a.fail(field, err)
	}
	if err := checkTargets(a, x, op.Field); err != nil {
		return nil, err
	}
	out, err := a.document()
	if err != nil || op.Field[0] != "Choices" {
		return out, err
	}
	if err := checkRules(a, x, d, out, op.Field); err != nil {
		return nil, err
	}
	return out, nil
}

// check refuses what SetField does not edit.
func (op SetField) check(a *aslEdit, x *stateInfo) error {
	field := strings.TrimPrefix(op.Field.Pointer(), "/")
	switch {
	case len(op.Field) == 0:
		return a.failf("", "the field path is empty: name a field, such as [\"Comment\"]")
	case op.Delete && len(op.Value) > 0:
		return a.failf(field, "give a value or delete, not both")
	case !op.Delete && len(op.Value) == 0:
		return a.failf(field, "give a value (JSON) or delete: true")
	}
	if a.current(x).kind != kindObject {
		return a.failf("", "the state is not a JSON object; fix it in the code first")
	}
	key, ok := op.Field[0].(string)
	if !ok {
		return a.failf(field, "a field path starts with a field name")
	}
	inner := func(i int) string { // the key at position i, "" if none
		if i < len(op.Field) {
			s, _ := op.Field[i].(string)
			return s
		}
		return ""
	}
	switch key {
	case "Type":
		return a.failf(field, "changing a state's Type is not a field edit (a ChangeType operation will come); insert a state of the new type instead")
	case "Branches":
		if len(op.Field) < 3 || inner(2) == "StartAt" || inner(2) == "States" {
			return a.failf(field, "the states of a branch are edited with the state operations (insert, move, delete, rename), not as a field")
		}
	case "ItemProcessor", "Iterator":
		if len(op.Field) < 2 || inner(1) == "StartAt" || inner(1) == "States" {
			return a.failf(field, "the states of an item processor are edited with the state operations (insert, move, delete, rename), not as a field")
		}
	}
	return nil
}

// setFlow applies the rules for the top-level Next, End and Default fields; done is false for
// other fields, which the caller sets as they are.
func (op SetField) setFlow(a *aslEdit, x *stateInfo, value *node) (done bool, err error) {
	key := op.Field[0].(string)
	typ := typeOf(a.current(x))
	if (key == "Next" || key == "End") && !hasNextField(typ) {
		return false, fmt.Errorf("a %s state has no %s field", typ, key)
	}
	switch key {
	case "Next":
		st, err := a.mutable(x.path)
		if err != nil {
			return false, err
		}
		if op.Delete {
			a.setEnd(st)
			return true, nil
		}
		if err := a.checkTarget(x, value); err != nil {
			return false, err
		}
		a.swapKeys(st, "End", "Next", value)
		return true, nil
	case "End":
		st, err := a.mutable(x.path)
		if err != nil {
			return false, err
		}
		switch {
		case value != nil && value.kind != kindBool:
			return false, fmt.Errorf("End must be true or false, not %s", value.text)
		case value != nil && value.isTrue():
			a.swapKeys(st, "Next", "End", value)
		case st.find("Next") < 0:
			return false, fmt.Errorf("a state needs Next or End: set Next to the state that follows instead")
		default:
			deleteKey(st, "End")
		}
		return true, nil
	case "Default":
		if value != nil {
			if err := a.checkTarget(x, value); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

// checkTarget checks that value names a state in the scope of state x.
func (a *aslEdit) checkTarget(x *stateInfo, value *node) error {
	name, ok := value.str()
	if !ok {
		return fmt.Errorf("a transition names a state with a string, not %s", value.text)
	}
	for _, n := range a.stateNames(x.scope) {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("no state named %q in %s", name, x.scope.describe())
}

// checkTargets checks that the transitions the edit of field wrote (the Next of rules and
// catchers set in a list, or one by one) name states of the state's scope.
func checkTargets(a *aslEdit, x *stateInfo, field Path) error {
	for _, s := range slotsOf(a.current(x)) {
		if !hasPrefix(s.field, field) && !hasPrefix(field, s.field) {
			continue
		}
		if err := a.checkTarget(x, freshString(s.target)); err != nil {
			return a.fail(strings.TrimPrefix(s.field.Pointer(), "/"), err)
		}
	}
	return nil
}

// hasPrefix reports whether path p starts with prefix.
func hasPrefix(p, prefix Path) bool {
	if len(prefix) > len(p) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

// checkRules refuses an edit of the rules of Choice state x (field is inside its Choices) that
// leaves a rule the runtime would refuse, such as a NumericEquals that is not a number, a path
// that does not parse or a Condition that is no JSONata, naming the rule and its field. Only
// the problems the edit made count, inside the field it edited: a rule already broken
// elsewhere is the validator's to report.
func checkRules(a *aslEdit, x *stateInfo, before, after *Document, field Path) error {
	if typeOf(a.current(x)) != "Choice" {
		return nil
	}
	edited := strings.TrimPrefix(field.Pointer(), "/")
	problems := func(d *Document) []runtime.Diagnostic {
		var out []runtime.Diagnostic
		for _, p := range ruleProblems(a.languageAround(x), x.name, d, x.path) {
			if strings.HasPrefix(p.Field+"/", edited+"/") || strings.HasPrefix(edited+"/", p.Field+"/") {
				out = append(out, p)
			}
		}
		return out
	}
	found := problems(after)
	if len(found) == 0 {
		return nil
	}
	had := map[string]bool{}
	for _, p := range problems(before) {
		had[p.Field+"\x00"+p.Message] = true
	}
	for _, p := range found {
		if !had[p.Field+"\x00"+p.Message] {
			return a.fail(p.Field, fmt.Errorf("%s", describeRuleProblem(p)))
		}
	}
	return nil
}

// ruleProblems are the errors the runtime finds in the Choices of the state at path of d, in
// the query language the state inherits: the state is checked as the only state of a machine,
// so the targets of its rules, in the rest of the machine, are not its problems here.
func ruleProblems(language, name string, d *Document, path Path) []runtime.Diagnostic {
	raw, err := d.Get(path)
	if err != nil {
		return nil
	}
	key := quote(name)
	alone := `{"QueryLanguage": ` + quote(language) + `, "StartAt": ` + key + `, "States": {` + key + `: ` + string(raw) + `}}`
	var out []runtime.Diagnostic
	for _, p := range runtime.Validate([]byte(alone)) {
		if p.Severity == runtime.SeverityError && p.Code != runtime.CodeMissingTarget && p.State == name &&
			(p.Field == "Choices" || strings.HasPrefix(p.Field, "Choices/")) {
			out = append(out, p)
		}
	}
	return out
}

// describeRuleProblem says a problem of a rule in words: "rule 2: NumericEquals must be a
// number" for the field Choices/1/And/0/NumericEquals.
func describeRuleProblem(p runtime.Diagnostic) string {
	steps := strings.Split(p.Field, "/")
	msg := p.Message
	if last := steps[len(steps)-1]; strings.HasPrefix(msg, "must ") {
		msg = last + " " + msg
	}
	if len(steps) < 2 {
		return msg
	}
	n, err := strconv.Atoi(steps[1])
	if err != nil {
		return msg
	}
	return fmt.Sprintf("rule %d: %s", n+1, msg)
}
