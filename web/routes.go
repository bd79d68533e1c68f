package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes is the one table of every route the studio serves, with the most each route's
// request body may hold (limits.go).
func (s *Server) routes() {
	e := s.echo
	// Before routing, so that nothing answers a name that is not the studio's (hosts.go).
	e.Pre(s.checkHost)
	// The Step Functions API (POST / with X-Amz-Target, api.go) is answered here, before
	// routing: its body limit (maxAPIBody), identification and errors are its own.
	e.Pre(s.serveAPI)
	// Before authenticate, which reads the CSRF token of a form.
	e.Use(s.limitBody)
	// Every route, websockets included, is for an identified user and checks CSRF tokens.
	e.Use(s.authenticate)
	e.Use(s.countInbox) // the navigation's badge: how many tasks wait
	r := routeTable{e: e, limits: s.limits}
	r.get("/login", s.handleLoginPage)
	r.add(http.MethodPost, "/login", s.handleLogin, smallForm)
	r.add(http.MethodPost, "/logout", s.handleLogout, smallForm)
	r.get("/", s.handleHome)
	r.add(http.MethodPost, "/machines", s.handleMachineCreate, definitionForm)
	r.get("/machines/:name", s.handleMachineShow)
	r.add(http.MethodPost, "/machines/:name", s.handleMachineUpdate, definitionForm)
	r.get("/machines/:name/definition.asl.json", s.handleMachineDefinition)
	r.get("/machines/:name/diff", s.handleVersionDiff)
	r.get("/machines/:name/definition.asl.yaml", s.handleMachineYAML)
	r.get("/machines/:name/template.yaml", s.handleMachineTemplate)
	r.get("/machines/:name/graph.svg", s.handleMachineSVG)
	r.get("/machines/:name/design", s.handleDesigner)
	r.add(http.MethodPost, "/machines/:name/design/apply", s.handleDesignApply, designEdits)
	r.add(http.MethodPost, "/machines/:name/design/save", s.handleDesignSave, designDoc)
	r.add(http.MethodPost, "/machines/:name/design/test", s.handleDesignTest, designDoc)
	r.add(http.MethodPost, "/machines/:name/executions", s.handleExecutionStart, inputForm)
	r.get("/executions/:id", s.handleExecutionShow)
	r.get("/executions/:id/ws", s.handleExecutionSocket)
	r.get("/executions/:id/export.json", s.handleExecutionExport)
	r.get("/executions/:id/visits", s.handleExecutionVisits)
	r.get("/executions/:id/visits/:visit", s.handleExecutionVisit)
	r.get("/executions/:id/events", s.handleExecutionEvents)
	r.get("/executions/:id/scope", s.handleExecutionScope)
	r.add(http.MethodPost, "/executions/:id/stop", s.handleExecutionStop, failureForm)
	r.add(http.MethodPost, "/executions/:id/redrive", s.handleExecutionRedrive, smallForm)
	r.add(http.MethodPost, "/executions/:id/run-from", s.handleRunFrom, inputForm)
	r.add(http.MethodPost, "/executions/:id/debug", s.handleDebugResume, debugCommand)
	// A target's executions, shown by the execution page's handlers (remote_runs.go).
	r.get("/targets/:name/machines/:machine/runs", s.handleRemoteRunList)
	r.add(http.MethodPost, "/targets/:name/machines/:machine/runs", s.handleRemoteRunStart, inputForm)
	r.get("/targets/:name/runs/:arn", s.handleRemoteRunShow)
	r.get("/targets/:name/runs/:arn/ws", s.handleRemoteRunSocket)
	r.get("/targets/:name/runs/:arn/visits", s.handleExecutionVisits)
	r.get("/targets/:name/runs/:arn/visits/:visit", s.handleExecutionVisit)
	r.get("/targets/:name/runs/:arn/events", s.handleExecutionEvents)
	r.get("/targets/:name/runs/:arn/scope", s.handleExecutionScope)
	r.add(http.MethodPost, "/targets/:name/runs/:arn/stop", s.handleRemoteRunStop, failureForm)
	r.add(http.MethodPost, "/targets/:name/runs/:arn/redrive", s.handleRemoteRunRedrive, smallForm)
	r.get("/machines/:name/executions", s.handleMachineExecutionList)
	r.get("/machines/:name/inputs", s.handleInputList)
	r.add(http.MethodPut, "/machines/:name/inputs/:input", s.handleInputSave, inputJSON)
	r.add(http.MethodDelete, "/machines/:name/inputs/:input", s.handleInputDelete, noBody)
	r.get("/machines/:name/breakpoints", s.handleBreakpoints)
	r.add(http.MethodPut, "/machines/:name/breakpoints", s.handleBreakpointsSave, debugJSON)
	r.get("/executions", s.handleExecutionList)
	r.get("/executions/ws", s.handleExecutionListSocket)
	r.get("/executions/compare", s.handleCompare)
	r.get("/inbox", s.handleInbox)
	r.get("/inbox/ws", s.handleInboxSocket)
	r.add(http.MethodPost, "/inbox/:id/approve", s.handleTaskApprove, outputForm)
	r.add(http.MethodPost, "/inbox/:id/reject", s.handleTaskReject, failureForm)
	r.get("/inbox/:id", s.handleTaskShow)
	r.add(http.MethodPost, "/inbox/:id/claim", s.handleTaskClaim, smallForm)
	r.add(http.MethodPost, "/inbox/:id/release", s.handleTaskRelease, smallForm)
	r.add(http.MethodPost, "/inbox/:id/heartbeat", s.handleTaskHeartbeat, smallForm)
	r.get("/activities", s.handleActivityList)
	r.get("/audit", s.handleAuditList)
	r.get("/targets", s.handleTargetList)
	r.add(http.MethodPost, "/targets", s.handleTargetAdd, smallForm)
	r.get("/targets/:name", s.handleTargetShow)
	r.add(http.MethodPost, "/targets/:name/remove", s.handleTargetRemove, smallForm)
	r.add(http.MethodPost, "/targets/:name/pull", s.handleTargetPull, smallForm)
	r.get("/machines/:name/deploy", s.handleDeployPage)
	r.add(http.MethodPost, "/machines/:name/deploy", s.handleDeploy, smallForm)
	r.get("/favicon.ico", s.handleFavicon)
	r.get("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServerFS(s.cfg.Static))))
}

// routeTable registers routes with their body limits.
type routeTable struct {
	e      *echo.Echo
	limits routeLimits
}

// get registers a route that reads no body; its limit is noBody.
func (t routeTable) get(path string, h echo.HandlerFunc) { t.e.GET(path, h) }

// add registers a route whose request has a body, with the most that body may hold.
func (t routeTable) add(method, path string, h echo.HandlerFunc, limit bodyLimit) {
	t.e.Add(method, path, h)
	t.limits[method+" "+path] = limit
}
