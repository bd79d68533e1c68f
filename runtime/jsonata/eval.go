package jsonata

import (
	"math"
	"time"
)

// frame is a scope of variable bindings.
type frame struct {
	vars   map[string]any
	parent *frame
	// ext are the caller's bindings, in its model: each is converted on its first lookup
	// and kept in vars, so a binding the expression never reads (most of a state's
	// environment) costs nothing. Only an evaluation's top frame has them.
	ext map[string]any
	// dollar is $ bound in a frame with no other variable, without making vars for it.
	dollar    any
	hasDollar bool
}

func newFrame(parent *frame) *frame { return &frame{parent: parent} }

func (f *frame) bind(name string, v any) {
	if name == "$" && f.vars == nil {
		f.dollar, f.hasDollar = v, true
		return
	}
	if f.vars == nil {
		f.vars = map[string]any{}
	}
	f.vars[name] = v
}

func (f *frame) lookup(name string) (any, bool) {
	for ; f != nil; f = f.parent {
		if v, ok := f.vars[name]; ok {
			return v, true
		}
		if f.hasDollar && name == "$" {
			return f.dollar, true
		}
		if f.ext != nil {
			if v, ok := f.external(name); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// external converts the caller's binding of name ("$name" binds it too) and keeps it.
func (f *frame) external(name string) (any, bool) {
	v, ok := f.ext[name]
	if !ok {
		if v, ok = f.ext["$"+name]; !ok {
			return nil, false
		}
	}
	in := toInternal(v)
	f.bind(name, in)
	return in, true
}

// lambda is a user function, a thunk for a tail call, or a partially
// applied function.
type lambda struct {
	node   *node
	input  any
	env    *frame
	params []string
	sig    *signature
	body   *node
	thunk  bool
	// a partial application of a built-in: the built-in and the names its
	// arguments are bound to in env.
	nat       *native
	natParams []string
}

func (*lambda) isFunction() {}

// native is a built-in function.
type native struct {
	name  string
	sig   *signature
	fn    func(c *call, args []any) (any, error)
	arity int            // parameters a higher-order function may pass it; -1 = any
	regex *compiledRegex // set for a regular expression used as a matcher
	// inner is the function this one wraps as a function call's argument
	// (see asArgument)
	inner any
}

func (*native) isFunction() {}

// call is what a built-in sees of its invocation.
type call struct {
	ev    *evaluator
	input any
	env   *frame
}

// evaluator holds the mutable state of one evaluation.
type evaluator struct {
	depth    int
	maxDepth int
	deadline time.Time
	timed    bool
	ticks    int
	now      time.Time
	labels   map[any]callLabel // see label
	trace    *evalTrace        // nil but in tests
}

// tick checks the deadline from inside long loops of built-ins, after
// about work more steps.
func (ev *evaluator) tick(work int) error {
	if ev.timed {
		before := ev.ticks
		ev.ticks += work + 1
		if ev.ticks>>12 != before>>12 && time.Now().After(ev.deadline) {
			return &Error{Code: "U1002"}
		}
	}
	return nil
}

func (ev *evaluator) enter() error {
	ev.depth++
	if ev.maxDepth > 0 && ev.depth > ev.maxDepth {
		return &Error{Code: "U1001"}
	}
	if ev.timed {
		ev.ticks++
		if ev.ticks&63 == 0 && time.Now().After(ev.deadline) {
			return &Error{Code: "U1002"}
		}
	}
	return nil
}

func (ev *evaluator) eval(e *node, input any, env *frame) (any, error) {
	if err := ev.enter(); err != nil {
		return nil, err
	}
	r, err := ev.evalInner(e, input, env)
	ev.depth--
	if err != nil {
		return nil, err
	}
	for _, p := range e.predicate {
		if r, err = ev.filter(p.expr, r, env); err != nil {
			return nil, err
		}
	}
	if e.typ != "path" && e.group != nil {
		if r, err = ev.group(e.group, r, env); err != nil {
			return nil, err
		}
	}
	if a, ok := r.(*arr); ok && a.seq && !a.tupleStream {
		if e.keepArray {
			a.keepSingleton = true
		}
		switch len(a.items) {
		case 0:
			return nil, nil
		case 1:
			if !a.keepSingleton {
				return a.items[0], nil
			}
		}
	}
	return r, nil
}

func (ev *evaluator) evalInner(e *node, input any, env *frame) (any, error) {
	switch e.typ {
	case "path":
		return ev.path(e, input, env)
	case "binary":
		return ev.binary(e, input, env)
	case "unary":
		return ev.unary(e, input, env)
	case "name":
		ev.traceStep(input, false)
		return lookupField(input, e.value.(string)), nil
	case "string", "number", "value":
		return e.value, nil
	case "wildcard":
		ev.traceStep(input, false)
		return wildcard(input), nil
	case "descendant":
		ev.traceStep(input, true)
		return descendants(input), nil
	case "parent":
		v, _ := env.lookup(e.slot.label)
		return v, nil
	case "condition":
		c, err := ev.eval(e.cond, input, env)
		if err == nil {
			err = predicateFinite(c) // $boolean meets the numbers in a list too
		}
		if err != nil {
			return nil, err
		}
		if toBool(c) {
			return ev.eval(e.then, input, env)
		} else if e.els != nil {
			return ev.eval(e.els, input, env)
		}
		return nil, nil
	case "block":
		f := newFrame(env)
		var r any
		for _, x := range e.exprs {
			var err error
			if r, err = ev.eval(x, input, f); err != nil {
				return nil, err
			}
		}
		return r, nil
	case "bind":
		v, err := ev.eval(e.rhs, input, env)
		if err != nil {
			return nil, err
		}
		env.bind(e.lhs.value.(string), v)
		return v, nil
	case "regex":
		return &native{name: "", regex: e.regex, arity: 2, fn: regexCall(e.regex)}, nil
	case "function":
		return ev.function(e, input, env, nil, false)
	case "variable":
		name := e.value.(string)
		if name == "" {
			if a, ok := input.(*arr); ok && a.outerWrapper {
				return a.items[0], nil
			}
			return input, nil
		}
		v, _ := env.lookup(name)
		return v, nil
	case "lambda":
		l := &lambda{node: e, input: input, env: env, sig: e.sig, body: e.body, thunk: e.thunk}
		for _, a := range e.args {
			l.params = append(l.params, a.value.(string))
		}
		return l, nil
	case "partial":
		return ev.partial(e, input, env)
	case "apply":
		return ev.applyExpr(e, input, env)
	case "transform":
		return ev.transformFunc(e, env), nil
	}
	return nil, nil
}

// traceStep notes a step into a function value (in an array, or anywhere
// below for a descendant step) when the evaluation is traced.
func (ev *evaluator) traceStep(input any, deep bool) {
	if ev.trace == nil || ev.trace.insideFunction {
		return
	}
	var has func(v any) bool
	has = func(v any) bool {
		switch x := v.(type) {
		case *lambda, *native:
			return true
		case *arr:
			for _, item := range x.items {
				if has(item) {
					return true
				}
			}
		case *Object:
			if deep {
				for _, e := range x.values() {
					if has(e) {
						return true
					}
				}
			}
		}
		return false
	}
	if has(input) {
		ev.trace.insideFunction = true
	}
}

// lookupField is jsonata's lookup: field access mapped over arrays.
func lookupField(input any, key string) any {
	switch x := input.(type) {
	case *arr:
		res := newSeq()
		for _, item := range x.items {
			v := lookupField(item, key)
			if v == nil {
				continue
			}
			if a, ok := v.(*arr); ok {
				res.items = append(res.items, a.items...)
			} else {
				res.items = append(res.items, v)
			}
		}
		return res
	case *Object:
		return x.value(key)
	}
	return nil
}

func wildcard(input any) any {
	var results any = newSeq()
	if a, ok := input.(*arr); ok && a.outerWrapper && len(a.items) > 0 {
		input = a.items[0]
	}
	var vals []any
	switch x := input.(type) {
	case *Object:
		vals = append(vals, x.values()...)
	case *arr:
		vals = x.items
	}
	{
		for _, v := range vals {
			if a, ok := v.(*arr); ok {
				results = appendValues(results, &arr{items: flatten(a, nil)})
			} else {
				r := results.(*arr)
				r.items = append(r.items, v)
			}
		}
	}
	return results
}

func flatten(v any, out []any) []any {
	if a, ok := v.(*arr); ok {
		for _, x := range a.items {
			out = flatten(x, out)
		}
		return out
	}
	return append(out, v)
}

func descendants(input any) any {
	if input == nil {
		return nil
	}
	res := newSeq()
	recurseDescendants(input, res)
	if len(res.items) == 1 {
		return res.items[0]
	}
	return res
}

func recurseDescendants(v any, res *arr) {
	switch x := v.(type) {
	case *arr:
		for _, m := range x.items {
			recurseDescendants(m, res)
		}
		return
	case *Object:
		res.items = append(res.items, v)
		for _, e := range x.values() {
			recurseDescendants(e, res)
		}
		return
	}
	res.items = append(res.items, v)
}

// appendValues is $append: concatenation that treats single values as
// one-item arrays; the result is a plain (non-sequence) array.
func appendValues(a, b any) any {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	var items []any
	if x, ok := a.(*arr); ok {
		items = append(items, x.items...)
	} else {
		items = append(items, a)
	}
	if y, ok := b.(*arr); ok {
		items = append(items, y.items...)
	} else {
		items = append(items, b)
	}
	return &arr{items: items}
}

func (ev *evaluator) path(e *node, input any, env *frame) (any, error) {
	var inputSeq *arr
	if a, ok := input.(*arr); ok && e.steps[0].typ != "variable" {
		inputSeq = a
	} else {
		inputSeq = newSeq(input) // even an undefined input is one item, as in jsonata.js
	}
	var result *arr
	isTuple := false
	var tuples *arr
	for i, step := range e.steps {
		if step.tuple {
			isTuple = true
		}
		var err error
		if i == 0 && step.consarray {
			r, err := ev.eval(step, inputSeq, env)
			if err != nil {
				return nil, err
			}
			if _, grouped := r.(*Object); grouped && len(e.steps) > 1 && !step.tuple {
				// jsonata.js hands the grouped object on as it is, and the
				// next step, iterating over it as an array, finds nothing:
				// [1,2]{"a": $}.a is undefined
				return nil, nil
			}
			result = asArr(r)
		} else if isTuple {
			if tuples, err = ev.tupleStep(step, inputSeq, tuples, env); err != nil {
				return nil, err
			}
		} else {
			if result, err = ev.step(step, inputSeq, env, i == len(e.steps)-1); err != nil {
				return nil, err
			}
		}
		if !isTuple && (result == nil || len(result.items) == 0) {
			break
		}
		if step.focus == "" {
			inputSeq = result
		}
	}
	if isTuple {
		if e.tuple {
			result = tuples
		} else {
			result = newSeq()
			if tuples != nil {
				for _, t := range tuples.items {
					result.items = append(result.items, t.(tuple)["@"])
				}
			}
		}
	}
	if e.keepSingletonArray {
		if result == nil {
			result = newSeq()
		}
		if result.cons && !result.seq {
			result = newSeq(any(result))
		}
		result.keepSingleton = true
	}
	if e.group != nil {
		var in any = result
		if isTuple {
			in = tuples
		}
		return ev.group(e.group, in, env)
	}
	if result == nil {
		return nil, nil
	}
	return result, nil
}

// asArr returns v as an array, wrapping a single value in a sequence.
func asArr(v any) *arr {
	if v == nil {
		return nil
	}
	if a, ok := v.(*arr); ok {
		return a
	}
	return newSeq(v)
}

func seqOf(v any) *arr {
	if v == nil {
		return newSeq()
	}
	return newSeq(v)
}

func tupleFrame(env *frame, t tuple) *frame {
	f := newFrame(env)
	f.vars = make(map[string]any, len(t))
	for k, v := range t {
		f.vars[k] = v
	}
	return f
}

func (ev *evaluator) step(e *node, input *arr, env *frame, last bool) (*arr, error) {
	if e.typ == "sort" {
		r, err := ev.sortExpr(e, input, env)
		if err != nil {
			return nil, err
		}
		if e.stages != nil {
			return ev.stages(e.stages, r, env)
		}
		return r, nil
	}
	results := make([]any, 0, len(input.items))
	for _, item := range input.items {
		r, err := ev.eval(e, item, env)
		if err != nil {
			return nil, err
		}
		for _, s := range e.stages {
			if r, err = ev.filter(s.expr, r, env); err != nil {
				return nil, err
			}
		}
		if r != nil {
			results = append(results, r)
		}
	}
	if len(results) == 1 {
		a, isArr := results[0].(*arr)
		if last && isArr && !a.seq {
			return a, nil
		}
		if !isArr || a.cons {
			// One value, the usual result of a step: its sequence in one allocation.
			s := &struct {
				a   arr
				one [1]any
			}{}
			s.one[0] = results[0]
			s.a.items, s.a.seq = s.one[:], true
			return &s.a, nil
		}
	}
	out := &arr{items: make([]any, 0, len(results)), seq: true}
	for _, r := range results {
		if a, ok := r.(*arr); ok && !a.cons {
			out.items = append(out.items, a.items...)
		} else {
			out.items = append(out.items, r)
		}
	}
	return out, nil
}

func (ev *evaluator) stages(stages []*node, input *arr, env *frame) (*arr, error) {
	result := input
	for _, s := range stages {
		switch s.typ {
		case "filter":
			r, err := ev.filter(s.expr, result, env)
			if err != nil {
				return nil, err
			}
			result = r.(*arr)
		case "index":
			for i, t := range result.items {
				t.(tuple)[s.value.(string)] = float64(i)
			}
		}
	}
	return result, nil
}

func (ev *evaluator) tupleStep(e *node, input *arr, tuples *arr, env *frame) (*arr, error) {
	if e.typ == "sort" {
		var result *arr
		if tuples != nil {
			r, err := ev.sortExpr(e, tuples, env)
			if err != nil {
				return nil, err
			}
			result = r
		} else {
			sorted, err := ev.sortExpr(e, input, env)
			if err != nil {
				return nil, err
			}
			result = &arr{seq: true, tupleStream: true}
			for i, v := range sorted.items {
				t := tuple{"@": v}
				if e.index != "" {
					t[e.index] = float64(i)
				}
				result.items = append(result.items, t)
			}
		}
		if e.stages != nil {
			return ev.stages(e.stages, result, env)
		}
		return result, nil
	}
	result := &arr{seq: true, tupleStream: true}
	if tuples == nil {
		tuples = &arr{seq: true, tupleStream: true}
		if input != nil {
			for _, item := range input.items {
				tuples.items = append(tuples.items, tuple{"@": item})
			}
		}
	}
	for _, tv := range tuples.items {
		t := tv.(tuple)
		stepEnv := tupleFrame(env, t)
		r, err := ev.eval(e, t["@"], stepEnv)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		ra, ok := r.(*arr)
		if !ok {
			ra = &arr{items: []any{r}}
		}
		for bb, v := range ra.items {
			nt := make(tuple, len(t)+2)
			for k, x := range t {
				nt[k] = x
			}
			if ra.tupleStream {
				for k, x := range v.(tuple) {
					nt[k] = x
				}
			} else {
				if e.focus != "" {
					nt[e.focus] = v
					nt["@"] = t["@"]
				} else {
					nt["@"] = v
				}
				if e.index != "" {
					nt[e.index] = float64(bb)
				}
				if e.ancestor != nil {
					nt[e.ancestor.label] = t["@"]
				}
			}
			result.items = append(result.items, nt)
		}
	}
	if e.stages != nil {
		return ev.stages(e.stages, result, env)
	}
	return result, nil
}

func (ev *evaluator) filter(pred *node, input any, env *frame) (any, error) {
	results := newSeq()
	in, ok := input.(*arr)
	if ok && in.tupleStream {
		results.tupleStream = true
	}
	if !ok {
		in = newSeq(input) // an undefined input is still filtered once, as in jsonata.js
	}
	if pred.typ == "number" {
		idx := int(math.Floor(pred.value.(float64)))
		if idx < 0 {
			idx += len(in.items)
		}
		if idx >= 0 && idx < len(in.items) && in.items[idx] != nil {
			item := in.items[idx]
			if a, ok := item.(*arr); ok {
				return a, nil
			}
			results.items = append(results.items, item)
		}
		return results, nil
	}
	for i, item := range in.items {
		ctx, fenv := item, env
		if in.tupleStream {
			t := item.(tuple)
			ctx = t["@"]
			fenv = tupleFrame(env, t)
		}
		r, err := ev.eval(pred, ctx, fenv)
		if err != nil {
			return nil, err
		}
		if err := checkFinite(r); err != nil {
			return nil, err
		}
		if isNumber(r) {
			r = &arr{items: []any{r}}
		}
		if nums, ok := arrayOfNumbers(r); ok {
			for _, n := range nums {
				ii := int(math.Floor(n))
				if ii < 0 {
					ii += len(in.items)
				}
				if ii == i {
					results.items = append(results.items, item)
				}
			}
		} else if toBool(r) {
			results.items = append(results.items, item)
		}
	}
	return results, nil
}

func arrayOfNumbers(v any) ([]float64, bool) {
	a, ok := v.(*arr)
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(a.items))
	for _, x := range a.items {
		f, ok := x.(float64)
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

func (ev *evaluator) binary(e *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(e.lhs, input, env)
	if err != nil {
		return nil, err
	}
	op := e.value.(string)
	if op == "and" || op == "or" {
		if err := predicateFinite(lhs); err != nil {
			// reported at the operator, as errors on the right are
			err.(*Error).Position, err.(*Error).Token = e.pos, op
			return nil, err
		}
		l := toBool(lhs)
		if op == "and" && !l {
			return false, nil
		}
		if op == "or" && l {
			return true, nil
		}
		rhs, err := ev.eval(e.rhs, input, env)
		if err == nil {
			err = predicateFinite(rhs)
		}
		if err != nil {
			// jsonata.js reports errors on the right of and/or at the operator
			if x, ok := err.(*Error); ok {
				x.Position, x.Token = e.pos, op
			}
			return nil, err
		}
		return toBool(rhs), nil
	}
	rhs, err := ev.eval(e.rhs, input, env)
	if err != nil {
		return nil, err
	}
	r, xerr := binaryOp(op, lhs, rhs)
	if xerr != nil {
		xerr.Position = e.pos
		xerr.Token = op
		return nil, xerr
	}
	return r, nil
}

func binaryOp(op string, lhs, rhs any) (any, *Error) {
	switch op {
	case "+", "-", "*", "/", "%":
		// each side in turn, as jsonata.js's isNumeric fails on Infinity
		for i, x := range []any{lhs, rhs} {
			if f, ok := x.(float64); ok && math.IsInf(f, 0) {
				return nil, errVal("D1001", 0, "", f)
			}
			if x != nil && !isNumber(x) {
				return nil, errVal([]string{"T2001", "T2002"}[i], 0, "", x)
			}
		}
		if lhs == nil || rhs == nil {
			return nil, nil
		}
		l, r := lhs.(float64), rhs.(float64)
		var v float64
		switch op {
		case "+":
			v = l + r
		case "-":
			v = l - r
		case "*":
			v = l * r
		case "/":
			v = l / r
		case "%":
			v = math.Mod(l, r)
		}
		return v, nil
	case "=", "!=":
		if lhs == nil || rhs == nil {
			return false, nil
		}
		eq := deepEqual(lhs, rhs)
		if op == "!=" {
			return !eq, nil
		}
		return eq, nil
	case "<", "<=", ">", ">=":
		lc := comparable(lhs)
		rc := comparable(rhs)
		if !lc || !rc {
			v := rhs // jsonata.js names the left side unless it is a string or number
			if _, ok := lhs.(string); !ok && !isNumber(lhs) {
				v = lhs
			}
			return nil, errVal("T2010", 0, "", v)
		}
		if lhs == nil || rhs == nil {
			return nil, nil
		}
		switch l := lhs.(type) {
		case float64:
			r, ok := rhs.(float64)
			if !ok {
				e := errVal("T2009", 0, "", lhs)
				e.value2 = rhs
				return nil, e
			}
			switch op {
			case "<":
				return l < r, nil
			case "<=":
				return l <= r, nil
			case ">":
				return l > r, nil
			}
			return l >= r, nil
		case string:
			r, ok := rhs.(string)
			if !ok {
				e := errVal("T2009", 0, "", lhs)
				e.value2 = rhs
				return nil, e
			}
			c := compareStrings(l, r)
			switch op {
			case "<":
				return c < 0, nil
			case "<=":
				return c <= 0, nil
			case ">":
				return c > 0, nil
			}
			return c >= 0, nil
		}
	case "&":
		ls, rs := "", ""
		if lhs != nil {
			s, err := stringify(lhs)
			if err != nil {
				return nil, err
			}
			ls = s
		}
		if rhs != nil {
			s, err := stringify(rhs)
			if err != nil {
				return nil, err
			}
			rs = s
		}
		return ls + rs, nil
	case "..":
		if lhs != nil && !isInteger(lhs) {
			return nil, errVal("T2003", 0, "", lhs)
		}
		if rhs != nil && !isInteger(rhs) {
			return nil, errVal("T2004", 0, "", rhs)
		}
		if lhs == nil || rhs == nil {
			return nil, nil
		}
		l, r := lhs.(float64), rhs.(float64)
		if l > r {
			return nil, nil
		}
		size := r - l + 1
		if size > 1e7 {
			return nil, errVal("D2014", 0, "", size)
		}
		out := &arr{seq: true, items: make([]any, 0, int(size))}
		for v := l; v <= r; v++ {
			out.items = append(out.items, v)
		}
		return out, nil
	case "in":
		if lhs == nil || rhs == nil {
			return false, nil
		}
		items := []any{rhs}
		if a, ok := rhs.(*arr); ok {
			items = a.items
		}
		for _, x := range items {
			if strictEqual(x, lhs) {
				return true, nil
			}
		}
		return false, nil
	}
	return nil, nil
}

// checkFinite is the D1001 error jsonata.js raises wherever it tests a
// value for being a number and finds an infinity (the result of /0).
func checkFinite(v any) error {
	if f, ok := v.(float64); ok && math.IsInf(f, 0) {
		return errVal("D1001", 0, "", f)
	}
	return nil
}

// strictEqual is JavaScript's ===: values for primitives, identity for
// arrays, objects and functions (all pointers here).
func strictEqual(a, b any) bool { return a == b }

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func comparable(v any) bool {
	switch v.(type) {
	case nil, string, float64:
		return true
	}
	return false
}

// compareStrings compares as JavaScript does, by UTF-16 code units.
func compareStrings(a, b string) int {
	ua, ub := utf16Units(a), utf16Units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	return len(ua) - len(ub)
}

func (ev *evaluator) unary(e *node, input any, env *frame) (any, error) {
	switch e.value {
	case "-":
		r, err := ev.eval(e.expr, input, env)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, nil
		}
		if f, ok := r.(float64); ok && !math.IsNaN(f) { // NaN ($round(3, 2.5)) is not numeric
			if err := checkFinite(f); err != nil {
				return nil, err
			}
			return -f, nil
		}
		return nil, errVal("D1002", e.pos, "-", r)
	case "[":
		result := &arr{items: []any{}}
		for _, item := range e.exprs {
			v, err := ev.eval(item, input, env)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if item.typ == "unary" && item.value == "[" {
				result.items = append(result.items, v)
			} else if a, ok := v.(*arr); ok {
				result.items = append(result.items, a.items...)
			} else {
				result.items = append(result.items, v)
			}
		}
		if e.consarray {
			result.cons = true
		}
		return result, nil
	case "{":
		return ev.group(&groupClause{pairs: e.pairs, pos: e.pos}, input, env)
	}
	return nil, nil
}

// groupEntry gathers the items of one group. It appends as $append does
// (arrays are spliced in), but in place: appending by copying would make
// grouping n items into one group cost n².
type groupEntry struct {
	first     any
	rest      []any
	n         int
	exprIndex int
}

func (g *groupEntry) add(item any) {
	if g.n == 0 {
		g.first = item
	} else {
		if g.n == 1 {
			if a, ok := g.first.(*arr); ok {
				g.rest = append(g.rest, a.items...)
			} else {
				g.rest = append(g.rest, g.first)
			}
		}
		if a, ok := item.(*arr); ok {
			g.rest = append(g.rest, a.items...)
		} else {
			g.rest = append(g.rest, item)
		}
	}
	g.n++
}

func (g *groupEntry) data() any {
	if g.n == 1 {
		return g.first
	}
	return &arr{items: g.rest}
}

func (ev *evaluator) group(g *groupClause, input any, env *frame) (any, error) {
	result := NewObject()
	groups := map[string]*groupEntry{}
	var order []string
	in, ok := input.(*arr)
	reduce := ok && in.tupleStream
	if !ok {
		in = seqOf(input)
	}
	if len(in.items) == 0 {
		// jsonata.js pushes an undefined onto the input array itself, so
		// that an empty array grouped over is [null] from then on
		// (($a := []; $a{"k": 1}; $a) is [null]); the arrays here are the
		// evaluation's own copies, never the caller's
		in.items = append(in.items, nil)
	}
	items := in.items
	for _, item := range items {
		ienv := env
		ctx := item
		if reduce {
			t, _ := item.(tuple) // nil when the stream is empty
			ienv = tupleFrame(env, t)
			ctx = t["@"]
		}
		for pi, pair := range g.pairs {
			k, err := ev.eval(pair[0], ctx, ienv)
			if err != nil {
				return nil, err
			}
			if k == nil {
				continue
			}
			ks, ok := k.(string)
			if !ok {
				return nil, errVal("T1003", g.pos, "", k)
			}
			if ge, ok := groups[ks]; ok {
				if ge.exprIndex != pi {
					return nil, errVal("D1009", g.pos, "", ks)
				}
				ge.add(item)
			} else {
				ge := &groupEntry{exprIndex: pi}
				ge.add(item)
				groups[ks] = ge
				order = append(order, ks)
			}
		}
	}
	for _, k := range order {
		ge := groups[k]
		ctx := ge.data()
		genv := env
		if reduce {
			t := reduceTuples(ctx)
			ctx = t["@"]
			delete(t, "@")
			genv = tupleFrame(env, t)
		}
		v, err := ev.eval(g.pairs[ge.exprIndex][1], ctx, genv)
		if err != nil {
			return nil, err
		}
		if v != nil {
			result.Set(k, v)
		}
	}
	return result, nil
}

func reduceTuples(v any) tuple {
	if t, ok := v.(tuple); ok {
		// the tuple itself, as jsonata.js's reduceTupleStream returns it:
		// the group then deletes its '@', so that another group formed
		// from the same item ({"j": a, "k": n} after a %) sees no context
		return t
	}
	// each name's values appended as $append would, gathered in place
	a, ok := v.(*arr)
	if !ok {
		// the key of an empty tuple stream's group: jsonata.js fails with a
		// TypeError reading its '@'; here the value sees no context
		return tuple{}
	}
	acc := map[string]*groupEntry{}
	for _, item := range a.items {
		for k, x := range item.(tuple) {
			g := acc[k]
			if g == nil {
				g = &groupEntry{}
				acc[k] = g
			}
			if x != nil {
				g.add(x)
			}
		}
	}
	out := make(tuple, len(acc))
	for k, g := range acc {
		if g.n > 0 {
			out[k] = g.data()
		}
	}
	return out
}

func (ev *evaluator) sortExpr(e *node, input *arr, env *frame) (*arr, error) {
	isTuple := input.tupleStream
	var firstErr error
	// after says whether a sorts after b, as jsonata.js's comparator does
	after := func(a, b any) bool {
		for _, term := range e.terms {
			ca, ea := a, env
			if isTuple {
				ca = a.(tuple)["@"]
				ea = tupleFrame(env, a.(tuple))
			}
			aa, err := ev.eval(term.expr, ca, ea)
			if err != nil {
				firstErr = err
				return false
			}
			cb, eb := b, env
			if isTuple {
				cb = b.(tuple)["@"]
				eb = tupleFrame(env, b.(tuple))
			}
			bb, err := ev.eval(term.expr, cb, eb)
			if err != nil {
				firstErr = err
				return false
			}
			if aa == nil {
				if bb == nil {
					continue
				}
				return true
			}
			if bb == nil {
				return false
			}
			_, an := aa.(float64)
			_, as := aa.(string)
			_, bn := bb.(float64)
			_, bs := bb.(string)
			if !(an || as) || !(bn || bs) {
				v := aa
				if an || as {
					v = bb
				}
				firstErr = errVal("T2008", e.pos, "", v)
				return false
			}
			if an != bn {
				x := errVal("T2007", e.pos, "", aa)
				x.value2 = bb
				firstErr = x
				return false
			}
			c := 0
			if an {
				x, y := aa.(float64), bb.(float64)
				if x < y {
					c = -1
				} else if x > y {
					c = 1
				}
			} else {
				c = compareStrings(aa.(string), bb.(string))
			}
			if c == 0 {
				continue
			}
			if term.descending {
				c = -c
			}
			return c > 0
		}
		return false
	}
	// the same merge sort as $sort, so that comparisons (and so the values
	// an error names) come in jsonata.js's order
	items, err := mergeSort(append([]any(nil), input.items...), func(a, b any) (bool, error) {
		return after(a, b), firstErr
	})
	if err != nil {
		return nil, err
	}
	out := &arr{items: items, seq: true, tupleStream: input.tupleStream}
	return out, nil
}
