package runtime

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Filters ([?(...)]) follow Jayway's inline predicates: comparisons (== != < <= > >= =~)
// between `@` paths (the current element), `$` paths (the whole data) and literals, `&&`,
// `||`, `!`, parentheses, and a lone path as an existence test.

type filterExpr interface {
	test(node, root any) bool
}

type orFilter []filterExpr

func (f orFilter) test(node, root any) bool {
	for _, e := range f {
		if e.test(node, root) {
			return true
		}
	}
	return false
}

type andFilter []filterExpr

func (f andFilter) test(node, root any) bool {
	for _, e := range f {
		if !e.test(node, root) {
			return false
		}
	}
	return true
}

type notFilter struct{ e filterExpr }

func (f notFilter) test(node, root any) bool { return !f.e.test(node, root) }

type filterOperand struct {
	path     *Path // nil for a literal
	relative bool  // @ rather than $
	literal  any
	regex    *regexp.Regexp
}

// value returns the operand's value and whether there is one.
func (o filterOperand) value(node, root any) (any, bool) {
	if o.path == nil {
		return o.literal, true
	}
	base := root
	if o.relative {
		base = node
	}
	v, err := o.path.find(base)
	if err != nil {
		return nil, false
	}
	if !o.path.Definite() && len(v.([]any)) == 0 {
		return nil, false
	}
	return v, true
}

type compareFilter struct {
	left, right filterOperand
	op          string // "" tests that left exists (and is not false)
}

func (f compareFilter) test(node, root any) bool {
	l, lok := f.left.value(node, root)
	if f.op == "" {
		if f.left.path == nil {
			b, ok := l.(bool)
			return ok && b
		}
		return lok
	}
	if f.op == "=~" {
		s, ok := l.(string)
		return lok && ok && f.right.regex != nil && f.right.regex.MatchString(s)
	}
	r, rok := f.right.value(node, root)
	if !lok || !rok {
		return f.op == "!="
	}
	switch f.op {
	case "==":
		return filterEqual(l, r)
	case "!=":
		return !filterEqual(l, r)
	}
	c, ok := filterCompare(l, r)
	if !ok {
		return false
	}
	switch f.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// filterEqual compares as Jayway's value nodes do: a number equals a string that holds the
// same number.
func filterEqual(a, b any) bool {
	if an, ok := a.(json.Number); ok {
		if bs, ok := b.(string); ok {
			b = json.Number(bs)
		}
		bn, ok := b.(json.Number)
		if !ok {
			return false
		}
		c, err := compareNumbers(an, bn)
		return err == nil && c == 0
	}
	if _, ok := b.(json.Number); ok {
		return filterEqual(b, a)
	}
	return jsonEqual(a, b)
}

func filterCompare(a, b any) (int, bool) {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return 0, false
		}
		c, err := compareNumbers(x, y)
		return c, err == nil
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	}
	return 0, false
}

// filterParser is a small recursive-descent parser over the text inside [?( ... )].
type filterParser struct {
	s   string
	pos int
}

func parseFilter(s string) (filterExpr, error) {
	p := &filterParser{s: s}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.s[p.pos:], p.pos)
	}
	return e, nil
}

func (p *filterParser) space() { p.pos = skipSpaces(p.s, p.pos) }

func (p *filterParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *filterParser) or() (filterExpr, error) {
	var list orFilter
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.eat("||") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *filterParser) and() (filterExpr, error) {
	var list andFilter
	for {
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.eat("&&") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *filterParser) unary() (filterExpr, error) {
	p.space()
	if strings.HasPrefix(p.s[p.pos:], "!") && !strings.HasPrefix(p.s[p.pos:], "!=") {
		p.pos++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notFilter{e}, nil
	}
	if p.eat("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, fmt.Errorf("missing ')' at position %d", p.pos)
		}
		return e, nil
	}
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "=~", "<", ">"} {
		if p.eat(op) {
			if op == "=~" {
				re, err := p.regex()
				if err != nil {
					return nil, err
				}
				return compareFilter{left: left, op: op, right: filterOperand{regex: re}}, nil
			}
			right, err := p.operand()
			if err != nil {
				return nil, err
			}
			return compareFilter{left: left, right: right, op: op}, nil
		}
	}
	return compareFilter{left: left}, nil
}

func (p *filterParser) operand() (filterOperand, error) {
	p.space()
	if p.pos >= len(p.s) {
		return filterOperand{}, fmt.Errorf("missing operand at position %d", p.pos)
	}
	rest := p.s[p.pos:]
	switch c := rest[0]; {
	case c == '@' || c == '$':
		tokens, end, err := parseTokens(p.s, p.pos+1, true)
		if err != nil {
			return filterOperand{}, err
		}
		path := &Path{text: p.s[p.pos:end]}
		path.setTokens(tokens)
		p.pos = end
		return filterOperand{path: path, relative: c == '@'}, nil
	case c == '\'' || c == '"':
		var b strings.Builder
		i := 1
		for ; i < len(rest) && rest[i] != c; i++ {
			if rest[i] == '\\' && i+1 < len(rest) {
				i++
			}
			b.WriteByte(rest[i])
		}
		if i >= len(rest) {
			return filterOperand{}, fmt.Errorf("unclosed string at position %d", p.pos)
		}
		p.pos += i + 1
		return filterOperand{literal: b.String()}, nil
	case strings.HasPrefix(rest, "true"):
		p.pos += 4
		return filterOperand{literal: true}, nil
	case strings.HasPrefix(rest, "false"):
		p.pos += 5
		return filterOperand{literal: false}, nil
	case strings.HasPrefix(rest, "null"):
		p.pos += 4
		return filterOperand{literal: nil}, nil
	case c == '-' || c >= '0' && c <= '9':
		i := 1
		for i < len(rest) && strings.IndexByte("0123456789.eE+-", rest[i]) >= 0 {
			i++
		}
		n := json.Number(rest[:i])
		if _, err := n.Float64(); err != nil {
			return filterOperand{}, fmt.Errorf("invalid number %q", rest[:i])
		}
		p.pos += i
		return filterOperand{literal: n}, nil
	}
	return filterOperand{}, fmt.Errorf("unexpected %q at position %d", rest, p.pos)
}

// regex reads /pattern/flags; flag i makes it case-insensitive.
func (p *filterParser) regex() (*regexp.Regexp, error) {
	p.space()
	rest := p.s[p.pos:]
	if !strings.HasPrefix(rest, "/") {
		return nil, fmt.Errorf("expected /regex/ at position %d", p.pos)
	}
	end := 1
	for end < len(rest) && rest[end] != '/' {
		if rest[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(rest) {
		return nil, fmt.Errorf("unclosed regex at position %d", p.pos)
	}
	pattern := rest[1:end]
	i := end + 1
	for i < len(rest) && rest[i] >= 'a' && rest[i] <= 'z' {
		if rest[i] == 'i' {
			pattern = "(?i)" + pattern
		}
		i++
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, err
	}
	p.pos += i
	return re, nil
}
