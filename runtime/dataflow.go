package runtime

import "fmt"

// maxPayloadBytes is AWS's limit on a state's input, result and output (256 KiB).
const maxPayloadBytes = 262144

// errVariablesUnsupported fails states that use variables, which a later version runs.
var errVariablesUnsupported = runtimeError("stepstudio: variables (Assign) are not supported yet")

// dataFlow runs a state's work inside its input and output processing, in the order the
// States Language specifies: InputPath, Parameters, the work, ResultSelector, ResultPath,
// OutputPath. Every state type goes through it; Parse has rejected the fields a type does
// not have, and an absent field leaves the data as it is.
func (x *execution) dataFlow(b *StateBase, sr *stateRun, raw any, work func(effective any) (any, error)) (any, error) {
	if b.assign != nil {
		return nil, errVariablesUnsupported
	}
	effective, err := x.selectPath(b.inputPath, raw, sr)
	if err != nil {
		return nil, err
	}
	if b.parameters != nil {
		if effective, err = b.parameters.eval(effective, x.contextObject(sr)); err != nil {
			return nil, err
		}
	}
	result, err := work(effective)
	if err != nil {
		return nil, err
	}
	if b.resultSelector != nil {
		if result, err = b.resultSelector.eval(result, x.contextObject(sr)); err != nil {
			return nil, err
		}
	}
	output, err := applyResultPath(b.resultPath, raw, result)
	if err != nil {
		return nil, err
	}
	return x.selectPath(b.outputPath, output, sr)
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

// findReference evaluates a path over the state's data or the context object, failing as
// AWS does when a definite path finds nothing.
func (x *execution) findReference(p *Path, data any, sr *stateRun) (any, error) {
	v, err := p.find(x.pathBase(p, data, sr))
	if err != nil {
		return nil, runtimeError("Invalid path '%s' : %s", p, err)
	}
	return v, nil
}

// pathBase is what a path reads: the context object for $$ paths, else the data.
func (x *execution) pathBase(p *Path, data any, sr *stateRun) any {
	if p.context {
		return x.contextObject(sr)
	}
	return data
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
