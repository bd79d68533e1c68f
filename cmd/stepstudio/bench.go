package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/casefile"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// The bench command measures the workloads of ../shared/bench (definition.asl.json,
// input.json, meta.json per folder) the way that folder's peer.mjs measures the peer
// interpreter, and reports the same figures in the same JSON shape, so the two can be
// compared run for run:
//
//   - a measured run is JSON input text in, JSON output text out: Engine.Run parses the
//     input, runs and serialises the output (it does all three, so there is no separate
//     run_ms as the peer has);
//   - the definition is compiled (runtime.Parse) once per process, three times to take the
//     median, reported apart as compile_ms;
//   - before the warm-up, one verification run counts the states entered (a Recorder
//     counting *StateEntered events, nested ones included) and checks the output against
//     meta.json's expect;
//   - a workload of several executions runs them 1 or C at a time (concurrencyModes);
//   - each workload and mode runs in a child process of its own (this binary, re-executed
//     with a hidden command), so its peak RSS, read from the child's rusage, is its own.
//
// A workload the runtime cannot run (invalid definition, a feature not supported yet) is
// reported as failed with the reason; the others are still measured.

// benchChildCommand is the hidden command the bench re-executes this binary with, to
// measure one workload in one mode.
const benchChildCommand = "__bench-workload"

// resultMarker starts the line a child reports its result on, as peer.mjs's children do.
const resultMarker = "@@RESULT@@"

func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("bench", flag.ContinueOnError)
	fset.SetOutput(stderr)
	runs := fset.Int("runs", 7, "measured runs per workload")
	warmup := fset.Int("warmup", 2, "unmeasured runs before them")
	jsonFile := fset.String("json", "", "also write the results as JSON to this file (the shape peer.mjs writes)")
	inproc := fset.Bool("inproc", false, "run every workload in this process (peak RSS is then the whole process's)")
	durable := fset.Bool("durable", false, "store every execution and its whole history in a SQLite file, as the studio does (Standard)")
	withJSONata := fset.Bool("jsonata", false, "also run each workload converted to JSONata (runtime.ConvertDefinition), right after it")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio bench [--runs N] [--warmup N] [--json FILE] [--inproc] [--durable] [--jsonata] DIR...\n\n"+
			"Measures benchmark workloads: each DIR is a workload folder (definition.asl.json, input.json,\n"+
			"meta.json) or a folder of them. Prints a table; exits 1 when a workload failed or its output\n"+
			"was wrong.")
		fset.PrintDefaults()
	}
	dirs, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(dirs) == 0 {
		return usageError(fset, "bench: give at least one workload folder")
	}
	if *runs < 1 || *warmup < 0 {
		return usageError(fset, "bench: --runs must be at least 1 and --warmup at least 0")
	}
	workloads, err := findWorkloads(dirs)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	exe, err := os.Executable()
	if err != nil && !*inproc {
		return fmt.Errorf("bench: cannot re-execute this program: %w", err)
	}

	env := benchEnv{
		Stepstudio: "stepstudio bench", Go: goruntime.Version(), OS: goruntime.GOOS, Arch: goruntime.GOARCH,
		GOMAXPROCS: goruntime.GOMAXPROCS(0), NumCPU: goruntime.NumCPU(), Runs: *runs, Warmup: *warmup,
		Mode: "child process per workload", CalibrationMSStart: calibrate(),
	}
	if *inproc {
		env.Mode = "in-process"
	}
	if *durable {
		env.Mode += ", durable (SQLite)"
	}
	fmt.Fprintf(stderr, "# %s\n", mustJSON(env))
	var results []*benchResult
	for _, dir := range workloads {
		modes, err := workloadModes(dir)
		if err != nil {
			r := &benchResult{Workload: filepath.Base(dir), Mode: "single", Error: err.Error()}
			results = append(results, r)
			fmt.Fprintf(stderr, "%s: ERROR %s\n", r.Workload, r.Error)
			continue
		}
		langs := []bool{false}
		if *withJSONata {
			langs = append(langs, true) // back to back, so both see the same machine load
		}
		for _, c := range modes {
			for _, jsonata := range langs {
				how := benchRun{runs: *runs, warmup: *warmup, concurrency: c, durable: *durable, jsonata: jsonata}
				var r *benchResult
				if *inproc {
					r = measureWorkload(ctx, dir, how)
					r.PeakRSSMB = round(selfPeakRSSMB(), 1)
				} else {
					r = benchInChild(ctx, exe, dir, how)
				}
				results = append(results, r)
				fmt.Fprintln(stderr, r.progress())
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	env.CalibrationMSEnd = calibrate()

	fmt.Fprintln(stdout, benchTable(env, results))
	if *jsonFile != "" {
		data, _ := json.MarshalIndent(struct {
			Env     benchEnv       `json:"env"`
			Results []*benchResult `json:"results"`
		}{env, results}, "", "  ")
		if err := os.WriteFile(*jsonFile, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	bad := 0
	for _, r := range results {
		if r.Error != "" || !r.Verify.OK {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("bench: %d of %d workload runs failed or gave a wrong result", bad, len(results))
	}
	return nil
}

// benchChild measures one workload in one mode and prints the result on one line after
// resultMarker. A workload that fails is a result too; only a broken command line is an
// error.
func benchChild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet(benchChildCommand, flag.ContinueOnError)
	fset.SetOutput(stderr)
	runs := fset.Int("runs", 7, "")
	warmup := fset.Int("warmup", 2, "")
	concurrency := fset.Int("concurrency", 1, "")
	durable := fset.Bool("durable", false, "")
	jsonata := fset.Bool("jsonata", false, "")
	dirs, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		return fmt.Errorf("%s: give one workload folder", benchChildCommand)
	}
	r := measureWorkload(ctx, dirs[0], benchRun{runs: *runs, warmup: *warmup, concurrency: *concurrency, durable: *durable, jsonata: *jsonata})
	_, err = fmt.Fprintf(stdout, "\n%s%s\n", resultMarker, mustJSON(r))
	return err
}

// benchRun is how one workload is measured.
type benchRun struct {
	runs, warmup, concurrency int
	durable                   bool
	// jsonata runs the workload converted to JSONata, named "<workload> (JSONata)".
	jsonata bool
}

// benchInChild measures a workload in a child process and adds the child's peak RSS.
func benchInChild(ctx context.Context, exe, dir string, how benchRun) *benchResult {
	cmd := exec.CommandContext(ctx, exe, benchChildCommand, "--runs", strconv.Itoa(how.runs), "--warmup", strconv.Itoa(how.warmup),
		"--concurrency", strconv.Itoa(how.concurrency), "--durable="+strconv.FormatBool(how.durable),
		"--jsonata="+strconv.FormatBool(how.jsonata), dir)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	var r *benchResult
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), resultMarker); ok {
			r = &benchResult{}
			if err := json.Unmarshal([]byte(line), r); err != nil {
				r = nil
			}
		}
	}
	if r == nil {
		lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
		r = &benchResult{Workload: workloadName(filepath.Base(dir), how.jsonata), Mode: modeName(how.concurrency, how.concurrency > 1),
			Error: fmt.Sprintf("child: %v: %s", runErr, strings.Join(lines[max(0, len(lines)-3):], " | "))}
		return r
	}
	if cmd.ProcessState != nil {
		r.PeakRSSMB = round(childPeakRSSMB(cmd.ProcessState), 1)
	}
	return r
}

// workload is a benchmark folder as read from disk.
type workload struct {
	meta       workloadMeta
	definition []byte
	input      []byte
}

// workloadMeta is meta.json.
type workloadMeta struct {
	Name                      string `json:"name"`
	ExecutionsPerRun          int    `json:"executionsPerRun"`
	StatesEnteredPerExecution int    `json:"statesEnteredPerExecution"`
	ConcurrencyModes          []int  `json:"concurrencyModes"`
	Expect                    []struct {
		Path   string          `json:"path"`
		Equals json.RawMessage `json:"equals"`
	} `json:"expect"`
	// TaskHandlers maps a Task resource ARN to a local handler; only "echo" exists.
	TaskHandlers map[string]string `json:"taskHandlers"`
}

// findWorkloads expands each folder that is not a workload itself to the workloads in it.
func findWorkloads(dirs []string) ([]string, error) {
	var out []string
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "meta.json")); err == nil {
			out = append(out, dir)
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		n := len(out)
		for _, e := range entries { // ReadDir sorts by name
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "meta.json")); e.IsDir() && err == nil {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no meta.json in it or in its folders", dir)
		}
	}
	return out, nil
}

func loadWorkload(dir string) (*workload, error) {
	w := &workload{}
	meta, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(meta, &w.meta); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "meta.json"), err)
	}
	if w.meta.Name == "" {
		w.meta.Name = filepath.Base(dir)
	}
	w.meta.ExecutionsPerRun = max(1, w.meta.ExecutionsPerRun)
	if w.definition, err = os.ReadFile(filepath.Join(dir, "definition.asl.json")); err != nil {
		return nil, err
	}
	if w.input, err = os.ReadFile(filepath.Join(dir, "input.json")); err != nil {
		return nil, err
	}
	for arn, h := range w.meta.TaskHandlers {
		if h != "echo" {
			return nil, fmt.Errorf("meta.json: taskHandlers maps %s to %q; only \"echo\" exists", arn, h)
		}
	}
	return w, nil
}

// workloadModes returns the concurrencies to run a workload at: several only for a
// workload of several executions, as peer.mjs does.
func workloadModes(dir string) ([]int, error) {
	w, err := loadWorkload(dir)
	if err != nil {
		return nil, err
	}
	if w.meta.ExecutionsPerRun > 1 && len(w.meta.ConcurrencyModes) > 0 {
		return w.meta.ConcurrencyModes, nil
	}
	return []int{1}, nil
}

// workloadName names a workload in reports; its JSONata variant is marked so.
func workloadName(name string, jsonata bool) string {
	if jsonata {
		return name + " (JSONata)"
	}
	return name
}

func modeName(concurrency int, multi bool) string {
	if !multi {
		return "single"
	}
	return "c" + strconv.Itoa(concurrency)
}

// echoInvoker serves the Tasks meta.json maps to the "echo" handler: it returns the task's
// effective input. Any other resource fails, as it would with no handler.
type echoInvoker map[string]string

func (h echoInvoker) Invoke(_ context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	if h[req.Resource] == "echo" {
		return req.Input, nil
	}
	return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: "bench: no local handler for " + req.Resource}
}

// enteredCounter is the verification run's Recorder: it counts the states entered.
type enteredCounter struct{ entered, events atomic.Int64 }

func (c *enteredCounter) Record(_ context.Context, _ string, ev runtime.Event) error {
	c.events.Add(1)
	if strings.HasSuffix(string(ev.Type), "StateEntered") {
		c.entered.Add(1)
	}
	return nil
}

// benchResult is one workload in one mode, in peer.mjs's JSON shape; a failed one has only
// workload, mode and error, as there.
type benchResult struct {
	Workload            string       `json:"workload"`
	Mode                string       `json:"mode"`
	Error               string       `json:"error,omitempty"`
	Runs                int          `json:"runs"`
	Warmup              int          `json:"warmup"`
	WallMS              *wallStats   `json:"wall_ms"`
	RunMS               *wallStats   `json:"run_ms"` // always null: Engine.Run parses, runs and serialises as one
	StatesEnteredPerRun int          `json:"statesEnteredPerRun"`
	TransitionsPerS     *rateStats   `json:"transitions_per_s"`
	ExecutionsPerS      *rateStats   `json:"executions_per_s"`
	USPerTransition     float64      `json:"us_per_transition"`
	CompileMS           float64      `json:"compile_ms"`
	InputBytes          int          `json:"input_bytes"`
	OutputBytes         int          `json:"output_bytes"`
	RSSBaseMB           float64      `json:"rss_base_mb"`
	PeakRSSMB           float64      `json:"peak_rss_mb"`
	Verify              verification `json:"verify"`
}

// MarshalJSON writes a failed result as peer.mjs does: workload, mode and error only.
func (r *benchResult) MarshalJSON() ([]byte, error) {
	type plain benchResult // without this method
	if r.Error != "" {
		return json.Marshal(struct {
			Workload string `json:"workload"`
			Mode     string `json:"mode"`
			Error    string `json:"error"`
		}{r.Workload, r.Mode, r.Error})
	}
	return json.Marshal((*plain)(r))
}

type wallStats struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	All    []float64 `json:"all,omitempty"`
}

type rateStats struct {
	Median int64 `json:"median"`
	Min    int64 `json:"min"`
	Max    int64 `json:"max"`
}

type verification struct {
	StatesEntered int64        `json:"statesEntered"`
	Events        int64        `json:"events"`
	Checks        []benchCheck `json:"checks"`
	OutputOK      bool         `json:"outputOk"`
	OK            bool         `json:"ok"`
}

// benchCheck is one of meta.json's expect values checked; Got is absent when the path
// finds nothing.
type benchCheck struct {
	Path string          `json:"path"`
	OK   bool            `json:"ok"`
	Got  json.RawMessage `json:"got,omitempty"`
}

// measureWorkload does in this process what one peer.mjs child does.
func measureWorkload(ctx context.Context, dir string, how benchRun) *benchResult {
	runs, warmup, durable := how.runs, how.warmup, how.durable
	r := &benchResult{Workload: workloadName(filepath.Base(dir), how.jsonata), Mode: "single", Runs: runs, Warmup: warmup}
	r.RSSBaseMB = round(selfPeakRSSMB(), 1)
	w, err := loadWorkload(dir)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	n := w.meta.ExecutionsPerRun
	c := max(1, how.concurrency)
	r.Workload, r.Mode = workloadName(w.meta.Name, how.jsonata), modeName(c, n > 1)
	if how.jsonata {
		if w.definition, err = runtime.ConvertDefinition(w.definition); err != nil {
			r.Error = "the definition does not convert to JSONata: " + err.Error()
			return r
		}
	}

	var def *runtime.Definition
	compile := make([]float64, 3)
	for i := range compile {
		t := time.Now()
		def, err = runtime.Parse(w.definition)
		compile[i] = ms(time.Since(t))
		if err != nil {
			r.Error = "the definition cannot run: " + err.Error()
			return r
		}
	}
	r.CompileMS = round(median(compile), 2)
	start := runtime.StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:123456789012:execution:" + w.meta.Name + ":bench",
		ExecutionName:    "bench",
		StateMachineARN:  "arn:aws:states:us-east-1:123456789012:stateMachine:" + w.meta.Name,
		StateMachineName: w.meta.Name,
		Definition:       def,
		Input:            w.input,
	}
	invoker := echoInvoker(w.meta.TaskHandlers)

	// The verification run, with a Recorder; the measured runs have none, as an embedded
	// runtime that only wants the result would.
	counter := &enteredCounter{}
	verifier := runtime.NewEngine(runtime.EngineConfig{Clock: systemClock{}, Invoker: invoker, Recorder: counter})
	res, err := verifier.Run(ctx, start)
	if err := ended(res, err); err != nil {
		r.Error = err.Error()
		return r
	}
	r.Verify = verify(w.meta, res.Output, counter)

	eng := runtime.NewEngine(runtime.EngineConfig{Clock: systemClock{}, Invoker: invoker})
	one := func() (int, error) {
		res, err := eng.Run(ctx, start)
		return len(res.Output), ended(res, err)
	}
	if durable {
		d, err := newDurableRuns(ctx, w, start, invoker)
		if err != nil {
			r.Error = err.Error()
			return r
		}
		defer d.close()
		one = d.one
	}
	runOnce := func() (time.Duration, int, error) {
		t0 := time.Now()
		if n == 1 {
			size, err := one()
			return time.Since(t0), size, err
		}
		var next atomic.Int64
		var mu sync.Mutex
		var firstErr error
		size := 0
		var wg sync.WaitGroup
		for range min(c, n) {
			wg.Go(func() {
				for next.Add(1) <= int64(n) {
					s, err := one()
					mu.Lock()
					size = s
					if err != nil && firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return time.Since(t0), size, firstErr
	}

	for range warmup {
		goruntime.GC() // as peer.mjs calls gc() before every run
		if _, _, err := runOnce(); err != nil {
			r.Error = err.Error()
			return r
		}
	}
	walls := make([]float64, 0, runs)
	for i := range runs {
		goruntime.GC()
		d, size, err := runOnce()
		if err != nil {
			r.Error = err.Error()
			return r
		}
		if i == 0 {
			r.OutputBytes = size
		}
		walls = append(walls, ms(d))
	}

	med, lo, hi := median(walls), slices.Min(walls), slices.Max(walls)
	all := make([]float64, len(walls))
	for i, x := range walls {
		all[i] = round(x, 2)
	}
	r.WallMS = &wallStats{Median: round(med, 2), Min: round(lo, 2), Max: round(hi, 2), All: all}
	transitions := w.meta.StatesEnteredPerExecution * n
	r.StatesEnteredPerRun = transitions
	perSecond := func(count int) *rateStats {
		return &rateStats{Median: rate(count, med), Min: rate(count, hi), Max: rate(count, lo)}
	}
	r.TransitionsPerS = perSecond(transitions)
	if n > 1 {
		r.ExecutionsPerS = perSecond(n)
	}
	r.USPerTransition = round(med*1000/float64(transitions), 3)
	r.InputBytes = len(bytes.TrimSuffix(w.input, []byte("\n")))
	return r
}

// ended turns an execution that did not succeed into the reason the workload failed.
func ended(res runtime.Result, err error) error {
	switch {
	case err != nil:
		return err
	case res.Status != runtime.StatusSucceeded:
		msg := fmt.Sprintf("the execution %s", res.Status)
		if res.Error != "" {
			msg += ": " + res.Error
		}
		if res.Cause != "" {
			msg += ": " + res.Cause
		}
		return errors.New(msg)
	}
	return nil
}

// verify checks the verification run against meta.json: its expect values (compared as
// JSON values) and the number of states entered.
func verify(meta workloadMeta, output json.RawMessage, counter *enteredCounter) verification {
	v := verification{StatesEntered: counter.entered.Load(), Events: counter.events.Load(), OutputOK: true}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(output))
	dec.UseNumber()
	_ = dec.Decode(&doc)
	for _, e := range meta.Expect {
		got, found := readPath(doc, e.Path)
		check := benchCheck{Path: e.Path}
		if found {
			check.Got, _ = json.Marshal(got)
			check.OK = len(casefile.DiffJSON(e.Equals, check.Got)) == 0
		}
		v.OutputOK = v.OutputOK && check.OK
		v.Checks = append(v.Checks, check)
	}
	v.OK = v.OutputOK && v.StatesEntered == int64(meta.StatesEnteredPerExecution)
	return v
}

var pathPart = regexp.MustCompile(`\.[^.\[\]]+|\[\d+\]`)

// readPath reads "$.a.b[3].c" as peer.mjs's readPath does: member names and indexes only.
func readPath(doc any, path string) (any, bool) {
	cur := doc
	for _, p := range pathPart.FindAllString(strings.TrimPrefix(path, "$"), -1) {
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[p[1:]]
			if !ok || p[0] != '.' {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(strings.Trim(p, "[]"))
			if err != nil || p[0] != '[' || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// benchEnv describes the measuring process, as peer.mjs's env does.
type benchEnv struct {
	Stepstudio         string  `json:"stepstudio"`
	Go                 string  `json:"go"`
	OS                 string  `json:"os"`
	Arch               string  `json:"arch"`
	GOMAXPROCS         int     `json:"gomaxprocs"`
	NumCPU             int     `json:"numcpu"`
	Runs               int     `json:"runs"`
	Warmup             int     `json:"warmup"`
	Mode               string  `json:"mode"`
	CalibrationMSStart float64 `json:"calibration_ms_start"`
	CalibrationMSEnd   float64 `json:"calibration_ms_end,omitempty"` // unset in the line printed at the start
}

// calibrate times a fixed CPU loop 7 times (median ms), as peer.mjs does, so runs taken at
// different times on a noisy machine can be compared. (Go and node compile the loop
// differently: compare it only between runs of the same harness.)
func calibrate() float64 {
	ts := make([]float64, 7)
	sink := int32(0)
	for r := range ts {
		t := time.Now()
		x := int32(0)
		for i := range int32(20_000_000) {
			x = x*31 + i
		}
		sink += x
		ts[r] = ms(time.Since(t))
	}
	if sink == 42 {
		fmt.Fprint(io.Discard, sink) // keeps the loop from being optimised away
	}
	return round(median(ts), 2)
}

// progress is the line printed on stderr as each workload finishes, as peer.mjs prints.
func (r *benchResult) progress() string {
	if r.Error != "" {
		return fmt.Sprintf("%s [%s]: ERROR %s", r.Workload, r.Mode, r.Error)
	}
	return fmt.Sprintf("%s [%s]: wall median %v ms (min %v, max %v), %d transitions/s, peak RSS %v MB, verified %v",
		r.Workload, r.Mode, r.WallMS.Median, r.WallMS.Min, r.WallMS.Max, r.TransitionsPerS.Median, r.PeakRSSMB, r.Verify.OK)
}

// benchTable renders the results as peer.mjs's table does.
func benchTable(env benchEnv, results []*benchResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# stepstudio on %s %s/%s, GOMAXPROCS %d; %d runs after %d warm-up; %s; calibration loop %v ms at start, %v ms at end\n",
		env.Go, env.OS, env.Arch, env.GOMAXPROCS, env.Runs, env.Warmup, env.Mode, env.CalibrationMSStart, env.CalibrationMSEnd)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tmode\truns\twall med ms\tmin\tmax\ttransitions/s (med)\texecs/s (med)\tus/transition\tpeak RSS MB\tcompile ms\tverified")
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\tERROR\t%s\n", r.Workload, r.Mode, oneLine(r.Error))
			continue
		}
		execs := "-"
		if r.ExecutionsPerS != nil {
			execs = thousands(r.ExecutionsPerS.Median)
		}
		verified := "ok"
		if !r.Verify.OK {
			out := "ok"
			if !r.Verify.OutputOK {
				out = "WRONG"
			}
			verified = fmt.Sprintf("NO (output %s, %d entered)", out, r.Verify.StatesEntered)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\t%v\t%v\t%s\t%s\t%v\t%v\t%v\t%s\n", r.Workload, r.Mode, r.Runs,
			r.WallMS.Median, r.WallMS.Min, r.WallMS.Max, thousands(r.TransitionsPerS.Median), execs,
			r.USPerTransition, r.PeakRSSMB, r.CompileMS, verified)
	}
	tw.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// oneLine keeps an error readable in a table: its first line, clipped.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 240 {
		return string(r[:240]) + "…"
	}
	return s
}

// thousands formats 14035 as "14,035", as the peer's toLocaleString does.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rate is count per second over ms milliseconds, rounded as peer.mjs rounds.
func rate(count int, ms float64) int64 { return int64(math.Round(float64(count) / (ms / 1000))) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs are encoded
	}
	return b
}

// durableRuns runs a workload's executions as the studio runs Standard ones: each is stored
// with its ExecutionStarted (through the history writer, as a start is) and runs with the
// writer as its recorder, so every event is committed to SQLite, in batches, and the run
// ends once its last event is committed.
type durableRuns struct {
	dir    string
	db     *store.DB
	writer *store.Writer
	eng    *runtime.Engine
	start  runtime.StartInput
	m      resource.StateMachine
	next   atomic.Int64
}

func newDurableRuns(ctx context.Context, w *workload, start runtime.StartInput, invoker runtime.TaskInvoker) (*durableRuns, error) {
	dir, err := os.MkdirTemp("", "stepstudio-bench-")
	if err != nil {
		return nil, err
	}
	d := &durableRuns{dir: dir, start: start}
	if d.db, err = store.Open(ctx, filepath.Join(dir, "bench.db"), store.Options{}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if d.m, err = d.db.CreateMachine(ctx, resource.StateMachine{Name: start.StateMachineName, ARN: start.StateMachineARN,
		Definition: w.definition}); err != nil {
		d.close()
		return nil, err
	}
	d.writer = store.NewWriter(d.db)
	d.eng = runtime.NewEngine(runtime.EngineConfig{Clock: systemClock{}, Invoker: invoker, Recorder: d.writer})
	return d, nil
}

// one stores and runs one execution under a name of its own.
func (d *durableRuns) one() (int, error) {
	ctx := context.Background()
	in := d.start
	in.ExecutionName = "bench-" + strconv.FormatInt(d.next.Add(1), 10)
	in.ExecutionARN = strings.Replace(d.start.StateMachineARN, ":stateMachine:", ":execution:", 1) + ":" + in.ExecutionName
	if _, err := d.db.CreateExecution(ctx, resource.Execution{ARN: in.ExecutionARN, Name: in.ExecutionName,
		StateMachineID: d.m.ID, VersionID: d.m.VersionID, Input: in.Input, StartedAt: time.Now()}); err != nil {
		return 0, err
	}
	res, err := d.eng.Run(ctx, in)
	return len(res.Output), ended(res, err)
}

func (d *durableRuns) close() {
	if d.writer != nil {
		d.writer.Close()
	}
	d.db.Close()
	os.RemoveAll(d.dir)
}
