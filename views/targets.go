package views

import (
	"net/url"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// TargetURL is the page of a target's machines.
func TargetURL(name string) string { return "/targets/" + url.PathEscape(name) }

// DeployURL is the deploy preview of a machine to a target.
func DeployURL(machine, target string) string {
	return MachineURL(machine) + "/deploy?target=" + url.QueryEscape(target)
}

// TargetForm is the add form's content: what the user typed, kept when it is refused. The
// secret is never in it: a refused form asks for it again rather than echo it into the page.
type TargetForm struct {
	Name, Endpoint, Region string
	// Credentials is "chain" (the default AWS chain), "profile" or "keys" (an access key pair).
	Credentials string
	Profile     string
	AccessKeyID string
	RoleARN     string
}

// TargetsData is what the targets page shows.
type TargetsData struct {
	// Configured is false on a studio without a target store: the page says so.
	Configured bool
	// Admin may add and remove targets; other users see them and deploy through them.
	Admin   bool
	Targets []resource.Target
	Form    TargetForm
	// Problems says what is wrong with the form, by field: name, endpoint, region,
	// credentials, role.
	Problems map[string]string
	Notice   string
}

// TargetMachine is one machine of a target, beside the local one of the same name.
type TargetMachine struct {
	Name string
	// Local reports a local machine of the name; Differs one whose latest definition is not
	// byte for byte the target's, LocalVersion its version.
	Local, Differs bool
	LocalVersion   int
}

// TargetMachinesData is what a target's page shows.
type TargetMachinesData struct {
	Target   resource.Target
	Machines []TargetMachine
	// Problem says why the target's machines could not be listed or pulled.
	Problem string
}

// credentialsChoice is the radio button checked: the typed choice, else the default chain.
func (f TargetForm) credentialsChoice() string {
	if f.Credentials == "" {
		return "chain"
	}
	return f.Credentials
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// RemoteRunsURL lists a target's executions of a machine, with a form to start one there.
func RemoteRunsURL(target, machine string) string {
	return TargetURL(target) + "/machines/" + url.PathEscape(machine) + "/runs"
}

// RemoteRunURL is the page of a target's execution in the studio.
func RemoteRunURL(target, executionARN string) string {
	return TargetURL(target) + "/runs/" + url.PathEscape(executionARN)
}
