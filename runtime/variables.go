package runtime

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Workflow variables (the Assign field, referenced as $name). They live in the execution,
// never in the shared Definition: the top-level states share one scope, and every Parallel
// branch and Map iteration runs in a scope of its own that can read the scopes around it
// (a distributed Map's children cannot) but assigns only its own names, which vanish when
// the branch or iteration ends. A state's assignments take effect when the state ends, so
// everything the state evaluates (paths, templates, Assign itself) sees the values as they
// were when it was entered.

// AWS's size limits for variables.
const (
	maxVariableBytes      = 262144   // one variable
	maxAssignBytes        = 262144   // everything one Assign sets
	maxExecutionVarsBytes = 10485760 // every variable of an execution
)

// variableName is what AWS accepts as a variable name: a letter or an underscore, then
// letters, digits and underscores (the same names a $name reference can spell).
var variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// scope holds the variables of one level of an execution. A scope is written only by the
// goroutine that runs its states, and the scopes around it do not change while it runs
// (their Parallel or Map state is still running), so no lock is needed.
type scope struct {
	parent *scope
	// vals and sizes are nil until a state assigns a variable: most executions and
	// iterations never do, and need not allocate them.
	vals  map[string]any
	sizes map[string]int // the JSON size of each value, for AWS's limits
}

// newScope returns an empty scope inside parent (nil for the top level, or for the children
// of a distributed Map, which cannot see the variables around them).
func newScope(parent *scope) *scope {
	return &scope{parent: parent}
}

// prepare makes the scope ready to hold variables.
func (s *scope) prepare() {
	if s.vals == nil {
		s.vals, s.sizes = map[string]any{}, map[string]int{}
	}
}

// lookup finds a variable in this scope or the ones around it.
func (s *scope) lookup(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vals[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// size is the JSON size of every variable visible from this scope.
func (s *scope) size() int {
	n := 0
	for ; s != nil; s = s.parent {
		for _, sz := range s.sizes {
			n += sz
		}
	}
	return n
}

// assignment is a compiled Assign field: a payload template whose top-level keys (".$"
// removed) are variable names.
type assignment struct {
	names []string
	keys  []string // the keys as written ("x.$"), for diagnostics
	tmpl  *template
	// jsonata is set instead of tmpl in a JSONata state.
	jsonata *jsonataTemplate
}

// parseAssign compiles an Assign field (of a state, a Choice rule or a catcher) at field,
// reporting every problem: not an object, bad names, bad expressions.
func (p *parser) parseAssign(v any, s site, field string) *assignment {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, field, "must be an object whose keys are variable names")
		return nil
	}
	a := &assignment{}
	for _, m := range obj.members {
		key := m.key
		name := strings.TrimSuffix(key, ".$")
		if p.checkVariableNameAt(name, s, field+"/"+key) {
			a.names = append(a.names, name)
			a.keys = append(a.keys, key)
		}
	}
	a.tmpl = compileTemplate(obj, func(rel, msg string) {
		p.schemaf(s, field+rel, "%s", msg)
	})
	return a
}

// checkVariableName reports a key of Assign at field that cannot name a variable.
func (p *parser) checkVariableName(key string, s site, field string) bool {
	return p.checkVariableNameAt(key, s, field+"/"+key)
}

func (p *parser) checkVariableNameAt(name string, s site, at string) bool {
	switch {
	case name == "states":
		p.schemaf(s, at, "the variable name 'states' is reserved")
	case len([]rune(name)) > 80:
		p.schemaf(s, at, "a variable name must be at most 80 characters long")
	case !variableName.MatchString(name):
		p.schemaf(s, at, "%q is not a variable name: use letters, digits and underscores, not starting with a digit (only whole variables can be assigned, not a field or an element of one)", name)
	default:
		return true
	}
	return false
}

// eval computes the values an Assign sets: $ is the state's result (or the error output, in
// a catcher), variables are as they were when the state was entered.
func (a *assignment) eval(result any, ctxObj contextFunc, vars *scope, state string) (*object, error) {
	v, err := a.tmpl.eval(result, ctxObj, vars)
	if err != nil {
		return nil, err
	}
	return checkAssigned(v, state)
}

// checkAssigned holds the values an Assign computed to AWS's size limits.
func checkAssigned(v any, state string) (*object, error) {
	values, _ := v.(*object)
	if values == nil {
		values = newObject(0)
	}
	total := 0
	for _, m := range values.members {
		name := m.key
		n := len(encodeJSON(m.val))
		if n > maxVariableBytes {
			return nil, &Error{Name: ErrNameDataLimitExceeded, Cause: fmt.Sprintf(
				"The variable '%s' assigned in the state '%s' has a size exceeding the maximum number of bytes service limit (%d).", name, state, maxVariableBytes)}
		}
		total += n
	}
	if total > maxAssignBytes {
		return nil, &Error{Name: ErrNameDataLimitExceeded, Cause: fmt.Sprintf(
			"The variables assigned in the state '%s' have a size exceeding the maximum number of bytes service limit (%d).", state, maxAssignBytes)}
	}
	return values, nil
}

// commit applies values (from assignment.eval) to the scope, checking the limit on all the
// variables of the execution, and returns them as AWS shows them in StateExited: each
// value as JSON text.
func (s *scope) commit(values *object, state string) (map[string]string, error) {
	if values == nil || values.len() == 0 {
		return nil, nil
	}
	shown := make(map[string]string, values.len())
	sizes := make(map[string]int, values.len())
	for _, m := range values.members {
		name := m.key
		text := jsonText(m.val)
		shown[name] = text
		sizes[name] = len(text)
	}
	total := s.size()
	for name, n := range sizes {
		total += n - s.sizes[name]
	}
	if total > maxExecutionVarsBytes {
		return nil, &Error{Name: ErrNameDataLimitExceeded, Cause: fmt.Sprintf(
			"The variables of the execution have a size exceeding the maximum number of bytes service limit (%d) after the state '%s'.", maxExecutionVarsBytes, state)}
	}
	s.prepare()
	for _, m := range values.members {
		s.vals[m.key] = m.val
	}
	maps.Copy(s.sizes, sizes)
	return shown, nil
}

// restore applies the assignments a StateExited event shows (JSON text per variable), to
// rebuild the variables of an execution resumed from its history.
func (s *scope) restore(shown map[string]string) error {
	s.prepare()
	for _, name := range slices.Sorted(maps.Keys(shown)) {
		v, err := decodeJSON([]byte(shown[name]))
		if err != nil {
			return fmt.Errorf("the value of the variable %q: %w", name, err)
		}
		s.vals[name] = v
		s.sizes[name] = len(shown[name])
	}
	return nil
}

// undefinedVariable is the failure of a reference to a variable no state has assigned (or
// one the scope cannot see). AWS's wording for JSONPath references is not on record; this
// one names the reference, the field and the variable.
func undefinedVariable(ref, field, name string) *Error {
	if field == "" {
		return runtimeError("The variable reference '%s' refers to the variable '%s', which is not defined.", ref, name)
	}
	return runtimeError("The variable reference '%s' specified for the field '%s' refers to the variable '%s', which is not defined.", ref, field, name)
}

// checkVariableScopes reports variables that a Parallel branch or an inline Map iteration
// assigns although a scope around it assigns them too: AWS lets inner scopes read outer
// variables but not assign (or shadow) them. A distributed Map's children see nothing of
// the scopes around them, so they may reuse names. outer maps the names assigned around def
// to where.
func (p *parser) checkVariableScopes(def *Definition, loc string, outer map[string]string) {
	if def == nil {
		return
	}
	visible := maps.Clone(outer)
	if visible == nil {
		visible = map[string]string{}
	}
	type nested struct {
		def     *Definition
		loc     string
		isolate bool
	}
	var inner []nested
	for _, name := range def.Order {
		st := def.States[name]
		sloc := loc + "/States/" + name
		s := site{loc: sloc, state: name}
		check := func(a *assignment, field string) {
			if a == nil {
				return
			}
			for i, v := range a.names {
				if where, ok := outer[v]; ok {
					p.schemaf(s, field+"/"+a.keys[i], "the variable %q is assigned in an enclosing scope (%s): a Parallel branch or Map iteration can read it but cannot assign it", v, where)
					continue
				}
				if _, ok := visible[v]; !ok {
					visible[v] = sloc + "/" + field + "/" + a.keys[i]
				}
			}
		}
		check(st.Base().assign, "Assign")
		var catchers []Catcher
		switch t := st.(type) {
		case *ChoiceState:
			for i, r := range t.Choices {
				check(r.assign, "Choices/"+strconv.Itoa(i)+"/Assign")
			}
		case *TaskState:
			catchers = t.Catch
		case *ParallelState:
			catchers = t.Catch
			for i, b := range t.Branches {
				inner = append(inner, nested{b, sloc + "/Branches/" + strconv.Itoa(i), false})
			}
		case *MapState:
			catchers = t.Catch
			inner = append(inner, nested{t.ItemProcessor, sloc + "/" + t.processorField, t.processorIsolate})
		}
		for i, c := range catchers {
			check(c.assign, "Catch/"+strconv.Itoa(i)+"/Assign")
		}
	}
	for _, n := range inner {
		if n.isolate {
			p.checkVariableScopes(n.def, n.loc, nil)
		} else {
			p.checkVariableScopes(n.def, n.loc, visible)
		}
	}
}

// findVariable evaluates a variable reference ($name...) in a payload template field.
func (p *Path) findVariable(vars *scope, field string) (any, error) {
	v, ok := vars.lookup(p.variable)
	if !ok {
		return nil, undefinedVariable(p.text, field, p.variable)
	}
	out, err := p.find(v)
	if err != nil {
		return nil, runtimeError("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
			p.text, field, jsonText(v))
	}
	return out, nil
}
