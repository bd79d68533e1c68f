package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

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
	// readsContext is set unless every use of $states reads input, result or errorOutput:
	// only then is the context object, which costs more than most expressions, built.
	readsContext bool
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
		out := &jsonataTemplate{expr: e, src: strings.TrimSpace(src), field: field + rel, readsContext: mayReadContext(src)}
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

// statesUse finds each use of $states, with the member it reads when that is input,
// result or errorOutput.
var statesUse = regexp.MustCompile(`\$states(\s*\.\s*(input|result|errorOutput)\b)?`)

// mayReadContext reports whether an expression may read $states.context: it uses $states
// other than to read input, result or errorOutput.
func mayReadContext(src string) bool {
	for _, m := range statesUse.FindAllStringSubmatch(src, -1) {
		if m[2] == "" {
			return true
		}
	}
	return false
}

func (t *jsonataTemplate) isLiteral() bool { return t.expr == nil && !t.isObj && !t.isArr }

// jsonataEnv is what the expressions of one state visit see: $states (input, context,
// then result or errorOutput), AWS's added functions, and the workflow variables as they
// were when the state was entered.
type jsonataEnv struct {
	states   *jsonata.Object
	bindings map[string]any
	vars     *scope
	lim      jsonata.Limits
	// context gives the context object; contextOnce adds it to states once an expression
	// that may read it runs (a Map's items may ask at once).
	context     func() any
	contextOnce sync.Once
}

// jsonataEnv prepares the expressions' environment for a visit of a state with input.
func (x *execution) jsonataEnv(sr *stateRun, input any) *jsonataEnv {
	states := jsonata.NewObject()
	states.Set("input", toJSONata(input))
	b := make(map[string]any, len(awsFunctions)+4)
	for name, f := range awsFunctions {
		b[name] = f
	}
	b["states"] = states
	// One time for every $now() of the visit: AWS keeps it stable within an expression.
	return &jsonataEnv{states: states, bindings: b, vars: x.vars,
		lim: jsonata.Limits{Now: x.now()}, context: func() any { return x.contextObject(sr) }}
}

// withContext makes sure $states.context is there.
func (env *jsonataEnv) withContext() {
	env.contextOnce.Do(func() {
		if env.context != nil {
			env.states.Set("context", toJSONata(env.context()))
		}
	})
}

// set adds a member of $states (result, errorOutput) for the expressions evaluated next.
func (env *jsonataEnv) set(key string, v any) { env.states.Set(key, toJSONata(v)) }

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
	if t.readsContext {
		env.withContext()
	}
	for _, name := range t.vars {
		if _, done := env.bindings[name]; done {
			continue
		}
		if v, ok := env.vars.lookup(name); ok {
			env.bindings[name] = toJSONata(v)
		}
	}
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
		fmt.Sprintf(format, args...)}
}

// wrongType is the failure of a field whose expression gave a value of the wrong type.
func (t *jsonataTemplate) wrongType(want string, v any) *Error {
	if t.expr == nil {
		return &Error{Name: ErrNameQueryEvaluation, Cause: fmt.Sprintf("The field '%s' must be %s, but was '%s' for value: %s", t.field, want, jsonTypeName(v), jsonText(v))}
	}
	return t.fail("returned an unexpected result type. Expected '%s', but was '%s' for value: %s", want, jsonTypeName(v), jsonText(v))
}
