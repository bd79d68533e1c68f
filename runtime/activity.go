package runtime

import (
	"fmt"
	"strings"
	"time"
)

// A Task whose Resource is an activity's ARN does not call anything: it waits for a worker to
// take it (GetActivityTask) and answer it with its task token (SendTaskSuccess or
// SendTaskFailure, with SendTaskHeartbeat meanwhile), as on AWS. Its history is AWS's:
// ActivityScheduled › ActivityStarted {workerName} › ActivitySucceeded | ActivityFailed |
// ActivityTimedOut. TimeoutSeconds counts from the scheduling, HeartbeatSeconds from the
// worker's taking the task and then from each heartbeat.

// IsActivityARN reports whether resource is an activity's ARN,
// arn:<partition>:states:<region>:<account>:activity:<name>.
func IsActivityARN(resource string) bool {
	f := strings.Split(resource, ":")
	return len(f) == 7 && f[0] == "arn" && f[2] == "states" && f[3] != "" && f[4] != "" && f[5] == "activity" && f[6] != ""
}

// IsLambdaFunctionARN reports whether resource is a Lambda function's own ARN,
// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], which a Task
// invokes directly (with LambdaFunction* events), as opposed to arn:aws:states:::lambda:invoke.
func IsLambdaFunctionARN(resource string) bool {
	f := strings.Split(resource, ":")
	return (len(f) == 7 || len(f) == 8) && f[0] == "arn" && f[2] == "lambda" && f[5] == "function" && f[6] != ""
}

// invokeActivity schedules the activity task, or takes up the one a restart found waiting,
// and waits for its worker's answer.
func (x *execution) invokeActivity(s *TaskState, sr *stateRun, params any, timeout, heartbeat int) (any, error) {
	var w *waiter
	var deadline, heartbeatFrom time.Time
	worker := ""
	if wt := sr.waiting; wt != nil {
		sr.waiting = nil // a retry after it is a new attempt with a new token
		defer x.eng.unregister(wt.token)
		w, deadline, heartbeatFrom, worker = wt.w, wt.deadline, wt.heartbeatFrom, wt.worker
		if worker != "" && !wt.startRecorded {
			// Taken by a worker while the execution slept, or just before the studio stopped.
			if _, err := x.record(ActivityStarted, s.Name, EventDetails{WorkerName: worker, TaskToken: sr.token}); err != nil {
				return nil, err
			}
		}
	} else {
		if exists := x.eng.cfg.ActivityExistsFunc; exists != nil && !exists(s.Resource) {
			failure := &Error{Name: ErrNameRuntime, Cause: fmt.Sprintf("The activity %s does not exist: create it (CreateActivity) before a Task runs it.", s.Resource)}
			if _, err := x.record(ActivityScheduleFailed, s.Name, EventDetails{Error: failure.Name, Cause: failure.Cause}); err != nil {
				return nil, err
			}
			return nil, failure
		}
		if timeout > 0 {
			deadline = x.now().Add(time.Duration(timeout) * time.Second)
		}
		// Registered before the task is stored: a worker may take it at once.
		w = x.eng.register(x.ctx, sr.token)
		defer x.eng.unregister(sr.token)
		if _, err := x.record(ActivityScheduled, s.Name, EventDetails{Resource: s.Resource, Input: jsonText(params),
			TimeoutInSeconds: int64(timeout), HeartbeatInSeconds: int64(heartbeat), TaskToken: sr.token}); err != nil {
			return nil, err
		}
		// Stored before the pollers hear of it: they find it in the store.
		if err := x.flush(); err != nil {
			return nil, err
		}
		if f := x.eng.cfg.ActivityScheduledFunc; f != nil {
			f(s.Resource)
		}
	}
	for {
		f := awaitFor{taskDeadline: deadline, mayLetGo: true}
		if worker != "" {
			f.heartbeat, f.heartbeatFrom = time.Duration(heartbeat)*time.Second, heartbeatFrom
		} else {
			f.started = w.started
		}
		cb, err := x.await(w.result, w.heartbeat, f)
		if err == nil && cb.started {
			worker, heartbeatFrom = cb.startedBy, time.Time{}
			if _, err := x.record(ActivityStarted, s.Name, EventDetails{WorkerName: worker, TaskToken: sr.token}); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil && x.ctx.Err() == nil && !x.eng.unregister(sr.token) {
			// The answer won the race with a timeout: it stands.
			cb, err = <-w.result, nil
		}
		if worker == "" && err == nil {
			// The worker's answer and its taking the task can both be waiting, and the wait
			// may pick the answer first: the taking is recorded before the end all the same.
			select {
			case by := <-w.started:
				if _, err := x.record(ActivityStarted, s.Name, EventDetails{WorkerName: by, TaskToken: sr.token}); err != nil {
					return nil, err
				}
			default:
			}
		}
		if err != nil {
			return nil, x.taskTimedOut(s, sr, err)
		}
		if cb.err != nil {
			return nil, x.taskFailed(s, sr, cb.err)
		}
		return x.taskSucceeded(s, sr, cb.output)
	}
}
