package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// The Step Functions API: AWS's JSON 1.0 protocol, POST / with the action in X-Amz-Target
// ("AWSStepFunctions.StartExecution") and lowerCamelCase JSON both ways, so the AWS CLI, the
// SDKs and activity workers pointed at the studio work as they do against AWS. It is served
// before routing (serveAPI), on the same port and host check as the pages, with its own
// body limit and identification: it is never cookie-authenticated, so CSRF does not apply,
// and its answers are AWS's, errors included ({"__type", "message"}, see api_errors.go).

// maxAPIBody is the most an API request may hold: a 1 MiB definition, which JSON's escapes
// may double, and the request's other fields.
const maxAPIBody = 2*maxDefinitionBytes + 64<<10

// apiAction answers one action: it decodes the request body and returns the response value.
type apiAction func(s *Server, ctx context.Context, body []byte) (any, error)

// action makes the apiAction of a handler from its request type to its response type.
func action[Req, Resp any](h func(*Server, context.Context, *Req) (Resp, error)) apiAction {
	return func(s *Server, ctx context.Context, body []byte) (any, error) {
		req := new(Req)
		if err := decodeAPIRequest(body, req); err != nil {
			return nil, err
		}
		return h(s, ctx, req)
	}
}

// serveAPI answers the requests of the Step Functions API and passes the rest on.
func (s *Server) serveAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isAPIRequest(c.Request()) {
			return next(c)
		}
		if err := s.handleAPI(c); err != nil {
			return s.writeAPIError(c, err)
		}
		return nil
	}
}

func (s *Server) handleAPI(c echo.Context) error {
	r := c.Request()
	target := r.Header.Get(amzTarget)
	name, ok := strings.CutPrefix(target, "AWSStepFunctions.")
	act := apiActions[name]
	if !ok || act == nil {
		return newAPIError("UnknownOperationException", fmt.Sprintf("The action %q is not an action of AWS Step Functions.", clip(target, 100)))
	}
	if r.ContentLength > maxAPIBody {
		return tooLargeAPI(r.ContentLength)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxAPIBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLargeAPI(-1)
	}
	if err != nil {
		return newAPIError("SerializationException", "The request body could not be read: "+err.Error())
	}
	id, err := s.identifyAPI(c, body)
	if err != nil {
		return err
	}
	ctx := withAPICaller(r.Context(), id)
	out, err := act(s, ctx, body)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, amzJSON)
	h.Set("X-Amzn-RequestId", newRequestID())
	return c.JSONBlob(http.StatusOK, mustJSON(out))
}

func tooLargeAPI(n int64) error {
	what := "The request body is"
	if n >= 0 {
		what = fmt.Sprintf("The request body is %d bytes,", n)
	}
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "ValidationException",
		message: fmt.Sprintf("%s over the %d bytes an API request may hold.", what, maxAPIBody)}
}

// identifyAPI finds who calls: by signature, Bearer key or as the local user (identify).
// The pages' login and CSRF token do not apply to the API.
func (s *Server) identifyAPI(c echo.Context, body []byte) (User, error) {
	r := c.Request()
	r.Body = io.NopCloser(bytes.NewReader(body))
	id, err := s.identify(c)
	var d *denial
	if errors.As(err, &d) {
		return User{}, newAPIError("UnrecognizedClientException", d.message)
	}
	if err != nil {
		return User{}, err
	}
	if id.how == anonymous {
		return User{}, &apiError{status: http.StatusForbidden, code: "MissingAuthenticationTokenException",
			message: "The request is not signed: sign it with an access key pair from \"stepstudio user key\" (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."}
	}
	return id.user, nil
}

type apiCallerKey struct{}

func withAPICaller(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, apiCallerKey{}, u)
}

// apiCaller is the user an API call is made by.
func apiCaller(ctx context.Context) User {
	u, _ := ctx.Value(apiCallerKey{}).(User)
	return u
}

// decodeAPIRequest reads a request body into v; an empty body is an empty request. Fields
// of the wrong type are SerializationException, as AWS answers them, naming the field.
func decodeAPIRequest(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return newAPIError("SerializationException", fmt.Sprintf("The field %q must be %s, not a JSON %s.", te.Field, typeName(te.Type.Kind().String()), te.Value))
	case errors.As(err, &te):
		return newAPIError("SerializationException", fmt.Sprintf("The request body must be a JSON object, not a JSON %s.", te.Value))
	case errors.As(err, &se):
		line, col := position(body, se.Offset)
		return newAPIError("SerializationException", fmt.Sprintf("The request body is not valid JSON: %s at line %d, column %d.", se.Error(), line, col))
	}
	return newAPIError("SerializationException", "The request body is not valid JSON: "+err.Error())
}

func typeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int32", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + kind
}

// required is AWS's answer to a required field left out.
func required(field, value string) error {
	if value != "" {
		return nil
	}
	return newAPIError("ValidationException", fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field))
}

// invalidValue is AWS's answer to a field whose value breaks a constraint.
func invalidValue(field string, value any, constraint string) error {
	return newAPIError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only values the studio builds are encoded here; one that cannot be is a bug.
		panic(fmt.Sprintf("web: encode %T: %v", v, err))
	}
	return b
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// epoch is a time as the API gives it: seconds since 1970 as a JSON number, to the millisecond.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

// IsZero lets `omitzero` leave unset times out.
func (t epoch) IsZero() bool { return time.Time(t).IsZero() }

// pageToken encodes the position of the next page as an opaque nextToken; readPageToken
// reads one back (InvalidToken when it is not one the studio gave).
func pageToken(kind string, pos int64) string {
	return kind + "." + strconv.FormatInt(pos, 36)
}

func readPageToken(kind, token string) (int64, error) {
	rest, ok := strings.CutPrefix(token, kind+".")
	n, err := strconv.ParseInt(rest, 36, 64)
	if !ok || err != nil || n < 0 {
		return 0, newAPIError("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", clip(token, 100)))
	}
	return n, nil
}

// pageSize reads maxResults: 0 means the default, and it may be at most 1000.
func pageSize(maxResults, def int) (int, error) {
	switch {
	case maxResults == 0:
		return def, nil
	case maxResults < 0 || maxResults > 1000:
		return 0, invalidValue("maxResults", maxResults, "Member must have value less than or equal to 1000 and greater than or equal to 0")
	}
	return maxResults, nil
}
