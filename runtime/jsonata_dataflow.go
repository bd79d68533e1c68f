package runtime

// jsonataFlow is dataFlow for a JSONata state, in AWS's order: Arguments (over
// $states.input) make the effective input, the work gives the result ($states.result),
// then Assign and Output are evaluated, both with the variables as they were when the
// state was entered. Without Output, the output is the result: for Pass, Wait, Choice and
// Succeed the work hands back its input, so theirs is their input.
func (x *execution) jsonataFlow(b *StateBase, sr *stateRun, raw any, work func(effective any) (any, error)) (any, error) {
	env := x.jsonataEnv(sr, raw)
	sr.jsonata = env
	effective := raw
	if b.arguments != nil {
		var err error
		if effective, err = b.arguments.eval(env); err != nil {
			return nil, err
		}
	}
	x.observe(StepArguments, effective)
	result, err := work(effective)
	if err != nil {
		return nil, err
	}
	x.observe(StepResult, result)
	env.set("result", result)
	var assigned *object
	if sr.assign != nil && sr.assign.jsonata != nil {
		v, err := sr.assign.jsonata.eval(env)
		if err != nil {
			return nil, err
		}
		if assigned, err = checkAssigned(v, b.Name); err != nil {
			return nil, err
		}
	}
	x.observe(StepAssign, assigned)
	output := result
	if sr.output != nil {
		if output, err = sr.output.eval(env); err != nil {
			return nil, err
		}
	}
	x.observe(StepOutput, output)
	sr.assigned = assigned
	return output, nil
}

// jsonataCatch is what a JSONata state's catcher makes of errOutput ({"Error", "Cause"}):
// its Assign and Output see it as $states.errorOutput, beside the state's raw input.
func (x *execution) jsonataCatch(c *Catcher, sr *stateRun, raw any, errOutput *object, state string) (any, error) {
	env := x.jsonataEnv(sr, raw)
	env.set("errorOutput", errOutput)
	if c.assign != nil && c.assign.jsonata != nil {
		v, err := c.assign.jsonata.eval(env)
		if err != nil {
			return nil, err
		}
		if sr.assigned, err = checkAssigned(v, state); err != nil {
			return nil, err
		}
	}
	if c.output == nil {
		return errOutput, nil
	}
	return c.output.eval(env)
}

// evaluationFailed records EvaluationFailed for a States.QueryEvaluationError of the state
// visit sr, once, before Retry, Catch or the execution's end deal with the failure; it
// returns only a recorder's error.
func (x *execution) evaluationFailed(sr *stateRun, err error) error {
	f := asFailure(err)
	if f == nil || f.Name != ErrNameQueryEvaluation || f.evaluationRecorded {
		return nil
	}
	f.evaluationRecorded = true
	if x.probe != nil && f.location != "" {
		// Recorded here first, so it is the tested state's own field, not one of a state
		// inside it (a frame has no probe, and marks the failure recorded).
		x.probe.evaluationFailed(f.location)
	}
	cause := f.Cause
	if prefixed, ok := x.inState(sr, f).(*Error); ok {
		cause = prefixed.Cause
	}
	_, rerr := x.record(EvaluationFailed, sr.name, EventDetails{State: sr.name, Error: f.Name, Cause: cause, Location: f.location})
	return rerr
}
