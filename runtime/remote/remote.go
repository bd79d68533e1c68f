// Package remote speaks to another Step Functions as its client: AWS itself, LocalStack, or
// another stepstudio, through the Step Functions API (aws-sdk-go-v2's sfn client, which signs
// with Signature Version 4 and retries throttling with backoff). It is how a machine designed
// here is deployed to a target, pulled back from it, and how the target's executions are
// listed, started, stopped and redriven. It knows nothing of the studio's store or pages.
package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Options tune a client; the zero value is what the studio uses.
type Options struct {
	// MaxAttempts is how many times a call is tried when the target throttles it or fails
	// in a way worth trying again (default 6: about half a minute of backoff).
	MaxAttempts int
	// Backoff, when set, is the wait before the attempt-th retry (from 1); the default is the
	// SDK's exponential backoff with jitter. Tests shorten it.
	Backoff func(attempt int) time.Duration
	// HTTPClient, when set, carries the calls.
	HTTPClient *http.Client
}

// Client is one target's Step Functions API.
type Client struct {
	target string
	api    *sfn.Client
}

// Dial makes the client of a target. secret is the secret of the target's access key pair
// ("" when it has none: then its profile, or the standard chain, gives the credentials).
func Dial(ctx context.Context, t resource.Target, secret string, opts Options) (*Client, error) {
	if t.Region == "" {
		return nil, fmt.Errorf("remote: target %q has no region", t.Name)
	}
	load := []func(*config.LoadOptions) error{config.WithRegion(t.Region)}
	switch {
	case t.AccessKeyID != "":
		load = append(load, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(t.AccessKeyID, secret, "")))
	case t.Profile != "":
		load = append(load, config.WithSharedConfigProfile(t.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("remote: target %q: %w: %w", t.Name, ErrCredentials, err)
	}
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = 6
	}
	api := sfn.NewFromConfig(cfg, func(o *sfn.Options) {
		if t.Endpoint != "" {
			o.BaseEndpoint = aws.String(t.Endpoint)
		}
		if opts.HTTPClient != nil {
			o.HTTPClient = opts.HTTPClient
		}
		o.Retryer = retry.NewStandard(func(s *retry.StandardOptions) {
			s.MaxAttempts = attempts
			if opts.Backoff != nil {
				s.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
					return opts.Backoff(attempt), nil
				})
			}
		})
	})
	return &Client{target: t.Name, api: api}, nil
}

// ErrCredentials says a target's credentials could not be loaded (a profile that is not
// there); ErrNeedsRole that a machine cannot be created on the target without an execution
// role. Both are refused before any call to the target.
var (
	ErrCredentials = errors.New("credentials")
	ErrNeedsRole   = errors.New("needs an execution role ARN")
)

// ErrNoMachine says the target has no state machine of that name.
var ErrNoMachine = errors.New("no such state machine on the target")

// Error is a call the target refused: its error code and message, said plainly.
type Error struct {
	Target, Op string
	// Code is the API's error code (UnrecognizedClientException, ThrottlingException, ...),
	// "" when the target was not reached.
	Code, Message string
	Err           error
}

func (e *Error) Error() string {
	var what string
	switch e.Code {
	case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
		"MissingAuthenticationTokenException", "AccessDeniedException", "ExpiredTokenException":
		what = "the target refused the credentials"
	case "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded":
		what = "the target is throttling the calls, still after retrying with backoff"
	case "":
		what = "the target could not be reached"
	default:
		what = "the target refused the call"
	}
	msg := e.Message
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	return fmt.Sprintf("target %q: %s: %s (%s)", e.Target, e.Op, what, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// fail says which call to the target failed and why.
func (c *Client) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Target: c.target, Op: op, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
	} else {
		e.Message = err.Error()
	}
	return e
}

// Machine is a state machine on the target, as DescribeStateMachine tells it.
type Machine struct {
	ARN, Name, Type, RoleARN string
	// Definition is the ASL text exactly as the target returned it.
	Definition []byte
	// RevisionID identifies the definition on AWS (empty where a target has none).
	RevisionID string
	CreatedAt  time.Time
}

// MachineARN finds the ARN of the target's machine called name; ErrNoMachine when none.
func (c *Client) MachineARN(ctx context.Context, name string) (string, error) {
	p := sfn.NewListStateMachinesPaginator(c.api, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", c.fail("ListStateMachines", err)
		}
		for _, m := range page.StateMachines {
			if aws.ToString(m.Name) == name {
				return aws.ToString(m.StateMachineArn), nil
			}
		}
	}
	return "", fmt.Errorf("remote: target %q: %q: %w", c.target, name, ErrNoMachine)
}

// FindMachine describes the target's machine called name; ErrNoMachine when none.
func (c *Client) FindMachine(ctx context.Context, name string) (Machine, error) {
	arn, err := c.MachineARN(ctx, name)
	if err != nil {
		return Machine{}, err
	}
	out, err := c.api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		return Machine{}, c.fail("DescribeStateMachine", err)
	}
	return Machine{ARN: arn, Name: aws.ToString(out.Name), Type: string(out.Type), RoleARN: aws.ToString(out.RoleArn),
		Definition: []byte(aws.ToString(out.Definition)), RevisionID: aws.ToString(out.RevisionId), CreatedAt: aws.ToTime(out.CreationDate)}, nil
}

// MachineNames lists the names of the target's state machines.
func (c *Client) MachineNames(ctx context.Context) ([]string, error) {
	var names []string
	p := sfn.NewListStateMachinesPaginator(c.api, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.fail("ListStateMachines", err)
		}
		for _, m := range page.StateMachines {
			names = append(names, aws.ToString(m.Name))
		}
	}
	return names, nil
}

// Deploy is what a deploy sends.
type Deploy struct {
	Name       string
	Definition []byte
	// Type is STANDARD or EXPRESS; it only matters when the machine is created (the API
	// cannot change a machine's type).
	Type string
	// RoleARN is the execution role of a new machine; an existing one keeps its own.
	RoleARN string
	// Description is the published version's description.
	Description string
	// Alias, when set, is moved (or created) to route all executions to the new version.
	Alias string
}

// Deployed is what a deploy made on the target.
type Deployed struct {
	MachineARN, VersionARN, AliasARN string
	// Created reports a machine that did not exist before.
	Created bool
}

// Deploy creates the machine on the target, or updates it, publishing a version either way,
// then moves the alias (if any) to that version.
func (c *Client) Deploy(ctx context.Context, d Deploy) (Deployed, error) {
	var out Deployed
	arn, err := c.MachineARN(ctx, d.Name)
	switch {
	case errors.Is(err, ErrNoMachine):
		if d.RoleARN == "" {
			return out, fmt.Errorf("remote: target %q: creating %q %w: give the target a role, or give one to the deploy", c.target, d.Name, ErrNeedsRole)
		}
		created, err := c.api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(d.Name), Definition: aws.String(string(d.Definition)), RoleArn: aws.String(d.RoleARN),
			Type: types.StateMachineType(orDefault(d.Type, "STANDARD")), Publish: true, VersionDescription: optional(d.Description),
		})
		if err != nil {
			return out, c.fail("CreateStateMachine", err)
		}
		out.MachineARN, out.VersionARN, out.Created = aws.ToString(created.StateMachineArn), aws.ToString(created.StateMachineVersionArn), true
	case err != nil:
		return out, err
	default:
		updated, err := c.api.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
			StateMachineArn: aws.String(arn), Definition: aws.String(string(d.Definition)),
			Publish: true, VersionDescription: optional(d.Description),
		})
		if err != nil {
			return out, c.fail("UpdateStateMachine", err)
		}
		out.MachineARN, out.VersionARN = arn, aws.ToString(updated.StateMachineVersionArn)
	}
	if d.Alias == "" {
		return out, nil
	}
	out.AliasARN, err = c.moveAlias(ctx, out.MachineARN, d.Alias, out.VersionARN)
	return out, err
}

// moveAlias routes every execution of the alias to version, creating the alias when the
// machine has none of that name.
func (c *Client) moveAlias(ctx context.Context, machineARN, alias, version string) (string, error) {
	routing := []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(version), Weight: 100}}
	aliasARN := machineARN + ":" + alias
	_, err := c.api.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
	var missing *types.ResourceNotFound
	if errors.As(err, &missing) {
		made, err := c.api.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String(alias), RoutingConfiguration: routing})
		if err != nil {
			return "", c.fail("CreateStateMachineAlias", err)
		}
		return aws.ToString(made.StateMachineAliasArn), nil
	}
	if err != nil {
		return "", c.fail("DescribeStateMachineAlias", err)
	}
	if _, err := c.api.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN), RoutingConfiguration: routing}); err != nil {
		return "", c.fail("UpdateStateMachineAlias", err)
	}
	return aliasARN, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// IsNoMachine reports an error that says the target has no such machine.
func IsNoMachine(err error) bool { return errors.Is(err, ErrNoMachine) }
