package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/stepstudio/stepstudio/runtime/mockconfig"
	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

const targetUsage = `usage: stepstudio target COMMAND [flags]

  add NAME --region R [--endpoint URL] [--profile P | --access-key-id ID] [--role-arn ARN]
                       a Step Functions to deploy to: AWS itself (no --endpoint), LocalStack,
                       or another stepstudio. Credentials come from the standard AWS chain
                       (environment, shared files, SSO), the named --profile, or an access key
                       pair whose secret is read from standard input (as "stepstudio user key"
                       printed it) and kept sealed, never in clear text. --role-arn is the
                       execution role of machines the studio creates there
  list                 list the targets (no secret is ever shown)
  remove NAME          forget a target and what was deployed to it

Every command takes --db FILE (env STEPSTUDIO_DB, default data/stepstudio.db), as serve does.
See also: stepstudio deploy NAME --target T, stepstudio pull NAME --target T.`

// targetCommand manages the targets machines are deployed to.
func targetCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, targetUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fset := flag.NewFlagSet("target "+sub, flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := dbFlag(fset, getenv)
	var t resource.Target
	fset.StringVar(&t.Region, "region", "", "the target's region (target add)")
	fset.StringVar(&t.Endpoint, "endpoint", "", "the target's Step Functions endpoint URL; none for AWS (target add)")
	fset.StringVar(&t.Profile, "profile", "", "the shared-config profile whose credentials are used (target add)")
	fset.StringVar(&t.AccessKeyID, "access-key-id", "", "an access key id; its secret is read from standard input (target add)")
	fset.StringVar(&t.RoleARN, "role-arn", "", "the execution role of machines created on the target (target add)")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	want := 1
	if sub == "list" {
		want = 0
	}
	if len(rest) != want {
		return fmt.Errorf("target %s: wrong arguments\n%s", sub, targetUsage)
	}
	db, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		t.Name = rest[0]
		return addTarget(ctx, db, t, stdin, stdout)
	case "list":
		return listTargets(ctx, db, stdout)
	case "remove":
		if err := db.DeleteTarget(ctx, rest[0]); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("target remove: there is no target %q", rest[0])
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "target %q removed\n", rest[0])
		return nil
	}
	return fmt.Errorf("unknown target command %q\n%s", sub, targetUsage)
}

func dbFlag(fset *flag.FlagSet, getenv func(string) string) *string {
	return fset.String("db", envOr(getenv, "STEPSTUDIO_DB", filepath.Join("data", "stepstudio.db")), "SQLite file, created if missing (env STEPSTUDIO_DB)")
}

func addTarget(ctx context.Context, db *store.DB, t resource.Target, stdin io.Reader, stdout io.Writer) error {
	if err := remote.CheckTarget(t); err != nil {
		return fmt.Errorf("target add: %w", err)
	}
	var secret string
	if t.AccessKeyID != "" {
		var err error
		if secret, err = readSecret(stdin); err != nil {
			return fmt.Errorf("target add: %w", err)
		}
	}
	if _, err := db.CreateTarget(ctx, t, secret); errors.Is(err, store.ErrExists) {
		return fmt.Errorf("target add: there is already a target %q", t.Name)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "target %q added\n", t.Name)
	return nil
}

// readLine is the first line of the input, without its line break.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readSecret reads a secret: the first line of the input.
func readSecret(stdin io.Reader) (string, error) {
	line, err := readLine(stdin)
	if err != nil {
		return "", fmt.Errorf("read the secret access key: %w", err)
	}
	if line == "" {
		return "", errors.New("the secret access key is empty: give it on standard input, for example: echo \"$AWS_SECRET_ACCESS_KEY\" | stepstudio target add NAME --access-key-id ID ...")
	}
	return line, nil
}

func listTargets(ctx context.Context, db *store.DB, stdout io.Writer) error {
	targets, err := db.FindTargets(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tENDPOINT\tREGION\tCREDENTIALS\tROLE")
	for _, t := range targets {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.Name, orText(t.Endpoint, "AWS"), t.Region, remote.CredentialsOf(t), orText(t.RoleARN, "-"))
	}
	return w.Flush()
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// studioOf is the deployer of the command line: what only this studio has is read from the
// same flags' environment variables serve reads.
func studioOf(db *store.DB, getenv func(string) string) (*remote.Studio, error) {
	fset, o := serveFlags(getenv, io.Discard)
	if err := fset.Parse(nil); err != nil {
		return nil, err
	}
	var mocks *mockconfig.File
	if o.mockConfig != "" {
		var err error
		if mocks, err = mockconfig.Load(o.mockConfig); err != nil {
			return nil, err
		}
	}
	return remoteStudio(db, o, mocks), nil
}

// remoteStudio is the deployer over the studio's database; a plan reports what the options
// (Lambda routes, mock file, connections file, account) keep local.
func remoteStudio(db *store.DB, o *serveOptions, mocks *mockconfig.File) *remote.Studio {
	local := remote.Local{LambdaEndpoint: o.lambdaEndpoint, LambdaFunctions: o.lambdaFunctions,
		HTTPConnections: o.httpConnections != "", Account: o.account}
	if mocks != nil {
		local.MockCases = mockCasesOf(mocks)
	}
	return &remote.Studio{Store: db, Local: local, MachineARN: func(name string) string {
		return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", o.region, o.account, name)
	}}
}

// deployCommand deploys a machine to a target: stepstudio deploy NAME --target T.
func deployCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio deploy NAME --target T [--alias A] [--role-arn ARN] [--description TEXT] [--dry-run]\n\nCreates or updates the machine on the target, publishes a version there and moves the alias to it; --dry-run shows what would change.")
		fset.PrintDefaults()
	}
	dbPath := dbFlag(fset, getenv)
	target := fset.String("target", "", "the target's name (see stepstudio target list)")
	var o remote.DeployOptions
	fset.StringVar(&o.Alias, "alias", "", "an alias to move to the version published (created when missing)")
	fset.StringVar(&o.RoleARN, "role-arn", "", "the execution role of a machine created on the target (default: the target's)")
	fset.StringVar(&o.Description, "description", "", "the published version's description")
	dry := fset.Bool("dry-run", false, "show what would change, deploy nothing")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(rest) != 1 || *target == "" {
		return usageError(fset, "deploy: name one machine and a --target")
	}
	return withDeployer(ctx, *dbPath, getenv, func(st *remote.Studio) error {
		p, err := st.Plan(ctx, rest[0], *target)
		if err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
		printPlan(stdout, p)
		if *dry {
			return nil
		}
		d, err := st.Deploy(ctx, rest[0], *target, o)
		if err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
		fmt.Fprintf(stdout, "deployed %s version %d to %s\n  machine: %s\n  version: %s\n", rest[0], d.Revision, *target, d.RemoteARN, d.VersionARN)
		if d.AliasARN != "" {
			fmt.Fprintf(stdout, "  alias:   %s\n", d.AliasARN)
		}
		return nil
	})
}

// withDeployer opens the database and calls fn with the deployer over it.
func withDeployer(ctx context.Context, dbPath string, getenv func(string) string, fn func(*remote.Studio) error) error {
	db, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := studioOf(db, getenv)
	if err != nil {
		return err
	}
	return fn(st)
}

// printPlan says what a deploy changes, and what stays local.
func printPlan(w io.Writer, p remote.Plan) {
	switch {
	case p.Remote == nil:
		fmt.Fprintf(w, "%s: new on %s (it will be created)\n", p.Machine.Name, p.Target.Name)
	case p.Same:
		fmt.Fprintf(w, "%s: the definition on %s is the same as version %d here (a version is published all the same)\n", p.Machine.Name, p.Target.Name, p.Machine.Version)
	default:
		fmt.Fprintf(w, "%s: version %d here differs from the definition on %s\n", p.Machine.Name, p.Machine.Version, p.Target.Name)
		fmt.Fprint(w, indent(remote.TextDiff(p.Remote.Definition, p.Machine.Definition, p.Target.Name, "local")))
	}
	for _, l := range p.LocalOnly {
		fmt.Fprintf(w, "  stays local: %s\n", l)
	}
}

// pullCommand brings a target's machine into the studio: stepstudio pull NAME --target T.
func pullCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("pull", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepstudio pull NAME --target T [--as LOCAL]\n\nAdds the target's definition, byte for byte, as a new version of the machine here (a new machine when there is none).")
		fset.PrintDefaults()
	}
	dbPath := dbFlag(fset, getenv)
	target := fset.String("target", "", "the target's name (see stepstudio target list)")
	as := fset.String("as", "", "the local machine's name (default: the same)")
	rest, err := parseFlags(fset, args)
	if err != nil {
		return helpRequested(err)
	}
	if len(rest) != 1 || *target == "" {
		return usageError(fset, "pull: name one machine and a --target")
	}
	var p remote.Pulled
	err = withDeployer(ctx, *dbPath, getenv, func(st *remote.Studio) error {
		p, err = st.Pull(ctx, *target, rest[0], *as)
		return err
	})
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	switch {
	case p.Created:
		fmt.Fprintf(stdout, "pulled %s from %s as a new machine %s\n", rest[0], *target, p.Machine.Name)
	case p.Unchanged:
		fmt.Fprintf(stdout, "%s is already the same as on %s (version %d)\n", p.Machine.Name, *target, p.Machine.Version)
	default:
		fmt.Fprintf(stdout, "pulled %s from %s as version %d of %s\n", rest[0], *target, p.Machine.Version, p.Machine.Name)
	}
	return nil
}

// mockCasesOf lists a mock file's test cases by machine.
func mockCasesOf(f *mockconfig.File) map[string][]string {
	c, err := f.Current()
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, m := range c.Machines() {
		out[m] = c.TestCases(m)
	}
	return out
}
