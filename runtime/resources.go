package runtime

import "github.com/stepstudio/stepstudio/runtime/resource"

// StartInputOf is what starting, resuming or redriving the stored execution e of machine m
// with its parsed definition needs.
func StartInputOf(e resource.Execution, m resource.StateMachine, def *Definition) StartInput {
	return StartInput{
		ExecutionARN:     e.ARN,
		ExecutionName:    e.Name,
		StateMachineARN:  m.ARN,
		StateMachineName: m.Name,
		StateMachineType: m.Type,
		Definition:       def,
		Input:            e.Input,
		RoleARN:          m.RoleARN,
		TestCase:         e.TestCase,
		StartAt:          e.StartAt,
		Debug:            DebugConfigOf(e.Debug),
	}
}
