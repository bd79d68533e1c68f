package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// A breakpoint's condition (resource.Breakpoint.Condition) is checked on the input of the state
// it sits on: "" always holds; "{% expr %}" is a JSONata expression over $states.input; anything
// else is a JSONPath test "<path> <op> <literal>". The studio checks a condition when it is
// saved and the engine evaluates it before the state, both through ParseBreakpointCondition.

// ParseBreakpointCondition compiles a breakpoint's condition into a predicate on a state's input.
// The input may be the runtime's own value or plain JSON values (maps, float64, a json.RawMessage).
// The error says what is wrong with the condition, for the user who wrote it.
func ParseBreakpointCondition(cond string) (func(input any) (bool, error), error) {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return func(any) (bool, error) { return true, nil }, nil
	}
	if _, ok := jsonataExpression(cond); ok {
		return parseJSONataCondition(cond)
	}
	return parsePathTest(cond)
}

// parseJSONataCondition compiles "{% expr %}". Only $states.input is bound when it runs: a
// breakpoint is checked before the state, where nothing else of $states exists yet.
func parseJSONataCondition(cond string) (func(any) (bool, error), error) {
	var problems []string
	t := compileJSONata(cond, "Condition", func(_, _, msg string) { problems = append(problems, msg) })
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid JSONata expression: %s", strings.Join(problems, "; "))
	}
	if t.expr == nil {
		return nil, errors.New("the JSONata expression is empty")
	}
	return func(input any) (bool, error) {
		in, err := runtimeValue(input)
		if err != nil {
			return false, err
		}
		env := newJSONataEnv(map[string]any{"input": in}, nil, nil, jsonata.Limits{Now: time.Now()})
		env.bind(t)
		r, err := t.expr.EvalWithLimits(jsonata.Undefined, env.bindings, env.lim)
		if err != nil {
			return false, fmt.Errorf("the condition %s failed: %w", cond, err)
		}
		if r == jsonata.Undefined {
			return false, nil // as a missing path: nothing to match
		}
		b, ok := r.(bool)
		if !ok {
			v, _ := fromJSONata(r)
			return false, fmt.Errorf("the condition %s gave %s, not true or false", cond, jsonText(v))
		}
		return b, nil
	}, nil
}

// pathTestOps are a JSONPath test's operators, the two-character ones first so "<=" is not
// read as "<".
var pathTestOps = []string{"==", "!=", "<=", ">=", "<", ">"}

// parsePathTest compiles "<path> <op> <literal>", such as "$.amount > 100" or
// "$.kind == 'refund'": the path must name one value of the input, the literal is a number, a
// quoted string ('…' or "…"), true, false or null.
func parsePathTest(cond string) (func(any) (bool, error), error) {
	at := pathTestOperator(cond)
	if at < 0 {
		return nil, errors.New(`a condition is a JSONPath test such as "$.amount > 100" (operators == != < <= > >=) or a JSONata expression {% … %}`)
	}
	var op string
	for _, o := range pathTestOps {
		if strings.HasPrefix(cond[at:], o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, fmt.Errorf("%q is not an operator: use == != < <= > or >=", cond[at:min(at+2, len(cond))])
	}
	pathText, litText := strings.TrimSpace(cond[:at]), strings.TrimSpace(cond[at+len(op):])
	p, err := compilePath(pathText, false)
	if err != nil {
		return nil, fmt.Errorf("the path %q is invalid: %v", pathText, err)
	}
	if p.variable != "" {
		return nil, fmt.Errorf("the path %q reads a variable: a condition reads the state's input, from $", pathText)
	}
	if !p.Definite() {
		return nil, fmt.Errorf("the path %q can match several values: name one (no wildcards, slices or filters)", pathText)
	}
	if litText == "" {
		return nil, fmt.Errorf("nothing to compare %s with after %s", pathText, op)
	}
	lit, err := pathTestLiteral(litText)
	if err != nil {
		return nil, err
	}
	if (op != "==" && op != "!=") && !isNumberOrString(lit) {
		return nil, fmt.Errorf("%s compares numbers or strings, not %s", op, litText)
	}
	return func(input any) (bool, error) {
		in, err := runtimeValue(input)
		if err != nil {
			return false, err
		}
		v, err := p.find(in)
		if err != nil {
			return false, nil // a missing path: the test does not hold
		}
		return pathTestHolds(v, op, lit), nil
	}, nil
}

// pathTestOperator is where the test's operator starts: the first of = ! < > outside the
// path's brackets and quotes, or -1.
func pathTestOperator(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case depth == 0 && strings.IndexByte("=!<>", c) >= 0:
			return i
		}
	}
	return -1
}

// pathTestLiteral reads the right-hand side of a JSONPath test.
func pathTestLiteral(s string) (any, error) {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		// Single quotes as in JSONPath filters: \' and \\ are the only escapes.
		body := s[1 : len(s)-1]
		var b strings.Builder
		for i := 0; i < len(body); i++ {
			c := body[i]
			if c == '\\' && i+1 < len(body) && (body[i+1] == '\'' || body[i+1] == '\\') {
				i++
				c = body[i]
			} else if c == '\'' {
				return nil, fmt.Errorf("the string %s has an unescaped quote: write \\'", s)
			}
			b.WriteByte(c)
		}
		return b.String(), nil
	}
	v, err := decodeJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%s is not a number, a quoted string, true, false or null", s)
	}
	switch v.(type) {
	case nil, bool, string, json.Number:
		return v, nil
	}
	return nil, fmt.Errorf("%s is not a number, a quoted string, true, false or null", s)
}

func isNumberOrString(v any) bool {
	switch v.(type) {
	case json.Number, string:
		return true
	}
	return false
}

// pathTestHolds compares the value found with the literal: == and != as JSON values (numbers by
// value), the others only between two numbers or two strings (anything else does not hold).
func pathTestHolds(v any, op string, lit any) bool {
	switch op {
	case "==":
		return jsonEqual(v, lit)
	case "!=":
		return !jsonEqual(v, lit)
	}
	var c int
	switch x := v.(type) {
	case json.Number:
		y, ok := lit.(json.Number)
		if !ok {
			return false
		}
		var err error
		if c, err = compareNumbers(x, y); err != nil {
			return false
		}
	case string:
		y, ok := lit.(string)
		if !ok {
			return false
		}
		c = compareUTF16(x, y)
	default:
		return false
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default:
		return c >= 0
	}
}

// runtimeValue is v as the runtime holds JSON: its own values pass through; plain Go JSON
// (maps, float64, json.RawMessage, []byte) is re-read through its JSON text.
func runtimeValue(v any) (any, error) {
	switch t := v.(type) {
	case json.RawMessage:
		return decodeJSON(t)
	case []byte:
		return decodeJSON(t)
	}
	if isRuntimeValue(v) {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("runtime: breakpoint input is not JSON: %w", err)
	}
	return decodeJSON(b)
}

func isRuntimeValue(v any) bool {
	switch t := v.(type) {
	case nil, bool, string, json.Number, *object:
		return true
	case []any:
		for _, e := range t {
			if !isRuntimeValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
