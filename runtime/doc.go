// Package runtime is the Amazon States Language (ASL) interpreter of stepstudio.
//
// It parses a definition once into typed states (Parse), reporting every problem as a
// Diagnostic shaped like ValidateStateMachineDefinition's (code, message, location such as
// /States/Fetch/Next), and executes parsed definitions (Engine). It knows nothing of HTTP, SQL
// or HTML: what it needs from outside it declares as interfaces (Clock, TaskInvoker,
// Recorder, MapRunner, ObjectStore), so the server, the command line and the tests wire in what they need.
//
// # What runs
//
// The JSONPath query language, as AWS Step Functions runs it, with AWS's error names and cause
// texts: every state type (one file each, state_*.go) and field; the data flow InputPath,
// Parameters, ResultSelector, ResultPath, OutputPath in one function (dataflow.go); JSONPath as
// Jayway evaluates it, compiled at Parse (jsonpath*.go); the context object; the 18 intrinsic
// functions, parsed once into a tree (intrinsic_*.go; States.Format and friends print values as
// Java does, intrinsic_java.go); Choice rules; Retry and Catch (retry.go); task timeouts and
// heartbeats; the 256 KiB payload limit; variables with their scopes (variables.go);
// Parallel branches and Map iterations as frames sharing the execution's history numbering
// (frames.go), inline Maps at most 40 iterations at a time; distributed Maps' children as
// executions of a map run when a MapRunner runs them (maprun.go), their items read from Amazon
// S3 by an ItemReader (itemreader.go) and their results written there by a ResultWriter
// (resultwriter.go) through an ObjectStore (objects.go; runtime/objectstore has a folder and an
// S3 endpoint).
//
// Task resources are the TaskInvoker's business (runtime/integration calls Lambda, HTTP,
// nested executions and AWS services); the runtime runs the three patterns around the call:
// request-response, .waitForTaskToken (a callback) and .sync (a JobRunner's job, awaited
// again after a restart). Mocks (runtime/mockconfig, Step Functions Local's file) answer
// the calls of executions started with a test case instead.
//
// JSONata states (QueryLanguage "JSONata", at the top or per state) run on the engine in
// runtime/jsonata: "{% %}" strings are compiled at Parse (jsonata_template.go), evaluated
// with $states, the variables and AWS's added functions, and fail at run time with
// States.QueryEvaluationError and AWS's causes. jsonataFlow is their data flow.
//
// Not yet: PARQUET and MANIFEST item readers.
//
// # Time, tasks and history
//
// Nothing here reads the wall clock or sleeps: every timestamp and timer comes from the Clock,
// so tests and `stepstudio test` run Waits, backoffs and timeouts on virtual time
// (runtime/fakeclock). Every history event goes to the Recorder in order, numbered as AWS
// numbers them; the studio's store keeps them and its hub streams them. Engine.Resume
// continues an execution from its stored history after a restart. A Standard execution's
// history holds at most EngineConfig.MaxHistoryEvents (AWS's 25,000): the event that would
// reach it, unless it is ExecutionSucceeded, is replaced by ExecutionFailed (States.Runtime)
// and the run stops in every frame (execution.go, fillHistory). A Recorder that writes in
// batches (Flusher) is flushed before what must not be lost or done twice: a task call, a
// sleep, a stop, a redrive, the end. Resume rebuilds a run at every depth from its history
// (resume_frames.go). A Parker lets go of a Standard run that sleeps with nothing else running
// in it; resuming it when due goes on exactly where it was.
//
// TestState runs one state alone, as AWS's TestState API does, on a virtual clock and with a
// mock in place of a Task's resource, and reports the value after each step of the data
// flow: dataFlow tells a probe, which normal runs do not have (teststate.go).
package runtime
