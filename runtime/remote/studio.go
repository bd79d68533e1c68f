package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Store is what deploying and pulling need of the studio's own store.
type Store interface {
	FindMachine(ctx context.Context, name string) (resource.StateMachine, error)
	CreateMachine(ctx context.Context, m resource.StateMachine) (resource.StateMachine, error)
	UpdateMachine(ctx context.Context, name string, definition []byte) (resource.StateMachine, error)
	FindTarget(ctx context.Context, name string) (resource.Target, error)
	TargetSecret(ctx context.Context, name string) (string, error)
	RecordDeployment(ctx context.Context, d resource.Deployment) (resource.Deployment, error)
}

// Studio deploys the studio's machines to its targets and pulls them back: the one place the
// pages and the command line go through, so both say and do the same.
type Studio struct {
	Store Store
	// MachineARN makes the local ARN of a machine pulled under a new name.
	MachineARN func(name string) string
	// Local is what only this studio has, reported by a plan.
	Local Local
	// Options tune the clients (retries, backoff).
	Options Options
}

// Client dials a stored target by name.
func (s *Studio) Client(ctx context.Context, target string) (*Client, resource.Target, error) {
	t, err := s.Store.FindTarget(ctx, target)
	if err != nil {
		return nil, t, err
	}
	secret, err := s.Store.TargetSecret(ctx, target)
	if err != nil {
		return nil, t, err
	}
	c, err := Dial(ctx, t, secret, s.Options)
	return c, t, err
}

// Plan is what a deploy would do, shown before it is done.
type Plan struct {
	Target  resource.Target
	Machine resource.StateMachine
	// Remote is the machine on the target, nil when the deploy would create it.
	Remote *Machine
	// Same reports a target machine whose definition is byte for byte the local one.
	Same bool
	// LocalOnly lists what the definition relies on that only this studio has; a deploy
	// never sends it.
	LocalOnly []string
}

// Plan compares a machine with its deployed copy on a target.
func (s *Studio) Plan(ctx context.Context, machine, target string) (Plan, error) {
	var p Plan
	m, err := s.Store.FindMachine(ctx, machine)
	if err != nil {
		return p, err
	}
	c, t, err := s.Client(ctx, target)
	if err != nil {
		return p, err
	}
	p.Target, p.Machine, p.LocalOnly = t, m, s.Local.Report(machine, m.Definition)
	remote, err := c.FindMachine(ctx, machine)
	switch {
	case IsNoMachine(err):
	case err != nil:
		return p, err
	default:
		p.Remote, p.Same = &remote, bytes.Equal(remote.Definition, m.Definition)
	}
	return p, nil
}

// DeployOptions are a deploy's choices.
type DeployOptions struct {
	// Alias, when set, is moved to the version published.
	Alias string
	// RoleARN is the role of a machine created on the target, instead of the target's.
	RoleARN string
	// Description is the published version's description.
	Description string
}

// Deploy creates or updates the machine on the target with its latest stored version,
// publishes a version there and moves the alias, then records what it did.
func (s *Studio) Deploy(ctx context.Context, machine, target string, o DeployOptions) (resource.Deployment, error) {
	m, err := s.Store.FindMachine(ctx, machine)
	if err != nil {
		return resource.Deployment{}, err
	}
	c, t, err := s.Client(ctx, target)
	if err != nil {
		return resource.Deployment{}, err
	}
	role := o.RoleARN
	if role == "" {
		role = t.RoleARN
	}
	description := o.Description
	if description == "" {
		description = fmt.Sprintf("stepstudio %s version %d", m.Name, m.Version)
	}
	done, err := c.Deploy(ctx, Deploy{Name: m.Name, Definition: m.Definition, Type: m.Type, RoleARN: role, Description: description, Alias: o.Alias})
	if err != nil {
		return resource.Deployment{}, err
	}
	d, err := s.Store.RecordDeployment(ctx, resource.Deployment{TargetID: t.ID, MachineID: m.ID, Revision: m.Version,
		RemoteARN: done.MachineARN, VersionARN: done.VersionARN, AliasARN: done.AliasARN, Definition: m.Definition})
	d.TargetName = t.Name
	return d, err
}

// Pulled is what a pull did.
type Pulled struct {
	Machine resource.StateMachine
	// Created reports a machine new to the studio; Unchanged one whose latest version already
	// was the target's definition (no version was added).
	Created, Unchanged bool
}

// Pull brings the target's machine called remoteName into the studio as localName (the same
// name when empty): a new machine, or a new version of the one of that name, holding the
// definition byte for byte as the target returned it.
func (s *Studio) Pull(ctx context.Context, target, remoteName, localName string) (Pulled, error) {
	if localName == "" {
		localName = remoteName
	}
	c, _, err := s.Client(ctx, target)
	if err != nil {
		return Pulled{}, err
	}
	remote, err := c.FindMachine(ctx, remoteName)
	if err != nil {
		return Pulled{}, err
	}
	local, err := s.Store.FindMachine(ctx, localName)
	if errors.Is(err, resource.ErrNotFound) {
		m, err := s.Store.CreateMachine(ctx, resource.StateMachine{Name: localName, ARN: s.MachineARN(localName),
			Type: orDefault(remote.Type, "STANDARD"), Definition: remote.Definition})
		return Pulled{Machine: m, Created: true}, err
	}
	if err != nil {
		return Pulled{}, err
	}
	if bytes.Equal(local.Definition, remote.Definition) {
		return Pulled{Machine: local, Unchanged: true}, nil
	}
	m, err := s.Store.UpdateMachine(ctx, localName, remote.Definition)
	return Pulled{Machine: m}, err
}
