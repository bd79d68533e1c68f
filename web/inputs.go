package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// InputStore keeps the inputs saved by name for each state machine.
type InputStore interface {
	FindSavedInputs(ctx context.Context, machineID int64) ([]resource.SavedInput, error)
	UpsertSavedInput(ctx context.Context, machineID int64, name, input string) error
	DeleteSavedInput(ctx context.Context, machineID int64, name string) error
}

// savedInput is a saved input as the run dialog reads and writes it.
type savedInput struct {
	Name  string `json:"name"`
	Input string `json:"input"`
}

// inputsResponse is what the run dialog opens with: the input the machine last ran with
// (what to pre-fill) and the saved ones.
type inputsResponse struct {
	Last   string       `json:"last"`
	Inputs []savedInput `json:"inputs"`
}

type inputError struct {
	Error string `json:"error"`
}

func (s *Server) handleInputList(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	saved, err := s.cfg.Store.FindSavedInputs(ctx, m.ID)
	if err != nil {
		return err
	}
	resp := inputsResponse{Last: "{}", Inputs: []savedInput{}}
	for _, in := range saved {
		resp.Inputs = append(resp.Inputs, savedInput{Name: in.Name, Input: in.Input})
	}
	// The last input is the last execution's: runs from the machine page, the designer and
	// the API all count, and nothing extra needs keeping.
	last, err := s.cfg.Store.FindExecutions(ctx, m.ID, 1)
	if err != nil {
		return err
	}
	if len(last) > 0 {
		resp.Last = string(last[0].Input)
	}
	return c.JSON(http.StatusOK, resp)
}

// handleInputSave saves the JSON body's input under the name in the path, replacing what
// the name held.
func (s *Server) handleInputSave(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	name := inputName(c)
	var req struct {
		Input string `json:"input"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 2*maxInputBytes)).Decode(&req); err != nil {
		return c.JSON(http.StatusBadRequest, inputError{"The request is not a JSON object with an input: " + err.Error()})
	}
	if problem := checkInput(name, req.Input); problem != "" {
		return c.JSON(http.StatusBadRequest, inputError{problem})
	}
	if err := s.cfg.Store.UpsertSavedInput(c.Request().Context(), m.ID, name, req.Input); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, savedInput{Name: name, Input: req.Input})
}

func (s *Server) handleInputDelete(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	name := inputName(c)
	err = s.cfg.Store.DeleteSavedInput(c.Request().Context(), m.ID, name)
	if errors.Is(err, resource.ErrNotFound) {
		return c.JSON(http.StatusNotFound, inputError{fmt.Sprintf("There is no saved input named %q.", name)})
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func inputName(c echo.Context) string {
	name := c.Param("input")
	if unescaped, err := url.PathUnescape(name); err == nil {
		name = unescaped
	}
	return strings.TrimSpace(name)
}

// checkInput says what is wrong with a saved input's name or text; "" when nothing is.
func checkInput(name, input string) string {
	switch {
	case name == "":
		return "Give the input a name."
	case len([]rune(name)) > 80:
		return "The name is longer than 80 characters."
	}
	return inputProblem([]byte(input))
}

// inputProblem says what is wrong with an execution input (its size, its JSON); "" when
// nothing is.
func inputProblem(input []byte) string {
	if len(input) > maxInputBytes {
		return fmt.Sprintf("The input is %d bytes; an execution input may be at most %d bytes.", len(input), maxInputBytes)
	}
	if err := checkJSON(input); err != nil {
		return "The input is not valid JSON: " + err.Error()
	}
	return ""
}
