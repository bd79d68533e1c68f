package jsonata

import (
	"math"
	"strconv"
)

// procName is the name a call's procedure is known by in error messages.
func procName(e *node) string {
	if e.typ == "path" && len(e.steps) > 0 {
		if s, ok := e.steps[0].value.(string); ok {
			return s
		}
		return ""
	}
	return tokenText(&token{value: e.value})
}

// didYouMeanVariable reports a call of a field (foo()) when a variable of
// that name ($foo) holds something: the user most likely meant $foo.
func didYouMeanVariable(proc any, e *node, env *frame, code string) error {
	if proc != nil || e.procedure.typ != "path" {
		return nil
	}
	if name, ok := e.procedure.steps[0].value.(string); ok {
		if v, found := env.lookup(name); found && v != nil {
			return newErr(code, e.pos, name)
		}
	}
	return nil
}

func (ev *evaluator) function(e *node, input any, env *frame, applyTo any, hasApplyTo bool) (any, error) {
	proc, err := ev.eval(e.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if err := didYouMeanVariable(proc, e, env, "T1005"); err != nil {
		return nil, err
	}
	var args []any
	if hasApplyTo {
		args = append(args, applyTo)
	}
	for _, a := range e.args {
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, asArgument(v))
	}
	name := procName(e.procedure)
	ev.label(proc, name, true, e.pos)
	r, err := ev.apply(proc, args, input, env)
	if err != nil {
		if x, ok := err.(*Error); ok {
			if x.Position == 0 {
				x.Position = e.pos
			}
			if x.Token == "" {
				x.Token = name
			}
		}
		return nil, err
	}
	return r, nil
}

// asArgument is v as a function call passes it: jsonata.js hands a
// function argument over wrapped in a new JavaScript function, which calls
// it with a null input and which, unlike a function value, is false as a
// boolean (a predicate [$f] in the callee keeps nothing) and a new value
// at each call. A regular expression is a JavaScript function already; it
// gets wrapped too, which changes nothing seen here, so it is not.
func asArgument(v any) any {
	f, ok := v.(*native)
	if ok && f.inner != nil {
		v = f.inner // one wrapper calls the function as well as a chain of them
	} else if !ok && !isFunc(v) || ok && f.regex != nil {
		return v
	}
	inner := v
	return &native{arity: funcArity(inner), inner: inner, fn: func(c *call, args []any) (any, error) {
		return c.ev.apply(inner, args, jnull, c.env)
	}}
}

// callLabel is the name and position of the call that last used a function
// (or an array or object, which jsonata.js labels too before finding it is
// no function).
type callLabel struct {
	token string
	pos   int
}

// label records that a call named token at pos used v. jsonata.js writes
// these onto the function object, and an error raised while applying it
// later is reported with them, wherever that application comes from: a
// recursive call reports its innermost call, a built-in passed to $map
// the call that last named it, or nothing when none did. They live for one
// evaluation here; jsonata.js keeps a built-in's for the life of the process.
func (ev *evaluator) label(v any, token string, setToken bool, pos int) {
	if !holdsProperties(v) {
		return // a primitive keeps no properties
	}
	if ev.labels == nil {
		ev.labels = map[any]callLabel{}
	}
	l := ev.labels[v]
	if setToken {
		l.token = token
	}
	l.pos = pos
	ev.labels[v] = l
}

// apply calls a function, running tail calls (thunks) in a loop so that
// tail recursion does not deepen the stack.
func (ev *evaluator) apply(proc any, args []any, input any, env *frame) (any, error) {
	r, err := ev.applyInner(proc, args, input, env)
	for err == nil {
		l, ok := r.(*lambda)
		if !ok || !l.thunk {
			break
		}
		call := l.body
		next, err2 := ev.eval(call.procedure, l.input, l.env)
		if err2 != nil {
			return nil, err2
		}
		// the tail call names the callee only when it is a variable
		name, isVar := call.procedure.value.(string)
		ev.label(next, name, isVar && call.procedure.typ == "variable", call.procedure.pos)
		var targs []any
		for _, a := range call.args {
			v, err2 := ev.eval(a, l.input, l.env)
			if err2 != nil {
				return nil, err2
			}
			targs = append(targs, v)
		}
		r, err = ev.applyInner(next, targs, input, env)
	}
	return r, err
}

// applyInner calls proc; an error raised in it takes the name (when it has
// none) and the position of the call that last used proc, as in jsonata.js.
func (ev *evaluator) applyInner(proc any, args []any, input any, env *frame) (r any, err error) {
	defer func() {
		if x, ok := err.(*Error); ok && holdsProperties(proc) {
			if l, ok := ev.labels[proc]; ok {
				if x.Token == "" {
					x.Token = l.token
				}
				if l.pos != 0 {
					x.Position = l.pos
				}
			}
		}
	}()
	switch p := proc.(type) {
	case *lambda:
		if p.sig != nil {
			v, err := p.sig.validate(args, input)
			if err != nil {
				return nil, err
			}
			args = v
		}
		return ev.applyLambda(p, args)
	case *native:
		if p.sig != nil {
			v, err := p.sig.validate(args, input)
			if err != nil {
				return nil, err
			}
			args = v
		}
		return p.fn(&call{ev: ev, input: input, env: env}, args)
	}
	return nil, &Error{Code: "T1006"}
}

func (ev *evaluator) applyLambda(p *lambda, args []any) (any, error) {
	env := newFrame(p.env)
	for i, name := range p.params {
		var v any
		if i < len(args) {
			v = args[i]
		}
		env.bind(name, v)
	}
	if p.nat != nil {
		nargs := make([]any, len(p.natParams))
		for i, n := range p.natParams {
			nargs[i], _ = env.lookup(n)
		}
		return ev.applyInner(p.nat, nargs, nil, env)
	}
	if p.body == nil {
		return nil, nil
	}
	return ev.eval(p.body, p.input, env)
}

// holdsProperties is whether v is a JavaScript object (one that keeps
// properties set on it) in jsonata.js.
func holdsProperties(v any) bool {
	switch v.(type) {
	case *arr, *Object, *lambda, *native:
		return true
	}
	return false
}

func isPlaceholder(v any) bool {
	n, ok := v.(*node)
	return ok && n.typ == "operator" && n.value == "?"
}

func (ev *evaluator) partial(e *node, input any, env *frame) (any, error) {
	var args []any
	for _, a := range e.args {
		if a.typ == "operator" && a.value == "?" {
			args = append(args, a)
			continue
		}
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	proc, err := ev.eval(e.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if err := didYouMeanVariable(proc, e, env, "T1007"); err != nil {
		return nil, err
	}
	switch p := proc.(type) {
	case *lambda:
		return partialLambda(p, args), nil
	case *native:
		n := p.arity
		if n < 0 || n < len(args) {
			n = len(args)
		}
		names := make([]string, n)
		for i := range names {
			names[i] = "\x00" + strconv.Itoa(i)
		}
		base := &lambda{env: env, params: names, nat: p, natParams: names}
		return partialLambda(base, args), nil
	}
	return nil, newErr("T1008", e.pos, procName(e.procedure))
}

func partialLambda(p *lambda, args []any) *lambda {
	env := newFrame(p.env)
	var unbound []string
	for i, name := range p.params {
		var a any
		if i < len(args) {
			a = args[i]
		}
		if isPlaceholder(a) {
			unbound = append(unbound, name)
		} else {
			env.bind(name, a)
		}
	}
	return &lambda{node: p.node, input: p.input, env: env, params: unbound, body: p.body, nat: p.nat, natParams: p.natParams}
}

func (ev *evaluator) applyExpr(e *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(e.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if e.rhs.typ == "function" {
		return ev.function(e.rhs, input, env, lhs, true)
	}
	fn, err := ev.eval(e.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !isFunc(fn) {
		return nil, errVal("T2006", e.pos, "", fn)
	}
	if isFunc(lhs) {
		f, g := lhs, fn
		return &native{name: "", arity: 1, fn: func(c *call, args []any) (any, error) {
			var x any
			if len(args) > 0 {
				x = args[0]
			}
			r, err := c.ev.apply(f, []any{x}, c.input, c.env)
			if err != nil {
				return nil, err
			}
			return c.ev.apply(g, []any{r}, c.input, c.env)
		}}, nil
	}
	// jsonata.js applies it with a null input, which a built-in called in
	// the function's tail position takes as its context
	return ev.apply(fn, []any{lhs}, jnull, env)
}

// funcArity is how many arguments a higher-order function passes to fn.
func funcArity(fn any) int {
	switch f := fn.(type) {
	case *lambda:
		if f.nat != nil && len(f.params) == 0 {
			return 0
		}
		return len(f.params)
	case *native:
		if f.arity < 0 {
			return 3
		}
		return f.arity
	}
	return 0
}

func (ev *evaluator) transformFunc(e *node, env *frame) any {
	return &native{name: "", arity: 1, sig: transformSig, fn: func(c *call, args []any) (any, error) {
		obj := args[0]
		if obj == nil {
			return nil, nil
		}
		// the transform copies its input with $clone, which a binding may replace
		cloneFn, _ := env.lookup("clone")
		if !isFunc(cloneFn) {
			return nil, newErr("T2013", e.pos, "")
		}
		result, err := c.ev.apply(cloneFn, []any{obj}, nil, env)
		if err != nil {
			return nil, err
		}
		matches, err := c.ev.eval(e.pattern, result, env)
		if err != nil {
			return nil, err
		}
		if matches == nil {
			return result, nil
		}
		ms := []any{matches}
		if a, ok := matches.(*arr); ok {
			ms = a.items
		}
		for _, m := range ms {
			update, err := c.ev.eval(e.update, m, env)
			if err != nil {
				return nil, err
			}
			if update != nil {
				uo, ok := update.(*Object)
				if !ok {
					return nil, errVal("T2011", e.update.pos, "", update)
				}
				if mo, ok := m.(*Object); ok {
					for ki, k := range uo.Keys() {
						mo.Set(k, uo.values()[ki])
					}
				}
			}
			if e.del != nil {
				dels, err := c.ev.eval(e.del, m, env)
				if err != nil {
					return nil, err
				}
				if dels != nil {
					list := []any{dels}
					if a, ok := dels.(*arr); ok {
						list = a.items
					}
					for _, d := range list {
						if _, ok := d.(string); !ok {
							return nil, errVal("T2012", e.del.pos, "", dels)
						}
					}
					if mo, ok := m.(*Object); ok {
						for _, d := range list {
							mo.Delete(d.(string))
						}
					}
				}
			}
		}
		return result, nil
	}}
}

var transformSig, _ = parseSignature("<(oa):o>")

func deepClone(v any) any {
	// jsonata.js clones as JSON.parse($string(v)): numbers to 15
	// significant digits, functions as "", what JSON has no text for as null
	return mapJSON(v, func(v any) any {
		switch x := v.(type) {
		case float64:
			if x = toPrecision15(x); math.IsNaN(x) || math.IsInf(x, 0) {
				return jnull // the largest numbers round up to Infinity
			}
			if x == 0 {
				return 0.0 // JSON text has no negative zero
			}
			return x
		case *lambda, *native:
			return ""
		}
		return v
	})
}

// mapJSON copies the arrays and objects of v with leaf applied to every
// other value, as JSON.stringify's replacer sees them: where leaf gives
// nil (undefined), an array holds null and an object leaves the key out.
func mapJSON(v any, leaf func(any) any) any {
	switch x := v.(type) {
	case *arr:
		out := &arr{items: make([]any, len(x.items))}
		for i, item := range x.items {
			if out.items[i] = mapJSON(item, leaf); out.items[i] == nil {
				out.items[i] = jnull
			}
		}
		return out
	case *Object:
		vals := x.values()
		out := newObjectCap(len(vals))
		for i, k := range x.keys {
			if item := mapJSON(vals[i], leaf); item != nil {
				out.keys = append(out.keys, k)
				out.vals = append(out.vals, item)
			}
		}
		if len(out.keys) > indexedKeys {
			out.reindex()
		}
		return out
	}
	return leaf(v)
}

// regexCall makes a regular expression callable: /re/(str) returns the
// first match object, with a next() function for the following ones.
func regexCall(re *compiledRegex) func(c *call, args []any) (any, error) {
	var matcher func(s []rune, from int) (any, error)
	matcher = func(s []rune, from int) (any, error) {
		m, err := re.exec(s, from)
		if err != nil || m == nil {
			return nil, err
		}
		o := NewObject()
		o.Set("match", m.match)
		o.Set("start", float64(m.start))
		o.Set("end", float64(m.end))
		o.Set("groups", &arr{items: m.groups})
		end := m.end
		o.Set("next", &native{arity: 0, fn: func(c *call, args []any) (any, error) {
			if end >= len(s) {
				return nil, nil
			}
			nm, err := matcher(s, end)
			if err != nil {
				return nil, err
			}
			if no, ok := nm.(*Object); ok && no.value("match") == "" {
				return nil, errVal("D1004", 0, "", re.lit.source)
			}
			return nm, nil
		}})
		return o, nil
	}
	return func(c *call, args []any) (any, error) {
		if len(args) == 0 {
			return nil, nil
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, nil
		}
		from := 0
		if len(args) > 1 {
			if f, ok := args[1].(float64); ok {
				from = int(f)
			}
		}
		return matcher(utf16Runes(s), from)
	}
}
