package runtime

// FailState ends the execution with an error (Type "Fail"). Error and Cause are optional;
// ErrorPath and CausePath take them from the state input or the context object instead.
type FailState struct {
	StateBase
	Error string
	Cause string

	errorPath *template
	causePath *template
	// errorExpr and causeExpr are Error and Cause written as {% %} in a JSONata state.
	errorExpr, causeExpr *jsonataTemplate
}

func (p *parser) parseFail(obj *object, s site, b StateBase) State {
	st := &FailState{StateBase: b}
	if b.jsonata {
		obj = p.parseJSONataFail(obj, s, st)
	}
	st.Error = p.optString(obj, s, "Error")
	st.Cause = p.optString(obj, s, "Cause")
	st.errorPath = p.failPath(obj, s, "Error", "ErrorPath")
	st.causePath = p.failPath(obj, s, "Cause", "CausePath")
	return st
}

// failPath reads ErrorPath or CausePath: a path or an intrinsic function, never together
// with the literal field.
func (p *parser) failPath(obj *object, s site, literal, field string) *template {
	v, ok := obj.get(field)
	if !ok {
		return nil
	}
	if _, both := obj.get(literal); both {
		p.schemaf(s, field, "a Fail state cannot have both %s and %s", literal, field)
	}
	str, isStr := v.(string)
	if !isStr {
		p.schemaf(s, field, "must be a JSONPath or an intrinsic function")
		return nil
	}
	t := compileExpression(str, field, true, func(msg string) { p.schemaf(s, field, "%s", msg) })
	if t != nil && t.kind == tmplPath && !t.path.isReference() {
		p.schemaf(s, field, "%q must be a reference path", str)
	}
	return t
}

// runFail returns the failure the state ends the execution with, or a States.Runtime
// error when ErrorPath or CausePath cannot be evaluated.
func (x *execution) runFail(s *FailState, sr *stateRun, raw any) (failure *Error, err error) {
	failure = &Error{Name: s.Error, Cause: s.Cause}
	if s.errorExpr != nil || s.causeExpr != nil {
		return x.jsonataEnv(sr, raw).fail(s, failure)
	}
	for _, f := range []struct {
		t   *template
		out *string
	}{{s.errorPath, &failure.Name}, {s.causePath, &failure.Cause}} {
		if f.t == nil {
			continue
		}
		v, err := f.t.eval(raw, x.lazyContext(sr), x.vars)
		if err != nil {
			return nil, err
		}
		*f.out = plainText(v)
	}
	return failure, nil
}
