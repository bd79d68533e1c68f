package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/auth"
)

// A page of another site can make the browser post to the studio (a form, a fetch without
// CORS) and the browser sends the studio's cookies along; only pages of the studio know the
// synchronizer token, so every state-changing request must carry it, as the form field
// _csrf or the header X-CSRF-Token. Requests with an API key are exempt: a browser cannot
// add an Authorization header to another site's request.

const (
	csrfCookie = "stepstudio_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

const csrfRefused = "The form is out of date or came from another site; reload the page and try again."

// csrfToken is the request's token: an HMAC, under a secret of this process, of the session
// id, or, before a login and on a studio without users, of a random cookie of the browser.
// The secret means a cookie planted by another site on the same host (another port of
// localhost) is of no use without a page of this studio to read the token from.
func (s *Server) csrfToken(c echo.Context, id identity) string {
	binding := "session:" + id.session
	if id.how != bySession {
		cookie, err := c.Cookie(csrfCookie)
		if err != nil || cookie.Value == "" {
			cookie = &http.Cookie{Value: auth.NewToken()}
			s.setCookie(c, csrfCookie, cookie.Value, 0)
		}
		binding = "browser:" + cookie.Value
	}
	mac := hmac.New(sha256.New, s.csrfSecret)
	mac.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// csrfOK reports whether a state-changing request carries the token and, when the browser
// says where it comes from, comes from a page of this host.
func (s *Server) csrfOK(r *http.Request, token string) bool {
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.FormValue(csrfField)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(token))
}
