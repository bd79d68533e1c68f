package runtime

import "fmt"

// maxPayloadBytes is AWS's limit on a state's input, result and output (256 KiB).
const maxPayloadBytes = 262144

// dataFlow runs a state's work inside its input and output processing, in the order the
// States Language specifies: InputPath, Parameters, the work, ResultSelector, Assign,
// ResultPath, OutputPath. Every state type goes through it; Parse has rejected the fields a
// type does not have, and an absent field leaves the data as it is. Assign sees the result
// as $ and, like every other field, the variables as they were when the state was entered:
// its values are kept in sr and take effect when the state ends.
func (x *execution) dataFlow(b *StateBase, sr *stateRun, raw any, work func(effective any) (any, error)) (any, error) {
	if b.jsonata {
		return x.jsonataFlow(b, sr, raw, work)
	}
	// One attempt of a state sees one context object, built when the first template that
	// reads $$ asks for it; most states have none, and pay nothing for it.
	var ctx contextFunc
	contextFor := func(t *template) contextFunc {
		if ctx == nil && t.readsContext {
			ctx = x.lazyContext(sr)
		}
		return ctx
	}
	effective, err := x.selectPath(b.inputPath, raw, sr)
	if err != nil {
		return nil, err
	}
	x.observe(StepInputPath, effective)
	if b.parameters != nil {
		if effective, err = b.parameters.eval(effective, contextFor(b.parameters), x.vars); err != nil {
			return nil, err
		}
	}
	x.observe(StepParameters, effective)
	result, err := work(effective)
	if err != nil {
		return nil, err
	}
	x.observe(StepResult, result)
	if b.resultSelector != nil {
		if result, err = b.resultSelector.eval(result, contextFor(b.resultSelector), x.vars); err != nil {
			return nil, err
		}
	}
	x.observe(StepResultSelector, result)
	var assigned *object
	if sr.assign != nil {
		if assigned, err = sr.assign.eval(result, contextFor(sr.assign.tmpl), x.vars, b.Name); err != nil {
			return nil, err
		}
	}
	x.observe(StepAssign, assigned)
	output, err := applyResultPath(b.resultPath, raw, result)
	if err != nil {
		return nil, err
	}
	x.observe(StepResultPath, output)
	if output, err = x.selectPath(b.outputPath, output, sr); err != nil {
		return nil, err
	}
	x.observe(StepOutputPath, output)
	sr.assigned = assigned
	return output, nil
}

// selectPath applies InputPath or OutputPath: absent keeps the value, null gives {}, and a
// path selects from the value (or from the context object for $$).
func (x *execution) selectPath(f pathField, v any, sr *stateRun) (any, error) {
	switch {
	case f.null:
		return newObject(0), nil
	case f.path == nil:
		return v, nil
	}
	return x.findReference(f.path, v, sr)
}

// findReference evaluates a path over the state's data, the context object or a variable,
// failing as AWS does when a definite path finds nothing.
func (x *execution) findReference(p *Path, data any, sr *stateRun) (any, error) {
	base, err := x.pathBase(p, data, sr)
	if err != nil {
		return nil, err
	}
	v, err := p.find(base)
	if err != nil {
		return nil, runtimeError("Invalid path '%s' : %s", p, err)
	}
	return v, nil
}

// pathBase is what a path reads: the context object for $$ paths, the variable for $name
// paths (an error when no state has assigned it), else the data.
func (x *execution) pathBase(p *Path, data any, sr *stateRun) (any, error) {
	switch {
	case p.context:
		return x.contextObject(sr), nil
	case p.variable != "":
		v, ok := x.vars.lookup(p.variable)
		if !ok {
			return nil, undefinedVariable(p.text, "", p.variable)
		}
		return v, nil
	}
	return data, nil
}

// applyResultPath places a state's result into its raw input: absent replaces the input,
// null keeps the input and drops the result, and a path sets the result there.
func applyResultPath(f pathField, raw, result any) (any, error) {
	switch {
	case f.null:
		return raw, nil
	case f.path == nil || len(f.path.tokens) == 0:
		return result, nil
	}
	out, err := f.path.set(raw, result)
	if err != nil {
		return nil, &Error{Name: ErrNameResultPathMatch, Cause: err.Error()}
	}
	return out, nil
}

// dataLimitError is the failure of a state whose result is too big.
func dataLimitError(state string) *Error {
	return &Error{Name: ErrNameDataLimitExceeded,
		Cause: fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", state)}
}
