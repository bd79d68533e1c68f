package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// In a JSONata state a field value is JSON in which a string written exactly as
// "{% expression %}" is a JSONata expression and everything else is literal (no ".$"
// keys). Expressions are compiled once, at Parse, so a definition AWS would refuse is
// refused here with a location too.

// Diagnostic codes AWS gives JSONata expressions it refuses.
const (
	CodeInvalidJSONata     = "INVALID_JSONATA_EXPRESSION"
	CodeUnsupportedJSONata = "UNSUPPORTED_JSONATA_EXPRESSION"
)

type jsonataTemplate struct {
	// literal is the value of a template without expressions.
	literal any
	// expr is set for a "{% %}" string; src is its text as AWS quotes it in causes, field
	// the field it sits in ("Output/result"), vars the variables it may read.
	expr  *jsonata.Expr
	src   string
	field string
	vars  []string
	// reads says which parts of $states the expression can reach, so that only those are
	// converted for the engine (jsonata_env.go).
	reads statesReads
	// fields or items are set for an object or array holding expressions.
	fields []jsonataMember
	items  []*jsonataTemplate
	isObj  bool
	isArr  bool
}

type jsonataMember struct {
	name string
	t    *jsonataTemplate
}

// jsonataExpression reports whether s is written as "{% ... %}", and gives what is inside.
func jsonataExpression(s string) (string, bool) {
	if len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") {
		return s[2 : len(s)-2], true
	}
	return "", false
}

// variableMention finds the $names an expression mentions: the variables it may read are
// among them, so only those are handed to the engine.
var variableMention = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)

// compileJSONata compiles the value v of field (such as "Output"). report receives the
// location relative to the field, AWS's diagnostic code and the message.
func compileJSONata(v any, field string, report func(rel, code, msg string)) *jsonataTemplate {
	return compileJSONataAt(v, field, "", report)
}

func compileJSONataAt(v any, field, rel string, report func(rel, code, msg string)) *jsonataTemplate {
	switch t := v.(type) {
	case string:
		src, ok := jsonataExpression(t)
		if !ok {
			return &jsonataTemplate{literal: t}
		}
		e, err := jsonata.Compile(src)
		if err != nil {
			var je *jsonata.Error
			msg := err.Error()
			if errors.As(err, &je) {
				msg = je.Message
			}
			report(rel, CodeInvalidJSONata, msg)
			return &jsonataTemplate{literal: t}
		}
		for _, r := range e.InputReferences() {
			report(rel, CodeUnsupportedJSONata, fmt.Sprintf("Reference to '%s' at the top level is not supported.", r.Name))
		}
		out := &jsonataTemplate{expr: e, src: strings.TrimSpace(src), field: field + rel, reads: statesReadsOf(src)}
		for _, m := range variableMention.FindAllString(src, -1) {
			if name := m[1:]; name != "states" && !slices.Contains(out.vars, name) {
				out.vars = append(out.vars, name)
			}
		}
		return out
	case *object:
		out := &jsonataTemplate{isObj: true}
		dynamic := false
		for _, m := range t.members {
			ft := compileJSONataAt(m.val, field, rel+"/"+m.key, report)
			dynamic = dynamic || !ft.isLiteral()
			out.fields = append(out.fields, jsonataMember{m.key, ft})
		}
		if !dynamic {
			return &jsonataTemplate{literal: t}
		}
		return out
	case []any:
		out := &jsonataTemplate{isArr: true}
		dynamic := false
		for i, e := range t {
			et := compileJSONataAt(e, field, fmt.Sprintf("%s/%d", rel, i), report)
			dynamic = dynamic || !et.isLiteral()
			out.items = append(out.items, et)
		}
		if !dynamic {
			return &jsonataTemplate{literal: t}
		}
		return out
	}
	return &jsonataTemplate{literal: v}
}

func (t *jsonataTemplate) isLiteral() bool { return t.expr == nil && !t.isObj && !t.isArr }

// eval builds the template's value.
func (t *jsonataTemplate) eval(env *jsonataEnv) (any, error) {
	switch {
	case t.expr != nil:
		return t.evalExpr(env)
	case t.isObj:
		o := newObject(len(t.fields))
		for _, f := range t.fields {
			v, err := f.t.eval(env)
			if err != nil {
				return nil, err
			}
			o.members = append(o.members, member{f.name, v})
		}
		o.indexLarge()
		return o, nil
	case t.isArr:
		out := make([]any, len(t.items))
		for i, it := range t.items {
			v, err := it.eval(env)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return t.literal, nil
}

func (t *jsonataTemplate) evalExpr(env *jsonataEnv) (any, error) {
	env.bind(t)
	r, err := t.expr.EvalWithLimits(jsonata.Undefined, env.bindings, env.lim)
	if err != nil {
		return nil, t.fail("threw an error during evaluation. %s", err.Error())
	}
	if r == jsonata.Undefined {
		return nil, t.fail("returned nothing (undefined).")
	}
	out, ok := fromJSONata(r)
	if !ok {
		return nil, t.fail("returned an unsupported result type.")
	}
	return out, nil
}

// fail is a States.QueryEvaluationError about the expression, worded as AWS words it.
func (t *jsonataTemplate) fail(format string, args ...any) *Error {
	return &Error{Name: ErrNameQueryEvaluation, Cause: fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' ", t.src, t.field) +
		fmt.Sprintf(format, args...), location: t.field}
}

// wrongType is the failure of a field whose expression gave a value of the wrong type.
func (t *jsonataTemplate) wrongType(want string, v any) *Error {
	if t.expr == nil {
		return &Error{Name: ErrNameQueryEvaluation, Cause: fmt.Sprintf("The field '%s' must be %s, but was '%s' for value: %s", t.field, want, jsonTypeName(v), jsonText(v)),
			location: t.field}
	}
	return t.fail("returned an unexpected result type. Expected '%s', but was '%s' for value: %s", want, jsonTypeName(v), jsonText(v))
}
