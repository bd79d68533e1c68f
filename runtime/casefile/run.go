package casefile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// DefaultTimeout bounds one case in real time when Options.Timeout is zero. On a virtual
// clock only a stuck execution (a task waiting for a callback nobody sends) takes long.
const DefaultTimeout = 30 * time.Second

// VirtualStart is the time a case's virtual clock starts at. It is fixed so results are
// reproducible (for example $$.Execution.StartTime), and later than every timestamp the
// corpus recorded (2016-2023), so its "Wait until a past timestamp" cases stay in the past.
var VirtualStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// The names a case's execution runs under; the corpus hides them behind {"$any": true}.
const (
	stateMachineName = "test"
	executionName    = "case"
	account          = "123456789012"
)

// Options tune Run. The zero value runs a case as the corpus expects.
type Options struct {
	// Invoker runs Task resources; nil leaves them to the engine, which fails plain Tasks
	// with States.Runtime.
	Invoker runtime.TaskInvoker
	// Timeout bounds the case in real time; zero means DefaultTimeout.
	Timeout time.Duration
}

// Outcome is what running one case gave.
type Outcome struct {
	Case   *Case
	Result runtime.Result
	// Err says the case could not run to an end: its definition cannot run (invalid, or
	// using what the runtime does not support yet, such as JSONata), or the execution did
	// not end in time.
	Err error
	// Diffs lists how the result differs from the expectation (see Check).
	Diffs []string
}

// Passed reports whether the case ran and matched.
func (o *Outcome) Passed() bool { return o.Err == nil && len(o.Diffs) == 0 }

// Report says why the case failed, one line per difference, or per problem of a
// definition that cannot run; "" when it passed.
func (o *Outcome) Report() string {
	var de *runtime.DefinitionError
	switch {
	case errors.As(o.Err, &de):
		lines := []string{"the definition cannot run:"}
		for _, d := range de.Diagnostics {
			lines = append(lines, "  "+d.String())
		}
		return strings.Join(lines, "\n")
	case o.Err != nil:
		return o.Err.Error()
	}
	return strings.Join(o.Diffs, "\n")
}

// Run parses the case's definition, runs it once on a virtual clock and compares the
// result with the expectation.
func Run(ctx context.Context, c *Case, opt Options) *Outcome {
	o := &Outcome{Case: c}
	def, err := runtime.Parse(c.Definition)
	if err != nil {
		o.Err = fmt.Errorf("the definition cannot run: %w", err)
		return o
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	// A clock per case: each execution's virtual time is its own. The cases were recorded on
	// AWS, whose history quota applies to them too.
	cfg := runtime.EngineConfig{Clock: fakeclock.NewVirtual(VirtualStart), Invoker: opt.Invoker,
		MaxHistoryEvents: runtime.DefaultMaxHistoryEvents}
	name := stateMachineName
	if c.Mocks != nil {
		cfg.Mocks, name = c.Mocks, c.StateMachine
	}
	eng := runtime.NewEngine(cfg)
	machineType := "STANDARD"
	if strings.Contains(c.Source, "/express/") {
		machineType = "EXPRESS"
	}
	res, err := eng.Run(ctx, runtime.StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:" + account + ":execution:" + name + ":" + executionName,
		ExecutionName:    executionName,
		StateMachineARN:  "arn:aws:states:us-east-1:" + account + ":stateMachine:" + name,
		StateMachineName: name,
		TestCase:         c.TestCase,
		RoleARN:          "arn:aws:iam::" + account + ":role/" + stateMachineName,
		StateMachineType: machineType,
		Definition:       def,
		Input:            c.Input,
	})
	o.Result = res
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		o.Err = fmt.Errorf("the execution did not end within %s of real time (is a task waiting for a callback?)", opt.Timeout)
	case err != nil:
		o.Err = fmt.Errorf("the execution could not run to its end: %w", err)
	default:
		o.Diffs = Check(c.Expect, res)
	}
	return o
}
