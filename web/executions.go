package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// maxInputBytes is AWS's limit on an execution's input.
const maxInputBytes = 256 * 1024

func (s *Server) handleExecutionStart(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	input := bytes.TrimSpace([]byte(c.FormValue("input")))
	if len(input) == 0 {
		input = []byte("{}")
	}
	refuse := func(problem string) error {
		return s.renderMachine(c, http.StatusBadRequest, views.MachineData{
			Machine: m, Definition: string(m.Definition), RunInput: string(input), RunProblem: problem})
	}
	if problem := inputProblem(input); problem != "" {
		return refuse(problem)
	}
	if _, err := s.definition(m); err != nil {
		// Only a definition stored before a validator change can fail here.
		return refuse("The stored definition is not valid: " + err.Error())
	}
	testCase := c.FormValue("testCase")
	if testCase != "" {
		if err := s.checkTestCase(m, testCase); err != nil {
			return refuse("This run cannot use its test case: " + err.Error() + ".")
		}
	}
	name := newExecutionName()
	var debug json.RawMessage
	if c.FormValue("debug") == "1" {
		// A debug run takes the machine's breakpoints as they are now, and keeps them.
		settings, err := s.cfg.Store.FindDebugSettings(ctx, m.ID)
		if err != nil {
			return err
		}
		if debug, err = json.Marshal(settings); err != nil {
			return err
		}
	}
	exec, err := s.cfg.Lifecycle.StartExecution(ctx, m, resource.Execution{ARN: s.executionARN(m, name), Name: name, Input: input, TestCase: testCase, Debug: debug})
	if errors.Is(err, runtime.ErrExpressCallback) {
		return refuse("This execution cannot start: " + err.Error() + ".")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.ExecutionURL(exec.ID))
}

// checkJSON reports where JSON text is broken, in words a user can act on.
func checkJSON(text []byte) error {
	var v any
	err := json.Unmarshal(text, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(text, se.Offset)
		return fmt.Errorf("%s at line %d, column %d", se.Error(), line, col)
	}
	return err
}

// position turns the offset of a json.SyntaxError (the bytes read, the bad one included) into
// the 1-based line and column of the bad byte.
func position(text []byte, offset int64) (line, col int) {
	offset = min(max(offset-1, 0), int64(len(text)))
	before := text[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// newExecutionName makes a unique execution name shaped like the UUIDs AWS gives.
func newExecutionName() string { return runtime.NewUUID() }

func (s *Server) definition(m resource.StateMachine) (*runtime.Definition, error) {
	return s.definitions.Of(m)
}

func (s *Server) findExecution(c echo.Context) (resource.Execution, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return resource.Execution{}, notFound(fmt.Sprintf("There is no execution %q: execution ids are numbers.", c.Param("id")))
	}
	e, err := s.cfg.Store.FindExecution(c.Request().Context(), id)
	if errors.Is(err, resource.ErrNotFound) {
		return e, notFound(fmt.Sprintf("There is no execution %d.", id))
	}
	return e, err
}
