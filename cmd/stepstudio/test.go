package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	goruntime "runtime"
	"strings"

	"github.com/stepstudio/stepstudio/runtime/casefile"
)

// testCases runs case files (see package casefile) and reports each failure with its
// differences, then "N passed, N failed" alone on the last line. Cases run in parallel,
// GOMAXPROCS at a time, each on a virtual clock, so a suite full of Waits and Retry
// back-offs takes no real time; results print in file order all the same, so two runs of a
// suite give the same report. A file that should be a case but cannot be read counts as a
// failure: a CI run must not pass because a case file has a typo.
//
// Output:
//
//	--- FAIL: NAME (PATH)
//	    DIFFERENCE (one indented line each, see casefile.Check)
//	--- PASS: NAME (PATH)           with -v
//	--- SKIP: PATH (not a case file) with -v: JSON files in folders that are no cases
//	N passed, N failed
func testCases(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("test", flag.ContinueOnError)
	fset.SetOutput(stderr)
	verbose := fset.Bool("v", false, "also list the cases that pass and the JSON files that are not cases")
	pattern := fset.String("run", "", "run only the cases whose name or file path matches this regular expression")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio test [-v] [--run REGEX] PATH...\n\n"+
			"Runs case files ({name, definition, input, expect}; folders are searched recursively for\n"+
			".json files holding cases) on a virtual clock and compares each result with its expect.")
		fset.PrintDefaults()
	}
	paths, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(paths) == 0 {
		return usageError(fset, "test: give at least one case file or folder")
	}
	var filter *regexp.Regexp
	if *pattern != "" {
		if filter, err = regexp.Compile(*pattern); err != nil {
			return fmt.Errorf("test: --run: %w", err)
		}
	}
	suite, err := casefile.Load(paths...)
	if err != nil {
		return fmt.Errorf("test: %w", err)
	}
	selected := func(s ...string) bool {
		if filter == nil {
			return true
		}
		for _, x := range s {
			if filter.MatchString(x) {
				return true
			}
		}
		return false
	}

	failed := 0
	for _, err := range suite.Broken {
		var fe *casefile.FileError
		path := err.Error()
		if errors.As(err, &fe) {
			path = fe.Path
		}
		if !selected(path) {
			continue
		}
		failed++
		fmt.Fprintf(stdout, "--- FAIL: %s\n%s", path, indent("cannot read the case: "+errorText(err, path)))
	}
	if *verbose {
		for _, p := range suite.Skipped {
			fmt.Fprintf(stdout, "--- SKIP: %s (not a case file)\n", p)
		}
	}

	var cases []*casefile.Case
	for _, c := range suite.Cases {
		if selected(c.Name, c.Path) {
			cases = append(cases, c)
		}
	}
	passed := 0
	for o := range runCases(ctx, cases) {
		if o.Passed() {
			passed++
			if *verbose {
				fmt.Fprintf(stdout, "--- PASS: %s (%s)\n", o.Case.Name, o.Case.Path)
			}
			continue
		}
		failed++
		fmt.Fprintf(stdout, "--- FAIL: %s (%s)\n%s", o.Case.Name, o.Case.Path, indent(o.Report()))
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	switch {
	case failed > 0:
		return fmt.Errorf("test: %d of %d %s failed", failed, passed+failed, plural(passed+failed, "case", "cases"))
	case passed == 0:
		return fmt.Errorf("test: no cases found in %s", strings.Join(paths, " "))
	}
	return ctx.Err()
}

// runCases runs the cases GOMAXPROCS at a time and yields their outcomes in the order of
// the cases, each as soon as it and those before it are done.
func runCases(ctx context.Context, cases []*casefile.Case) func(yield func(*casefile.Outcome) bool) {
	return func(yield func(*casefile.Outcome) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // a consumer that stops early stops the cases still running
		done := make([]chan *casefile.Outcome, len(cases))
		for i := range done {
			done[i] = make(chan *casefile.Outcome, 1)
		}
		// Every case is handed out even after ctx ends (they then end at once), so every
		// outcome the loop below waits for comes.
		next := make(chan int)
		go func() {
			defer close(next)
			for i := range cases {
				next <- i
			}
		}()
		opt := casefile.Options{Invoker: offlineInvoker{command: "test"}}
		for range min(goruntime.GOMAXPROCS(0), len(cases)) {
			go func() {
				for i := range next {
					done[i] <- casefile.Run(ctx, cases[i], opt)
				}
			}()
		}
		for i := range cases {
			if !yield(<-done[i]) {
				return
			}
		}
	}
}

// errorText drops the path a *FileError starts with, which the report shows already.
func errorText(err error, path string) string {
	return strings.TrimPrefix(err.Error(), path+": ")
}

// indent indents every line of s by four spaces and ends it with a newline.
func indent(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString("    ")
		b.WriteString(strings.TrimSuffix(line, "\n"))
		b.WriteByte('\n')
	}
	return b.String()
}
