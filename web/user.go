package web

import "github.com/labstack/echo/v4"

// User is who made a request: a logged-in user, the owner of an API key, or, on a studio
// without users on a loopback address, the single local user "local" with admin rights.
type User struct {
	Name  string
	Admin bool
}

// localUser is everyone on a loopback studio that has no users, as before logins existed.
var localUser = User{Name: "local", Admin: true}

const userKey = "stepstudio.user"

// UserOf returns who made the request. Every route but the login page and the static files
// runs only for an identified user, so there it is never empty; handlers use it to record
// who claimed or decided something.
func UserOf(c echo.Context) User {
	u, _ := c.Get(userKey).(User)
	return u
}
