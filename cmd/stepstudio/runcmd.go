package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/objectstore"
)

// runMachine runs one execution in memory, on the real clock, with nothing stored. The
// output JSON goes to stdout; a failed or timed-out execution prints its status, error and
// cause on stderr and exits 1. Tasks: see offlineInvoker.
func runMachine(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("run", flag.ContinueOnError)
	fset.SetOutput(stderr)
	input := fset.String("input", "{}", "the execution input: JSON text, or @FILE to read it from FILE")
	maxHistory := fset.Int64("max-history-events", runtime.DefaultMaxHistoryEvents,
		"events the history may hold before the execution fails with States.Runtime, as on AWS; 0 for no limit")
	s3Dir := fset.String("s3-dir", "", "a folder standing in for Amazon S3 for distributed Maps' ItemReader and ResultWriter: each subfolder is a bucket")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio run FILE [--input JSON|@FILE] [--max-history-events N] [--s3-dir DIR]\n\n"+
			"Runs the state machine in FILE once, in memory and in real time, and prints its output.\n"+
			"On failure prints status, error and cause on stderr and exits 1. Tasks cannot call AWS:\n"+
			"they fail with States.TaskFailed, and a .waitForTaskToken task fails with States.Runtime\n"+
			"(answer those in the studio: stepstudio serve).")
		fset.PrintDefaults()
	}
	files, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(files) != 1 {
		return usageError(fset, "run: give one definition file")
	}
	if err := checkHistoryLimit(*maxHistory); err != nil {
		return usageError(fset, "run: %w", err)
	}
	file := files[0]
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	def, err := runtime.Parse(data)
	if err != nil {
		var de *runtime.DefinitionError
		if errors.As(err, &de) {
			printDiagnostics(stderr, de.Diagnostics)
			return fmt.Errorf("run: %s: the definition is not valid", file)
		}
		return fmt.Errorf("run: %s: %w", file, err)
	}
	in, err := readInput(*input)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}

	name := machineName(file)
	execName, err := executionName()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	cfg := runtime.EngineConfig{Clock: systemClock{}, Invoker: offlineInvoker{command: "run"}, MaxHistoryEvents: *maxHistory}
	if *s3Dir != "" {
		cfg.Objects = objectstore.Folder{Root: *s3Dir}
	}
	eng := runtime.NewEngine(cfg)
	res, err := eng.Run(ctx, runtime.StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:123456789012:execution:" + name + ":" + execName,
		ExecutionName:    execName,
		StateMachineARN:  "arn:aws:states:us-east-1:123456789012:stateMachine:" + name,
		StateMachineName: name,
		Definition:       def,
		Input:            in,
	})
	if err != nil {
		return fmt.Errorf("run: %s: %w", file, err)
	}
	if res.Status == runtime.StatusSucceeded {
		_, err := fmt.Fprintf(stdout, "%s\n", res.Output)
		return err
	}
	fmt.Fprintf(stderr, "status: %s\n", res.Status)
	if res.Error != "" {
		fmt.Fprintf(stderr, "error: %s\n", res.Error)
	}
	if res.Cause != "" {
		fmt.Fprintf(stderr, "cause: %s\n", res.Cause)
	}
	return fmt.Errorf("run: %s: the execution %s", file, strings.ToLower(strings.ReplaceAll(string(res.Status), "_", " ")))
}

// readInput returns --input as JSON text: the text itself, or the content of the file
// after "@". It must be one JSON value, as StartExecution requires.
func readInput(arg string) (json.RawMessage, error) {
	text, from := []byte(arg), "--input"
	if path, ok := strings.CutPrefix(arg, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--input: %w", err)
		}
		text, from = data, path
	}
	if !json.Valid(text) {
		return nil, fmt.Errorf("%s is not valid JSON", from)
	}
	return text, nil
}

// machineName names the machine after its file, as a user would name it when creating it:
// "order.asl.json" runs as "order".
func machineName(file string) string {
	name := filepath.Base(file)
	for _, ext := range []string{".json", ".asl"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// executionName returns a random UUID, as StartExecution names an execution by default.
func executionName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}

// offlineInvoker runs Tasks for the commands that run executions in memory (run, test).
// Other AWS services are not emulated, so a plain Task fails with States.TaskFailed, which
// its Retry and Catch handle as they would any task failure. A .waitForTaskToken task
// fails at once with States.Runtime (which nothing catches): no inbox and no API exist in
// these modes to send its callback, and waiting would only hang.
type offlineInvoker struct {
	command string // "run" or "test", for the message
}

func (i offlineInvoker) Invoke(_ context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	if strings.HasSuffix(req.Resource, ".waitForTaskToken") {
		return nil, &runtime.Error{
			Name: runtime.ErrNameRuntime,
			Cause: fmt.Sprintf("stepstudio %s cannot answer the .waitForTaskToken task of state %q: nothing can send its callback in this mode; "+
				"run the machine in the studio (stepstudio serve) to answer it from the inbox", i.command, req.StateName),
		}
	}
	return nil, &runtime.Error{
		Name:  runtime.ErrNameTaskFailed,
		Cause: fmt.Sprintf("stepstudio %s cannot call the resource %q: AWS services are not emulated", i.command, req.Resource),
	}
}
