package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// A debug run pauses before it enters a state that has a breakpoint, or after a Step, and
// waits there, as a task waits for its callback, until the studio says how to go on. The
// pause, every change the user makes to the data and the resume are the studio's own
// history events (StudioDebugPaused, StudioDebugResumed): they never move a frame's chain,
// so the AWS-shaped history around them is the one a normal run records, and a restart finds
// a run paused where it was (resume_frames.go).

// The studio's own history events of a debug run; AWS has none of them.
const (
	StudioDebugPaused  EventType = "StudioDebugPaused"
	StudioDebugResumed EventType = "StudioDebugResumed"
)

// IsStudioEvent reports the events that are the studio's own, which the Step Functions API
// leaves out of GetExecutionHistory unless asked for them.
func (t EventType) IsStudioEvent() bool {
	return t == StudioDebugPaused || t == StudioDebugResumed
}

// Why a debug run paused (DebugDetails.Reason).
const (
	PausedAtBreakpoint = "breakpoint"
	PausedAfterStep    = "step"
	PausedRunTo        = "run to here"
	PausedOnError      = "error"
	PausedAfterRestart = "restart"
)

// What ends a pause (DebugCommand.Action).
const (
	DebugContinue = "continue"
	DebugStep     = "step"
	DebugStepInto = "stepInto"
	DebugRunTo    = "runTo"
)

// DebugDetails are the details of the studio's debug events.
type DebugDetails struct {
	// Reason is why the run paused (PausedAtBreakpoint, ...).
	Reason string `json:"reason,omitempty"`
	// Variables are the variables the paused state sees, as JSON text per name.
	Variables map[string]string `json:"variables,omitempty"`
	// Next, on a pause on an error, says what the state's Retry or Catch does next; on a
	// breakpoint whose condition failed, why.
	Next string `json:"next,omitempty"`
	// Action is how the pause ended (DebugContinue, ...); RunTo the state of a DebugRunTo.
	Action string `json:"action,omitempty"`
	RunTo  string `json:"runTo,omitempty"`
	// Paused is the StudioDebugPaused event a StudioDebugResumed ends; By who resumed it.
	Paused int64  `json:"paused,omitempty"`
	By     string `json:"by,omitempty"`
	// InputAfter and VariablesAfter are the data the user changed before resuming: the
	// state's new input, and the variables given a new value (the event's Input and
	// Variables hold them as they were).
	InputAfter     string            `json:"inputAfter,omitempty"`
	VariablesAfter map[string]string `json:"variablesAfter,omitempty"`
}

// DebugBreakpoint pauses a debug run before it enters State: when When (nil: always) holds
// on the state's input, from the HitCount-th time the state is reached (0 and 1: the first).
type DebugBreakpoint struct {
	State    string
	HitCount int
	When     func(input any) (bool, error)
}

// DebugConfig makes a run a debug run (StartInput.Debug).
type DebugConfig struct {
	Breakpoints []DebugBreakpoint
	// BreakOnError pauses when a state fails, before its Retry or Catch decides.
	BreakOnError bool
}

// DebugCommand ends a pause.
type DebugCommand struct {
	// Action is DebugContinue, DebugStep (pause before the frame's next state), DebugStepInto
	// (also before the first state of each branch or iteration of the state about to run) or
	// DebugRunTo (pause before RunTo, wherever the run reaches it first).
	Action string
	RunTo  string
	// Input, when set, replaces the paused state's input; Variables give variables new
	// values (JSON text each).
	Input     json.RawMessage
	Variables map[string]json.RawMessage
	// By names who resumed, for the history.
	By string
}

// ErrNotPaused says a DebugResume found no such pause: it was resumed already, or the run
// stopped or is not in this engine.
var ErrNotPaused = errors.New("runtime: the execution is not paused there")

// debugRun is what a debug run shares between its frames: the breakpoints, the hits of each
// state, and the state of a pending Run to here.
type debugRun struct {
	cfg  *DebugConfig
	mu   sync.Mutex
	hits map[string]int
	// runTo is the state the run pauses before next, wherever it gets there first.
	runTo string
}

// debugFrame is a frame's own stepping: step pauses it before its next state; stepInto
// makes the frames of the next Map or Parallel it runs start stepping.
type debugFrame struct {
	step     bool
	stepInto bool
	// pauseAgain, set by a restart that found the frame paused before its next state, pauses
	// it there again; resumed, set by one that found that pause resumed, enters the state
	// without pausing and goes on as the command said.
	pauseAgain bool
	resumed    *DebugCommand
}

// pause is a frame waiting in a pause, as DebugResume finds it.
type pause struct {
	ctx     context.Context
	command chan DebugCommand
}

func pauseKey(executionARN string, id int64) string {
	return executionARN + "#" + strconv.FormatInt(id, 10)
}

// DebugResume ends the pause recorded by event pauseID of a debug run with cmd.
func (e *Engine) DebugResume(executionARN string, pauseID int64, cmd DebugCommand) error {
	switch cmd.Action {
	case DebugContinue, DebugStep, DebugStepInto:
	case DebugRunTo:
		if cmd.RunTo == "" {
			return fmt.Errorf("runtime: run to here names no state")
		}
	default:
		return fmt.Errorf("runtime: %q is not a way to resume: continue, step, stepInto or runTo", cmd.Action)
	}
	key := pauseKey(executionARN, pauseID)
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.pauses[key]
	if !ok || p.ctx.Err() != nil {
		return fmt.Errorf("%w: %s, event %d", ErrNotPaused, executionARN, pauseID)
	}
	delete(e.pauses, key)
	p.command <- cmd
	return nil
}

// debugBefore is called before a frame enters the state name with input: when the run is a
// debug run and something says to pause there, it pauses until resumed, and returns the
// input the state is to get (changed or not).
func (x *execution) debugBefore(name string, input any) (any, error) {
	d := x.debug
	if d == nil {
		return input, nil
	}
	d.mu.Lock()
	d.hits[name]++
	hits := d.hits[name]
	runTo := d.runTo == name
	if runTo {
		d.runTo = ""
	}
	d.mu.Unlock()
	if cmd := x.dbg.resumed; cmd != nil {
		x.dbg.resumed = nil
		x.debugFollow(*cmd)
		return input, nil
	}
	x.dbg.stepInto = false // it was for the state before
	reason := ""
	switch {
	case x.dbg.pauseAgain:
		reason, x.dbg.pauseAgain = PausedAfterRestart, false
	case runTo:
		reason = PausedRunTo
	case x.dbg.step:
		reason = PausedAfterStep
	}
	note := ""
	if reason == "" {
		for _, b := range d.cfg.Breakpoints {
			if b.State != name || hits < b.HitCount {
				continue
			}
			hit := true
			if b.When != nil {
				// A condition that cannot be evaluated on this input pauses, saying why.
				ok, err := b.When(input)
				hit = ok || err != nil
				if err != nil {
					note = "The breakpoint's condition could not be evaluated on this input: " + err.Error()
				}
			}
			if hit {
				reason = PausedAtBreakpoint
				break
			}
		}
	}
	x.dbg.step = false
	if reason == "" {
		return input, nil
	}
	cmd, input, err := x.debugPause(name, input, DebugDetails{Reason: reason, Next: note}, "", "")
	if err != nil {
		return nil, err
	}
	x.debugFollow(cmd)
	return input, nil
}

// debugFollow sets the frame's stepping as the command that ended its pause says.
func (x *execution) debugFollow(cmd DebugCommand) {
	x.dbg.step = cmd.Action == DebugStep || cmd.Action == DebugStepInto
	x.dbg.stepInto = cmd.Action == DebugStepInto
	if cmd.Action == DebugRunTo {
		x.debug.mu.Lock()
		x.debug.runTo = cmd.RunTo
		x.debug.mu.Unlock()
	}
}

// debugPause records the pause, waits for its command and records the resume with whatever
// data the command changed. errName and cause are set for a pause on an error.
func (x *execution) debugPause(name string, input any, d DebugDetails, errName, cause string) (DebugCommand, any, error) {
	d.Variables = x.visibleVariables()
	details := EventDetails{Name: name, Input: jsonText(input), Error: errName, Cause: cause, Debug: &d}
	p := &pause{ctx: x.ctx, command: make(chan DebugCommand, 1)}
	var key string
	// The pause waits for its command before its event is seen, so that whoever sees it may
	// resume it at once.
	id, err := x.recordWith(StudioDebugPaused, name, &details, func(id int64) {
		key = pauseKey(x.in.ExecutionARN, id)
		x.eng.mu.Lock()
		x.eng.pauses[key] = p
		x.eng.mu.Unlock()
	})
	forget := func() {
		x.eng.mu.Lock()
		delete(x.eng.pauses, key)
		x.eng.mu.Unlock()
	}
	if err != nil {
		if key != "" {
			forget()
		}
		return DebugCommand{}, nil, err
	}
	// The pause is kept: a restart finds the run paused here.
	if err := x.flush(); err != nil {
		forget()
		return DebugCommand{}, nil, err
	}
	var cmd DebugCommand
	select {
	case cmd = <-p.command:
	case <-x.ctx.Done():
		forget()
		return DebugCommand{}, nil, x.ctx.Err()
	}
	resumed := DebugDetails{Action: cmd.Action, RunTo: cmd.RunTo, Paused: id, By: cmd.By}
	out := EventDetails{Name: name, Debug: &resumed}
	if cmd.Input != nil {
		changed, err := decodeJSON(cmd.Input)
		if err != nil {
			return DebugCommand{}, nil, fmt.Errorf("runtime: the new input of state %q: %w", name, err)
		}
		out.Input, resumed.InputAfter = jsonText(input), jsonText(changed)
		input = changed
	}
	if len(cmd.Variables) > 0 {
		resumed.Variables, resumed.VariablesAfter = map[string]string{}, map[string]string{}
		for _, n := range slices.Sorted(maps.Keys(cmd.Variables)) {
			if before, ok := d.Variables[n]; ok {
				resumed.Variables[n] = before
			}
			resumed.VariablesAfter[n] = string(cmd.Variables[n])
		}
		if err := x.vars.restore(resumed.VariablesAfter); err != nil {
			return DebugCommand{}, nil, fmt.Errorf("runtime: state %q: %w", name, err)
		}
	}
	if _, err := x.record(StudioDebugResumed, name, out); err != nil {
		return DebugCommand{}, nil, err
	}
	return cmd, input, nil
}

// visibleVariables are the variables the frame sees, as JSON text, the innermost first.
func (x *execution) visibleVariables() map[string]string {
	out := map[string]string{}
	for s := x.vars; s != nil; s = s.parent {
		for n, v := range s.vals {
			if _, shadowed := out[n]; !shadowed {
				out[n] = jsonText(v)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// DebugConfigOf is the debug run that settings (resource.Execution.Debug: the JSON of
// resource.DebugSettings) describe, nil for none. A condition that no longer compiles pauses every time, saying so in the pause's
// reason, rather than turning the debug run into a normal one.
func DebugConfigOf(settings json.RawMessage) *DebugConfig {
	if len(settings) == 0 {
		return nil
	}
	var s resource.DebugSettings
	cfg := &DebugConfig{}
	if json.Unmarshal(settings, &s) != nil {
		return cfg
	}
	cfg.BreakOnError = s.BreakOnError
	for _, b := range s.Breakpoints {
		if !b.Enabled {
			continue
		}
		bp := DebugBreakpoint{State: b.State, HitCount: b.HitCount}
		if b.Condition != "" {
			when, err := ParseBreakpointCondition(b.Condition)
			if err != nil {
				when = func(any) (bool, error) { return true, err }
			}
			bp.When = when
		}
		cfg.Breakpoints = append(cfg.Breakpoints, bp)
	}
	return cfg
}
