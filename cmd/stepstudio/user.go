package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/store"
)

const userUsage = `usage: stepstudio user COMMAND [flags]

  add NAME [--admin]   create a user; the password is read from standard input
  list                 list the users
  remove NAME          delete a user with their sessions and keys
  key NAME             create an access key pair for a user and print it once, as
                       AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines: AWS SDKs
                       and the AWS CLI sign with it; the secret also works as an API key
                       (Authorization: Bearer SECRET). The secret is kept sealed under the
                       key in FILE.key, beside the database

Every command takes --db FILE (env STEPSTUDIO_DB, default data/stepstudio.db), as serve does.`

// userCommand manages the users who may log in to the studio.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, userUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fset := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := fset.String("db", envOr(getenv, "STEPSTUDIO_DB", filepath.Join("data", "stepstudio.db")), "SQLite file, created if missing (env STEPSTUDIO_DB)")
	admin := fset.Bool("admin", false, "the user may do everything (user add)")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	wantArgs := 1
	if sub == "list" {
		wantArgs = 0
	}
	if len(rest) != wantArgs {
		return fmt.Errorf("user %s: wrong arguments\n%s", sub, userUsage)
	}
	db, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		return addUser(ctx, db, rest[0], *admin, stdin, stderr, stdout)
	case "list":
		return listUsers(ctx, db, stdout)
	case "remove":
		return removeUser(ctx, db, rest[0], stdout)
	case "key":
		return createAccessKey(ctx, db, rest[0], stdout)
	}
	return fmt.Errorf("unknown user command %q\n%s", sub, userUsage)
}

func addUser(ctx context.Context, db *store.DB, name string, admin bool, stdin io.Reader, prompt, stdout io.Writer) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "\r\n\t") {
		return errors.New("user add: the name must not be empty or contain tabs or line breaks")
	}
	password, err := readPassword(stdin, prompt)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if _, err := db.CreateUser(ctx, auth.User{Name: name, Admin: admin, PasswordHash: hash}); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("user add: there is already a user %q", name)
		}
		return err
	}
	fmt.Fprintf(stdout, "user %q added%s\n", name, map[bool]string{true: " (admin)"}[admin])
	return nil
}

// readPassword reads the password: typed twice without echo on a terminal, else the first
// line of the input (so scripts can pipe it in).
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptPassword(f, prompt, "Password: ")
		if err != nil {
			return "", err
		}
		if err := auth.CheckPasswordStrength(first); err != nil {
			return "", err
		}
		second, err := promptPassword(f, prompt, "Password again: ")
		if err != nil {
			return "", err
		}
		if first != second {
			return "", errors.New("the two passwords differ")
		}
		return first, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("the password is empty: give it on standard input, for example: echo \"$PASSWORD\" | stepstudio user add NAME")
	}
	return line, nil
}

func promptPassword(f *os.File, prompt io.Writer, label string) (string, error) {
	fmt.Fprint(prompt, label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return string(b), nil
}

func listUsers(ctx context.Context, db *store.DB, stdout io.Writer) error {
	users, err := db.FindUsers(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "no users: on a loopback address the studio needs no login")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tCREATED")
	for _, u := range users {
		role := "user"
		if u.Admin {
			role = "admin"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", u.Name, role, u.CreatedAt.Format("2006-01-02 15:04 UTC"))
	}
	return w.Flush()
}

func removeUser(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	if err := db.DeleteUser(ctx, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("user remove: there is no user %q", name)
		}
		return err
	}
	fmt.Fprintf(stdout, "user %q removed, with their sessions and keys\n", name)
	return nil
}

// createAccessKey makes an access key pair and prints it as environment assignments, which
// a shell can take as they are (eval, or export in front) and the AWS SDKs and CLI read.
func createAccessKey(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	id, secret := auth.NewAccessKeyID(), auth.NewAPIKey()
	if err := db.CreateAccessKey(ctx, name, id, secret); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("user key: there is no user %q", name)
		}
		return err
	}
	fmt.Fprintf(stdout, "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n", id, secret)
	return nil
}
