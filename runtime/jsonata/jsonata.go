package jsonata

import (
	"errors"
	"fmt"
	"time"
)

// Expr is a compiled expression. It is immutable and safe for concurrent use.
type Expr struct {
	src string
	ast *node
}

// Limits bound one evaluation. Zero values mean the defaults.
type Limits struct {
	// Depth is the deepest nesting of evaluation allowed before U1001.
	Depth int
	// Timeout is how long evaluation may run before U1002; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Now is the time $now() and $millis() report; zero means the wall clock.
	Now time.Time
	// Globals are bindings shared by many evaluations, such as a host's added functions
	// (NewGlobals): looked up after the call's own bindings.
	Globals *Globals
}

// Globals are bindings made once and shared by many evaluations, concurrent ones too.
type Globals struct{ f *frame }

// NewGlobals converts bindings (functions, values of the external model) once.
func NewGlobals(bindings map[string]any) *Globals {
	f := newFrame(builtins)
	for k, v := range bindings {
		if len(k) > 1 && k[0] == '$' {
			k = k[1:]
		}
		f.bind(k, toInternal(v))
	}
	return &Globals{f: f}
}

// DefaultDepth is the evaluation depth allowed when Limits.Depth is zero; it
// keeps a runaway non-tail recursion from exhausting the Go stack.
const DefaultDepth = 10000

// DefaultTimeout is how long an evaluation may run when Limits.Timeout is
// zero, so that an endless tail recursion cannot hang its caller.
const DefaultTimeout = 10 * time.Second

// Compile parses an expression once.
func Compile(expr string) (*Expr, error) {
	ast, err := parse(expr)
	if err != nil {
		var x *Error
		if errors.As(err, &x) {
			x.populate()
			return nil, x
		}
		return nil, err
	}
	return &Expr{src: expr, ast: ast}, nil
}

// MustCompile is Compile that panics on error, for expressions in code.
func MustCompile(expr string) *Expr {
	e, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the expression's source text.
func (e *Expr) String() string { return e.src }

// Eval evaluates against input (a JSON value in this package's model, or
// Undefined) with per-call bindings (name or $name -> value, GoFunc or
// Function); it returns Undefined for no result. The input and bindings are
// copied, never modified, and the result shares nothing with them.
func (e *Expr) Eval(input any, bindings map[string]any) (any, error) {
	return e.EvalWithLimits(input, bindings, Limits{})
}

// EvalWithLimits is Eval with depth, time and clock limits.
func (e *Expr) EvalWithLimits(input any, bindings map[string]any, lim Limits) (result any, err error) {
	return e.evalTraced(input, bindings, lim, nil)
}

// evalTrace records what an evaluation did that jsonata.js does otherwise
// in ways this package does not follow, so that a test comparing the two
// can tell a known difference from a new one.
type evalTrace struct {
	// insideFunction: a path step or $keys, $lookup, $spread or $merge
	// looked inside a function value, which is opaque here and an object
	// with fields in jsonata.js
	insideFunction bool
}

// evalTraced is EvalWithLimits that fills tr when it is not nil.
func (e *Expr) evalTraced(input any, bindings map[string]any, lim Limits, tr *evalTrace) (result any, err error) {
	defer func() {
		// a bug in the engine must not take down the process that embeds it
		if p := recover(); p != nil {
			result, err = nil, fmt.Errorf("jsonata: internal error evaluating %q: %v", e.src, p)
		}
	}()
	ev := &evaluator{maxDepth: lim.Depth, now: lim.Now, trace: tr}
	if ev.maxDepth <= 0 {
		ev.maxDepth = DefaultDepth
	}
	if lim.Timeout <= 0 {
		lim.Timeout = DefaultTimeout
	}
	ev.timed = true
	ev.deadline = time.Now().Add(lim.Timeout)
	if ev.now.IsZero() {
		ev.now = time.Now()
	}
	globals := builtins
	if lim.Globals != nil {
		globals = lim.Globals.f
	}
	env := newFrame(globals)
	env.ext = bindings // "$states" and "states" both bind $states; converted when read
	in := toInternal(input)
	env.bind("$", in)
	if a, ok := in.(*arr); ok && !a.seq {
		in = &arr{items: []any{a}, seq: true, outerWrapper: true}
	}
	r, err := ev.eval(e.ast, in, env)
	if err != nil {
		var x *Error
		if errors.As(err, &x) {
			x.populate()
			if x.Value != nil {
				x.Value = toExternal(x.Value)
			}
			return nil, x
		}
		return nil, err
	}
	if r == nil {
		return Undefined, nil
	}
	return toExternal(r), nil
}

// NewFunction makes a function to bind in Eval's bindings, with a JSONata
// signature (such as "<a<j>n:a>") that its arguments are checked against as
// the built-ins' are: a mismatch is T0410/T0412, and a "-" parameter takes
// the context value when left out. fn receives external values; Undefined
// stands for a missing argument.
func NewFunction(name, signature string, fn GoFunc) (Function, error) {
	f := toInternal(fn).(*native)
	f.name = name
	if signature != "" {
		s, err := parseSignature(signature)
		if err != nil {
			err.populate()
			return nil, err
		}
		f.sig = s
		f.arity = len(s.params)
	}
	return f, nil
}
