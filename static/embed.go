// Package static holds the browser assets (built from src/ by esbuild into dist/, which is
// committed so that `go build` needs no Node) and embeds them into the binary.
package static

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// FS returns the built assets: app.js, app.css and favicon.svg at its root.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; a missing folder fails the build first
	}
	return sub
}
