// Package web is stepstudio's HTTP face: the pages (rendered by views), their form handlers,
// the websocket that streams execution history to the browser, and the hub that fans events
// out to subscribers without ever blocking the runtime. All routes are in routes.go; handlers
// are thin and one file per resource; errors become HTTP statuses in one place (errors.go).
// One middleware (auth.go) identifies every request (session, API key, or the local user of
// a loopback studio without users) and checks the CSRF token of every state-changing one
// (csrf.go); handlers ask UserOf for who is asking. Before it, every request is refused
// unless its Host header names the studio (hosts.go, against DNS rebinding), and its body is
// held to the limit its route declares in the table (limits.go).
//
// The execution pages show a history folded (views.Fold); each execution looked at is folded
// once and then kept up to date with only the events recorded since, shared by its pages, its
// tables (read a page at a time) and its live sockets (runfolds.go).
package web
