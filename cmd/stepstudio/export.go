package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// export writes a stored machine as a SAM or CloudFormation template, as the machine page's
// template links do, for scripts that deploy what was designed in the studio.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := fset.String("db", envOr(getenv, "STEPSTUDIO_DB", filepath.Join("data", "stepstudio.db")), "SQLite file (env STEPSTUDIO_DB)")
	format := fset.String("format", designer.TemplateSAM, "template format: sam or cloudformation")
	out := fset.String("out", "", "write the template to FILE instead of standard output")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: stepstudio export NAME [--format sam|cloudformation] [--db FILE] [--out FILE]\n\n"+
			"Writes the state machine NAME as an AWS SAM or CloudFormation template, its account- and\n"+
			"region-specific ARNs as DefinitionSubstitutions.\n\nflags:")
		fset.PrintDefaults()
	}
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(rest) != 1 {
		return usageError(fset, "export takes one state machine name, got %q", rest)
	}
	if *format != designer.TemplateSAM && *format != designer.TemplateCloudFormation {
		return usageError(fset, "--format must be sam or cloudformation, not %q", *format)
	}
	// Opening creates a missing file; there is no machine in one.
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	db, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.FindMachine(ctx, rest[0])
	if errors.Is(err, resource.ErrNotFound) {
		return fmt.Errorf("export: there is no state machine named %q in %s", rest[0], *dbPath)
	}
	if err != nil {
		return err
	}
	template, err := designer.Template(m.Definition, designer.TemplateOptions{Format: *format, Name: m.Name, Type: m.Type})
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(template)
		return err
	}
	return os.WriteFile(*out, template, 0o644)
}
