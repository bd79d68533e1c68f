package runtime

// PassState passes its input to its output, or its Result instead (Type "Pass").
type PassState struct {
	StateBase
	// result is the Result field, used as written: it is never evaluated, so keys ending
	// in ".$" stay as they are.
	result     any
	hasResult  bool
	resultSize int
}

func (p *parser) parsePass(obj *object, s site, b StateBase) State {
	st := &PassState{StateBase: b}
	st.result, st.hasResult = obj.get("Result")
	if st.hasResult {
		st.resultSize = len(encodeJSON(st.result))
	}
	return st
}

func (x *execution) runPass(s *PassState, sr *stateRun, raw any) (any, error) {
	return x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) {
		if s.hasResult {
			if s.resultSize > maxPayloadBytes {
				return nil, dataLimitError(s.Name)
			}
			return s.result, nil
		}
		return effective, nil
	})
}
