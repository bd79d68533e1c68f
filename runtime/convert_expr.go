package runtime

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// Paths, intrinsic functions and templates written as JSONata expressions.

// groupExpr makes an expression safe to continue with a path step or predicate.
func groupExpr(e string) string {
	if simplePathExpr.MatchString(e) {
		return e
	}
	return "(" + e + ")"
}

var simplePathExpr = regexp.MustCompile(`^\$[A-Za-z0-9_.\[\]-]*$|^\{\}$`)

// jsonataIdent is a field name JSONata reads without backquotes.
var jsonataIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func jsonataName(name string) string {
	switch name {
	case "and", "or", "in", "true", "false", "null", "function":
		return "`" + name + "`" // words JSONata reads as operators or values
	}
	if jsonataIdent.MatchString(name) {
		return name
	}
	return "`" + name + "`"
}

// pathExpr writes a compiled JSONPath as JSONata; input is what $ stands for. A path that
// may select several nodes is wrapped in [ ] so it stays a list however many it finds, as
// JSONPath's list does.
func (c *converter) pathExpr(p *Path, input, field string) (string, error) {
	var b strings.Builder
	switch {
	case p.context:
		b.WriteString("$states.context")
	case p.variable != "":
		b.WriteString("$" + p.variable)
	default:
		b.WriteString(input)
	}
	if strings.Contains(p.text, ".*") {
		return "", c.fail(field, "the wildcard .* has no JSONata counterpart that keeps its order: use [*] over a list, or write the expression by hand")
	}
	tokens := p.tokens
	if obj, ok := c.templates[input]; ok && !p.context && p.variable == "" && len(tokens) > 0 &&
		tokens[0].kind == tokProperty && len(tokens[0].names) == 1 {
		if v, found := obj.get(tokens[0].names[0]); found {
			b.Reset()
			b.WriteString(groupExpr(expressionOf(v)))
			tokens = tokens[1:]
		}
	}
	prev := tokProperty
	for i, tok := range tokens {
		switch tok.kind {
		case tokProperty:
			if len(tok.names) != 1 {
				return "", c.fail(field, "a path selecting several fields (%s) does not convert to JSONata", p.text)
			}
			b.WriteString("." + jsonataName(tok.names[0]))
		case tokIndex:
			if len(tok.indexes) != 1 || i > 0 && prev != tokProperty {
				return "", c.fail(field, "only one index after a field converts to JSONata, not %s", p.text)
			}
			b.WriteString("[" + strconv.Itoa(tok.indexes[0]) + "]")
		case tokWildcard:
			// JSONata maps the following steps over a list by itself.
		default:
			return "", c.fail(field, "%s uses a filter, slice or deep scan, which does not convert to JSONata", p.text)
		}
		prev = tok.kind
	}
	if !p.definite {
		return "[" + b.String() + "]", nil
	}
	return b.String(), nil
}

// expression converts the value of a `.$` field: a path, a variable or an intrinsic call.
func (c *converter) expression(s, input, field string) (string, error) {
	switch {
	case strings.HasPrefix(s, "States."):
		in, err := compileIntrinsic(s)
		if err != nil {
			return "", c.fail(field, "%v", err)
		}
		return c.call(in.call, input, field)
	case strings.HasPrefix(s, "$"):
		p, err := compilePath(s, true)
		if err != nil {
			return "", c.fail(field, "%v", err)
		}
		return c.pathExpr(p, input, field)
	}
	return "", c.fail(field, "%q is neither a path nor an intrinsic function", s)
}

// call writes an intrinsic function call as its JSONata counterpart.
func (c *converter) call(call *intrinsicCall, input, field string) (string, error) {
	args := make([]string, len(call.args))
	for i, a := range call.args {
		switch a.kind {
		case argLiteral:
			if n, ok := a.value.(json.Number); ok {
				args[i] = n.String()
			} else {
				args[i] = string(encodeJSON(a.value))
			}
		case argPath:
			s, err := c.pathExpr(a.path, input, field)
			if err != nil {
				return "", err
			}
			args[i] = s
		case argVariable:
			s, err := c.pathExpr(a.path, "$"+a.name, field)
			if err != nil {
				return "", err
			}
			args[i] = s
		case argCall:
			s, err := c.call(a.call, input, field)
			if err != nil {
				return "", err
			}
			args[i] = s
		}
	}
	fn := func(name string) string { return name + "(" + strings.Join(args, ", ") + ")" }
	switch call.fn.name {
	case "States.Format":
		t := call.args[0].format
		if t == nil || t.err != "" || t.placeholders() != len(args)-1 {
			return "", c.fail(field, "the States.Format template does not convert: its placeholders and arguments differ")
		}
		parts := []string{}
		for i, text := range t.parts {
			if text != "" {
				parts = append(parts, strconv.Quote(text))
			}
			if i+1 < len(args) {
				parts = append(parts, "$string("+args[i+1]+")")
			}
		}
		if len(parts) == 0 {
			return `""`, nil
		}
		return strings.Join(parts, " & "), nil
	case "States.StringToJson":
		// AWS reads blank text as null; $parse would fail on it.
		return "($s := " + args[0] + "; $trim($s) = \"\" ? null : $parse($s))", nil
	case "States.JsonToString":
		// $string leaves a string as it is; JSON text quotes it. Inside an object it is JSON.
		return "($s := $string({\"v\": " + args[0] + "}); $substring($s, 5, $length($s) - 6))", nil
	case "States.Array":
		return "[" + strings.Join(args, ", ") + "]", nil
	case "States.ArrayPartition":
		return fn("$partition"), nil
	case "States.ArrayContains":
		// = compares objects and lists deeply, as AWS does; in compares by identity.
		return "($v := " + args[1] + "; $count($filter(" + args[0] + ", function($e){ $e = $v })) > 0)", nil
	case "States.ArrayRange":
		return "[" + fn("$range") + "]", nil // $range gives a single number for one element
	case "States.ArrayGetItem":
		return groupExpr(args[0]) + "[" + args[1] + "]", nil
	case "States.ArrayLength":
		return fn("$count"), nil
	case "States.ArrayUnique":
		return fn("$distinct"), nil
	case "States.Base64Encode":
		return fn("$base64encode"), nil
	case "States.Base64Decode":
		return fn("$base64decode"), nil
	case "States.Hash":
		return fn("$hash"), nil
	case "States.MathAdd":
		// AWS rounds each operand half up to an integer; a literal integer needs no rounding.
		for i, a := range call.args {
			if n, ok := a.value.(json.Number); a.kind == argLiteral && ok && !strings.ContainsAny(n.String(), ".eE") {
				continue
			}
			args[i] = "$floor(" + args[i] + " + 0.5)"
		}
		return "(" + args[0] + " + " + args[1] + ")", nil
	case "States.UUID":
		return "$uuid()", nil
	case "States.MathRandom":
		random := "$random()"
		if len(args) == 3 {
			random = "$random(" + args[2] + ")"
		}
		return "($floor(" + random + " * (" + args[1] + " - " + args[0] + ")) + " + args[0] + ")", nil
	case "States.JsonMerge":
		if args[2] != "false" {
			return "", c.fail(field, "States.JsonMerge with a deep merge has no JSONata counterpart ($merge is shallow)")
		}
		return "$merge([" + args[0] + ", " + args[1] + "])", nil
	case "States.StringSplit":
		// AWS splits at every character of the delimiter and drops empty parts.
		return "[$filter($reduce($split(" + args[1] + `, ""), function($parts, $c){ $parts.$split($, $c) }, [` + args[0] +
			`]), function($p){ $p != "" })]`, nil
	}
	return "", c.fail(field, "%s has no JSONata counterpart", call.fn.name)
}

// template converts a JSONPath template (Parameters, ResultSelector, ItemSelector, Assign):
// each `key.$` field becomes key with a "{% %}" value; input is what $ stands for.
func (c *converter) template(v any, input, field string) (any, error) {
	switch x := v.(type) {
	case *object:
		out := newObject(x.len())
		for _, m := range x.members {
			at := joinPointer(field, m.key)
			if s, ok := m.val.(string); ok && strings.HasSuffix(m.key, ".$") {
				expr, err := c.expression(s, input, at)
				if err != nil {
					return nil, err
				}
				out.set(strings.TrimSuffix(m.key, ".$"), "{% "+expr+" %}")
				continue
			}
			inner, err := c.template(m.val, input, at)
			if err != nil {
				return nil, err
			}
			out.set(m.key, inner)
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			inner, err := c.template(e, input, joinPointer(field, strconv.Itoa(i)))
			if err != nil {
				return nil, err
			}
			out[i] = inner
		}
		return out, nil
	case string:
		if err := c.literal(x, field); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// literal refuses a literal string that JSONata would read as an expression.
func (c *converter) literal(v any, field string) error {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "{%") && strings.HasSuffix(x, "%}") {
			return c.fail(field, "the text %q would be an expression in JSONata", x)
		}
	case *object:
		for _, m := range x.members {
			if err := c.literal(m.val, joinPointer(field, m.key)); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := c.literal(e, joinPointer(field, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinPointer(parent, key string) string {
	key = strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
	if parent == "" {
		return key
	}
	return parent + "/" + key
}

// expressionOf writes a converted template (JSON with "{% %}" strings) as one expression.
func expressionOf(v any) string {
	switch x := v.(type) {
	case *object:
		parts := make([]string, 0, x.len())
		for _, m := range x.members {
			parts = append(parts, strconv.Quote(m.key)+": "+expressionOf(m.val))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			// A list inside a list is kept as one element: [[...]] is an array literal.
			parts[i] = expressionOf(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		if strings.HasPrefix(x, "{% ") && strings.HasSuffix(x, " %}") {
			return groupExpr(strings.TrimSuffix(strings.TrimPrefix(x, "{% "), " %}"))
		}
	}
	return string(encodeJSON(v))
}
