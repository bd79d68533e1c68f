package runtime

import (
	"fmt"
	"strings"
)

// Definition is a parsed and validated ASL state machine. It is read-only once Parse
// returns it and is shared by every execution of the machine. Parallel branches and Map
// item processors are Definitions too (with TimeoutSeconds and Version unset).
type Definition struct {
	Comment string
	StartAt string
	// TimeoutSeconds bounds the whole execution; 0 means no limit.
	TimeoutSeconds int
	Version        string
	// QueryLanguage is "JSONPath" or "JSONata": what states that name none use.
	QueryLanguage string
	// States holds every state by name; Order lists the names as the document does.
	States map[string]State
	Order  []string
}

// State is one parsed state. Its dynamic type is one of *PassState, *TaskState,
// *ChoiceState, *WaitState, *SucceedState, *FailState, *ParallelState or *MapState; the
// interpreter switches over them.
type State interface {
	// Base returns the fields every state type shares.
	Base() *StateBase
}

// StateBase holds what every state has, and the input and output processing fields a
// state type may have (Parse rejects those its type does not allow, so the one data-flow
// function can treat every state alike).
type StateBase struct {
	Name    string
	Type    string
	Comment string
	// Next is the state to go to after this one; End is true for a terminal state.
	Next string
	End  bool

	inputPath      pathField
	outputPath     pathField
	resultPath     pathField
	parameters     *template
	resultSelector *template
	// assign is the compiled Assign field (nil when absent).
	assign *assignment
	// jsonata marks a JSONata state: Arguments and Output (nil when absent) replace the
	// JSONPath fields above, which are then unset.
	jsonata   bool
	arguments *jsonataTemplate
	output    *jsonataTemplate
	// enteredEvent and exitedEvent are the state's StateEntered and StateExited event
	// types ("PassStateEntered"...), named once here instead of at every visit.
	enteredEvent, exitedEvent EventType
}

// Base implements State.
func (b *StateBase) Base() *StateBase { return b }

// pathField is an InputPath, OutputPath or ResultPath: absent (the default "$"), null
// (InputPath/OutputPath: {}; ResultPath: discard the result), or a path.
type pathField struct {
	path *Path
	null bool
}

// Diagnostic is one problem found in a definition, shaped like the diagnostics of AWS's
// ValidateStateMachineDefinition.
type Diagnostic struct {
	// Severity is "ERROR" or "WARNING"; a definition with an ERROR cannot run.
	Severity string
	// Code is AWS's diagnostic code, such as SCHEMA_VALIDATION_FAILED or
	// MISSING_TRANSITION_TARGET.
	Code string
	// Message says what is wrong in words a user can act on.
	Message string
	// Location points at the field, such as "/States/Fetch/Next"; "" is the whole document.
	Location string
	// State is the state the problem is in ("" for the top level) and Field the field
	// inside it (such as "Next" or "Choices/0/Next"), so the designer can mark the node.
	State string
	Field string
	// Line and Column locate a JSON syntax error (INVALID_JSON_DESCRIPTION), from 1.
	Line, Column int
}

// Diagnostic severities.
const (
	SeverityError   = "ERROR"
	SeverityWarning = "WARNING"
)

// Diagnostic codes, as ValidateStateMachineDefinition names them.
const (
	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeSchema             = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTarget      = "MISSING_TRANSITION_TARGET"
	CodeMissingEndState    = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
	CodeInvalidResource    = "INVALID_RESOURCE"
	CodeUnreachableState   = "UNREACHABLE_STATE"
	CodeMissingDescription = "MISSING_DESCRIPTION"
)

// String renders the diagnostic as one line naming the state and the field.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.State != "" {
		fmt.Fprintf(&b, "state %q: ", d.State)
	}
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// DefinitionError is what Parse returns for a definition that cannot run: every ERROR
// diagnostic, not just the first.
type DefinitionError struct {
	Diagnostics []Diagnostic
}

// Error lists every problem on one line, each naming its state and field.
func (e *DefinitionError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return "invalid state machine definition: " + strings.Join(lines, "; ")
}

// Parse parses and validates an ASL definition once. The error, if any, is a
// *DefinitionError listing every problem.
func Parse(data []byte) (*Definition, error) {
	def, diags := parseDefinition(data)
	var errs []Diagnostic
	for _, d := range diags {
		if d.Severity == SeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, &DefinitionError{Diagnostics: errs}
	}
	return def, nil
}

// Validate returns every problem of a definition, errors and warnings, in document order.
func Validate(data []byte) []Diagnostic {
	_, diags := parseDefinition(data)
	return diags
}

// WaitsForTaskToken reports whether a Task anywhere in the machine waits for a callback or
// for an activity's worker (with a task token either way), in its branches and item
// processors too, waits for a callback (.waitForTaskToken), which Express machines cannot.
func (d *Definition) WaitsForTaskToken() bool {
	if d == nil {
		return false
	}
	for _, st := range d.States {
		switch s := st.(type) {
		case *TaskState:
			if s.waitForToken || s.activity {
				return true
			}
		case *MapState:
			if s.ItemProcessor.WaitsForTaskToken() {
				return true
			}
		case *ParallelState:
			for _, b := range s.Branches {
				if b.WaitsForTaskToken() {
					return true
				}
			}
		}
	}
	return false
}
