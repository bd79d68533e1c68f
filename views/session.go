package views

import "context"

// Viewer is who the page is shown to, for the top navigation.
type Viewer struct {
	Name string
	// CanLogOut is false for the local user of a studio without users, who never logged in.
	CanLogOut bool
}

type contextKey int

const (
	csrfTokenKey contextKey = iota
	viewerKey
)

// WithCSRFToken returns ctx carrying the request's CSRF token, which CSRFField and the
// layout's csrf-token meta element put in the page.
func WithCSRFToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfTokenKey, token)
}

// WithViewer returns ctx carrying who the page is shown to.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

func csrfToken(ctx context.Context) string {
	token, _ := ctx.Value(csrfTokenKey).(string)
	return token
}

func viewer(ctx context.Context) Viewer {
	v, _ := ctx.Value(viewerKey).(Viewer)
	return v
}
