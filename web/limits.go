package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Every request body is bounded before anything reads it, by a limit declared beside its
// route in routes.go, and a body over it is refused with 413 and the limit. Without this,
// echo's FormValue swallows the errors of Go's form parsing (which refuses url-encoded
// bodies over 10 MB), so a handler saw an empty form where the parse failed: a 12 MB pasted
// definition was told that its name was empty, and a form without a definition gets the
// example, which could be stored in place of a failed upload.

// bodyLimit is the most a route's request body may hold, and why, for the 413 that says so.
type bodyLimit struct {
	bytes int64
	why   string
}

// formHeadroom is room for a form's other fields, its CSRF token and multipart's part headers.
const formHeadroom = 64 << 10

// formOf is the limit of a form whose largest field may hold fieldBytes: a browser
// percent-encodes a url-encoded form's text, and `"` takes 3 bytes as %22, so a field may
// need up to three times its bytes.
func formOf(fieldBytes int64, why string) bodyLimit {
	return bodyLimit{3*fieldBytes + formHeadroom, why + ", and a form may take three times as many bytes to send it"}
}

// The limits of the routes, from what each takes; AWS's limits are 1 MiB for a definition
// (maxDefinitionBytes), 256 KiB for an execution's input or a task's output (maxInputBytes).
var (
	// noBody is for the routes that read no body, the GETs and the paths nothing serves.
	noBody = bodyLimit{64 << 10, "it reads no body"}
	// smallForm is for forms of a few short fields: logging in, claiming a task.
	smallForm      = bodyLimit{formHeadroom, "its form has a few short fields"}
	definitionForm = formOf(maxDefinitionBytes, "a definition may be at most 1 MiB")
	inputForm      = formOf(maxInputBytes, "an execution input may be at most 256 KiB")
	outputForm     = formOf(maxInputBytes, "a task's output may be at most 256 KiB")
	failureForm    = formOf(maxErrorLen+maxCauseLen, "an error may be at most 256 characters and a cause 32,768")
	// The designer's JSON: JSON's escapes (\" and \n) may double a definition, and an edit
	// carries states of its own.
	designEdits = bodyLimit{4 * maxDefinitionBytes, "a definition may be at most 1 MiB, and the edits and JSON's escapes add to it"}
	designDoc   = bodyLimit{2 * maxDefinitionBytes, "a definition may be at most 1 MiB, which JSON's escapes may double"}
	inputJSON   = bodyLimit{2 * maxInputBytes, "an execution input may be at most 256 KiB, which JSON's escapes may double"}
	// debugCommand carries a paused state's input and the variables, as text inside JSON.
	debugCommand = bodyLimit{4 * maxInputBytes, "a debug command's input and variables may be at most 256 KiB each, and JSON's escapes may double them"}
	// debugJSON is a machine's breakpoints (at most one a state) with the designer's document,
	// which JSON's escapes may double.
	debugJSON = bodyLimit{3 * maxDefinitionBytes, "a definition may be at most 1 MiB, which JSON's escapes may double, and its breakpoints name its states"}
)

// routeLimits holds the body limit of each route, by method and path as registered.
type routeLimits map[string]bodyLimit

func (l routeLimits) of(method, path string) bodyLimit {
	if limit, ok := l[method+" "+path]; ok {
		return limit
	}
	return noBody
}

// limitBody holds the request body to its route's limit before anything reads it: a
// Content-Length over it is refused at once; a form is parsed here, so that a form too
// large or broken is refused with what was wrong rather than read as empty; any other body
// (JSON) is read here whole, so every handler gets a body within its limit.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Body == nil || r.Body == http.NoBody {
			return next(c)
		}
		limit := s.limits.of(r.Method, c.Path())
		if r.ContentLength > limit.bytes {
			return refuse(c, http.StatusRequestEntityTooLarge, tooLarge(r, r.ContentLength, limit))
		}
		// The server's own writer, which MaxBytesReader tells to close the connection after
		// the answer rather than read on through the rest of the body.
		r.Body = http.MaxBytesReader(c.Response().Writer, r.Body, limit.bytes)
		err := readBody(r, limit.bytes)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return refuse(c, http.StatusRequestEntityTooLarge, tooLarge(r, -1, limit))
		case err != nil:
			return refuse(c, http.StatusBadRequest, "The request body could not be read: "+err.Error())
		}
		return next(c)
	}
}

// readBody parses a form, or reads any other body whole and puts it back.
func readBody(r *http.Request, limit int64) error {
	// Go reads forms from the bodies of these methods only.
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		switch mediaType {
		case echo.MIMEApplicationForm:
			return r.ParseForm()
		case echo.MIMEMultipartForm:
			// The whole body fits in memory by its limit, so no part goes to a temporary file.
			return r.ParseMultipartForm(limit)
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// tooLarge says how large the request is (size -1 when unknown: it was cut off at the
// limit) and what its route takes.
func tooLarge(r *http.Request, size int64, limit bodyLimit) string {
	if size < 0 {
		return fmt.Sprintf("The request is over %s bytes, the most %s %s takes (%s).",
			grouped(limit.bytes), r.Method, r.URL.EscapedPath(), limit.why)
	}
	return fmt.Sprintf("The request is %s bytes; %s %s takes at most %s bytes (%s).",
		grouped(size), r.Method, r.URL.EscapedPath(), grouped(limit.bytes), limit.why)
}

// grouped writes a non-negative number with commas between the thousands: 1,048,576.
func grouped(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
