package jsonata

import (
	"slices"
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
		args = append(args, v)
	}
	name := procName(e.procedure)
	r, err := ev.applyAt(proc, args, input, env, e.pos, name)
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

// apply calls a function, running tail calls (thunks) in a loop so that
// tail recursion does not deepen the stack.
func (ev *evaluator) apply(proc any, args []any, input any, env *frame) (any, error) {
	return ev.applyAt(proc, args, input, env, 0, "")
}

// applyAt is apply for a call written at pos: as in jsonata.js, an error
// raised inside the called function is reported at the call, unless it
// arose in a tail call made from there, which reports its own call.
func (ev *evaluator) applyAt(proc any, args []any, input any, env *frame, pos int, name string) (any, error) {
	r, err := ev.applyInner(proc, args, input, env, name)
	if x, ok := err.(*Error); ok && pos > 0 && isFunc(proc) {
		x.Position = pos
	}
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
		var targs []any
		for _, a := range call.args {
			v, err2 := ev.eval(a, l.input, l.env)
			if err2 != nil {
				return nil, err2
			}
			targs = append(targs, v)
		}
		nextName := ""
		if call.procedure.typ == "variable" {
			nextName = call.procedure.value.(string)
		}
		r, err = ev.applyInner(next, targs, input, env, nextName)
		// jsonata.js labels the callee with the call's name and position,
		// which sticks to functions, arrays and objects but not to primitives
		if x, ok := err.(*Error); ok && holdsProperties(next) {
			if x.Token == "" && call.procedure.typ == "variable" {
				x.Token = call.procedure.value.(string)
			}
			x.Position = call.procedure.pos
		}
	}
	return r, err
}

// applyInner calls proc; name is what the call names it ($f(...) names f),
// empty for calls from built-ins. An error without a token gets that name,
// or for a built-in its own name (jsonata.js's built-ins remember the name
// they were last called by, which is almost always their own).
func (ev *evaluator) applyInner(proc any, args []any, input any, env *frame, name string) (r any, err error) {
	defer func() {
		if x, ok := err.(*Error); ok && x.Token == "" {
			if name != "" {
				x.Token = name
			} else if n, ok := proc.(*native); ok {
				x.Token = n.name
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
				return nil, err // named by the caller, as jsonata.js names it
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
		return ev.applyInner(p.nat, nargs, nil, env, "")
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
			r, err := c.ev.apply(f, []any{x}, nil, c.env)
			if err != nil {
				return nil, err
			}
			return c.ev.apply(g, []any{r}, nil, c.env)
		}}, nil
	}
	return ev.apply(fn, []any{lhs}, input, env)
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
	switch x := v.(type) {
	case *arr:
		out := &arr{items: make([]any, len(x.items))}
		for i, e := range x.items {
			out.items[i] = deepClone(e)
		}
		return out
	case *Object:
		vals := x.values()
		o := &Object{keys: slices.Clone(x.keys), vals: make([]any, len(vals)), index: x.index}
		for i, e := range vals {
			o.vals[i] = deepClone(e)
		}
		if o.index != nil {
			o.reindex() // the clone's own: Set on it must not change the source's
		}
		return o
	}
	return v
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
		o.Set("start", float64(m.start16))
		o.Set("end", float64(m.end16))
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
		return matcher([]rune(s), from)
	}
}
