// Package lifecycle is the one place where executions and their callback tasks change: it
// starts, stops and redrives executions, takes the decisions and heartbeats of callback
// tasks, resumes what was running when the studio last stopped, and keeps the sleeping
// executions the engine lets go, waking them when they are due. The pages, the command line
// and the Step Functions API call it, so a rule (a decision is stored before it is
// acknowledged, a start is one transaction) lives here once. It holds the engine and tells
// the store; it knows nothing of HTTP.
package lifecycle
