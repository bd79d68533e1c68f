package runtime

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// ChoiceState picks the next state by the first matching rule, or Default (Type "Choice").
type ChoiceState struct {
	StateBase
	Choices []*ChoiceRule
	// Default is the state to go to when no rule matches ("" for none: the execution fails).
	Default string
}

// ChoiceRule is a rule of a Choice state: a boolean combination (And, Or, Not) or a data
// test of Variable with one Operator. Only top-level rules have Next.
type ChoiceRule struct {
	Next    string
	Comment string

	And []*ChoiceRule
	Or  []*ChoiceRule
	Not *ChoiceRule

	Variable *Path
	// Operator is the comparison as written, such as "StringEquals", "NumericLessThanPath"
	// or "IsPresent".
	Operator string

	op          choiceOp
	operand     any   // the literal to compare with
	operandPath *Path // for the ...Path operators
	pattern     *regexp.Regexp
	// assign is the rule's Assign (top-level rules only): when the rule matches, it is
	// evaluated instead of the state's.
	assign *assignment
	// condition is the Condition of a JSONata rule, and output its Output, which replaces
	// the state's when the rule matches.
	condition *jsonataTemplate
	output    *jsonataTemplate
}

// choiceOp describes an operator: the type family it compares and how.
type choiceOp struct {
	family string // "String", "Numeric", "Boolean", "Timestamp", "StringMatches" or "Is"
	// accept turns a comparison result (-1, 0, 1) into the rule's outcome.
	accept func(c int) bool
	isPath bool
}

// choiceOps lists every data-test operator of the States Language.
var choiceOps = func() map[string]choiceOp {
	relations := map[string]func(int) bool{
		"Equals":            func(c int) bool { return c == 0 },
		"LessThan":          func(c int) bool { return c < 0 },
		"GreaterThan":       func(c int) bool { return c > 0 },
		"LessThanEquals":    func(c int) bool { return c <= 0 },
		"GreaterThanEquals": func(c int) bool { return c >= 0 },
	}
	ops := map[string]choiceOp{}
	for _, fam := range []string{"String", "Numeric", "Timestamp"} {
		for rel, accept := range relations {
			ops[fam+rel] = choiceOp{family: fam, accept: accept}
			ops[fam+rel+"Path"] = choiceOp{family: fam, accept: accept, isPath: true}
		}
	}
	ops["BooleanEquals"] = choiceOp{family: "Boolean", accept: relations["Equals"]}
	ops["BooleanEqualsPath"] = choiceOp{family: "Boolean", accept: relations["Equals"], isPath: true}
	ops["StringMatches"] = choiceOp{family: "StringMatches"}
	for _, is := range []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} {
		ops[is] = choiceOp{family: "Is"}
	}
	return ops
}()

func (p *parser) parseChoice(obj *object, s site, b StateBase) State {
	st := &ChoiceState{StateBase: b, Default: p.optString(obj, s, "Default")}
	v, ok := obj.get("Choices")
	arr, isArr := v.([]any)
	if !ok || !isArr || len(arr) == 0 {
		p.schemaf(s, "Choices", "a Choice state needs a non-empty array of rules in Choices")
		return st
	}
	for i, rv := range arr {
		field := fmt.Sprintf("Choices/%d", i)
		if b.jsonata {
			st.Choices = append(st.Choices, p.parseJSONataRule(rv, s, field))
			continue
		}
		st.Choices = append(st.Choices, p.parseRule(rv, s, field, true))
	}
	return st
}

// parseRule parses one rule; field is its location inside the state (Choices/0/And/1).
func (p *parser) parseRule(v any, s site, field string, top bool) *ChoiceRule {
	r := &ChoiceRule{}
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, field, "a choice rule must be an object")
		return r
	}
	at := func(f string) string { return field + "/" + f }
	if c, ok := obj.get("Comment"); ok {
		r.Comment, _ = c.(string)
	}
	if n, ok := obj.get("Next"); ok {
		r.Next, _ = n.(string)
		if !top {
			p.schemaf(s, at("Next"), "only top-level choice rules have Next")
		}
	} else if top {
		p.schemaf(s, field, "a choice rule needs Next")
	}
	var ops []string
	for _, m := range obj.members {
		k := m.key
		switch k {
		case "Next", "Comment", "Variable":
		case "Assign":
			if !top {
				p.schemaf(s, at(k), "only top-level choice rules have Assign")
				continue
			}
			r.assign = p.parseAssign(m.val, s, at(k))
		case "And", "Or":
			list, ok := m.val.([]any)
			if !ok || len(list) == 0 {
				p.schemaf(s, at(k), "must be a non-empty array of rules")
				continue
			}
			rules := make([]*ChoiceRule, len(list))
			for i, e := range list {
				rules[i] = p.parseRule(e, s, fmt.Sprintf("%s/%d", at(k), i), false)
			}
			if k == "And" {
				r.And = rules
			} else {
				r.Or = rules
			}
			ops = append(ops, k)
		case "Not":
			r.Not = p.parseRule(m.val, s, at(k), false)
			ops = append(ops, k)
		case "Condition", "Output":
			p.schemaf(s, at(k), "The field '%s' is only supported for the JSONata query language: set \"QueryLanguage\": \"JSONata\"", k)
		default:
			op, known := choiceOps[k]
			if !known {
				p.schemaf(s, at(k), "Field '%s' is not supported", k)
				continue
			}
			r.Operator, r.op = k, op
			ops = append(ops, k)
			p.parseOperand(r, m.val, s, at(k))
		}
	}
	if len(ops) != 1 {
		p.schemaf(s, field, "a choice rule needs exactly one of And, Or, Not or a comparison operator, not %d", len(ops))
		return r
	}
	varV, hasVar := obj.get("Variable")
	switch {
	case r.Operator != "" && !hasVar:
		p.schemaf(s, field, "a comparison needs Variable")
	case r.Operator == "" && hasVar:
		p.schemaf(s, at("Variable"), "And, Or and Not rules have no Variable")
	case hasVar:
		r.Variable = p.referencePath(s, at("Variable"), varV)
	}
	return r
}

// parseOperand checks the operand's type against the operator's family.
func (p *parser) parseOperand(r *ChoiceRule, v any, s site, field string) {
	if r.op.isPath {
		r.operandPath = p.referencePath(s, field, v)
		return
	}
	r.operand = v
	switch r.op.family {
	case "String":
		if _, ok := v.(string); !ok {
			p.schemaf(s, field, "must be a string")
		}
	case "Numeric":
		if _, ok := v.(json.Number); !ok {
			p.schemaf(s, field, "must be a number")
		}
	case "Boolean", "Is":
		if _, ok := v.(bool); !ok {
			p.schemaf(s, field, "must be true or false")
		}
	case "Timestamp":
		str, _ := v.(string)
		if _, ok := parseTimestamp(str); !ok {
			p.schemaf(s, field, "%s is not an ISO-8601 timestamp such as 2016-03-14T01:59:00Z", jsonText(v))
		}
	case "StringMatches":
		str, ok := v.(string)
		if !ok {
			p.schemaf(s, field, "must be a string")
			return
		}
		re, err := compileStringMatches(str)
		if err != nil {
			p.schemaf(s, field, "%v", err)
			return
		}
		r.pattern = re
	}
}

// compileStringMatches turns a StringMatches pattern into a regular expression: * matches
// any run of characters, \* a star and \\ a backslash; nothing else is special.
func compileStringMatches(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\':
			if i+1 >= len(pattern) {
				return nil, fmt.Errorf("the pattern %q ends with an unescaped backslash", pattern)
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		case c == '*':
			b.WriteString(`.*`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}

func (x *execution) runChoice(s *ChoiceState, sr *stateRun, raw any) (any, string, error) {
	next := ""
	out, err := x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) {
		for _, r := range s.Choices {
			ok, err := x.evalRule(r, effective, sr)
			if err != nil {
				return nil, err
			}
			if ok {
				// The matching rule's Assign replaces the state's (AWS evaluates the
				// state-level Assign only when the Default is taken).
				sr.assign, sr.output = r.assign, r.output
				next = r.Next
				return effective, nil
			}
		}
		if s.Default == "" {
			// AWS names this error in its documentation; the wording of the cause is ours.
			return nil, &Error{Name: ErrNameNoChoiceMatched,
				Cause: statePrefix(s.Name, sr.enteredID) + "No Choice Rules matched and no Default was specified."}
		}
		next = s.Default
		return effective, nil
	})
	return out, next, err
}

// evalRule evaluates a rule over the Choice state's effective input.
func (x *execution) evalRule(r *ChoiceRule, input any, sr *stateRun) (bool, error) {
	switch {
	case r.condition != nil:
		return sr.jsonata.condition(r.condition)
	case r.And != nil:
		for _, sub := range r.And {
			ok, err := x.evalRule(sub, input, sr)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.Or != nil:
		for _, sub := range r.Or {
			ok, err := x.evalRule(sub, input, sr)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.Not != nil:
		ok, err := x.evalRule(r.Not, input, sr)
		return !ok, err
	}
	base, err := x.pathBase(r.Variable, input, sr)
	if r.Operator == "IsPresent" {
		// An undefined variable is not present.
		present := err == nil && r.Variable.exists(base)
		return present == r.operand.(bool), nil
	}
	if err != nil {
		return false, err
	}
	v, err := r.Variable.find(base)
	if err != nil {
		return false, runtimeError("Invalid path '%s': The choice state's condition path references an invalid value.", r.Variable)
	}
	if r.op.family == "Is" {
		return isType(r.Operator, v) == r.operand.(bool), nil
	}
	want := r.operand
	if r.operandPath != nil {
		operandBase, err := x.pathBase(r.operandPath, input, sr)
		if err != nil {
			return false, err
		}
		want, err = r.operandPath.find(operandBase)
		if err != nil {
			return false, runtimeError("Invalid path '%s': The choice state's condition path references an invalid value.", r.operandPath)
		}
	}
	if r.op.family == "StringMatches" {
		str, ok := v.(string)
		return ok && r.pattern.MatchString(str), nil
	}
	c, comparable := compareAs(r.op.family, v, want)
	return comparable && r.op.accept(c), nil
}

// isType answers the Is* operators (IsPresent aside).
func isType(op string, v any) bool {
	switch op {
	case "IsNull":
		return v == nil
	case "IsNumeric":
		_, ok := v.(json.Number)
		return ok
	case "IsString":
		_, ok := v.(string)
		return ok
	case "IsBoolean":
		_, ok := v.(bool)
		return ok
	case "IsTimestamp":
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, ok = parseTimestamp(s)
		return ok
	}
	return false
}

// compareAs compares two values as the operator's family does; values of another type
// make the comparison false rather than an error, as in AWS.
func compareAs(family string, a, b any) (int, bool) {
	switch family {
	case "String":
		x, ok1 := a.(string)
		y, ok2 := b.(string)
		if !ok1 || !ok2 {
			return 0, false
		}
		return compareUTF16(x, y), true
	case "Numeric":
		x, ok1 := a.(json.Number)
		y, ok2 := b.(json.Number)
		if !ok1 || !ok2 {
			return 0, false
		}
		c, err := compareNumbers(x, y)
		return c, err == nil
	case "Boolean":
		x, ok1 := a.(bool)
		y, ok2 := b.(bool)
		if !ok1 || !ok2 || x != y {
			return 1, ok1 && ok2
		}
		return 0, true
	case "Timestamp":
		x, ok1 := a.(string)
		y, ok2 := b.(string)
		if !ok1 || !ok2 {
			return 0, false
		}
		tx, ok1 := parseTimestamp(x)
		ty, ok2 := parseTimestamp(y)
		if !ok1 || !ok2 {
			return 0, false
		}
		return tx.Compare(ty), true
	}
	return 0, false
}

// compareUTF16 orders strings as Java's String.compareTo does (by UTF-16 code units), which
// differs from Go's byte order for characters beyond the Basic Multilingual Plane.
func compareUTF16(a, b string) int {
	if a == b {
		return 0
	}
	x, y := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(x) && i < len(y); i++ {
		if x[i] != y[i] {
			if x[i] < y[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(x) < len(y):
		return -1
	case len(x) > len(y):
		return 1
	}
	return 0
}
