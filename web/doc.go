// Package web is stepstudio's HTTP face: the pages (rendered by views), their form handlers,
// the websocket that streams execution history to the browser, and the hub that fans events
// out to subscribers without ever blocking the runtime. All routes are in routes.go; handlers
// are thin and one file per resource; errors become HTTP statuses in one place (errors.go).
package web
