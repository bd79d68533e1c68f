package runtime

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Converting a JSONata state back to JSONPath works where each expression is a plain path
// ($states.input.a.b, $states.result.x, $states.context.X, $name.y), the form the other
// direction writes for `.$` fields. Anything else (a Condition, an operator, a function)
// has no JSONPath counterpart and is refused with its field.

// plainJSONataPath matches a "{% %}" value holding only a path, capturing its root and the
// steps after it.
var plainJSONataPath = regexp.MustCompile(`^\{%\s*\$(states\.input|states\.result|states\.errorOutput|states\.context|[A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[-?\d+\])*)\s*%\}$`)

// jsonPathOf converts a plain JSONata path over root ("states.input", ...) to JSONPath; ok
// is false for any other expression, or a path over another root.
func jsonPathOf(v any, roots ...string) (path string, ok bool) {
	s, isString := v.(string)
	if !isString {
		return "", false
	}
	m := plainJSONataPath.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	switch root := m[1]; {
	case root == "states.context":
		return "$$" + m[2], true
	case !strings.HasPrefix(root, "states."):
		return "$" + root + m[2], true // a variable
	case slices.Contains(roots, root):
		return "$" + m[2], true
	}
	return "", false
}

// isExpressionValue reports whether a JSONata field value is a "{% %}" expression.
func isExpressionValue(v any) bool {
	s, ok := v.(string)
	return ok && isExpression(s)
}

// toJSONPath converts a JSONata state whose expressions are plain paths.
func (c *converter) toJSONPath(st *object) (*object, error) {
	typ, _ := st.get("Type")
	t, _ := typ.(string)
	if lang, _ := st.get("QueryLanguage"); lang != langJSONata {
		return st, nil // already JSONPath
	}
	// resultRoot is what $ means to Assign and, through OutputPath, to Output: the result.
	resultRoot := "states.result"
	if t == "Pass" || t == "Choice" || t == "Wait" || t == "Succeed" {
		resultRoot = "states.input"
	}
	out := newObject(st.len())
	for _, m := range st.members {
		switch m.key {
		case "QueryLanguage":
			continue
		case "Arguments", "ItemSelector":
			key := "Parameters"
			if m.key == "ItemSelector" {
				key = "ItemSelector"
			}
			v, err := c.pathTemplate(m.val, m.key, "states.input")
			if err != nil {
				return nil, err
			}
			out.set(key, v)
		case "Output":
			if p, ok := jsonPathOf(m.val, resultRoot); ok {
				out.set("OutputPath", p)
				continue
			}
			if p, ok := jsonPathOf(m.val, "states.input"); ok {
				out.set("ResultPath", nil)
				if p != "$" {
					out.set("OutputPath", p)
				}
				continue
			}
			if t == "Pass" {
				if v, err := c.pathTemplate(m.val, m.key, "states.input"); err == nil {
					out.set("Parameters", v)
					continue
				}
			}
			return nil, c.fail("Output", "only an Output that is a plain path, such as {%% $states.result.Payload %%}, converts to JSONPath")
		case "Assign":
			v, err := c.pathTemplate(m.val, m.key, resultRoot)
			if err != nil {
				return nil, err
			}
			out.set("Assign", v)
		case "Items", "Seconds", "Timestamp", "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency",
			"ToleratedFailurePercentage", "ToleratedFailureCount", "Error", "Cause":
			if !isExpressionValue(m.val) {
				out.set(m.key, m.val)
				continue
			}
			p, ok := jsonPathOf(m.val, "states.input")
			if !ok {
				return nil, c.fail(m.key, "only a plain path such as {%% $states.input.x %%} converts to JSONPath")
			}
			out.set(m.key+"Path", p)
		case "Choices":
			return nil, c.fail("Choices", "a Condition has no JSONPath counterpart: rewrite the rules with Variable and a comparison")
		case "Catch":
			list, _ := m.val.([]any)
			for i, e := range list {
				co, _ := e.(*object)
				if co == nil {
					continue
				}
				if _, ok := co.get("Output"); ok {
					return nil, c.fail("Catch/"+strconv.Itoa(i)+"/Output", "a catcher's Output does not convert to JSONPath: remove it or write a ResultPath by hand")
				}
				if _, ok := co.get("Assign"); ok {
					return nil, c.fail("Catch/"+strconv.Itoa(i)+"/Assign", "a catcher's Assign does not convert to JSONPath yet")
				}
			}
			out.set(m.key, m.val)
		case "ItemReader", "ResultWriter":
			if o, ok := m.val.(*object); ok {
				if _, has := o.get("Arguments"); has {
					return nil, c.fail(m.key+"/Arguments", "Arguments of %s do not convert to JSONPath yet", m.key)
				}
			}
			out.set(m.key, m.val)
		default:
			v, err := nested(m.key, m.val, markJSONata)
			if err != nil {
				return nil, err
			}
			out.set(m.key, v)
		}
	}
	return out, nil
}

// pathTemplate converts a JSONata template whose expressions are plain paths over root
// into a JSONPath one with `.$` keys.
func (c *converter) pathTemplate(v any, field, root string) (any, error) {
	switch x := v.(type) {
	case *object:
		out := newObject(x.len())
		for _, m := range x.members {
			at := joinPointer(field, m.key)
			if isExpressionValue(m.val) {
				p, ok := jsonPathOf(m.val, root)
				if !ok {
					return nil, c.fail(at, "only a plain path such as {%% $%s.x %%} converts to JSONPath", root)
				}
				out.set(m.key+".$", p)
				continue
			}
			inner, err := c.pathTemplate(m.val, at, root)
			if err != nil {
				return nil, err
			}
			out.set(m.key, inner)
		}
		return out, nil
	case []any:
		for i, e := range x {
			if containsExpression(e) {
				return nil, c.fail(joinPointer(field, strconv.Itoa(i)), "an expression inside a list does not convert to JSONPath")
			}
		}
	case string:
		if isExpression(x) {
			return nil, c.fail(field, "only an object template converts to JSONPath here")
		}
	}
	return v, nil
}

func containsExpression(v any) bool {
	switch x := v.(type) {
	case *object:
		for _, m := range x.members {
			if containsExpression(m.val) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, containsExpression)
	}
	return isExpressionValue(v)
}
