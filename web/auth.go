package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// UserStore keeps users, their sessions and their API keys.
type UserStore interface {
	HasUsers(ctx context.Context) (bool, error)
	FindUser(ctx context.Context, name string) (auth.User, error)
	CreateSession(ctx context.Context, userID int64, tokenHash []byte, expires time.Time) error
	// FindSessionUser finds the user of a session live at now and slides it to expires.
	FindSessionUser(ctx context.Context, tokenHash []byte, now, expires time.Time) (auth.User, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	FindAPIKeyUser(ctx context.Context, keyHash []byte) (auth.User, error)
	// FindAccessKey finds the user of an access key and the key's secret, which checking a
	// Signature Version 4 needs.
	FindAccessKey(ctx context.Context, accessKeyID string) (auth.User, string, error)
	// RecordLoginRefused adds the audit row of a refused login (it names no task).
	RecordLoginRefused(ctx context.Context, ev resource.AuditEvent) error
}

// sessionTTL is how long a session lives after its last use.
const sessionTTL = 12 * time.Hour

const sessionCookie = "stepstudio_session"

// how says how a request was identified, which decides whether it needs a CSRF token.
type how int

const (
	anonymous how = iota
	bySession
	byAPIKey
	bySignature // an AWS SDK or the AWS CLI, with Signature Version 4
	asLocal     // a loopback studio without users
)

// identity is who made a request and how they proved it; session is the raw session id.
type identity struct {
	user    User
	how     how
	session string
}

// publicPaths need no user: the login page itself and what it is drawn with, and the icon
// browsers fetch on their own for every page, the login page included.
func isPublic(path string) bool {
	return path == "/login" || path == "/logout" || path == "/favicon.ico" || strings.HasPrefix(path, "/static/")
}

// authenticate identifies every request, sends the unidentified ones to the login page (or
// answers 401 to scripts), hands the page its CSRF token and user, and checks the CSRF token
// of every state-changing request.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := s.identify(c)
		var d *denial
		var sf *signedFailure
		switch {
		case errors.As(err, &d):
			return refuse(c, d.status, d.message)
		case errors.As(err, &sf):
			return s.writeAPIError(c, sf.err)
		case err != nil:
			return err
		}
		if id.how == anonymous && !isPublic(c.Path()) && !isPublic(c.Request().URL.Path) {
			return s.refuseAnonymous(c)
		}
		c.Set(userKey, id.user)
		if id.how == byAPIKey || id.how == bySignature {
			return next(c) // a script: no page, no cookie, no CSRF (see csrf.go)
		}
		token := s.csrfToken(c, id)
		ctx := views.WithCSRFToken(c.Request().Context(), token)
		ctx = views.WithViewer(ctx, views.Viewer{Name: id.user.Name, CanLogOut: id.how == bySession})
		c.SetRequest(c.Request().WithContext(ctx))
		if !safeMethod(c.Request().Method) && !s.csrfOK(c.Request(), token) {
			return refuse(c, http.StatusForbidden, csrfRefused)
		}
		return next(c)
	}
}

// denial is a request refused before it reaches its handler.
type denial struct {
	status  int
	message string
}

func (d *denial) Error() string { return d.message }

// signedFailure is a refusal (or a failure) of identifying a signed request, which an AWS
// client is answered in the API's shape, {"__type", "message"}, rather than refuse's. It
// unwraps to the *apiError, so callers of identify that answer in that shape themselves
// (the API's, api.go) find the refusal's code.
type signedFailure struct{ err error }

func (f *signedFailure) Error() string { return f.err.Error() }

func (f *signedFailure) Unwrap() error { return f.err }

// identify finds who made the request: a Signature Version 4 or an API key in the
// Authorization header, else a session cookie, else the local user when the studio has no
// users and allows it.
func (s *Server) identify(c echo.Context) (identity, error) {
	r := c.Request()
	ctx := r.Context()
	if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
		if cred, ok, malformed := auth.ParseSigV4(r); ok {
			id, err := s.identifySigned(c, cred, malformed)
			if err != nil {
				return identity{}, &signedFailure{err}
			}
			return id, nil
		}
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || s.cfg.Users == nil {
			return identity{}, &denial{http.StatusUnauthorized, "The Authorization header must be \"Bearer\" and an API key, or an AWS Signature Version 4 (AWS4-HMAC-SHA256) with an access key, made by \"stepstudio user key\"."}
		}
		u, err := s.cfg.Users.FindAPIKeyUser(ctx, auth.HashToken(strings.TrimSpace(key)))
		if errors.Is(err, resource.ErrNotFound) {
			return identity{}, &denial{http.StatusUnauthorized, "The API key is not valid."}
		}
		if err != nil {
			return identity{}, err
		}
		return identity{user: webUser(u), how: byAPIKey}, nil
	}
	if cookie, err := r.Cookie(sessionCookie); err == nil && s.cfg.Users != nil && cookie.Value != "" {
		now := time.Now()
		u, err := s.cfg.Users.FindSessionUser(ctx, auth.HashToken(cookie.Value), now, now.Add(sessionTTL))
		if err == nil {
			return identity{user: webUser(u), how: bySession, session: cookie.Value}, nil
		}
		if !errors.Is(err, resource.ErrNotFound) {
			return identity{}, err
		}
	}
	open, err := s.openToLocal(ctx)
	if err != nil || !open {
		return identity{}, err
	}
	return identity{user: localUser, how: asLocal}, nil
}

// unrecognizedClient is AWS's answer to an access key it does not know.
var unrecognizedClient = newAPIError("UnrecognizedClientException", "The security token included in the request is invalid.")

// identifySigned identifies a request signed with Signature Version 4 (malformed says what
// is wrong with its Authorization header, if anything) by the access key's secret, which
// must give the same signature over the request and its body.
//
// A studio open to local accepts any signature, unchecked, as the local user: Step Functions
// Local does, and clients configured for it keep their dummy credentials. Either way the
// request needs no CSRF token: a page of another site cannot make a browser send an
// Authorization header to the studio (it would take a CORS preflight the studio never
// allows).
func (s *Server) identifySigned(c echo.Context, cred auth.SigV4Credential, malformed error) (identity, error) {
	r := c.Request()
	ctx := r.Context()
	open, err := s.openToLocal(ctx)
	if err != nil {
		return identity{}, err
	}
	if open {
		return identity{user: localUser, how: bySignature}, nil
	}
	if malformed != nil {
		return identity{}, sigV4APIError(malformed)
	}
	if s.cfg.Users == nil {
		return identity{}, unrecognizedClient
	}
	u, secret, err := s.cfg.Users.FindAccessKey(ctx, cred.AccessKeyID)
	if errors.Is(err, resource.ErrNotFound) {
		s.log.Info("signed request refused", "access_key_id", clipName(cred.AccessKeyID), "remote", clientAddress(r), "err", "unknown access key")
		return identity{}, unrecognizedClient
	}
	if err != nil {
		return identity{}, err
	}
	// limitBody has bounded the body and, for anything but a form, read it into memory
	// already; it is read here and put back for the handler. (A form's body, which Go's
	// parser consumed, is gone; the Step Functions API sends JSON.)
	var body []byte
	if r.Body != nil {
		if body, err = io.ReadAll(r.Body); err != nil {
			return identity{}, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if err := auth.VerifySigV4(r, body, secret, s.cfg.NowFunc()); err != nil {
		s.log.Info("signed request refused", "access_key_id", cred.AccessKeyID, "user", u.Name, "remote", clientAddress(r), "err", err)
		return identity{}, sigV4APIError(err)
	}
	return identity{user: webUser(u), how: bySignature}, nil
}

// sigV4APIError is the API error of a signature auth refuses, with AWS's code and message.
func sigV4APIError(err error) error {
	var se *auth.SigV4Error
	if !errors.As(err, &se) {
		return err
	}
	return newAPIError(se.Code, se.Message)
}

// openToLocal reports whether the studio lets everyone in as the local user: only on a
// loopback address, and only while no user exists. It is asked on every request, so the
// first "stepstudio user add" locks a running studio at once.
func (s *Server) openToLocal(ctx context.Context) (bool, error) {
	if !s.cfg.LocalWithoutUsers {
		return false, nil
	}
	if s.cfg.Users == nil {
		return true, nil
	}
	has, err := s.cfg.Users.HasUsers(ctx)
	return !has, err
}

func webUser(u auth.User) User { return User{Name: u.Name, Admin: u.Admin} }

// refuseAnonymous sends a browser asking for a page to the login page, and answers a script,
// a fetch or a websocket with 401.
func (s *Server) refuseAnonymous(c echo.Context) error {
	r := c.Request()
	if !wantsPage(r) {
		return refuse(c, http.StatusUnauthorized, "Log in first, or send an API key as \"Authorization: Bearer KEY\".")
	}
	back := r.URL.RequestURI()
	if !safeMethod(r.Method) {
		// Coming back to a form's target with GET would not repeat the post; the page that
		// posted it is the place to return to.
		back = refererPath(r)
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(localPath(back)))
}

// wantsPage reports whether the request is a browser's navigation, which can be redirected
// to the login page, rather than a script or a websocket that needs a status.
func wantsPage(r *http.Request) bool {
	return !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html")
}

// refuse answers with status and message: a page for a browser, {"error": message} for the rest.
func refuse(c echo.Context, status int, message string) error {
	if wantsPage(c.Request()) {
		return &userError{status: status, title: http.StatusText(status), message: message}
	}
	return c.JSON(status, map[string]string{"error": message})
}

func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// localPath returns p when it is a path on this site, and "/" otherwise, so that a link to
// the login page cannot send the user on to another site after they log in.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		u.Scheme != "" || u.Host != "" || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// refererPath is the path of the page a request came from when it is on this host.
func refererPath(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host {
		return "/"
	}
	return u.RequestURI()
}

// secureRequest reports whether the browser reached the studio over TLS, directly or through
// a proxy that says so, in which case cookies are sent only over TLS.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secureRequest(c.Request())})
}

const loginRefused = "The name or password is not right."

// handleLoginPage shows the login form, or goes on when there is nothing to log in to.
func (s *Server) handleLoginPage(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if UserOf(c).Name != "" {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return render(c, http.StatusOK, views.Login(next, "", ""))
}

// handleLogin checks a name and password and starts a session. A refusal never says which
// of the two was wrong, and takes as long for an unknown name as for a wrong password. After
// too many failures for the name or from the address (see throttle.go) it answers 429 without
// checking anything, for known and unknown names alike.
func (s *Server) handleLogin(c echo.Context) error {
	next := localPath(c.FormValue("next"))
	if s.cfg.Users == nil {
		return c.Redirect(http.StatusSeeOther, next)
	}
	ctx := c.Request().Context()
	name, password := c.FormValue("name"), c.FormValue("password")
	address := clientAddress(c.Request())
	keys := loginKeys(name, address)
	if wait, report := s.logins.attempt(keys...); wait > 0 {
		return s.refuseThrottledLogin(c, next, name, address, wait, report)
	}
	u, err := s.cfg.Users.FindUser(ctx, name)
	if err != nil && !errors.Is(err, resource.ErrNotFound) {
		return err
	}
	if !auth.CheckPassword(u.PasswordHash, password) {
		s.log.Info("login refused", "name", clipName(name), "remote", address)
		s.auditLogin(ctx, resource.AuditLoginFailed, name, address, "")
		return render(c, http.StatusUnauthorized, views.Login(next, name, loginRefused))
	}
	s.logins.succeed(keys...)
	token := auth.NewToken()
	if err := s.cfg.Users.CreateSession(ctx, u.ID, auth.HashToken(token), time.Now().Add(sessionTTL)); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, 0)
	return c.Redirect(http.StatusSeeOther, next)
}

// refuseThrottledLogin answers 429 with Retry-After in whole seconds: the login page for a
// browser, {"error": ...} for a script. Only the first refusal of a wait is logged and
// audited (report), so a flood of refused attempts cannot fill the log or the disk.
func (s *Server) refuseThrottledLogin(c echo.Context, next, name, address string, wait time.Duration, report bool) error {
	seconds := int((wait + time.Second - 1) / time.Second)
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	if report {
		s.log.Warn("login throttled", "name", clipName(name), "remote", address, "retry_after", seconds)
		s.auditLogin(c.Request().Context(), resource.AuditLoginThrottled, name, address, fmt.Sprintf("retry after %d s", seconds))
	}
	unit := "seconds"
	if seconds == 1 {
		unit = "second"
	}
	message := fmt.Sprintf("Too many failed logins for this name or from this address; try again in %d %s.", seconds, unit)
	if !wantsPage(c.Request()) {
		return c.JSON(http.StatusTooManyRequests, map[string]string{"error": message})
	}
	return render(c, http.StatusTooManyRequests, views.Login(next, name, message))
}

// auditLogin records a refused login. The refusal stands even when the row cannot be written,
// so a failure is logged rather than answered with a 500.
func (s *Server) auditLogin(ctx context.Context, action resource.AuditAction, name, address, cause string) {
	ev := resource.AuditEvent{At: s.cfg.NowFunc(), User: clipName(name), Action: action, Address: address, Cause: cause}
	if err := s.cfg.Users.RecordLoginRefused(ctx, ev); err != nil {
		s.log.Error("audit refused login", "name", ev.User, "remote", address, "err", err)
	}
}

// maxAuditedName is as much of a name tried as the audit and the log keep: names are short,
// and a script's megabyte of "name" need not be stored.
const maxAuditedName = 200

func clipName(name string) string {
	if len(name) <= maxAuditedName {
		return name
	}
	cut := maxAuditedName
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "…"
}

// handleLogout ends the session and shows the login page.
func (s *Server) handleLogout(c echo.Context) error {
	if cookie, err := c.Cookie(sessionCookie); err == nil && s.cfg.Users != nil {
		if err := s.cfg.Users.DeleteSession(c.Request().Context(), auth.HashToken(cookie.Value)); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}
