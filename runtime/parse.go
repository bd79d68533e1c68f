package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// parser collects every problem of a definition while building it, so that one pass gives
// the designer all its diagnostics.
type parser struct {
	diags []Diagnostic
	// names maps every state name in the document (nested ones too) to where it was first
	// defined: names must be unique across the whole machine.
	names map[string]string
	// labels does the same for the Labels of distributed Map states.
	labels map[string]string
	// lang is the query language states get when they do not name one: the machine's,
	// or the enclosing state's inside a Parallel branch or a Map item processor.
	lang string
}

// site is where a field sits: the JSON pointer of the state (or machine) and the state's name.
type site struct {
	loc   string // "/States/Fetch" or "" for the top level
	state string
	// prefix leads the field names of a nested machine's own fields, such as
	// "Branches/0/" for the StartAt of a Parallel state's first branch.
	prefix string
}

func (s site) at(field string) string {
	if field == "" {
		return s.loc
	}
	return s.loc + "/" + field
}

func (p *parser) add(sev, code string, s site, field, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{
		Severity: sev,
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		Location: s.at(field),
		State:    s.state,
		Field:    strings.TrimSuffix(s.prefix+field, "/"),
	})
}

func (p *parser) errorf(code string, s site, field, format string, args ...any) {
	p.add(SeverityError, code, s, field, format, args...)
}

func (p *parser) schemaf(s site, field, format string, args ...any) {
	p.add(SeverityError, CodeSchema, s, field, format, args...)
}

func parseDefinition(data []byte) (*Definition, []Diagnostic) {
	p := &parser{names: map[string]string{}, lang: langJSONPath}
	if len(bytes.TrimSpace(data)) == 0 {
		p.errorf(CodeMissingDescription, site{}, "", "the definition is empty")
		return nil, p.diags
	}
	v, err := decodeJSON(data)
	if err != nil {
		se := err.(*syntaxError)
		line, col := lineColumn(data, se.offset)
		p.diags = append(p.diags, Diagnostic{
			Severity: SeverityError,
			Code:     CodeInvalidJSON,
			Message:  fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, se.msg),
			Line:     line,
			Column:   col,
		})
		return nil, p.diags
	}
	root, ok := v.(*object)
	if !ok {
		p.schemaf(site{}, "", "the definition must be a JSON object, not %s", jsonTypeName(v))
		return nil, p.diags
	}
	def := p.parseMachine(root, site{}, machineTop)
	p.checkVariableScopes(def, "", nil)
	return def, p.diags
}

// lineColumn turns a byte offset into a 1-based line and column (in characters).
func lineColumn(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	col := len([]rune(string(before[start:])))
	if col == 0 {
		col = 1
	}
	return line, col
}

type machineKind int

const (
	machineTop       machineKind = iota // the state machine itself
	machineBranch                       // a Parallel branch
	machineProcessor                    // a Map ItemProcessor or Iterator
)

// parseMachine parses {StartAt, States, ...} at the top level or nested in a Parallel or Map.
func (p *parser) parseMachine(obj *object, s site, kind machineKind) *Definition {
	allowed := []string{"StartAt", "States", "Comment", "QueryLanguage"}
	switch kind {
	case machineTop:
		allowed = append(allowed, "Version", "TimeoutSeconds")
	case machineProcessor:
		allowed = append(allowed, "ProcessorConfig")
	}
	p.checkFields(obj, s, allowed)
	saved := p.lang
	defer func() { p.lang = saved }()
	if v, ok := obj.get("QueryLanguage"); ok {
		p.lang = p.queryLanguage(v, s)
	}
	def := &Definition{States: map[string]State{}, QueryLanguage: p.lang}
	def.Comment = p.optString(obj, s, "Comment")
	def.Version = p.optString(obj, s, "Version")
	if _, ok := obj.get("TimeoutSeconds"); ok {
		def.TimeoutSeconds = p.optInt(obj, s, "TimeoutSeconds", 1, 99999999)
	}
	startAt, hasStart := obj.get("StartAt")
	if !hasStart {
		p.schemaf(s, "", "These fields are required: [StartAt]")
	} else if str, ok := startAt.(string); !ok {
		p.schemaf(s, "StartAt", "must be a string")
	} else {
		def.StartAt = str
	}
	statesV, hasStates := obj.get("States")
	states, isObj := statesV.(*object)
	switch {
	case !hasStates:
		p.schemaf(s, "", "These fields are required: [States]")
		return def
	case !isObj:
		p.schemaf(s, "States", "must be an object of states")
		return def
	case states.len() == 0:
		p.schemaf(s, "States", "must hold at least one state")
		return def
	}
	for _, m := range states.members {
		name := m.key
		ss := site{loc: s.at("States/" + name), state: name}
		if where, dup := p.names[name]; dup {
			p.errorf(CodeDuplicateStateName, ss, "", "the state name %q is already used at %s", name, where)
		} else {
			p.names[name] = ss.loc
		}
		if name == "" || len([]rune(name)) > 80 {
			p.errorf(CodeInvalidStateName, ss, "", "a state name must be 1 to 80 characters long")
		}
		body, ok := m.val.(*object)
		if !ok {
			p.schemaf(ss, "", "a state must be a JSON object")
			continue
		}
		if st := p.parseState(name, body, ss); st != nil {
			def.States[name] = st
			def.Order = append(def.Order, name)
		}
	}
	if hasStart && def.StartAt != "" {
		if _, ok := states.get(def.StartAt); !ok {
			p.errorf(CodeMissingTarget, s, "StartAt", "no state named %q", def.StartAt)
		}
	}
	p.checkTransitions(def, states, s)
	return def
}

// checkTransitions reports targets that do not exist, machines without a terminal state,
// and states nothing leads to.
func (p *parser) checkTransitions(def *Definition, states *object, s site) {
	terminal := false
	edges := map[string][]string{}
	for _, name := range def.Order {
		st := def.States[name]
		ss := site{loc: s.at("States/" + name), state: name}
		for _, t := range transitions(st) {
			if _, ok := states.get(t.target); !ok {
				p.errorf(CodeMissingTarget, ss, t.field, "no state named %q", t.target)
			}
			edges[name] = append(edges[name], t.target)
		}
		switch st.(type) {
		case *SucceedState, *FailState:
			terminal = true
		default:
			if st.Base().End {
				terminal = true
			}
		}
	}
	if !terminal && len(def.Order) == states.len() {
		p.errorf(CodeMissingEndState, s, "States", "no state ends the execution: give one state \"End\": true, or add a Succeed or Fail state")
	}
	// Reachability is a warning: the machine still runs, but the designer should say so.
	reached := map[string]bool{}
	queue := []string{def.StartAt}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if reached[n] {
			continue
		}
		reached[n] = true
		queue = append(queue, edges[n]...)
	}
	for _, name := range def.Order {
		if !reached[name] && def.StartAt != "" {
			p.add(SeverityWarning, CodeUnreachableState, site{loc: s.at("States/" + name), state: name}, "",
				"no transition leads to this state")
		}
	}
}

type transition struct {
	field  string
	target string
}

// transitions lists the states a state can go to, with the field that names each.
func transitions(st State) []transition {
	var out []transition
	b := st.Base()
	if b.Next != "" {
		out = append(out, transition{"Next", b.Next})
	}
	var catchers []Catcher
	switch s := st.(type) {
	case *ChoiceState:
		for i, r := range s.Choices {
			if r.Next != "" {
				out = append(out, transition{fmt.Sprintf("Choices/%d/Next", i), r.Next})
			}
		}
		if s.Default != "" {
			out = append(out, transition{"Default", s.Default})
		}
	case *TaskState:
		catchers = s.Catch
	case *ParallelState:
		catchers = s.Catch
	case *MapState:
		catchers = s.Catch
	}
	for i, c := range catchers {
		if c.Next != "" {
			out = append(out, transition{fmt.Sprintf("Catch/%d/Next", i), c.Next})
		}
	}
	return out
}

// stateFields lists the fields each state type accepts in a JSONPath state; Type, Comment,
// QueryLanguage and Assign are common to all but Succeed and Fail.
var stateFields = map[string][]string{
	"Pass":     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result"},
	"Task":     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch", "Credentials"},
	"Choice":   {"Choices", "Default", "InputPath", "OutputPath"},
	"Wait":     {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"},
	"Succeed":  {"InputPath", "OutputPath"},
	"Fail":     {"Error", "Cause", "ErrorPath", "CausePath"},
	"Parallel": {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Branches", "Retry", "Catch"},
	"Map":      {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "Retry", "Catch"},
}

func (p *parser) parseState(name string, obj *object, s site) State {
	typV, ok := obj.get("Type")
	if !ok {
		p.schemaf(s, "", "These fields are required: [Type]")
		return nil
	}
	typ, _ := typV.(string)
	fields, known := stateFields[typ]
	if !known {
		p.schemaf(s, "Type", "%s is not a state type: use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map", jsonText(typV))
		return nil
	}
	saved := p.lang
	defer func() { p.lang = saved }()
	if v, ok := obj.get("QueryLanguage"); ok {
		p.lang = p.queryLanguage(v, s)
	}
	isJSONata := p.lang == langJSONata
	if isJSONata {
		fields = jsonataStateFields[typ]
	}
	common := []string{"Type", "Comment", "QueryLanguage"}
	if typ != "Succeed" && typ != "Fail" {
		common = append(common, "Assign")
	}
	p.checkStateFields(obj, s, append(common, fields...), isJSONata)
	b := StateBase{Name: name, Type: typ, Comment: p.optString(obj, s, "Comment"),
		enteredEvent: EventType(typ + "StateEntered"), exitedEvent: EventType(typ + "StateExited")}
	if isJSONata {
		// Parse has refused the JSONPath fields; Arguments, Output and Assign replace them.
		b.jsonata = true
		b.arguments = p.jsonataField(obj, s, "Arguments")
		b.output = p.jsonataField(obj, s, "Output")
		if v, ok := obj.get("Assign"); ok {
			b.assign = p.parseJSONataAssign(v, s, "Assign")
		}
	}
	b.Next = p.optString(obj, s, "Next")
	if v, ok := obj.get("End"); ok {
		end, isBool := v.(bool)
		if !isBool {
			p.schemaf(s, "End", "must be true or false")
		}
		b.End = end
	}
	if slices.Contains(fields, "Next") {
		_, hasNext := obj.get("Next")
		switch {
		case hasNext && b.End:
			p.schemaf(s, "End", "a state cannot have both Next and \"End\": true")
		case !hasNext && !b.End:
			p.schemaf(s, "", "a %s state needs Next or \"End\": true", typ)
		}
	}
	if !isJSONata {
		p.pathFields(obj, s, &b)
	}
	switch typ {
	case "Pass":
		return p.parsePass(obj, s, b)
	case "Task":
		return p.parseTask(obj, s, b)
	case "Choice":
		return p.parseChoice(obj, s, b)
	case "Wait":
		return p.parseWait(obj, s, b)
	case "Succeed":
		return &SucceedState{StateBase: b}
	case "Fail":
		return p.parseFail(obj, s, b)
	case "Parallel":
		return p.parseParallel(obj, s, b)
	default:
		return p.parseMap(obj, s, b)
	}
}

// pathFields reads the input and output processing fields of a JSONPath state.
func (p *parser) pathFields(obj *object, s site, b *StateBase) {
	b.inputPath = p.pathField(obj, s, "InputPath", true)
	b.outputPath = p.pathField(obj, s, "OutputPath", true)
	b.resultPath = p.pathField(obj, s, "ResultPath", false)
	b.parameters = p.templateField(obj, s, "Parameters")
	b.resultSelector = p.templateField(obj, s, "ResultSelector")
	if v, ok := obj.get("Assign"); ok {
		b.assign = p.parseAssign(v, s, "Assign")
	}
}

// checkFields reports fields the object may not have.
func (p *parser) checkFields(obj *object, s site, allowed []string) {
	p.checkStateFields(obj, s, allowed, false)
}

// checkStateFields is checkFields for a state; inJSONata says whether it is a JSONata
// state, where the JSONPath fields have JSONata replacements, and the reverse.
func (p *parser) checkStateFields(obj *object, s site, allowed []string, inJSONata bool) {
	for _, m := range obj.members {
		k := m.key
		switch {
		case slices.Contains(allowed, k):
		case inJSONata && slices.Contains(jsonPathOnlyFields, k):
			p.schemaf(s, k, "The field '%s' is not supported for the JSONata query language: use Arguments, Output and Items, with {%% %%} expressions", k)
		case !inJSONata && slices.Contains(jsonataOnlyFields, k):
			p.schemaf(s, k, "The field '%s' is only supported for the JSONata query language: set \"QueryLanguage\": \"JSONata\"", k)
		default:
			p.schemaf(s, k, "Field '%s' is not supported", k)
		}
	}
}

func (p *parser) optString(obj *object, s site, field string) string {
	v, ok := obj.get(field)
	if !ok {
		return ""
	}
	str, isStr := v.(string)
	if !isStr {
		p.schemaf(s, field, "must be a string")
	}
	return str
}

// optInt reads an integer field within [lo, hi]; absent fields read as 0.
func (p *parser) optInt(obj *object, s site, field string, lo, hi int64) int {
	v, ok := obj.get(field)
	if !ok {
		return 0
	}
	n, isNum := v.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil {
		p.schemaf(s, field, "must be an integer")
		return 0
	}
	if i < lo || i > hi {
		p.schemaf(s, field, "must be between %d and %d", lo, hi)
		return 0
	}
	return int(i)
}

// optFloat reads a number field within [lo, hi].
func (p *parser) optFloat(obj *object, s site, field string, lo, hi float64) (float64, bool) {
	v, ok := obj.get(field)
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil || math.IsInf(f, 0) {
		p.schemaf(s, field, "must be a number")
		return 0, false
	}
	if f < lo || f > hi {
		p.schemaf(s, field, "must be between %v and %v", lo, hi)
		return 0, false
	}
	return f, true
}

// pathField reads InputPath/OutputPath (any path, $$ allowed) or ResultPath (a reference
// path into the state input).
func (p *parser) pathField(obj *object, s site, field string, anyPath bool) pathField {
	v, ok := obj.get(field)
	if !ok {
		return pathField{}
	}
	if v == nil {
		return pathField{null: true}
	}
	str, isStr := v.(string)
	if !isStr {
		p.schemaf(s, field, "must be a JSONPath string or null")
		return pathField{}
	}
	path := p.compilePathField(s, field, str, anyPath)
	if path == nil {
		return pathField{}
	}
	if !anyPath && path.variable != "" {
		p.schemaf(s, field, "%q must be a reference path into the state input, not a variable", str)
		return pathField{}
	}
	if !anyPath && !path.isReference() {
		p.schemaf(s, field, "%q must be a reference path: only names and indexes, no wildcards, slices or filters", str)
		return pathField{}
	}
	return pathField{path: path}
}

func (p *parser) compilePathField(s site, field, text string, allowContext bool) *Path {
	path, err := compilePath(text, allowContext)
	if err != nil {
		p.schemaf(s, field, "The value for the field '%s' must be a valid JSONPath: %v", field, err)
		return nil
	}
	return path
}

// referencePath reads a field that must hold a reference path (SecondsPath, Variable...).
func (p *parser) referencePath(s site, field string, v any) *Path {
	str, ok := v.(string)
	if !ok {
		p.schemaf(s, field, "must be a JSONPath string")
		return nil
	}
	path := p.compilePathField(s, field, str, true)
	if path != nil && !path.isReference() {
		p.schemaf(s, field, "%q must be a reference path: only names and indexes, no wildcards, slices or filters", str)
		return nil
	}
	return path
}

func (p *parser) templateField(obj *object, s site, field string) *template {
	v, ok := obj.get(field)
	if !ok {
		return nil
	}
	return compileTemplate(v, func(rel, msg string) {
		p.schemaf(s, field+rel, "%s", msg)
	})
}

// stringList reads a non-empty array of strings (ErrorEquals).
func (p *parser) stringList(v any, s site, field string) []string {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.schemaf(s, field, "must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		str, ok := e.(string)
		if !ok {
			p.schemaf(s, field, "must be a non-empty array of strings")
			return nil
		}
		out = append(out, str)
	}
	return out
}
