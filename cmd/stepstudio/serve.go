package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/integration"
	"github.com/stepstudio/stepstudio/runtime/lifecycle"
	"github.com/stepstudio/stepstudio/runtime/mockconfig"
	"github.com/stepstudio/stepstudio/runtime/objectstore"
	"github.com/stepstudio/stepstudio/static"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/web"
)

var (
	_ web.Store         = (*store.DB)(nil)
	_ web.UserStore     = (*store.DB)(nil)
	_ runtime.Recorder  = (*store.Writer)(nil)
	_ runtime.Flusher   = (*store.Writer)(nil)
	_ lifecycle.Store   = (*store.DB)(nil)
	_ web.Lifecycle     = (*lifecycle.Executions)(nil)
	_ web.GraphRenderer = graphRenderer{}

	_ runtime.ObjectStore = objectstore.Folder{}
	_ runtime.ObjectStore = (*objectstore.Endpoint)(nil)
)

// serve starts the studio and blocks until ctx is cancelled.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset, opts := serveFlags(getenv, stderr)
	if err := fset.Parse(args); err != nil {
		return helpRequested(err)
	}
	if err := checkHistoryLimit(opts.maxHistory); err != nil {
		return usageError(fset, "%w", err)
	}
	if err := checkRetention("--retain-days (or STEPSTUDIO_RETAIN_DAYS)", opts.retainDays,
		"--retain-executions (or STEPSTUDIO_RETAIN_EXECUTIONS)", opts.retainExecutions); err != nil {
		return usageError(fset, "%w", err)
	}
	if !arnPart.MatchString(opts.region) {
		return usageError(fset, "--region (or STEPSTUDIO_REGION) must be a region name such as us-east-1, not %q", opts.region)
	}
	if !arnPart.MatchString(opts.account) {
		return usageError(fset, "--account (or STEPSTUDIO_ACCOUNT) must be an account id such as 123456789012, not %q", opts.account)
	}
	sync, err := store.ParseSynchronous(opts.sync)
	if err != nil {
		return usageError(fset, "--sync (or STEPSTUDIO_SYNC) must be full or normal, not %q", opts.sync)
	}
	httpTasks, err := opts.httpTasks()
	if err != nil {
		return err
	}
	if len(opts.hosts) == 0 {
		if err := opts.hosts.Set(getenv("STEPSTUDIO_HOSTS")); err != nil {
			return fmt.Errorf("STEPSTUDIO_HOSTS: %w", err)
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var mocks *mockconfig.File
	var runtimeMocks runtime.Mocks // nil without a file: a nil *mockconfig.File is not a nil interface
	if opts.mockConfig != "" {
		if mocks, err = mockconfig.Load(opts.mockConfig); err != nil {
			return fmt.Errorf("--mock-config (or SFN_MOCK_CONFIG): %w", err)
		}
		runtimeMocks = mocks
	}

	db, err := store.Open(ctx, opts.dbPath, store.Options{Synchronous: sync})
	if err != nil {
		return err
	}
	defer db.Close()
	// After the database: the data folder it makes is private, and S3's folder goes in it.
	objects, objectsAt, err := opts.objects()
	if err != nil {
		return err
	}
	local := isLoopback(opts.addr)
	if err := checkCanServe(ctx, db, opts.addr, opts.dbPath, local); err != nil {
		return err
	}
	if opts.retainDays > 0 || opts.retainExecutions > 0 {
		// Stopped and waited for before the database closes.
		retainCtx, stopRetaining := context.WithCancel(ctx)
		retained := make(chan struct{})
		go func() {
			defer close(retained)
			retainExecutions(retainCtx, db, opts.retainDays, opts.retainExecutions, log)
		}()
		defer func() {
			stopRetaining()
			<-retained
		}()
	}

	renderer, err := newRenderer(ctx, opts.inProcessLayout)
	if err != nil {
		return err
	}
	defer renderer.Close()

	hub := web.NewHub()
	// One writer commits every execution's history in batches; the hub hears of each event
	// once it is committed, so catching up from the store after a reconnect never misses one.
	writer := store.NewWriter(db)
	writer.OnCommit = hub.Publish
	// Express executions keep their history in memory, as AWS keeps none: only their
	// record and result are stored.
	express := store.NewExpressHistory(db)
	express.OnRecord = hub.Publish
	// Executions end with the server, where they are: their history is stored (the writer
	// commits what they recorded before it closes).
	runCtx, stopRuns := context.WithCancel(context.Background())
	// The server, once made, wakes the activity pollers; executions resumed before it exist
	// schedule theirs unheard, and the pollers' rechecks find them.
	var server atomic.Pointer[web.Server]
	nested := newLaterServer()
	invoker := integration.Invoker{Lambda: opts.lambda(), Nested: &integration.Nested{Executions: nested}, HTTP: httpTasks, AWS: opts.aws()}
	executions := lifecycle.New(lifecycle.Config{
		Store:            db,
		Clock:            systemClock{},
		Invoker:          invoker,
		Mocks:            runtimeMocks,
		Recorder:         writer,
		Express:          express,
		Logger:           log,
		MaxHistoryEvents: opts.maxHistory,
		ParkAfter:        parkAfter,
		Publish:          hub.Publish,
		RunContext:       runCtx,
		MapRuns:          db,
		Objects:          objects,
		ActivityExistsFunc: func(activityARN string) bool {
			_, err := db.FindActivity(context.Background(), activityARN)
			return !errors.Is(err, store.ErrNotFound) // a failed lookup does not fail the task
		},
		ActivityScheduledFunc: func(activityARN string) {
			if s := server.Load(); s != nil {
				s.ActivityScheduled(activityARN)
			}
		},
	})
	waking := make(chan struct{})
	defer func() {
		stopRuns()
		<-waking
		executions.Wait()
		if err := writer.Close(); err != nil {
			log.Error("history writer", "err", err)
		}
		if n, p50, p99 := writer.CommitWaits(); n > 0 {
			log.Info("history writer", "acknowledgements", n, "commit_wait_p50", p50, "commit_wait_p99", p99)
		}
	}()
	if err := executions.Resume(ctx); err != nil {
		close(waking)
		return err
	}
	go func() {
		defer close(waking)
		executions.WakeSleepers(runCtx)
	}()
	go finishDeletions(runCtx, db, log)

	assets := static.FS()
	if opts.dev {
		assets = os.DirFS(filepath.Join("static", "dist"))
	}
	handler := web.New(web.Config{
		Store:      db,
		Lifecycle:  executions,
		Hub:        hub,
		Graphs:     graphRenderer{renderer},
		Static:     assets,
		Logger:     log,
		RunContext: runCtx,
		Users:      db,
		// Without users, only this machine may come in, as the local user (no login).
		LocalWithoutUsers: local,
		Hosts:             opts.hosts,
		Region:            opts.region,
		AccountID:         opts.account,
		Mocks:             mocks,
		Tasks:             invoker,
		Targets:           db,
		Remote:            remoteStudio(db, opts, mocks),
	})
	server.Store(handler)
	nested.set(handler)

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "stepstudio listening on http://%s (database %s, S3 %s, sync %s)\n", ln.Addr(), opts.dbPath, objectsAt, strings.ToLower(string(sync)))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopRuns()
	// Requests in flight get a moment to finish; connections that never sent one (browsers
	// open spare ones) would hold Shutdown for seconds, so they are closed after it.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveOptions are the flags of serve.
type serveOptions struct {
	addr, dbPath, sync   string
	dev, inProcessLayout bool
	maxHistory           int64
	retainDays           int64
	retainExecutions     int64
	hosts                hostList
	region, account      string
	// lambdaEndpoint is the Lambda Invoke API the functions are invoked through;
	// lambdaFunctions route single functions elsewhere.
	lambdaEndpoint  string
	lambdaFunctions functionRoutes
	// mockConfig is Step Functions Local's mock file ("" for none).
	mockConfig string
	// httpConnections is the file of the connections' credentials for HTTP Tasks.
	httpConnections string
	// awsEndpoint is where the AWS service integrations (SQS, SNS, DynamoDB, EventBridge)
	// call; awsEndpoints route one service elsewhere, by integration.AWSService.ID.
	awsEndpoint  string
	awsEndpoints map[string]string
	// s3Dir is the folder standing in for Amazon S3 (default: s3 beside the database);
	// s3Endpoint, when set, an S3 endpoint used instead, with s3Keys' credentials.
	s3Dir, s3Endpoint string
	s3Keys            aws.CredentialsProvider
}

// objects is the Amazon S3 of distributed Maps: the S3 endpoint when one is named, or else
// the folder (made if missing; its subfolders are the buckets).
func (o *serveOptions) objects() (runtime.ObjectStore, string, error) {
	if o.s3Endpoint != "" {
		return objectstore.NewEndpoint(o.s3Endpoint, o.region, o.s3Keys, nil), o.s3Endpoint, nil
	}
	dir := o.s3Dir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(o.dbPath), "s3")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("the folder standing in for S3: %w", err)
	}
	return objectstore.Folder{Root: dir}, dir, nil
}

// lambda is the Lambda integration the flags describe, nil when they name no endpoint.
func (o *serveOptions) lambda() *integration.Lambda {
	if o.lambdaEndpoint == "" && len(o.lambdaFunctions) == 0 {
		return nil
	}
	return &integration.Lambda{Endpoint: o.lambdaEndpoint, Functions: o.lambdaFunctions, Region: o.region}
}

// httpTasks is the HTTP Task integration, with the connections of --http-connections when
// it names a file; a file that cannot be read stops the studio from starting.
func (o *serveOptions) httpTasks() (*integration.HTTP, error) {
	h := &integration.HTTP{Region: o.region}
	if o.httpConnections == "" {
		return h, nil
	}
	conns, err := integration.LoadConnections(o.httpConnections)
	if err != nil {
		return nil, fmt.Errorf("--http-connections (or STEPSTUDIO_HTTP_CONNECTIONS): %w", err)
	}
	h.Connections = conns
	return h, nil
}

// aws is the AWS services' integration the flags describe: their endpoints, else AWS.
func (o *serveOptions) aws() *integration.AWS {
	return &integration.AWS{Endpoint: o.awsEndpoint, Endpoints: o.awsEndpoints, Region: o.region}
}

// functionRoutes are the --lambda-function NAME=URL flags: a function's own endpoint.
type functionRoutes map[string]string

func (f *functionRoutes) String() string {
	var parts []string
	for name, url := range *f {
		parts = append(parts, name+"="+url)
	}
	return strings.Join(parts, ",")
}

func (f *functionRoutes) Set(v string) error {
	name, url, ok := strings.Cut(v, "=")
	if !ok || name == "" || !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("%q is not NAME=URL, such as resize=http://127.0.0.1:3001", v)
	}
	if *f == nil {
		*f = functionRoutes{}
	}
	(*f)[name] = url
	return nil
}

// serviceEndpoint is the flag of one AWS service's endpoint, kept in a map by its id.
type serviceEndpoint struct {
	endpoints map[string]string
	id        string
}

func (e serviceEndpoint) String() string { return e.endpoints[e.id] }

func (e serviceEndpoint) Set(v string) error {
	e.endpoints[e.id] = v
	return nil
}

// serveFlags declares the flags of serve, for serve itself and for the program's help.
func serveFlags(getenv func(string) string, output io.Writer) (*flag.FlagSet, *serveOptions) {
	var o serveOptions
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(output)
	fset.StringVar(&o.addr, "addr", envOr(getenv, "STEPSTUDIO_ADDR", "127.0.0.1:8080"), "address to listen on (env STEPSTUDIO_ADDR)")
	fset.StringVar(&o.dbPath, "db", envOr(getenv, "STEPSTUDIO_DB", filepath.Join("data", "stepstudio.db")), "SQLite file, created if missing (env STEPSTUDIO_DB)")
	fset.StringVar(&o.sync, "sync", envOr(getenv, "STEPSTUDIO_SYNC", "normal"),
		"when a commit waits for the disk: normal keeps every commit through a crash of the studio, full through a power loss or OS crash too, at the cost of an fsync per commit (env STEPSTUDIO_SYNC)")
	fset.StringVar(&o.region, "region", envOr(getenv, "STEPSTUDIO_REGION", "us-east-1"), "the region in the ARNs the studio makes, as the API answers them (env STEPSTUDIO_REGION)")
	fset.StringVar(&o.account, "account", envOr(getenv, "STEPSTUDIO_ACCOUNT", "123456789012"), "the account id in the ARNs the studio makes (env STEPSTUDIO_ACCOUNT)")
	fset.StringVar(&o.lambdaEndpoint, "lambda-endpoint", envOr(getenv, "LAMBDA_ENDPOINT", ""),
		"the Lambda Invoke API that Lambda tasks call, such as http://127.0.0.1:3001 of \"sam local start-lambda\" (env LAMBDA_ENDPOINT)")
	fset.Var(&o.lambdaFunctions, "lambda-function", "NAME=URL: invoke the function NAME through another endpoint (repeatable)")
	fset.StringVar(&o.mockConfig, "mock-config", envOr(getenv, "SFN_MOCK_CONFIG", ""),
		"a Step Functions Local mock file: StartExecution with MACHINE_ARN#TEST_CASE (or the Run dialog's test case) answers the states the case names with its mocked responses (env SFN_MOCK_CONFIG)")
	fset.StringVar(&o.httpConnections, "http-connections", envOr(getenv, "STEPSTUDIO_HTTP_CONNECTIONS", ""),
		"a JSON file of the credentials of the EventBridge connections that HTTP Tasks name, by connection ARN; without it they send no credentials (env STEPSTUDIO_HTTP_CONNECTIONS)")
	fset.StringVar(&o.awsEndpoint, "aws-endpoint", envOr(getenv, "AWS_ENDPOINT_URL", ""),
		"the `URL` that SQS, SNS, DynamoDB and EventBridge tasks call, such as LocalStack's http://127.0.0.1:4566; a service with no endpoint is called on AWS with the default credentials (env AWS_ENDPOINT_URL)")
	o.awsEndpoints = map[string]string{}
	for _, s := range integration.AWSServices() {
		if v := getenv(s.Env); v != "" {
			o.awsEndpoints[s.ID] = v
		}
		fset.Var(serviceEndpoint{o.awsEndpoints, s.ID}, s.Flag, fmt.Sprintf("the `URL` that %s tasks call, instead of --aws-endpoint's (env %s)", s.Name, s.Env))
	}
	fset.StringVar(&o.s3Dir, "s3-dir", envOr(getenv, "STEPSTUDIO_S3_DIR", ""),
		"the folder standing in for Amazon S3 for distributed Maps' ItemReader and ResultWriter: each subfolder is a bucket, the path below it a key (default: s3 beside the --db file; env STEPSTUDIO_S3_DIR)")
	fset.StringVar(&o.s3Endpoint, "s3-endpoint", envOr(getenv, "S3_ENDPOINT", ""),
		"an S3 endpoint to use instead of --s3-dir, such as http://127.0.0.1:4566 of LocalStack or MinIO's, with path-style addressing and the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY if set (env S3_ENDPOINT)")
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		o.s3Keys = credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))
	}
	fset.BoolVar(&o.dev, "dev", false, "serve the browser assets from static/dist on disk instead of the embedded copy")
	fset.BoolVar(&o.inProcessLayout, "layout-in-process", false, "lay graphs out in this process instead of a worker process (graphviz leaks memory with every layout)")
	fset.Int64Var(&o.maxHistory, "max-history-events", envInt(getenv, "STEPSTUDIO_MAX_HISTORY_EVENTS", runtime.DefaultMaxHistoryEvents),
		"events a Standard execution's history may hold before it fails with States.Runtime, as on AWS; 0 for no limit (env STEPSTUDIO_MAX_HISTORY_EVENTS)")
	fset.Int64Var(&o.retainDays, "retain-days", envInt(getenv, "STEPSTUDIO_RETAIN_DAYS", 0),
		"delete finished executions (never running ones) that finished more than N days ago, at start and then every hour; 0 keeps them all (env STEPSTUDIO_RETAIN_DAYS)")
	fset.Int64Var(&o.retainExecutions, "retain-executions", envInt(getenv, "STEPSTUDIO_RETAIN_EXECUTIONS", 0),
		"keep only the N most recently finished executions (running ones are not counted), at start and then every hour; 0 keeps them all (env STEPSTUDIO_RETAIN_EXECUTIONS)")
	fset.Var(&o.hosts, "host", "a name the studio answers to besides localhost and IP addresses, with or without a port; repeatable (env STEPSTUDIO_HOSTS, comma separated)")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: stepstudio serve [flags]\n\nflags:")
		fset.PrintDefaults()
	}
	return fset, &o
}

// isLoopback reports whether addr listens only to this machine: 127.0.0.0/8, ::1 or
// "localhost". An empty host (":8080") listens on every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkCanServe refuses to open the studio to the network with nobody able to log in: with
// no users, the studio lets everyone in, which is only right on this machine's own address.
func checkCanServe(ctx context.Context, db *store.DB, addr, dbPath string, local bool) error {
	if local {
		return nil
	}
	has, err := db.HasUsers(ctx)
	if err != nil || has {
		return err
	}
	return fmt.Errorf("%s is not a loopback address, so logins are required, and there are no users yet: "+
		"create one with \"stepstudio user add NAME --admin --db %s\", or listen on 127.0.0.1", addr, dbPath)
}

// hostList is the names given with --host: each flag adds one, or several separated by commas.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	for name := range strings.SplitSeq(v, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if err := web.CheckHostName(name); err != nil {
			return err
		}
		*h = append(*h, name)
	}
	return nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

// envInt is envOr for a whole number; a value that is not one is left for the flag's check
// to refuse, as -1 is.
func envInt(getenv func(string) string, key string, fallback int64) int64 {
	v := getenv(key)
	if v == "" {
		return fallback
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// checkHistoryLimit refuses a history limit that could not hold an execution's start and end.
func checkHistoryLimit(n int64) error {
	if n != 0 && n < 2 {
		return fmt.Errorf("--max-history-events must be 0 (no limit) or at least 2, not %d", n)
	}
	return nil
}

// parkAfter is the shortest sleep (a Wait, a retry's backoff) for which the engine lets a
// Standard execution go and wakes it when due: a goroutine and its frames cost memory for as
// long as they wait, a wake-up costs reading the history back. Shorter sleeps stay in memory.
const parkAfter = 10 * time.Second

// layoutWorkerCommand is the hidden command a layout worker process runs.
const layoutWorkerCommand = "__layout"

// rendersPerLayoutWorker is how many layouts a worker process does before a fresh one takes
// over: graphviz leaks about 100 KB (50 states) to 400 KB (200 states) per layout, so a worker
// stays under a few hundred MB, and starting one costs a few tens of milliseconds.
const rendersPerLayoutWorker = 500

// newRenderer lays out in a worker process running this same binary, so that graphviz's leaks
// never accumulate in the server, or in this process when asked.
func newRenderer(ctx context.Context, inProcess bool) (*designer.Renderer, error) {
	if inProcess {
		return designer.NewRenderer(ctx)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program for its layout worker: %w", err)
	}
	return designer.NewWorkerRenderer(func() *exec.Cmd {
		cmd := exec.Command(exe, layoutWorkerCommand)
		cmd.Stderr = os.Stderr
		return cmd
	}, rendersPerLayoutWorker), nil
}

// graphRenderer draws definitions with the designer's graphviz layout.
type graphRenderer struct{ r *designer.Renderer }

func (g graphRenderer) RenderSVG(ctx context.Context, definition []byte) ([]byte, error) {
	return designer.RenderDefinition(ctx, g.r, definition, designer.DOTOptions{})
}

func (g graphRenderer) RenderSVGWith(ctx context.Context, definition []byte, opts designer.DOTOptions) ([]byte, error) {
	return designer.RenderDefinition(ctx, g.r, definition, opts)
}

// finishDeletions deletes, every few seconds, the state machines DeleteStateMachine marked
// deleting once their last execution has ended (AWS lets running executions finish).
func finishDeletions(ctx context.Context, db *store.DB, log *slog.Logger) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if n, err := db.DeleteFinishedMachines(ctx); err != nil && ctx.Err() == nil {
			log.Error("delete state machines", "err", err)
		} else if n > 0 {
			log.Info("deleted state machines whose executions ended", "machines", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// arnPart is what a region or an account id may be, inside the ARNs the studio makes.
var arnPart = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
