package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// The designer keeps no state on the server: the browser sends the document it shows and the
// edits to make, and gets back the edited document, drawn and validated. Its undo history is
// the list of documents it got.

// applyRequest is an edit from the designer.
type applyRequest struct {
	Document string `json:"document"`
	// Ops are applied in order; none just draws and validates the document.
	Ops []json.RawMessage `json:"ops"`
	// Select names the state whose inspector to render.
	Select string `json:"select"`
	// NameBase names an InsertState or AddState whose "state" is empty: the state gets the
	// first free name from it ("Pass", "Pass 2", ...).
	NameBase string `json:"nameBase"`
	// Direction lays the graph out "TB" (top to bottom, the default) or "LR" (left to right).
	Direction string `json:"direction"`
	// HideNotes draws the graph without the notes of states' Comments.
	HideNotes bool `json:"hideNotes"`
}

// applyResponse is the edited document, its graph and its problems.
type applyResponse struct {
	Document    string           `json:"document"`
	SVG         string           `json:"svg"`
	Diagnostics []diagnosticJSON `json:"diagnostics"`
	// Selected is the state the inspector shows: the one asked for, or the one inserted.
	Selected  string `json:"selected"`
	Inspector string `json:"inspector"`
	// DropZones are the places a state can be dropped (designer.Document.DropZones), each with
	// the id of the SVG element that shows it.
	DropZones []dropZoneJSON `json:"dropZones"`
	// Pasted says what a PasteStates added, so the page can select it and say what was renamed.
	Pasted *pastedJSON `json:"pasted,omitempty"`
}

// pastedJSON is designer.Pasted for the page.
type pastedJSON struct {
	States  []string      `json:"states"`
	Renamed []renamedJSON `json:"renamed"`
}

type renamedJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// dropZoneJSON is a place to drop a state and what shows it: an edge ("edge-..."), or a
// branch or container cluster, or a node, where the drawing has no edge for it (an empty
// branch, a new branch of a Parallel).
type dropZoneJSON struct {
	Where  designer.Where `json:"where"`
	Target string         `json:"target"`
}

type diagnosticJSON struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location"`
	State    string `json:"state"`
	// NodeID is the id of the state's node in the SVG, "" for the whole document.
	NodeID string `json:"nodeId"`
}

// applyError is why an edit was refused: 422 with what and where.
type applyError struct {
	Error string `json:"error"`
	// State and Field say where, when the edit names them.
	State string `json:"state,omitempty"`
	Field string `json:"field,omitempty"`
	// Line and Column (from 1) place a JSON syntax error in the document text.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

func (s *Server) handleDesigner(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	svg, err := s.cfg.Graphs.RenderSVG(c.Request().Context(), m.Definition)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Designer(views.DesignerData{Machine: m, Graph: svg, TestCases: s.testCases(m)}))
}

func (s *Server) handleDesignApply(c echo.Context) error {
	var req applyRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 4*maxDefinitionBytes)).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return c.JSON(http.StatusRequestEntityTooLarge, applyError{Error: fmt.Sprintf(
				"the document is too large: a definition may be at most %d bytes", maxDefinitionBytes)})
		}
		return c.JSON(http.StatusBadRequest, applyError{Error: "the request is not a JSON object with a document and ops: " + err.Error()})
	}
	doc, err := designer.Parse([]byte(req.Document))
	if err != nil {
		return c.JSON(http.StatusUnprocessableEntity, applyErrorOf("the document is not JSON", err))
	}
	opts := designer.DOTOptions{Direction: designer.TopToBottom, HideNotes: req.HideNotes}
	switch designer.Direction(req.Direction) {
	case "", designer.TopToBottom:
	case designer.LeftToRight:
		opts.Direction = designer.LeftToRight
	default:
		return c.JSON(http.StatusBadRequest, applyError{Error: fmt.Sprintf("direction is \"TB\" or \"LR\", not %q", req.Direction)})
	}
	selected := req.Select
	var resp applyResponse
	for i, raw := range req.Ops {
		op, err := designer.UnmarshalOp(raw)
		if err != nil {
			return c.JSON(http.StatusUnprocessableEntity, applyError{Error: fmt.Sprintf("edit %d: %v", i+1, err)})
		}
		if ins, ok := op.(designer.InsertState); ok {
			if ins.State == "" {
				base := req.NameBase
				if base == "" {
					base = "State"
				}
				ins.State = doc.UniqueName(base)
				op = ins
			}
			selected = ins.State
		}
		if add, ok := op.(designer.AddState); ok && add.State == "" {
			base := req.NameBase
			if base == "" {
				base = "State"
			}
			add.State = doc.UniqueName(base)
			op = add
		}
		if w, ok := op.(designer.WrapStates); ok {
			if w.Name == "" {
				base := req.NameBase
				if base == "" {
					base = w.In
				}
				w.Name = doc.UniqueName(base)
				op = w
			}
			selected = w.Name
		}
		if r, ok := op.(designer.RenameState); ok && r.From == selected {
			selected = r.To
		}
		var next *designer.Document
		if p, ok := op.(designer.PasteStates); ok {
			if next, resp.Pasted, err = pasteStates(doc, p); err == nil {
				selected = resp.Pasted.States[0] // a fragment holds at least one state
			}
		} else {
			next, err = op.Apply(doc)
		}
		if err != nil {
			return c.JSON(http.StatusUnprocessableEntity, applyErrorOf("", err))
		}
		if dup, ok := op.(designer.DuplicateState); ok {
			if name := copyOf(doc, next, dup.State); name != "" {
				selected = name
			}
		}
		doc = next
	}
	if len(doc.String()) > maxDefinitionBytes {
		return c.JSON(http.StatusUnprocessableEntity, applyError{Error: fmt.Sprintf("the definition would be %d bytes; a definition may be at most %d bytes", len(doc.String()), maxDefinitionBytes)})
	}
	resp.Document, resp.Diagnostics = doc.String(), []diagnosticJSON{}
	for _, d := range runtime.Validate(doc.Bytes()) {
		dj := diagnosticJSON{Severity: d.Severity, Code: d.Code, Message: d.Message, Location: d.Location, State: d.State}
		if d.State != "" {
			dj.NodeID = designer.NodeID(d.State)
		}
		resp.Diagnostics = append(resp.Diagnostics, dj)
	}
	resp.Diagnostics = append(resp.Diagnostics, s.taskWarnings(c.Param("name"), doc.Bytes())...)
	// A document that cannot be drawn (not a state machine yet) keeps the browser's last graph.
	if svg, err := s.cfg.Graphs.RenderSVGWith(c.Request().Context(), doc.Bytes(), opts); err == nil {
		resp.SVG = string(svg)
		resp.DropZones = dropZonesOf(doc, resp.SVG)
	}
	if selected != "" {
		if in, ok := inspectorOf(doc, selected); ok {
			var b bytes.Buffer
			if err := views.Inspector(in).Render(c.Request().Context(), &b); err != nil {
				return err
			}
			resp.Selected, resp.Inspector = selected, b.String()
		}
	}
	return c.JSON(http.StatusOK, resp)
}

// pasteStates applies a PasteStates and says what it added (a request's last paste is the one
// the page hears of).
func pasteStates(doc *designer.Document, op designer.PasteStates) (*designer.Document, *pastedJSON, error) {
	next, p, err := op.Paste(doc)
	if err != nil {
		return nil, nil, err
	}
	out := &pastedJSON{States: p.States, Renamed: []renamedJSON{}}
	for _, r := range p.Renamed {
		out.Renamed = append(out.Renamed, renamedJSON{From: r.From, To: r.To})
	}
	return next, out, nil
}

// copyOf names the copy a DuplicateState of state made: the new state of its scope ("" when
// there is none). The copies of the states inside a Parallel or Map are in other scopes.
func copyOf(before, after *designer.Document, state string) string {
	orig, err := before.FindState(state)
	if err != nil {
		return ""
	}
	refs, err := after.States()
	if err != nil {
		return ""
	}
	for _, r := range refs {
		if _, err := before.FindState(r.Name); err != nil && r.Scope == orig.Scope {
			return r.Name
		}
	}
	return ""
}

// dropZonesOf pairs each drop zone of doc with the element of svg that shows it, the first
// of its candidates the drawing has; a zone with none is left out.
func dropZonesOf(doc *designer.Document, svg string) []dropZoneJSON {
	zones, err := doc.DropZones()
	if err != nil {
		return nil
	}
	base := func(name string) string { return strings.TrimPrefix(designer.NodeID(name), "state-") }
	out := make([]dropZoneJSON, 0, len(zones))
	for _, w := range zones {
		var ids []string
		switch {
		case w.Edge != nil:
			ids = []string{fmt.Sprintf("edge-%s-%s-%d", base(w.Edge.From), w.Edge.Kind, w.Edge.Index)}
		case w.After != "":
			b := base(w.After)
			ids = []string{"edge-" + b + "-end-0", "edge-" + b + "-join-0", "state-" + b}
		case w.Start != nil && w.Start.Parent == "":
			ids = []string{"edge-start"}
		case w.Start != nil:
			b := base(w.Start.Parent)
			ids = []string{fmt.Sprintf("edge-%s-branch-%d", b, w.Start.Branch), fmt.Sprintf("branch%d-%s", w.Start.Branch, b), "container-" + b}
		case w.NewBranch != "":
			ids = []string{"container-" + base(w.NewBranch)}
		}
		for _, id := range ids {
			if strings.Contains(svg, `id="`+id+`"`) {
				out = append(out, dropZoneJSON{Where: w, Target: id})
				break
			}
		}
	}
	return out
}

// applyErrorOf says why an edit or a document was refused, with the place when it is known.
func applyErrorOf(prefix string, err error) applyError {
	out := applyError{Error: err.Error()}
	if prefix != "" {
		out.Error = prefix + ": " + err.Error()
	}
	var oe *designer.OpError
	if errors.As(err, &oe) {
		// Said as the user sees it: the state and field, then what is wrong with them.
		out.State, out.Field = oe.State, oe.Field
		where := ""
		if oe.State != "" {
			where = strconv.Quote(oe.State) + " "
		}
		if oe.Field != "" {
			where += oe.Field + " "
		}
		if where != "" {
			where = strings.TrimSpace(where) + ": "
		}
		out.Error = where + strings.TrimPrefix(oe.Err.Error(), "designer: ")
	}
	var se *designer.SyntaxError
	if errors.As(err, &se) {
		out.Line, out.Column = se.Line, se.Column
		out.Error = "Not valid JSON at " + strings.TrimPrefix(se.Error(), "designer: ") + "."
	}
	return out
}

// saveRequest is the designer's Save: the document becomes a new version when it is valid.
type saveRequest struct {
	Document string `json:"document"`
}

type saveResponse struct {
	Version  int      `json:"version,omitempty"`
	Error    string   `json:"error,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

func (s *Server) handleDesignSave(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	var req saveRequest
	if err := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 2*maxDefinitionBytes)).Decode(&req); err != nil {
		return c.JSON(http.StatusBadRequest, saveResponse{Error: "the request is not a JSON object with a document: " + err.Error()})
	}
	if len(req.Document) > maxDefinitionBytes {
		return c.JSON(http.StatusRequestEntityTooLarge, saveResponse{Error: fmt.Sprintf("The definition is %d bytes; a definition may be at most %d bytes.", len(req.Document), maxDefinitionBytes)})
	}
	if _, err := runtime.Parse([]byte(req.Document)); err != nil {
		return c.JSON(http.StatusUnprocessableEntity, saveResponse{Error: "The definition has problems; it was not saved.", Problems: problemsOf(err)})
	}
	if req.Document == string(m.Definition) {
		return c.JSON(http.StatusOK, saveResponse{Version: m.Version})
	}
	updated, err := s.cfg.Store.UpdateMachine(c.Request().Context(), m.Name, []byte(req.Document))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saveResponse{Version: updated.Version})
}
