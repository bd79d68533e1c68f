// Command stepstudio is a local studio for AWS Step Functions workflows: a web designer, an
// embedded Amazon States Language runtime with its history in SQLite, live executions and an
// inbox for human approvals, in one binary.
//
// Usage:
//
//	stepstudio [serve] [--addr 127.0.0.1:8080] [--db data/stepstudio.db] [--dev]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stepstudio:", err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can start it on a free port with a temporary database.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	command := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		command, args = args[0], args[1:]
	}
	switch command {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", command, usage)
}

const usage = `usage: stepstudio [command] [flags]

commands:
  serve   start the studio (the default): stepstudio serve [--addr ADDR] [--db FILE] [--dev]
  help    print this text`
