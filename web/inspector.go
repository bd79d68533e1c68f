package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/views"
)

// The query languages a state's fields are written in.
const (
	langJSONPath = "JSONPath"
	langJSONata  = "JSONata"
)

// inspectorField is a field the inspector offers to the state types that have it, in a group.
// Kind is how an absent field is edited: "string", "json", or "jsonata" (literal JSON, or a
// "{% ... %}" expression written as it is, without quotes).
type inspectorField struct {
	group, key, kind, help string
	types                  []string
	multiline              bool
}

// The state types that share fields.
var (
	withNext      = []string{"Pass", "Task", "Wait", "Parallel", "Map"}
	withResult    = []string{"Task", "Parallel", "Map"}
	withAssign    = []string{"Pass", "Task", "Choice", "Wait", "Parallel", "Map"}
	withoutResult = []string{"Pass", "Choice", "Wait"} // Assign sees no $states.result
)

// inspectorFields are the fields the inspector offers in each query language, by group, as
// runtime/parse.go and runtime/jsonata_parse.go accept them.
var inspectorFields = map[string][]inspectorField{
	langJSONPath: {
		{"Configuration", "Comment", "string", "", nil, false},
		{"Configuration", "Resource", "string", "an ARN; .waitForTaskToken waits for a callback", []string{"Task"}, false},
		{"Configuration", "Next", "string", "the state that follows", withNext, false},
		{"Configuration", "Choices", "json", "rules, in order", []string{"Choice"}, true},
		{"Configuration", "Seconds", "json", "", []string{"Wait"}, false},
		{"Configuration", "Timestamp", "string", "", []string{"Wait"}, false},
		{"Configuration", "TimeoutSeconds", "json", "", []string{"Task"}, false},
		{"Configuration", "HeartbeatSeconds", "json", "", []string{"Task"}, false},
		{"Configuration", "Error", "string", "", []string{"Fail"}, false},
		{"Configuration", "Cause", "string", "", []string{"Fail"}, false},
		{"Configuration", "Result", "json", "", []string{"Pass"}, true},
		{"Configuration", "MaxConcurrency", "json", "", []string{"Map"}, false},
		{"Configuration", "ItemsPath", "string", "", []string{"Map"}, false},
		{"Input and output", "InputPath", "string", "", []string{"Pass", "Task", "Choice", "Wait", "Succeed", "Parallel", "Map"}, false},
		{"Input and output", "Parameters", "json", "keys ending in .$ take a path", []string{"Pass", "Task", "Parallel", "Map"}, true},
		{"Input and output", "ResultSelector", "json", "", withResult, true},
		{"Input and output", "ResultPath", "json", `a path such as "$.result", or null to keep the input`, []string{"Pass", "Task", "Parallel", "Map"}, false},
		{"Input and output", "OutputPath", "string", "", []string{"Pass", "Task", "Choice", "Wait", "Succeed", "Parallel", "Map"}, false},
		{"Variables", "Assign", "json", "variables to set, such as {\"count.$\": \"$.n\"}", withAssign, true},
	},
	langJSONata: {
		{"Configuration", "Comment", "string", "", nil, false},
		{"Configuration", "Resource", "string", "an ARN; .waitForTaskToken waits for a callback", []string{"Task"}, false},
		{"Configuration", "Next", "string", "the state that follows", withNext, false},
		{"Configuration", "Choices", "json", `rules, in order, each {"Condition": "{% ... %}", "Next": "..."}: the first whose Condition is true over $states.input is taken, with its own Output and Assign when it has them`, []string{"Choice"}, true},
		{"Configuration", "Seconds", "jsonata", "a number of seconds, or {% ... %} over $states.input", []string{"Wait"}, false},
		{"Configuration", "Timestamp", "string", "an ISO-8601 time, or {% ... %} over $states.input", []string{"Wait"}, false},
		{"Configuration", "TimeoutSeconds", "jsonata", "a number of seconds, or {% ... %} over $states.input", []string{"Task"}, false},
		{"Configuration", "HeartbeatSeconds", "jsonata", "a number of seconds, or {% ... %} over $states.input", []string{"Task"}, false},
		{"Configuration", "Error", "string", "an error name, or {% ... %} over $states.input", []string{"Fail"}, false},
		{"Configuration", "Cause", "string", "a text, or {% ... %} over $states.input", []string{"Fail"}, false},
		{"Configuration", "Items", "jsonata", "the array to iterate, or {% ... %} over $states.input; without it, the input", []string{"Map"}, false},
		{"Configuration", "MaxConcurrency", "jsonata", "0 for no limit; a number or {% ... %}", []string{"Map"}, false},
		{"Configuration", "ToleratedFailurePercentage", "jsonata", "0 to 100; a number or {% ... %}", []string{"Map"}, false},
		{"Configuration", "ToleratedFailureCount", "jsonata", "a number or {% ... %}", []string{"Map"}, false},
		{"Arguments and output", "Arguments", "jsonata", "the input of the task or of each branch: JSON whose strings may be {% ... %} over $states.input, $states.context and variables", []string{"Task", "Parallel"}, true},
		{"Arguments and output", "ItemSelector", "jsonata", "each item's input: JSON whose strings may be {% ... %} over $states.context.Map.Item.Value (and .Index), $states.input", []string{"Map"}, true},
		{"Arguments and output", "Output", "jsonata", "the state's output: JSON or {% ... %} over $states.result (the result), $states.input, $states.context; without it, the result", withResult, true},
		{"Arguments and output", "Output", "jsonata", "the state's output: JSON or {% ... %} over $states.input, $states.context; without it, the input", []string{"Pass", "Choice", "Wait", "Succeed"}, true},
		{"Variables", "Assign", "jsonata", `variables to set, such as {"count": "{% $states.result.n %}"}; values see $states.result, $states.input, $states.context and the variables as they were on entry`, withResult, true},
		{"Variables", "Assign", "jsonata", `variables to set, such as {"count": "{% $states.input.n %}"}; values see $states.input, $states.context and the variables as they were on entry`, withoutResult, true},
	},
}

// inspectorOf builds the inspector's form for the named state; false when there is none.
func inspectorOf(doc *designer.Document, name string) (views.InspectorData, bool) {
	ref, err := doc.FindState(name)
	if err != nil {
		return views.InspectorData{}, false
	}
	raw, err := doc.Get(ref.Path)
	if err != nil {
		return views.InspectorData{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return views.InspectorData{}, false
	}
	in := views.InspectorData{Name: name, Type: ref.Type, JSON: indentJSON(raw), QueryLanguage: queryLanguageOf(doc, ref)}
	// The states a transition may lead to: the others of the same scope.
	var targets []string
	if refs, err := doc.States(); err == nil {
		for _, r := range refs {
			if r.Scope == ref.Scope && r.Name != name {
				targets = append(targets, r.Name)
			}
		}
	}
	for _, f := range inspectorFields[in.QueryLanguage.Name] {
		if f.types != nil && !contains(f.types, ref.Type) {
			continue
		}
		field := views.Field{Key: f.key, Label: f.key, Kind: f.kind, Help: f.help, Multiline: f.multiline}
		if v, ok := fields[f.key]; ok {
			var s string
			switch {
			case f.kind == "string" && json.Unmarshal(v, &s) == nil:
				field.Value = s
			case f.kind == "jsonata":
				field.Value = jsonataText(v, indentJSON)
			default:
				field.Kind = "json"
				field.Value = indentJSON(v)
			}
		}
		switch f.key {
		case "Next":
			field.Options, field.Empty = withCurrent(targets, field.Value), "(none: the flow ends here)"
		}
		if n := len(in.Groups); n == 0 || in.Groups[n-1].Title != f.group {
			in.Groups = append(in.Groups, views.FieldGroup{Title: f.group})
		}
		g := &in.Groups[len(in.Groups)-1]
		g.Fields = append(g.Fields, field)
	}
	if ref.Type == "Choice" {
		in.Choice = choiceRulesOf(fields, in.QueryLanguage.Name, targets)
	}
	if contains(withResult, ref.Type) {
		in.Handles = true
		var retry, catch []map[string]json.RawMessage
		_ = json.Unmarshal(fields["Retry"], &retry) // not a list: the State JSON shows it
		_ = json.Unmarshal(fields["Catch"], &catch)
		for i, r := range retry {
			in.Retriers = append(in.Retriers, views.Retrier{Index: i, ErrorEquals: errorList(r["ErrorEquals"]),
				IntervalSeconds: string(r["IntervalSeconds"]), MaxAttempts: string(r["MaxAttempts"]), BackoffRate: string(r["BackoffRate"])})
		}
		for i, c := range catch {
			var next string
			_ = json.Unmarshal(c["Next"], &next)
			in.Catchers = append(in.Catchers, views.Catcher{Index: i, ErrorEquals: errorList(c["ErrorEquals"]), Next: next,
				ResultPath: string(c["ResultPath"]), Output: jsonataText(c["Output"], compactJSON), Assign: jsonataText(c["Assign"], compactJSON)})
		}
		in.Targets = targets
	}
	return in, true
}

// queryLanguageOf is the language state ref is written in: the nearest QueryLanguage of the
// state, the states and machines around it (a Parallel, a branch, a Map, its item processor),
// the top level, else JSONPath. A state may go from JSONPath to JSONata, not back, so it may
// be converted to JSONPath only when it says JSONata itself inside JSONPath.
func queryLanguageOf(doc *designer.Document, ref designer.StateRef) views.QueryLanguage {
	said := func(n int) string { // what the object at ref.Path[:n] says, "" when nothing
		raw, err := doc.Get(append(slices.Clip(ref.Path[:n]), "QueryLanguage"))
		var s string
		if err != nil || json.Unmarshal(raw, &s) != nil || (s != langJSONPath && s != langJSONata) {
			return ""
		}
		return s
	}
	outer := views.QueryLanguage{Name: langJSONPath, From: "the default"}
	for n := len(ref.Path) - 1; n >= 0; n-- {
		if s := said(n); s != "" {
			outer = views.QueryLanguage{Name: s, From: "the state machine"}
			if n > 0 {
				outer.From = enclosingState(ref.Path[:n])
			}
			break
		}
	}
	ql := outer
	if s := said(len(ref.Path)); s != "" {
		ql = views.QueryLanguage{Name: s}
	}
	switch {
	case ql.Name == langJSONPath:
		ql.ConvertTo = langJSONata
	case outer.Name == langJSONPath:
		ql.ConvertTo = langJSONPath
	}
	return ql
}

// enclosingState names the Parallel or Map whose object, branch or item processor is at p.
func enclosingState(p designer.Path) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i-1] == "States" {
			if name, ok := p[i].(string); ok {
				return fmt.Sprintf("%q", name)
			}
		}
	}
	return "the state machine"
}

// jsonataText shows a value of a JSONata field as the inspector edits it: an expression as it
// is written, without the quotes of its JSON string; anything else as show writes it; "" when
// absent.
func jsonataText(v json.RawMessage, show func(json.RawMessage) string) string {
	if len(v) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil && isExpression(s) {
		return s
	}
	return show(v)
}

// isExpression reports a JSONata expression: a string that is exactly "{% ... %}".
func isExpression(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// withCurrent is the choices of a transition's dropdown: the targets, and the current value
// first when it is none of them (a missing state, or the state itself), so the form shows it.
func withCurrent(targets []string, current string) []string {
	out := []string{}
	if current != "" && !contains(targets, current) {
		out = append(out, current)
	}
	return append(out, targets...)
}

// errorList shows ErrorEquals as the inspector edits it: names separated by commas.
func errorList(raw json.RawMessage) string {
	var names []string
	if json.Unmarshal(raw, &names) != nil {
		return string(raw)
	}
	return strings.Join(names, ", ")
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// indentJSON shows a value as the inspector edits it: scalars on one line, objects indented.
func indentJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, v, "", "  ") != nil {
		return string(v)
	}
	return b.String()
}

// compactJSON shows a value on one line, as a one-line input edits it.
func compactJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}
