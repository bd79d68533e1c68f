package runtime

import "fmt"

// ParallelState runs its Branches on the same input and outputs their results as an array
// (Type "Parallel"). It is parsed and validated; running it comes in a later version.
type ParallelState struct {
	StateBase
	Branches []*Definition
	Retry    []Retrier
	Catch    []Catcher
}

func (p *parser) parseParallel(obj *object, s site, b StateBase) State {
	st := &ParallelState{StateBase: b}
	v, ok := obj.get("Branches")
	arr, isArr := v.([]any)
	if !ok || !isArr || len(arr) == 0 {
		p.schemaf(s, "Branches", "a Parallel state needs a non-empty array of branches")
	}
	for i, bv := range arr {
		field := fmt.Sprintf("Branches/%d", i)
		bo, isObj := bv.(*object)
		if !isObj {
			p.schemaf(s, field, "a branch must be an object with StartAt and States")
			continue
		}
		st.Branches = append(st.Branches,
			p.parseMachine(bo, site{loc: s.at(field), state: s.state, prefix: field + "/"}, machineBranch))
	}
	st.Retry = p.parseRetry(obj, s)
	st.Catch = p.parseCatch(obj, s)
	return st
}
