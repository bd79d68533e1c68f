package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/stepstudio/stepstudio/store"
)

// retention is the store's retention for finished executions older than days and beyond the
// newest keep, at now; 0 sets no limit of its kind.
func retention(days, keep int64, now time.Time) store.Retention {
	r := store.Retention{Keep: int(keep)}
	if days > 0 {
		r.Before = now.Add(-time.Duration(days) * 24 * time.Hour)
	}
	return r
}

// checkRetention refuses a negative limit, which is also what envInt makes of a value that is
// not a whole number.
func checkRetention(daysFlag string, days int64, keepFlag string, keep int64) error {
	if days < 0 {
		return fmt.Errorf("%s must be a number of days, 0 or more, not %d", daysFlag, days)
	}
	if keep < 0 {
		return fmt.Errorf("%s must be a number of executions, 0 or more, not %d", keepFlag, keep)
	}
	return nil
}

// retainInterval is how often serve applies its retention after the first time, at start.
const retainInterval = time.Hour

// retainExecutions applies serve's retention at once and then every retainInterval, until ctx
// ends; it logs what it deleted, and its errors, which do not stop the studio.
func retainExecutions(ctx context.Context, db *store.DB, days, keep int64, log *slog.Logger) {
	tick := time.NewTicker(retainInterval)
	defer tick.Stop()
	for {
		n, events, err := db.DeleteExecutions(ctx, retention(days, keep, time.Now()))
		if n > 0 {
			log.Info("retention deleted finished executions", "executions", n, "events", events)
		}
		if err != nil && ctx.Err() == nil {
			log.Error("retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// prune deletes finished executions once, as serve's retention does every hour.
func prune(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("prune", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := fset.String("db", envOr(getenv, "STEPSTUDIO_DB", filepath.Join("data", "stepstudio.db")), "SQLite file (env STEPSTUDIO_DB)")
	days := fset.Int64("older-than", 0, "delete the finished executions that finished more than DAYS days ago")
	keep := fset.Int64("keep", 0, "delete all but the N most recently finished executions")
	dryRun := fset.Bool("dry-run", false, "count what would be deleted, and delete nothing")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: stepstudio prune [--older-than DAYS] [--keep N] [--db FILE] [--dry-run]\n\n"+
			"Deletes finished executions (never running ones) with their history and callback tasks;\n"+
			"with both limits, an execution goes when either says so. The audit log is kept.\n\nflags:")
		fset.PrintDefaults()
	}
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(rest) > 0 {
		return usageError(fset, "prune takes no arguments, got %q", rest)
	}
	if err := checkRetention("--older-than", *days, "--keep", *keep); err != nil {
		return usageError(fset, "%w", err)
	}
	if *days == 0 && *keep == 0 {
		return usageError(fset, "prune needs --older-than DAYS, --keep N or both")
	}
	// Opening creates a missing file; there is nothing to prune in one.
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	db, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	r := retention(*days, *keep, time.Now())
	if *dryRun {
		n, events, err := db.CountExpiredExecutions(ctx, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "would delete %d finished executions (%d history events); deleted nothing (--dry-run)\n", n, events)
		return nil
	}
	n, events, err := db.DeleteExecutions(ctx, r)
	// Batches deleted before an interruption stay deleted: say how many.
	fmt.Fprintf(stdout, "deleted %d finished executions (%d history events)\n", n, events)
	return err
}
