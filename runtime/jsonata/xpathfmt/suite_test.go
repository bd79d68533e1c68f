package xpathfmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// The JSONata 2.0.6 test suite's cases for these functions, read from the
// shared copy of the suite. Their expressions are JSONata; a small
// evaluator below runs the ones made of literals, calls to these
// functions, ~> chains, arithmetic and blocks with variables, and skips
// (listing them) the ones that need the engine.

var suiteGroups = []string{
	"function-formatNumber", "function-formatInteger", "function-parseInteger",
	"function-formatBase", "function-fromMillis", "function-tomillis",
}

// suiteNow is $now() for the suite's $toMillis calls; the cases that
// depend on it compare with $now() and are skipped.
var suiteNow = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)

func suiteDir() string {
	if d := os.Getenv("JSONATA_SUITE"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "jsonata-suite")
}

type suiteCase struct {
	Expr            string          `json:"expr"`
	Data            json.RawMessage `json:"data"`
	Dataset         *string         `json:"dataset"`
	Result          json.RawMessage `json:"result"`
	UndefinedResult bool            `json:"undefinedResult"`
	Code            string          `json:"code"`
}

func TestSuite(t *testing.T) {
	dir := suiteDir()
	if _, err := os.Stat(filepath.Join(dir, "groups")); err != nil {
		t.Skipf("JSONata test suite not found at %s (set JSONATA_SUITE)", dir)
	}
	for _, group := range suiteGroups {
		t.Run(group, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join(dir, "groups", group, "*.json"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no cases for %s: %v", group, err)
			}
			var ran, passed int
			var skipped []string
			for _, file := range files {
				for i, c := range readSuiteCases(t, file) {
					name := strings.TrimSuffix(filepath.Base(file), ".json")
					if strings.HasPrefix(strings.TrimSpace(readFile(t, file)), "[") {
						name += fmt.Sprintf("#%03d", i)
					}
					ok, why := runSuiteCase(t, dir, name, c)
					if why != "" {
						skipped = append(skipped, fmt.Sprintf("%s (%s): %s", name, why, c.Expr))
						continue
					}
					ran++
					if ok {
						passed++
					}
				}
			}
			t.Logf("%s: passed %d of %d runnable cases; skipped %d", group, passed, ran, len(skipped))
			for _, s := range skipped {
				t.Logf("  skipped %s", s)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readSuiteCases(t *testing.T, path string) []suiteCase {
	t.Helper()
	text := readFile(t, path)
	if strings.HasPrefix(strings.TrimSpace(text), "[") {
		var cs []suiteCase
		if err := json.Unmarshal([]byte(text), &cs); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return cs
	}
	var c suiteCase
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []suiteCase{c}
}

// runSuiteCase evaluates one case, reporting a failure through t; why is
// not empty when the case needs the engine and was skipped.
func runSuiteCase(t *testing.T, dir, name string, c suiteCase) (ok bool, why string) {
	var data any
	switch {
	case c.Dataset != nil:
		raw := readFile(t, filepath.Join(dir, "datasets", *c.Dataset+".json"))
		if err := json.Unmarshal([]byte(raw), &data); err != nil {
			t.Fatal(err)
		}
	case len(c.Data) > 0:
		if err := json.Unmarshal(c.Data, &data); err != nil {
			t.Fatal(err)
		}
	}
	ev := &evaluator{data: data, vars: map[string]any{}}
	got, err := ev.run(c.Expr)
	var unsupported errUnsupported
	if errors.As(err, &unsupported) {
		return false, string(unsupported)
	}
	fail := func(format string, args ...any) (bool, string) {
		t.Errorf("%s: %s: "+format, append([]any{name, c.Expr}, args...)...)
		return false, ""
	}
	switch {
	case c.Code != "":
		var xe *Error
		if !errors.As(err, &xe) {
			return fail("want error %s, got %v, %v", c.Code, show(got), err)
		}
		if xe.Code != c.Code {
			return fail("want error %s, got %s (%s)", c.Code, xe.Code, xe.Message)
		}
	case err != nil:
		return fail("unexpected error %v", err)
	case c.UndefinedResult:
		if got != nil {
			return fail("want undefined, got %s", show(got))
		}
	default:
		var want any
		if err := json.Unmarshal(c.Result, &want); err != nil {
			t.Fatal(err)
		}
		switch want.(type) {
		case string, float64, bool:
		default:
			return false, "result is not a string, number or boolean"
		}
		if got != want {
			return fail("want %s, got %s", show(want), show(got))
		}
	}
	return true, ""
}

func show(v any) string {
	if v == nil {
		return "undefined"
	}
	if f, ok := v.(float64); ok {
		return jsNumberString(f)
	}
	return fmt.Sprintf("%q", v)
}

// errUnsupported says an expression needs the JSONata engine.
type errUnsupported string

func (e errUnsupported) Error() string { return string(e) }

// evaluator runs the subset of JSONata the suite's cases for these
// functions mostly use: literals, calls, ~>, =, arithmetic, blocks and
// variables, and $now, $substringBefore and $substringAfter besides this
// package's functions. Values are nil (undefined), float64, string, bool
// and map[string]any.
type evaluator struct {
	toks []string
	pos  int
	data any
	vars map[string]any
}

func (ev *evaluator) run(expr string) (any, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return nil, err
	}
	ev.toks = toks
	v, err := ev.block(true)
	if err != nil {
		return nil, err
	}
	if ev.pos != len(ev.toks) {
		return nil, errUnsupported("syntax at " + ev.peek())
	}
	return v, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		ch := rs[i]
		switch {
		case unicode.IsSpace(ch):
			i++
		case ch == '"' || ch == '\'':
			j := i + 1
			var b strings.Builder
			for ; j < len(rs) && rs[j] != ch; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
					switch rs[j] {
					case 'n':
						b.WriteRune('\n')
					case 't':
						b.WriteRune('\t')
					case 'u':
						n, _ := strconv.ParseUint(string(rs[j+1:j+5]), 16, 32)
						b.WriteRune(rune(n))
						j += 4
					default:
						b.WriteRune(rs[j])
					}
					continue
				}
				b.WriteRune(rs[j])
			}
			toks = append(toks, "\x00"+b.String()) // a string literal
			i = j + 1
		case unicode.IsDigit(ch):
			j := i
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				((rs[j] == '+' || rs[j] == '-') && (rs[j-1] == 'e' || rs[j-1] == 'E'))) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		case ch == '$' || unicode.IsLetter(ch) || ch == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_') {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		case i+1 < len(rs) && (string(rs[i:i+2]) == "~>" || string(rs[i:i+2]) == ":="):
			toks = append(toks, string(rs[i:i+2]))
			i += 2
		case strings.ContainsRune("(){},:;*/+-=", ch):
			toks = append(toks, string(ch))
			i++
		default:
			return nil, errUnsupported("operator " + string(ch))
		}
	}
	return toks, nil
}

func (ev *evaluator) peek() string {
	if ev.pos < len(ev.toks) {
		return ev.toks[ev.pos]
	}
	return ""
}

func (ev *evaluator) next() string { t := ev.peek(); ev.pos++; return t }

func (ev *evaluator) expect(tok string) error {
	if ev.next() != tok {
		return errUnsupported("syntax: expected " + tok)
	}
	return nil
}

// block is expr (; expr)*, the value of the last.
func (ev *evaluator) block(top bool) (any, error) {
	var v any
	for {
		if !top && ev.peek() == ")" {
			return v, nil
		}
		var err error
		if v, err = ev.expr(); err != nil {
			return nil, err
		}
		if ev.peek() != ";" {
			return v, nil
		}
		ev.next()
	}
}

func (ev *evaluator) expr() (any, error) {
	if strings.HasPrefix(ev.peek(), "$") && ev.pos+1 < len(ev.toks) && ev.toks[ev.pos+1] == ":=" {
		name := ev.next()
		ev.next()
		v, err := ev.expr()
		if err != nil {
			return nil, err
		}
		ev.vars[name] = v
		return v, nil
	}
	v, err := ev.additive()
	if err != nil {
		return nil, err
	}
	for ev.peek() == "~>" || ev.peek() == "=" {
		if ev.next() == "=" { // = and ~> bind equally tightly, from the left
			r, err := ev.additive()
			if err != nil {
				return nil, err
			}
			v = v == r
			continue
		}
		fn := ev.next()
		if !strings.HasPrefix(fn, "$") {
			return nil, errUnsupported("~> to a non-function")
		}
		args := []any{v}
		if ev.peek() == "(" {
			more, err := ev.args()
			if err != nil {
				return nil, err
			}
			args = append(args, more...)
		}
		if v, err = call(fn, args); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (ev *evaluator) additive() (any, error) {
	v, err := ev.term()
	for err == nil && (ev.peek() == "+" || ev.peek() == "-") {
		op := ev.next()
		var r any
		if r, err = ev.term(); err == nil {
			v, err = arith(op, v, r)
		}
	}
	return v, err
}

func (ev *evaluator) term() (any, error) {
	v, err := ev.unary()
	for err == nil && (ev.peek() == "*" || ev.peek() == "/") {
		op := ev.next()
		var r any
		if r, err = ev.unary(); err == nil {
			v, err = arith(op, v, r)
		}
	}
	return v, err
}

func arith(op string, l, r any) (any, error) {
	a, ok1 := l.(float64)
	b, ok2 := r.(float64)
	if !ok1 || !ok2 {
		return nil, errUnsupported("arithmetic on non-numbers")
	}
	switch op {
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	}
	return a / b, nil
}

func (ev *evaluator) unary() (any, error) {
	if ev.peek() == "-" {
		ev.next()
		v, err := ev.unary()
		if err != nil {
			return nil, err
		}
		return arith("-", 0.0, v)
	}
	return ev.primary()
}

func (ev *evaluator) primary() (any, error) {
	tok := ev.next()
	switch {
	case tok == "":
		return nil, errUnsupported("syntax: unexpected end")
	case strings.HasPrefix(tok, "\x00"):
		return tok[1:], nil
	case unicode.IsDigit(rune(tok[0])):
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, errUnsupported("number " + tok)
		}
		return f, nil
	case tok == "(":
		v, err := ev.block(false)
		if err != nil {
			return nil, err
		}
		return v, ev.expect(")")
	case tok == "{":
		obj := map[string]any{}
		for ev.peek() != "}" {
			k, err := ev.primary()
			if err != nil {
				return nil, err
			}
			key, ok := k.(string)
			if !ok {
				return nil, errUnsupported("object key")
			}
			if err := ev.expect(":"); err != nil {
				return nil, err
			}
			if obj[key], err = ev.expr(); err != nil {
				return nil, err
			}
			if ev.peek() == "," {
				ev.next()
			}
		}
		ev.next()
		return obj, nil
	case strings.HasPrefix(tok, "$"):
		if ev.peek() == "(" {
			args, err := ev.args()
			if err != nil {
				return nil, err
			}
			return call(tok, args)
		}
		return ev.vars[tok], nil
	case unicode.IsLetter(rune(tok[0])):
		if ev.peek() == "." || ev.peek() == "[" {
			return nil, errUnsupported("path")
		}
		if m, ok := ev.data.(map[string]any); ok {
			return m[tok], nil
		}
		return nil, nil
	}
	return nil, errUnsupported("syntax at " + tok)
}

func (ev *evaluator) args() ([]any, error) {
	ev.next() // (
	var args []any
	for ev.peek() != ")" {
		v, err := ev.expr()
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		if ev.peek() == "," {
			ev.next()
		}
	}
	ev.next()
	return args, nil
}

// call runs one of this package's functions as the engine would: an
// undefined first argument gives undefined, absent optional arguments are
// nil.
func call(fn string, args []any) (any, error) {
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	str := func(i int) *string {
		if s, ok := arg(i).(string); ok {
			return &s
		}
		return nil
	}
	switch fn {
	case "$formatNumber", "$formatInteger", "$parseInteger", "$formatBase", "$fromMillis", "$toMillis":
	case "$now":
		return wrap(FromMillis(float64(suiteNow.UnixMilli()), nil, nil))
	case "$substringBefore", "$substringAfter":
		text, _ := arg(0).(string)
		sep := *str(1)
		before, after, found := strings.Cut(text, sep)
		switch {
		case !found:
			return text, nil
		case fn == "$substringBefore":
			return before, nil
		}
		return after, nil
	default:
		return nil, errUnsupported("function " + fn)
	}
	if arg(0) == nil {
		return nil, nil
	}
	num, _ := arg(0).(float64)
	text, _ := arg(0).(string)
	switch fn {
	case "$formatNumber":
		var opts map[string]string
		if o, ok := arg(2).(map[string]any); ok {
			opts = map[string]string{}
			for k, v := range o {
				opts[k], _ = v.(string)
			}
		}
		return wrap(FormatNumber(num, *str(1), opts))
	case "$formatInteger":
		return wrap(FormatInteger(num, *str(1)))
	case "$parseInteger":
		v, err := ParseInteger(text, *str(1))
		if err != nil {
			return nil, err
		}
		return v, nil
	case "$formatBase":
		radix := 10.0
		if r, ok := arg(1).(float64); ok {
			radix = r
		}
		return wrap(FormatBase(num, radix))
	case "$fromMillis":
		return wrap(FromMillis(num, str(1), str(2)))
	}
	v, ok, err := ToMillis(text, str(1), suiteNow)
	if err != nil || !ok {
		return nil, err
	}
	return v, nil
}

func wrap(s string, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
