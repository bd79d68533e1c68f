package runtime

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// Handing a state's input to the engine means converting it into the engine's model, which
// costs more than most expressions: a field such as {% $states.input.a + 1 %} would pay
// for the whole input. So each expression is bound only the parts of $states it can
// reach, found in its text when that is certain (statesReadsOf), else everything.

// statesMembers are the members of $states that hold data.
var statesMembers = []string{"input", "result", "errorOutput"}

// statesReads is what an expression can reach of $states.
type statesReads struct {
	// context is set when it may read anywhere in $states.context.
	context bool
	// whole names the data members it may read anywhere in; keys, for the others and for
	// the context object, the top-level fields it reads ($states.input.a reads "a" of
	// input; $states.context.Map.Item.Value reads "Map" of the context, not Execution,
	// whose Input may be large).
	whole map[string]bool
	keys  map[string][]string
}

// statesUse finds each use of $states with what follows it: a member, then a field name.
var statesUse = regexp.MustCompile(`\$states\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\b)?)?`)

// statesReadsOf works out from an expression's text what it can reach of $states. A use
// that is not $states.<member>.<name> (the whole $states, a member on its own, a
// wildcard, a quoted or computed name, a keyword) counts as reading everything it could
// reach; so does any expression with %, which can climb to a parent.
func statesReadsOf(src string) statesReads {
	r := statesReads{whole: map[string]bool{}, keys: map[string][]string{}}
	climbs := regexp.MustCompile(`%`).MatchString(src)
	for _, m := range statesUse.FindAllStringSubmatchIndex(src, -1) {
		member, field := "", ""
		if m[2] >= 0 {
			member = src[m[2]:m[3]]
		}
		if m[4] >= 0 {
			field = src[m[4]:m[5]]
		}
		switch {
		case member == "context" && (field == "" || climbs || field == "and" || field == "or" || field == "in"):
			r.context = true
		case member == "context":
			if !slices.Contains(r.keys[member], field) {
				r.keys[member] = append(r.keys[member], field)
			}
		case !slices.Contains(statesMembers, member):
			// $states itself, or a member read some other way: everything.
			r.context = true
			for _, k := range statesMembers {
				r.whole[k] = true
			}
		case field == "" || climbs || field == "and" || field == "or" || field == "in":
			r.whole[member] = true
		case !slices.Contains(r.keys[member], field):
			r.keys[member] = append(r.keys[member], field)
		}
	}
	return r
}

// jsonataEnv is what the expressions of one state visit see: $states (input, context,
// then result or errorOutput), AWS's added functions, and the workflow variables as they
// were when the state was entered. Converted parts are kept for the visit's next
// expressions. An environment is used by one goroutine at a time; a Map's items each get
// their own (forItem).
type jsonataEnv struct {
	data     map[string]any // input, result, errorOutput
	context  func() any     // the context object, built on first use
	bindings map[string]any
	vars     *scope
	lim      jsonata.Limits
}

// jsonataEnv prepares the expressions' environment for a visit of a state with input.
func (x *execution) jsonataEnv(sr *stateRun, input any) *jsonataEnv {
	var once sync.Once
	var ctx any
	context := func() any {
		once.Do(func() { ctx = x.contextObject(sr) })
		return ctx
	}
	// One time for every $now() of the visit: AWS keeps it stable within an expression.
	return newJSONataEnv(map[string]any{"input": input}, context, x.vars, jsonata.Limits{Now: x.now()})
}

func newJSONataEnv(data map[string]any, context func() any, vars *scope, lim jsonata.Limits) *jsonataEnv {
	lim.Globals = awsGlobals
	return &jsonataEnv{data: data, context: context, bindings: make(map[string]any, 4), vars: vars, lim: lim}
}

// set adds a member of $states (result, errorOutput) for the expressions evaluated next.
func (env *jsonataEnv) set(member string, v any) { env.data[member] = v }

// bind binds $states with what t can reach of it, and the variables t may read. Values
// are bound as the runtime holds them: the engine reads them into its own model
// (jsonata.Members), so the less is bound, the less is converted.
func (env *jsonataEnv) bind(t *jsonataTemplate) {
	states := newObject(4)
	for _, member := range statesMembers {
		v, ok := env.data[member]
		if !ok {
			continue
		}
		obj, isObj := v.(*object)
		switch {
		case t.reads.whole[member] || (!isObj && len(t.reads.keys[member]) > 0):
			// Not an object: a path over it maps over an array's items; bind it all.
			states.set(member, v)
		case len(t.reads.keys[member]) > 0:
			part := newObject(len(t.reads.keys[member]))
			for _, f := range t.reads.keys[member] {
				if fv, ok := obj.get(f); ok {
					part.set(f, fv)
				}
			}
			states.set(member, part)
		}
	}
	switch {
	case env.context == nil:
	case t.reads.context:
		states.set("context", env.context())
	case len(t.reads.keys["context"]) > 0:
		ctx, _ := env.context().(*object)
		part := newObject(len(t.reads.keys["context"]))
		for _, f := range t.reads.keys["context"] {
			if ctx == nil {
				break
			}
			if v, ok := ctx.get(f); ok {
				part.set(f, v)
			}
		}
		states.set("context", part)
	}
	env.bindings["states"] = states
	for _, name := range t.vars {
		if _, done := env.bindings[name]; done {
			continue
		}
		if v, ok := env.vars.lookup(name); ok {
			env.bindings[name] = v
		}
	}
}

// forItem is the environment of a Map's ItemSelector for item i: the state's, with
// $states.context.Map.Item (Index and Value), seen only there.
func (env *jsonataEnv) forItem(i int, item any) *jsonataEnv {
	it := newObject(2)
	it.set("Index", json.Number(strconv.Itoa(i)))
	it.set("Value", item)
	m := newObject(1)
	m.set("Item", it)
	parent := env.context
	context := func() any {
		c, _ := parent().(*object)
		if c == nil {
			c = newObject(1)
		}
		return c.with("Map", m)
	}
	data := map[string]any{"input": env.data["input"]}
	return newJSONataEnv(data, context, env.vars, env.lim)
}
