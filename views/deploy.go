package views

import (
	"bytes"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// DeployForm is the deploy form's content.
type DeployForm struct {
	Alias, RoleARN, Description string
}

// DeployData is the preview of a deploy of a machine's latest version to a target.
type DeployData struct {
	Machine resource.StateMachine
	Target  resource.Target
	// New reports a target without the machine (the deploy creates it); Same one whose
	// definition is byte for byte the local one. Otherwise Graph (the local graph marked)
	// and Diff compare the target's definition with the local one.
	New, Same bool
	RemoteARN string
	Graph     []byte
	Diff      designer.VersionDiff
	// LocalOnly lists what the definition relies on that only this studio has.
	LocalOnly []string
	Form      DeployForm
	// PlanProblem says why the plan could not be made (the form is not offered); Problem why
	// the last deploy was refused.
	PlanProblem, Problem string
}

// DeploymentRow is one target a machine was deployed to, for the machine page.
type DeploymentRow struct {
	resource.Deployment
	// Current reports that the machine's latest definition is the one deployed.
	Current bool
}

// DeploymentRows marks which deployments still hold the machine's latest definition.
func DeploymentRows(m resource.StateMachine, ds []resource.Deployment) []DeploymentRow {
	rows := make([]DeploymentRow, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, DeploymentRow{Deployment: d, Current: bytes.Equal(d.Definition, m.Definition)})
	}
	return rows
}
