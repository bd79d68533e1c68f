package runtime

import "errors"

// ParseBreakpointCondition stands in until the breakpoints' conditions land.
func ParseBreakpointCondition(cond string) (func(input any) (bool, error), error) {
	return nil, errors.New("runtime: breakpoint conditions are not supported yet")
}
