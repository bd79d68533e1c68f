// Package views holds the HTML pages of stepstudio as templ components: one file per page,
// plain values in, no I/O. Helpers that turn runtime values into what a page shows (pretty
// JSON, times, the status of each state from the history) live in Go files beside them.
package views
