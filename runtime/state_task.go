package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TaskState runs a Resource through the engine's TaskInvoker (Type "Task"). A Resource
// ending in .waitForTaskToken waits, after the call, for SendTaskSuccess or SendTaskFailure
// with the task token the call was given.
type TaskState struct {
	StateBase
	Resource string
	// TimeoutSeconds and HeartbeatSeconds are 0 when not set (AWS's default timeout is
	// 99999999 seconds, which this runtime treats as none).
	TimeoutSeconds       int
	HeartbeatSeconds     int
	TimeoutSecondsPath   *Path
	HeartbeatSecondsPath *Path
	// timeoutExpr and heartbeatExpr are TimeoutSeconds and HeartbeatSeconds written as
	// {% %} in a JSONata state.
	timeoutExpr, heartbeatExpr *jsonataTemplate
	Retry                      []Retrier
	Catch                      []Catcher

	waitForToken bool
	// sync is set for a .sync or .sync:2 resource: a job the invoker may run (JobRunner).
	sync bool
	// activity is set for an activity's ARN: the task waits for a worker (activity.go).
	activity bool
	// lambda is set for a Lambda function's own ARN (not lambda:invoke): its history has
	// AWS's LambdaFunction* events instead of the Task* ones.
	lambda       bool
	resourceType string // "sqs" in history events
	resourceName string // "sendMessage.waitForTaskToken" in history events
}

func (p *parser) parseTask(obj *object, s site, b StateBase) State {
	st := &TaskState{StateBase: b}
	if _, ok := obj.get("Resource"); !ok {
		p.schemaf(s, "", "These fields are required: [Resource]")
	}
	st.Resource = p.optString(obj, s, "Resource")
	if _, ok := obj.get("Resource"); ok && !strings.HasPrefix(st.Resource, "arn:") {
		p.errorf(CodeInvalidResource, s, "Resource", "%q is not a resource ARN such as arn:aws:states:::sqs:sendMessage.waitForTaskToken", st.Resource)
	}
	st.waitForToken = strings.HasSuffix(st.Resource, ".waitForTaskToken")
	st.sync = strings.HasSuffix(st.Resource, ".sync") || strings.HasSuffix(st.Resource, ".sync:2")
	st.activity = IsActivityARN(st.Resource)
	st.lambda = IsLambdaFunctionARN(st.Resource)
	st.resourceType, st.resourceName = splitResource(st.Resource)
	if b.jsonata {
		obj = p.exprFields(obj, s, map[string]**jsonataTemplate{"TimeoutSeconds": &st.timeoutExpr, "HeartbeatSeconds": &st.heartbeatExpr})
	}
	st.TimeoutSeconds = p.optInt(obj, s, "TimeoutSeconds", 1, 99999999)
	st.HeartbeatSeconds = p.optInt(obj, s, "HeartbeatSeconds", 1, 99999999)
	if v, ok := obj.get("TimeoutSecondsPath"); ok {
		st.TimeoutSecondsPath = p.referencePath(s, "TimeoutSecondsPath", v)
		if _, both := obj.get("TimeoutSeconds"); both {
			p.schemaf(s, "TimeoutSecondsPath", "a Task cannot have both TimeoutSeconds and TimeoutSecondsPath")
		}
	}
	if v, ok := obj.get("HeartbeatSecondsPath"); ok {
		st.HeartbeatSecondsPath = p.referencePath(s, "HeartbeatSecondsPath", v)
		if _, both := obj.get("HeartbeatSeconds"); both {
			p.schemaf(s, "HeartbeatSecondsPath", "a Task cannot have both HeartbeatSeconds and HeartbeatSecondsPath")
		}
	}
	if st.HeartbeatSeconds > 0 && st.TimeoutSeconds > 0 && st.HeartbeatSeconds >= st.TimeoutSeconds {
		p.schemaf(s, "HeartbeatSeconds", "must be smaller than TimeoutSeconds")
	}
	st.Retry = p.parseRetry(obj, s)
	st.Catch = p.parseCatch(obj, s)
	return st
}

// splitResource gives the resourceType and resource AWS shows in task events:
// arn:aws:states:::sqs:sendMessage.waitForTaskToken is "sqs" and
// "sendMessage.waitForTaskToken"; arn:aws:states:::aws-sdk:s3:getObject is "aws-sdk:s3" and
// "getObject"; any other ARN (a Lambda function, an activity) is its service and itself.
func splitResource(arn string) (resourceType, resource string) {
	if rest, ok := strings.CutPrefix(arn, "arn:aws:states:::"); ok {
		// The action follows the last colon, but for the one of the .sync:2 pattern.
		action, pattern := rest, ""
		if cut, ok := strings.CutSuffix(rest, ".sync:2"); ok {
			action, pattern = cut, ".sync:2"
		}
		if i := strings.LastIndexByte(action, ':'); i >= 0 {
			return action[:i], action[i+1:] + pattern
		}
		return rest, rest
	}
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) >= 3 {
		return parts[2], arn
	}
	return "", arn
}

func (x *execution) runTask(s *TaskState, sr *stateRun, raw any) (any, string, error) {
	return x.withRetryAndCatch(&s.StateBase, s.Retry, s.Catch, sr, raw, func() (any, error) {
		return x.taskAttempt(s, sr, raw)
	})
}

// taskAttempt runs the task once, from its data flow to its result. A .waitForTaskToken
// task gets a fresh token per attempt, before Parameters are evaluated, so that
// $$.Task.Token can be passed on.
func (x *execution) taskAttempt(s *TaskState, sr *stateRun, raw any) (any, error) {
	sr.token = ""
	if sr.waiting != nil {
		sr.token = sr.waiting.token
	} else if s.waitForToken || s.activity {
		token, err := x.eng.newToken()
		if err != nil {
			return nil, err
		}
		sr.token = token
	}
	timeout, err := x.seconds(s.TimeoutSeconds, s.TimeoutSecondsPath, "TimeoutSecondsPath", raw, sr)
	if err != nil {
		return nil, err
	}
	heartbeat, err := x.seconds(s.HeartbeatSeconds, s.HeartbeatSecondsPath, "HeartbeatSecondsPath", raw, sr)
	if err != nil {
		return nil, err
	}
	if s.timeoutExpr != nil || s.heartbeatExpr != nil {
		if timeout, heartbeat, err = x.jsonataEnv(sr, raw).taskTimeouts(s, timeout, heartbeat); err != nil {
			return nil, err
		}
	}
	return x.dataFlow(&s.StateBase, sr, raw, func(params any) (any, error) {
		return x.invokeTask(s, sr, params, timeout, heartbeat)
	})
}

// seconds gives a literal timeout or the one a ...SecondsPath finds in the state input.
func (x *execution) seconds(literal int, path *Path, field string, raw any, sr *stateRun) (int, error) {
	if path == nil {
		return literal, nil
	}
	v, err := x.findReference(path, raw, sr)
	if err != nil {
		return 0, err
	}
	n, _ := v.(json.Number)
	i, perr := n.Int64()
	if perr != nil || i < 1 || i > 99999999 {
		return 0, runtimeError("The %s field refers to value %s which is not a valid positive integer: %s", field, jsonText(v), path)
	}
	return int(i), nil
}

// outcome is what a task call or a callback delivers.
type outcome struct {
	output json.RawMessage
	err    error
	// started says a worker took an activity task, startedBy which (a worker may give no
	// name): not the task's end (awaitFor.started).
	started   bool
	startedBy string
}

// invokeTask schedules and runs the task and waits for its result, recording the task
// events AWS records.
func (x *execution) invokeTask(s *TaskState, sr *stateRun, params any, timeout, heartbeat int) (any, error) {
	if ev := sr.result; ev != nil {
		// A restart found the task's result recorded: the task is not called again.
		sr.result = nil
		return x.recordedResult(s, ev)
	}
	if ev := sr.interrupted; ev != nil {
		sr.interrupted = nil
		return nil, x.taskFailed(s, sr, interruptedError(ev))
	}
	if s.activity {
		return x.invokeActivity(s, sr, params, timeout, heartbeat)
	}
	if w := sr.waiting; w != nil {
		sr.waiting = nil // a retry after it is a new attempt with a new token
		defer x.eng.unregister(w.token)
		return x.waitForCallback(s, sr, w.w, w.deadline, w.heartbeatFrom, heartbeat)
	}
	paramsText := jsonText(params)
	req := TaskRequest{ExecutionARN: x.in.ExecutionARN, StateName: s.Name, Resource: s.Resource,
		Input: json.RawMessage(paramsText), TaskToken: sr.token, StateMachineName: x.in.StateMachineName, TestCase: x.in.TestCase}
	if j := sr.job; j != nil {
		// A restart found the job submitted: it is awaited again, not started again.
		sr.job = nil
		return x.awaitJob(s, sr, req, j.submitted, j.deadline)
	}
	req.Invocation = x.nextInvocation(s.Name)
	mocked, isMocked := outcome{}, false
	if m := x.eng.cfg.Mocks; m != nil && req.TestCase != "" {
		mocked.output, mocked.err, isMocked = m.Mock(req)
	}
	scheduled, started := TaskScheduled, TaskStarted
	details := EventDetails{
		ResourceType: s.resourceType, Resource: s.resourceName, Region: x.region, Parameters: paramsText,
		TimeoutInSeconds: int64(timeout), HeartbeatInSeconds: int64(heartbeat),
		// Not in the history's JSON: it lets a live page mask the token in Parameters.
		TaskToken: sr.token, Mocked: isMocked,
	}
	if s.lambda {
		scheduled, started = LambdaFunctionScheduled, LambdaFunctionStarted
		details = EventDetails{Resource: s.Resource, Input: paramsText, TimeoutInSeconds: int64(timeout), Mocked: isMocked}
	}
	if _, err := x.record(scheduled, s.Name, details); err != nil {
		return nil, err
	}
	startedDetails := EventDetails{ResourceType: s.resourceType, Resource: s.resourceName}
	if s.lambda {
		startedDetails = EventDetails{} // AWS's LambdaFunctionStarted has no details
	}
	if _, err := x.record(started, s.Name, startedDetails); err != nil {
		return nil, err
	}
	if isMocked {
		// The mocked response is the task's result, whatever its pattern: nothing to wait for.
		if mocked.err != nil {
			return nil, x.taskFailed(s, sr, mocked.err)
		}
		return x.taskSucceeded(s, sr, mocked.output)
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = x.now().Add(time.Duration(timeout) * time.Second)
	}
	var w *waiter
	if s.waitForToken {
		// Registered before the call: a fast worker may answer before the call returns.
		w = x.eng.register(x.ctx, sr.token)
		defer x.eng.unregister(sr.token)
	}
	// The call is in the history before it is made: a restart then knows it was in flight
	// and does not make it a second time.
	if err := x.flush(); err != nil {
		return nil, err
	}

	res, err := x.call(s, req, deadline)
	_, isJob := x.eng.cfg.Invoker.(JobRunner)
	isJob = isJob && s.sync
	if err != nil || res.err != nil || x.ctx.Err() != nil || (!isJob && !s.waitForToken) {
		return x.taskOutcome(s, sr, res, err)
	}
	if isJob {
		submitted := EventDetails{ResourceType: s.resourceType, Resource: s.resourceName, Output: string(res.output)}
		if _, err := x.record(TaskSubmitted, s.Name, submitted); err != nil {
			return nil, err
		}
		// Submitted before it is awaited: a restart awaits the job instead of failing the call.
		if err := x.flush(); err != nil {
			return nil, err
		}
		return x.awaitJob(s, sr, req, res.output, deadline)
	}
	submitted := EventDetails{ResourceType: s.resourceType, Resource: s.resourceName, TaskToken: sr.token}
	if v, err := decodeJSON(res.output); len(res.output) > 0 && err == nil {
		submitted.Output = jsonText(v)
	}
	if _, err := x.record(TaskSubmitted, s.Name, submitted); err != nil {
		return nil, err
	}
	return x.waitForCallback(s, sr, w, deadline, time.Time{}, heartbeat)
}

// waitForCallback waits for the decision on a submitted .waitForTaskToken task.
// heartbeatFrom, when not zero, is when its HeartbeatSeconds count from (a resumed wait's).
func (x *execution) waitForCallback(s *TaskState, sr *stateRun, w *waiter, deadline, heartbeatFrom time.Time, heartbeat int) (any, error) {
	cb, err := x.await(w.result, w.heartbeat, awaitFor{taskDeadline: deadline, heartbeat: time.Duration(heartbeat) * time.Second,
		heartbeatFrom: heartbeatFrom, mayLetGo: true})
	if err != nil && x.ctx.Err() == nil && !x.eng.unregister(sr.token) {
		// The callback won the race with a timeout: SendTask* already returned nil, so
		// the decision stands.
		cb, err = <-w.result, nil
	}
	if err != nil {
		return nil, x.taskTimedOut(s, sr, err)
	}
	if cb.err != nil {
		return nil, x.taskFailed(s, sr, cb.err)
	}
	return x.taskSucceeded(s, sr, cb.output)
}

// call runs the TaskInvoker, bounded by the task's deadline and the execution's.
func (x *execution) call(s *TaskState, req TaskRequest, deadline time.Time) (outcome, error) {
	inv := x.eng.cfg.Invoker
	if inv == nil {
		if s.waitForToken {
			// Nothing to call: the token waits in the studio's inbox.
			return outcome{}, nil
		}
		return outcome{err: runtimeError("stepstudio: no task invoker is configured to run %s", s.Resource)}, nil
	}
	return x.bounded(deadline, func(ctx context.Context) (json.RawMessage, error) { return inv.Invoke(ctx, req) })
}

// awaitJob waits for the end of a .sync task's job (JobRunner) and records the task's end.
func (x *execution) awaitJob(s *TaskState, sr *stateRun, req TaskRequest, submitted json.RawMessage, deadline time.Time) (any, error) {
	jr := x.eng.cfg.Invoker.(JobRunner)
	res, err := x.bounded(deadline, func(ctx context.Context) (json.RawMessage, error) { return jr.AwaitJob(ctx, req, submitted) })
	return x.taskOutcome(s, sr, res, err)
}

// taskOutcome records how the call (or job) that decides a task ended: err is the task's
// own timeout, res the call's result or failure.
func (x *execution) taskOutcome(s *TaskState, sr *stateRun, res outcome, err error) (any, error) {
	if x.ctx.Err() != nil {
		// Stopping (shutdown): whatever the call says now is an effect of the stop.
		return nil, x.ctx.Err()
	}
	if err != nil {
		return nil, x.taskTimedOut(s, sr, err)
	}
	if res.err != nil {
		return nil, x.taskFailed(s, sr, res.err)
	}
	return x.taskSucceeded(s, sr, res.output)
}

// bounded runs fn, bounded by the task's deadline and the execution's.
func (x *execution) bounded(deadline time.Time, fn func(context.Context) (json.RawMessage, error)) (outcome, error) {
	if isVirtual(x.eng.cfg.Clock) || (deadline.IsZero() && x.deadline.IsZero()) {
		// On virtual time a call takes no time at all, so it always beats the task's
		// timeout; racing it against a timer that fires at once would not. Without a
		// deadline nothing but the execution's context can cut the call short, and the
		// invoker is given that: it is made here, without a goroutine of its own.
		out, err := fn(x.ctx)
		return outcome{output: out, err: err}, nil
	}
	ctx, cancel := context.WithCancel(x.ctx)
	defer cancel()
	ch := make(chan outcome, 1)
	go func() {
		out, err := fn(ctx)
		ch <- outcome{output: out, err: err}
	}()
	return x.await(ch, nil, awaitFor{taskDeadline: deadline})
}

// taskFailed records TaskFailed and returns the failure: an *Error keeps its name, any
// other error is States.TaskFailed. States.Runtime (a broken configuration) is not a task
// failure and fails the execution without TaskFailed.
func (x *execution) taskFailed(s *TaskState, sr *stateRun, err error) error {
	var failure *Error
	if !errors.As(err, &failure) {
		failure = &Error{Name: ErrNameTaskFailed, Cause: err.Error()}
	}
	if failure.Name == ErrNameRuntime {
		return failure
	}
	typ, details := TaskFailed, EventDetails{ResourceType: s.resourceType, Resource: s.resourceName,
		Error: failure.Name, Cause: failure.Cause, TaskToken: sr.token}
	if s.activity {
		typ, details = ActivityFailed, EventDetails{Error: failure.Name, Cause: failure.Cause, TaskToken: sr.token}
	} else if s.lambda {
		typ, details = LambdaFunctionFailed, EventDetails{Error: failure.Name, Cause: failure.Cause}
	}
	if _, rerr := x.record(typ, s.Name, details); rerr != nil {
		return rerr
	}
	return failure
}

// taskTimedOut records TaskTimedOut for the task's own timeouts; other errors (the
// execution timed out or was stopped) pass through.
func (x *execution) taskTimedOut(s *TaskState, sr *stateRun, err error) error {
	var failure *Error
	if !errors.As(err, &failure) {
		return err
	}
	typ, details := TaskTimedOut, EventDetails{ResourceType: s.resourceType, Resource: s.resourceName,
		Error: failure.Name, TaskToken: sr.token}
	if s.activity {
		typ, details = ActivityTimedOut, EventDetails{Error: failure.Name, TaskToken: sr.token}
	} else if s.lambda {
		typ, details = LambdaFunctionTimedOut, EventDetails{Error: failure.Name}
	}
	if _, rerr := x.record(typ, s.Name, details); rerr != nil {
		return rerr
	}
	return failure
}

// taskSucceeded records TaskSucceeded with the result and returns it decoded.
func (x *execution) taskSucceeded(s *TaskState, sr *stateRun, output json.RawMessage) (any, error) {
	var result any
	if len(output) > 0 {
		v, err := decodeJSON(output)
		if err != nil {
			return nil, runtimeError("stepstudio: the task returned invalid JSON: %v", err)
		}
		result = v
	}
	size := 0
	if x.recording() {
		text := encodeJSON(result)
		typ, details := TaskSucceeded, EventDetails{ResourceType: s.resourceType, Resource: s.resourceName,
			Output: string(text), TaskToken: sr.token}
		if s.activity {
			typ, details = ActivitySucceeded, EventDetails{Output: string(text), TaskToken: sr.token}
		} else if s.lambda {
			typ, details = LambdaFunctionSucceeded, EventDetails{Output: string(text)}
		}
		if _, err := x.record(typ, s.Name, details); err != nil {
			return nil, err
		}
		size = len(text)
	} else {
		size = jsonSize(result, maxPayloadBytes)
	}
	if size > maxPayloadBytes {
		return nil, dataLimitError(s.Name)
	}
	return result, nil
}

// interruptedError is how a task call that was in flight when the studio stopped ends after
// the restart: it is not made again (a second call could do the work twice), it fails. The
// name is States.TaskFailed, what AWS names a task failure without a name of its own, so the
// Retry and Catch a workflow has for its task failures decide, as on AWS, and a workflow
// that retries States.TaskFailed (or States.ALL) asks for the call to be made again.
func interruptedError(scheduled *Event) *Error {
	return &Error{Name: ErrNameTaskFailed, Cause: fmt.Sprintf(
		"The studio stopped while this task's call was in flight (scheduled at event #%d); it was not called again, "+
			"since a second call could do the work twice. A Retry on States.TaskFailed calls it again.", scheduled.ID)}
}

// recordedResult is the result of a task that a restart found recorded (its TaskSucceeded).
func (x *execution) recordedResult(s *TaskState, ev *Event) (any, error) {
	if ev.Details.Output == "" {
		return nil, nil
	}
	v, err := decodeJSON([]byte(ev.Details.Output))
	if err != nil {
		return nil, runtimeError("stepstudio: the task's recorded result is not JSON: %v", err)
	}
	if len(ev.Details.Output) > maxPayloadBytes {
		return nil, dataLimitError(s.Name)
	}
	return v, nil
}
