package runtime

import (
	"encoding/json"
	"fmt"
	"strings"
)

// An intrinsic function call such as States.Format('Hello {}', $.name) is compiled once, when
// the definition is parsed, into a small tree; running a state only walks that tree. Every
// problem that can be seen in the text (syntax, unknown function, argument count, more than
// AWS's 10 calls) is therefore a definition error, and the run-time errors are the ones
// that depend on the data.

// maxIntrinsicCalls is AWS's limit on the intrinsic functions in one field ("You can nest up
// to 10 intrinsic functions within a field"; AWS's own nine-call example counts the outer
// States.Format).
const maxIntrinsicCalls = 10

// intrinsic is a compiled intrinsic expression.
type intrinsic struct {
	text string // as written: AWS quotes the whole expression in its cause texts
	call *intrinsicCall
}

// intrinsicCall is one call in the tree.
type intrinsicCall struct {
	fn   *intrinsicFunc
	args []*intrinsicArg
}

// readsContext reports whether a path among the call's arguments, or its calls', reads $$.
func (c *intrinsicCall) readsContext() bool {
	for _, a := range c.args {
		if a.kind == argPath && a.path.context || a.kind == argCall && a.call.readsContext() {
			return true
		}
	}
	return false
}

type intrinsicArgKind int

const (
	argLiteral  intrinsicArgKind = iota // 'text', a number, true, false, null
	argPath                             // $... over the input, $$... over the context object
	argVariable                         // $name...
	argCall                             // a nested call
)

// intrinsicArg is one argument of a call.
type intrinsicArg struct {
	kind  intrinsicArgKind
	value any // argLiteral: string, json.Number, bool or nil
	// format is a string literal read as a States.Format template, escapes and all: the
	// escapes \{ and \} must survive into the template, where they keep a brace from being
	// a placeholder. Only the first argument of States.Format has one.
	format *formatTemplate
	text   string // argPath and argVariable: the reference as written
	path   *Path  // argPath; argVariable: what follows the name, as a path from "$"
	name   string // argVariable
	call   *intrinsicCall
}

// compileIntrinsic compiles an intrinsic expression. Its error says what is wrong and where,
// for a definition diagnostic.
func compileIntrinsic(text string) (*intrinsic, error) {
	p := &intrinsicParser{s: text}
	call, err := p.call()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return nil, fmt.Errorf("unexpected %q after the end of the call at position %d", p.s[p.pos], p.pos)
	}
	return &intrinsic{text: text, call: call}, nil
}

// intrinsicParser reads an expression left to right; pos is a byte offset into s.
type intrinsicParser struct {
	s     string
	pos   int
	calls int
}

func (p *intrinsicParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// call reads States.Name(arg, ...). Counting calls as they are met also bounds the
// recursion, so a deeply nested text cannot exhaust the stack.
func (p *intrinsicParser) call() (*intrinsicCall, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && (isIdentByte(p.s[p.pos]) || p.s[p.pos] == '.') {
		p.pos++
	}
	name := p.s[start:p.pos]
	if name == "" {
		return nil, p.unexpected("a function name")
	}
	fn, ok := intrinsicFuncs[name]
	if !ok {
		if !strings.HasPrefix(name, "States.") {
			return nil, fmt.Errorf("%q at position %d is not an intrinsic function: they are named States.<Function>", name, start)
		}
		return nil, fmt.Errorf("%s is not an intrinsic function (position %d)", name, start)
	}
	p.calls++
	if p.calls > maxIntrinsicCalls {
		return nil, fmt.Errorf("more than %d intrinsic functions in one field (the %s at position %d is the %dth)",
			maxIntrinsicCalls, name, start, p.calls)
	}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '(' {
		return nil, p.unexpected("'(' after " + name)
	}
	p.pos++
	call := &intrinsicCall{fn: fn}
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ')' {
		p.pos++
	} else {
		for {
			arg, err := p.arg(fn, len(call.args))
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, arg)
			p.skipSpace()
			if p.pos >= len(p.s) {
				return nil, fmt.Errorf("the call to %s that opens at position %d is not closed with ')'", name, start)
			}
			if p.s[p.pos] == ')' {
				p.pos++
				break
			}
			if p.s[p.pos] != ',' {
				return nil, p.unexpected("',' or ')'")
			}
			p.pos++
		}
	}
	if n := len(call.args); n < fn.min || fn.max >= 0 && n > fn.max {
		return nil, fmt.Errorf("%s takes %s, not %d", name, fn.arity(), n)
	}
	return call, nil
}

// arg reads the i-th argument of a call to fn.
func (p *intrinsicParser) arg(fn *intrinsicFunc, i int) (*intrinsicArg, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, p.unexpected("an argument")
	}
	switch c := p.s[p.pos]; {
	case c == '\'':
		raw, value, err := p.stringLiteral()
		if err != nil {
			return nil, err
		}
		arg := &intrinsicArg{kind: argLiteral, value: value}
		if fn.name == "States.Format" && i == 0 {
			// A bad template is AWS's run-time error, not a definition error: keep it.
			arg.format = parseFormatTemplate(raw)
		}
		return arg, nil
	case c == '$':
		return p.reference()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == ')' || c == ',':
		return nil, p.unexpected("an argument")
	case isIdentByte(c):
		start := p.pos
		for p.pos < len(p.s) && isIdentByte(p.s[p.pos]) {
			p.pos++
		}
		word := p.s[start:p.pos]
		switch word {
		case "true":
			return &intrinsicArg{kind: argLiteral, value: true}, nil
		case "false":
			return &intrinsicArg{kind: argLiteral, value: false}, nil
		case "null":
			return &intrinsicArg{kind: argLiteral, value: nil}, nil
		}
		p.pos = start
		call, err := p.call()
		if err != nil {
			return nil, err
		}
		return &intrinsicArg{kind: argCall, call: call}, nil
	}
	return nil, p.unexpected("an argument")
}

// stringLiteral reads '...'. raw is the text between the quotes as written; value has the
// escapes \' \{ \} \\ resolved. Any other backslash is AWS's "open escape", an error.
func (p *intrinsicParser) stringLiteral() (raw, value string, err error) {
	start := p.pos
	p.pos++ // the opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch c {
		case '\'':
			raw = p.s[start+1 : p.pos]
			p.pos++
			return raw, b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.s) || strings.IndexByte(`'{}\`, p.s[p.pos+1]) < 0 {
				return "", "", fmt.Errorf("the backslash at position %d escapes nothing: only \\', \\{, \\} and \\\\ are escapes", p.pos)
			}
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", "", fmt.Errorf("the string that opens at position %d is not closed with '", start)
}

// number reads a JSON number and keeps its text, as numbers elsewhere in the runtime.
func (p *intrinsicParser) number() (*intrinsicArg, error) {
	start := p.pos
	i := p.pos
	if p.s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(p.s) && p.s[i] >= '0' && p.s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if digits() == 0 || p.s[intStart] == '0' && i-intStart > 1 {
		return nil, fmt.Errorf("invalid number at position %d", start)
	}
	if i < len(p.s) && p.s[i] == '.' {
		i++
		if digits() == 0 {
			return nil, fmt.Errorf("invalid number at position %d", start)
		}
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		i++
		if i < len(p.s) && (p.s[i] == '+' || p.s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, fmt.Errorf("invalid number at position %d", start)
		}
	}
	if i < len(p.s) && (isIdentByte(p.s[i]) || p.s[i] == '.') {
		return nil, fmt.Errorf("invalid number at position %d", start)
	}
	p.pos = i
	return &intrinsicArg{kind: argLiteral, value: json.Number(p.s[start:i])}, nil
}

// reference reads a path ($..., $$...) or a variable reference ($name...). It ends at a
// ',' or ')' or blank outside brackets; brackets may hold anything, quoted text included,
// so filters and names with blanks need no escaping.
func (p *intrinsicParser) reference() (*intrinsicArg, error) {
	start := p.pos
	depth := 0
	var quote byte
	i := p.pos
scan:
	for i < len(p.s) {
		c := p.s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth > 0 && (c == '\'' || c == '"'):
			quote = c
		case depth <= 0 && (c == ',' || c == ')' || strings.IndexByte(" \t\n\r", c) >= 0):
			break scan
		}
		i++
	}
	if i > len(p.s) {
		i = len(p.s)
	}
	text := p.s[start:i]
	p.pos = i
	if len(text) > 1 && text[1] != '$' && text[1] != '.' && text[1] != '[' {
		n := 1
		for n < len(text) && isIdentByte(text[n]) {
			n++
		}
		if n == 1 || text[1] >= '0' && text[1] <= '9' {
			return nil, fmt.Errorf("%q at position %d is neither a JSONPath nor a variable reference", text, start)
		}
		path, err := compilePath("$"+text[n:], false)
		if err != nil {
			return nil, fmt.Errorf("the variable reference %q at position %d is not valid: %v", text, start, err)
		}
		return &intrinsicArg{kind: argVariable, text: text, name: text[1:n], path: path}, nil
	}
	path, err := compilePath(text, true)
	if err != nil {
		return nil, fmt.Errorf("the JSONPath %q at position %d is not valid: %v", text, start, err)
	}
	return &intrinsicArg{kind: argPath, text: text, path: path}, nil
}

func (p *intrinsicParser) unexpected(want string) error {
	if p.pos >= len(p.s) {
		return fmt.Errorf("expected %s at position %d, found the end", want, p.pos)
	}
	return fmt.Errorf("expected %s at position %d, found %q", want, p.pos, p.s[p.pos])
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// formatTemplate is a States.Format template cut into literal text and placeholders.
type formatTemplate struct {
	parts []string // literal text; a placeholder sits between each two parts
	// err is AWS's complaint about a brace that is neither escaped nor half of "{}"; it is
	// reported when the call runs.
	err string
}

// parseFormatTemplate reads a template: "{}" is a placeholder and a backslash takes the next
// character literally, so \{ and \} are braces in the text. A lone brace is an error.
func parseFormatTemplate(s string) *formatTemplate {
	t := &formatTemplate{}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '{' && i+1 < len(s) && s[i+1] == '}':
			t.parts = append(t.parts, b.String())
			b.Reset()
			i++
		case c == '{':
			t.err = "matching '}' not found for '{'."
			return t
		case c == '}':
			t.err = "matching '{' not found for '}'."
			return t
		default:
			b.WriteByte(c)
		}
	}
	t.parts = append(t.parts, b.String())
	return t
}

// placeholders is how many "{}" the template holds.
func (t *formatTemplate) placeholders() int { return len(t.parts) - 1 }
