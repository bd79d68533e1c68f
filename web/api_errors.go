package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiError is an error of the Step Functions API as AWS answers it: an HTTP status (400 for
// the caller's mistakes) and a body {"__type": code, "message": message}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// newAPIError is a 400 with AWS's error code.
func newAPIError(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

// writeAPIError answers a Step Functions API request with err: an *apiError as it is, any
// other error as AWS's InternalFailure (500), logged, without its details.
func (s *Server) writeAPIError(c echo.Context, err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		s.log.Error("api request failed", "target", c.Request().Header.Get(amzTarget), "err", err)
		ae = &apiError{status: http.StatusInternalServerError, code: "InternalFailure",
			message: "The request processing has failed because of an unknown error, exception or failure; the details are in the studio's log."}
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, amzJSON)
	h.Set("X-Amzn-ErrorType", ae.code)
	h.Set("X-Amzn-RequestId", newRequestID())
	return c.JSONBlob(ae.status, mustJSON(map[string]string{"__type": ae.code, "message": ae.message}))
}

// amzTarget names the API action (AWSStepFunctions.Action); amzJSON is the protocol's type.
const (
	amzTarget = "X-Amz-Target"
	amzJSON   = "application/x-amz-json-1.0"
)

// isAPIRequest reports whether r is a call of the Step Functions API rather than a page's.
func isAPIRequest(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/" && r.Header.Get(amzTarget) != ""
}

// newRequestID is the x-amzn-RequestId of an answer, shaped as AWS's.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
