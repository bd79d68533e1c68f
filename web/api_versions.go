package web

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Versions and aliases, as AWS has them: every save of a machine (a page's or
// UpdateStateMachine's) is a revision; publishing freezes one as the next numbered version,
// stateMachine:NAME:N, which never changes; an alias, stateMachine:NAME:ALIAS, routes the
// executions started through it to one or two versions by weight.

// versionARN is the ARN of the published version m is at.
func versionARN(m resource.StateMachine) string {
	return m.ARN + ":" + strconv.Itoa(m.Published)
}

// versionNumber reads the qualifier of a version ARN; ok is false for an alias's name.
func versionNumber(qualifier string) (int, bool) {
	n, err := strconv.Atoi(qualifier)
	return n, err == nil && n > 0 && strconv.Itoa(n) == qualifier
}

type publishRequest struct {
	StateMachineArn string `json:"stateMachineArn"`
	RevisionID      string `json:"revisionId"`
	Description     string `json:"description"`
}

type publishResponse struct {
	CreationDate           epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

func (s *Server) apiPublishStateMachineVersion(ctx context.Context, req *publishRequest) (publishResponse, error) {
	m, err := s.machine(ctx, "stateMachineArn", req.StateMachineArn)
	if err != nil {
		return publishResponse{}, err
	}
	if len(req.Description) > 256 {
		return publishResponse{}, invalidValue("description", clip(req.Description, 40), "Member must have length less than or equal to 256")
	}
	if req.RevisionID != "" && req.RevisionID != strconv.FormatInt(m.VersionID, 10) {
		// AWS publishes only the latest revision, and checks the caller saw that one.
		return publishResponse{}, newAPIError("ConflictException",
			fmt.Sprintf("The revision %q is not the latest revision of %s (%d): it changed meanwhile.", req.RevisionID, m.ARN, m.VersionID))
	}
	v, err := s.cfg.Store.PublishMachineVersion(ctx, m.ID, m.VersionID, req.Description)
	if err != nil {
		return publishResponse{}, err
	}
	return publishResponse{CreationDate: epoch(v.PublishedAt), StateMachineVersionArn: versionARN(v)}, nil
}

type listVersionsRequest struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type versionListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           epoch  `json:"creationDate"`
}

type listVersionsResponse struct {
	StateMachineVersions []versionListItem `json:"stateMachineVersions"`
	NextToken            string            `json:"nextToken,omitempty"`
}

func (s *Server) apiListStateMachineVersions(ctx context.Context, req *listVersionsRequest) (listVersionsResponse, error) {
	out := listVersionsResponse{StateMachineVersions: []versionListItem{}}
	m, err := s.machine(ctx, "stateMachineArn", req.StateMachineArn)
	if err != nil {
		return out, err
	}
	versions, err := s.cfg.Store.FindPublishedVersions(ctx, m.ID)
	if err != nil {
		return out, err
	}
	page, next, err := pageOf(versions, req.MaxResults, req.NextToken, "versions")
	if err != nil {
		return out, err
	}
	for _, v := range page {
		out.StateMachineVersions = append(out.StateMachineVersions, versionListItem{StateMachineVersionArn: versionARN(v), CreationDate: epoch(v.PublishedAt)})
	}
	out.NextToken = next
	return out, nil
}

type versionRef struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

func (s *Server) apiDeleteStateMachineVersion(ctx context.Context, req *versionRef) (struct{}, error) {
	if err := required("stateMachineVersionArn", req.StateMachineVersionArn); err != nil {
		return struct{}{}, err
	}
	a, err := parseStepsARN("stateMachineVersionArn", req.StateMachineVersionArn, "stateMachine")
	if err != nil {
		return struct{}{}, err
	}
	n, ok := 0, false
	if len(a.parts) == 2 {
		n, ok = versionNumber(a.parts[1])
	}
	if !ok {
		return struct{}{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s' (not a version's ARN)", clip(req.StateMachineVersionArn, 200)))
	}
	m, err := s.machineNamed(ctx, a, req.StateMachineVersionArn)
	if err != nil {
		return struct{}{}, nil // nothing to delete: done, as on AWS
	}
	err = s.cfg.Store.DeletePublishedVersion(ctx, m.ID, n)
	switch {
	case errors.Is(err, resource.ErrVersionInUse):
		return struct{}{}, newAPIError("ConflictException",
			fmt.Sprintf("Version %s is referenced by an alias: move the alias off it first.", req.StateMachineVersionArn))
	case errors.Is(err, resource.ErrNotFound):
		return struct{}{}, nil
	}
	return struct{}{}, err
}

type routingEntry struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int    `json:"weight"`
}

type createAliasRequest struct {
	Name                 string         `json:"name"`
	Description          string         `json:"description"`
	RoutingConfiguration []routingEntry `json:"routingConfiguration"`
}

type createAliasResponse struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

func (s *Server) apiCreateStateMachineAlias(ctx context.Context, req *createAliasRequest) (createAliasResponse, error) {
	if err := firstOf(required("name", req.Name), runtime.CheckName("alias", req.Name)); err != nil {
		var ne *runtime.NameError
		if errors.As(err, &ne) {
			return createAliasResponse{}, newAPIError("InvalidName", fmt.Sprintf("Invalid Name: '%s' (%v)", clip(req.Name, 100), err))
		}
		return createAliasResponse{}, err
	}
	if _, isNumber := versionNumber(req.Name); isNumber {
		return createAliasResponse{}, newAPIError("InvalidName", fmt.Sprintf("Invalid Name: '%s' (an alias's name cannot be a number, which would read as a version)", req.Name))
	}
	m, routing, err := s.routing(ctx, req.RoutingConfiguration)
	if err != nil {
		return createAliasResponse{}, err
	}
	a, err := s.cfg.Store.CreateAlias(ctx, resource.Alias{MachineID: m.ID, Name: req.Name, Description: req.Description, Routing: routing})
	if errors.Is(err, resource.ErrExists) {
		old, ferr := s.cfg.Store.FindAlias(ctx, m.ID, req.Name)
		if ferr == nil && old.Description == req.Description && sameRouting(old.Routing, routing) {
			return createAliasResponse{StateMachineAliasArn: m.ARN + ":" + old.Name, CreationDate: epoch(old.CreatedAt)}, nil
		}
		return createAliasResponse{}, newAPIError("ConflictException", fmt.Sprintf("Alias %s:%s already exists with another configuration.", m.ARN, req.Name))
	}
	if err != nil {
		return createAliasResponse{}, err
	}
	return createAliasResponse{StateMachineAliasArn: m.ARN + ":" + a.Name, CreationDate: epoch(a.CreatedAt)}, nil
}

func sameRouting(a, b []resource.Route) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// routing checks a routingConfiguration: one or two published versions of one machine,
// weights from 0 to 100 that sum to 100.
func (s *Server) routing(ctx context.Context, entries []routingEntry) (resource.StateMachine, []resource.Route, error) {
	invalid := func(why string) error {
		return &apiError{status: 400, code: "ValidationException", message: "Invalid routing configuration: " + why}
	}
	if len(entries) == 0 || len(entries) > 2 {
		return resource.StateMachine{}, nil, invalid("it must route to one or two versions")
	}
	var m resource.StateMachine
	var routes []resource.Route
	sum := 0
	for i, e := range entries {
		if err := required(fmt.Sprintf("routingConfiguration.%d.member.stateMachineVersionArn", i+1), e.StateMachineVersionArn); err != nil {
			return m, nil, err
		}
		a, err := parseStepsARN("stateMachineVersionArn", e.StateMachineVersionArn, "stateMachine")
		if err != nil {
			return m, nil, err
		}
		n, ok := 0, false
		if len(a.parts) == 2 {
			n, ok = versionNumber(a.parts[1])
		}
		if !ok {
			return m, nil, invalid(fmt.Sprintf("%s is not a version's ARN", e.StateMachineVersionArn))
		}
		v, err := s.machineOrVersion(ctx, e.StateMachineVersionArn)
		if err != nil {
			return m, nil, err
		}
		if i > 0 && v.ID != m.ID {
			return m, nil, invalid("the versions must be of the same state machine")
		}
		if i > 0 && routes[0].Version == n {
			return m, nil, invalid("the two versions must differ")
		}
		if e.Weight < 0 || e.Weight > 100 {
			return m, nil, invalid(fmt.Sprintf("the weight %d is not between 0 and 100", e.Weight))
		}
		m, sum = v, sum+e.Weight
		routes = append(routes, resource.Route{Version: n, Weight: e.Weight})
	}
	if sum != 100 {
		return m, nil, invalid(fmt.Sprintf("the weights sum to %d, not 100", sum))
	}
	base, err := s.cfg.Store.FindMachine(ctx, m.Name)
	return base, routes, err
}

// alias finds the machine and the alias an alias ARN names.
func (s *Server) alias(ctx context.Context, arn string) (resource.StateMachine, resource.Alias, error) {
	a, err := parseStepsARN("stateMachineAliasArn", arn, "stateMachine")
	if err != nil {
		return resource.StateMachine{}, resource.Alias{}, err
	}
	if len(a.parts) != 2 {
		return resource.StateMachine{}, resource.Alias{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s' (not an alias's ARN)", clip(arn, 200)))
	}
	notFound := newAPIError("ResourceNotFound", fmt.Sprintf("Resource not found: '%s'", clip(arn, 200)))
	m, err := s.machineNamed(ctx, a, arn)
	if err != nil {
		return m, resource.Alias{}, notFound
	}
	al, err := s.cfg.Store.FindAlias(ctx, m.ID, a.parts[1])
	if errors.Is(err, resource.ErrNotFound) {
		return m, al, notFound
	}
	return m, al, err
}

type aliasRef struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

type describeAliasResponse struct {
	StateMachineAliasArn string         `json:"stateMachineAliasArn"`
	Name                 string         `json:"name"`
	Description          string         `json:"description,omitempty"`
	RoutingConfiguration []routingEntry `json:"routingConfiguration"`
	CreationDate         epoch          `json:"creationDate"`
	UpdateDate           epoch          `json:"updateDate"`
}

func (s *Server) apiDescribeStateMachineAlias(ctx context.Context, req *aliasRef) (describeAliasResponse, error) {
	if err := required("stateMachineAliasArn", req.StateMachineAliasArn); err != nil {
		return describeAliasResponse{}, err
	}
	m, a, err := s.alias(ctx, req.StateMachineAliasArn)
	if err != nil {
		return describeAliasResponse{}, err
	}
	out := describeAliasResponse{StateMachineAliasArn: m.ARN + ":" + a.Name, Name: a.Name, Description: a.Description,
		CreationDate: epoch(a.CreatedAt), UpdateDate: epoch(a.UpdatedAt)}
	for _, r := range a.Routing {
		out.RoutingConfiguration = append(out.RoutingConfiguration, routingEntry{StateMachineVersionArn: m.ARN + ":" + strconv.Itoa(r.Version), Weight: r.Weight})
	}
	return out, nil
}

type updateAliasRequest struct {
	StateMachineAliasArn string         `json:"stateMachineAliasArn"`
	Description          *string        `json:"description"`
	RoutingConfiguration []routingEntry `json:"routingConfiguration"`
}

type updateAliasResponse struct {
	UpdateDate epoch `json:"updateDate"`
}

func (s *Server) apiUpdateStateMachineAlias(ctx context.Context, req *updateAliasRequest) (updateAliasResponse, error) {
	if err := required("stateMachineAliasArn", req.StateMachineAliasArn); err != nil {
		return updateAliasResponse{}, err
	}
	m, a, err := s.alias(ctx, req.StateMachineAliasArn)
	if err != nil {
		return updateAliasResponse{}, err
	}
	if req.Description == nil && req.RoutingConfiguration == nil {
		return updateAliasResponse{}, newAPIError("ValidationException", "Either the description or the routingConfiguration must be specified")
	}
	if req.Description != nil {
		a.Description = *req.Description
	}
	if req.RoutingConfiguration != nil {
		rm, routing, err := s.routing(ctx, req.RoutingConfiguration)
		if err != nil {
			return updateAliasResponse{}, err
		}
		if rm.ID != m.ID {
			return updateAliasResponse{}, newAPIError("ValidationException", "Invalid routing configuration: the versions must be of the alias's state machine")
		}
		a.Routing = routing
	}
	a, err = s.cfg.Store.UpdateAlias(ctx, a)
	if err != nil {
		return updateAliasResponse{}, err
	}
	return updateAliasResponse{UpdateDate: epoch(a.UpdatedAt)}, nil
}

func (s *Server) apiDeleteStateMachineAlias(ctx context.Context, req *aliasRef) (struct{}, error) {
	if err := required("stateMachineAliasArn", req.StateMachineAliasArn); err != nil {
		return struct{}{}, err
	}
	m, a, err := s.alias(ctx, req.StateMachineAliasArn)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.code == "ResourceNotFound" {
			return struct{}{}, nil // deleting what is not there is done
		}
		return struct{}{}, err
	}
	return struct{}{}, s.cfg.Store.DeleteAlias(ctx, m.ID, a.Name)
}

type listAliasesRequest struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type aliasListItem struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

type listAliasesResponse struct {
	StateMachineAliases []aliasListItem `json:"stateMachineAliases"`
	NextToken           string          `json:"nextToken,omitempty"`
}

func (s *Server) apiListStateMachineAliases(ctx context.Context, req *listAliasesRequest) (listAliasesResponse, error) {
	out := listAliasesResponse{StateMachineAliases: []aliasListItem{}}
	m, err := s.machine(ctx, "stateMachineArn", req.StateMachineArn)
	if err != nil {
		return out, err
	}
	aliases, err := s.cfg.Store.FindAliases(ctx, m.ID)
	if err != nil {
		return out, err
	}
	page, next, err := pageOf(aliases, req.MaxResults, req.NextToken, "aliases")
	if err != nil {
		return out, err
	}
	for _, a := range page {
		out.StateMachineAliases = append(out.StateMachineAliases, aliasListItem{StateMachineAliasArn: m.ARN + ":" + a.Name, CreationDate: epoch(a.CreatedAt)})
	}
	out.NextToken = next
	return out, nil
}
