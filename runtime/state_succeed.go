package runtime

// SucceedState ends the execution successfully with its (filtered) input (Type "Succeed").
type SucceedState struct {
	StateBase
}

func (x *execution) runSucceed(s *SucceedState, sr *stateRun, raw any) (any, error) {
	return x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) { return effective, nil })
}
