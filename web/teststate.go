package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// testStateRequest is the designer's "Test state": one state of the document it shows, run
// with an input (and, for a Task, a mock of what the resource returns).
type testStateRequest struct {
	Document string `json:"document"`
	State    string `json:"state"`
	Input    string `json:"input"`
	// MockResult is JSON text; empty means none.
	MockResult string `json:"mockResult"`
	// MockError, when its Error is set, fails the task instead, to try its Retry and Catch.
	MockError struct {
		Error string `json:"error"`
		Cause string `json:"cause"`
	} `json:"mockError"`
}

// testStateResponse is the result, as data and as the HTML the inspector shows.
type testStateResponse struct {
	Result runtime.TestStateResult `json:"result"`
	HTML   string                  `json:"html"`
}

// testStateError says what was wrong with the request and where: which field (document,
// state, input, mockResult), the line and column of a JSON syntax error, the definition's
// problems.
type testStateError struct {
	Error    string   `json:"error"`
	Field    string   `json:"field,omitempty"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

// testStateTimeout bounds a test: only a .waitForTaskToken task with a real invoker could
// wait, and the studio runs tasks with mocks, so this is a guard, not a limit users meet.
const testStateTimeout = 30 * time.Second

func (s *Server) handleDesignTest(c echo.Context) error {
	if _, err := s.findMachine(c); err != nil {
		return err
	}
	var req testStateRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 2*maxDefinitionBytes)).Decode(&req); err != nil {
		return c.JSON(http.StatusBadRequest, testStateError{Error: "the request is not a JSON object with a document, a state and an input: " + err.Error()})
	}
	refuse := func(e testStateError) error { return c.JSON(http.StatusUnprocessableEntity, e) }
	def, err := runtime.Parse([]byte(req.Document))
	if err != nil {
		return refuse(testStateError{Error: "The definition has problems; fix them to test a state.", Field: "document", Problems: problemsOf(err)})
	}
	if strings.TrimSpace(req.Input) == "" {
		req.Input = "{}"
	}
	if e, bad := jsonProblem("input", "The input", req.Input); bad {
		return refuse(e)
	}
	opts := runtime.TestStateOptions{Start: time.Now().UTC()}
	if strings.TrimSpace(req.MockResult) != "" {
		if e, bad := jsonProblem("mockResult", "The mock result", req.MockResult); bad {
			return refuse(e)
		}
		opts.MockResult = json.RawMessage(req.MockResult)
	}
	if name := strings.TrimSpace(req.MockError.Error); name != "" {
		opts.MockError = &runtime.Error{Name: name, Cause: req.MockError.Cause}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), testStateTimeout)
	defer cancel()
	res, err := runtime.TestState(ctx, def, req.State, json.RawMessage(req.Input), opts)
	switch {
	case errors.Is(err, runtime.ErrNoSuchState):
		return refuse(testStateError{Error: fmt.Sprintf("There is no state named %q in the definition.", req.State), Field: "state"})
	case err != nil && ctx.Err() != nil:
		return refuse(testStateError{Error: "The state did not end within " + testStateTimeout.String() + "."})
	case err != nil:
		return err
	}
	var b bytes.Buffer
	if err := views.TestStateResult(res).Render(c.Request().Context(), &b); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, testStateResponse{Result: res, HTML: b.String()})
}

// jsonProblem checks that text is JSON, saying where it is not (line and column from 1).
func jsonProblem(field, what, text string) (testStateError, bool) {
	var v any
	err := json.Unmarshal([]byte(text), &v)
	if err == nil {
		return testStateError{}, false
	}
	e := testStateError{Error: what + " is not valid JSON: " + err.Error() + ".", Field: field}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		e.Line, e.Column = 1, 1
		// Offset counts the bytes read, the wrong one included; at the end of the text, the
		// place to point at is just after it.
		end := int(se.Offset) - 1
		if se.Error() == "unexpected end of JSON input" {
			end = len(text)
		}
		for _, ch := range text[:max(end, 0)] {
			if ch == '\n' {
				e.Line, e.Column = e.Line+1, 1
			} else {
				e.Column++
			}
		}
		e.Error = fmt.Sprintf("%s is not valid JSON at line %d, column %d: %s.", what, e.Line, e.Column, se.Error())
	}
	return e, true
}
