package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/stepstudio/stepstudio/runtime"
)

// validate checks one definition file, as the designer does while editing. It prints one
// diagnostic a line (see formatDiagnostic), or "OK" when there is none at all, so a
// silent success is never mistaken for a command that did nothing. Warnings alone do not
// fail; any ERROR does.
func validate(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("validate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio validate FILE\n\n"+
			"Prints one problem a line: SEVERITY CODE LOCATION MESSAGE, where LOCATION is a JSON pointer\n"+
			"such as /States/Fetch/Next (/ for the whole document, quoted when it holds a space) or\n"+
			"LINE:COLUMN for a JSON syntax error. Prints OK when there is no problem at all; exits 1\n"+
			"when there is an ERROR (warnings alone do not fail).")
	}
	files, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(files) != 1 {
		return usageError(fset, "validate: give one definition file")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	diags := runtime.Validate(data)
	errs := printDiagnostics(stdout, diags)
	if len(diags) == 0 {
		fmt.Fprintln(stdout, "OK")
	}
	if errs > 0 {
		return fmt.Errorf("%s: %d %s", files[0], errs, plural(errs, "error", "errors"))
	}
	return nil
}

// printDiagnostics prints the diagnostics one a line and returns how many are errors.
func printDiagnostics(w io.Writer, diags []runtime.Diagnostic) int {
	errs := 0
	for _, d := range diags {
		fmt.Fprintln(w, formatDiagnostic(d))
		if d.Severity == runtime.SeverityError {
			errs++
		}
	}
	return errs
}

// formatDiagnostic renders "SEVERITY CODE LOCATION MESSAGE". LOCATION is the JSON pointer
// of the field ("/" for the whole document), or LINE:COLUMN for a syntax error, which has
// no pointer. A pointer through a state name with a space in it is quoted, so a script can
// always split the line into its four parts.
func formatDiagnostic(d runtime.Diagnostic) string {
	loc := d.Location
	switch {
	case d.Line > 0:
		loc = fmt.Sprintf("%d:%d", d.Line, d.Column)
	case loc == "":
		loc = "/"
	case strings.ContainsFunc(loc, unicode.IsSpace) || strings.HasPrefix(loc, `"`):
		loc = strconv.Quote(loc)
	}
	return fmt.Sprintf("%s %s %s %s", d.Severity, d.Code, loc, d.Message)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
