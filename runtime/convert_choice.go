package runtime

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Choice rules written as JSONata Conditions.

// choices converts Choice rules into Conditions.
func (c *converter) choices(v any, input string) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return v, nil
	}
	out := make([]any, len(list))
	for i, e := range list {
		rule, ok := e.(*object)
		if !ok {
			return nil, c.fail("Choices/"+strconv.Itoa(i), "a rule is a JSON object")
		}
		field := "Choices/" + strconv.Itoa(i)
		cond, err := c.condition(rule, input, field)
		if err != nil {
			return nil, err
		}
		n := newObject(3)
		n.set("Condition", "{% "+cond+" %}")
		for _, m := range rule.members {
			switch m.key {
			case "Next", "Comment":
				n.set(m.key, m.val)
			case "Assign":
				a, err := c.template(m.val, input, field+"/Assign")
				if err != nil {
					return nil, err
				}
				n.set("Assign", a)
			}
		}
		out[i] = n
	}
	return out, nil
}

// comparison is how a Choice comparison operator reads in JSONata: the operator, and the
// type its operands must have (JSONPath's rules are false, never an error, on other types).
var comparisons = map[string]struct{ op, typ string }{
	"StringEquals": {"=", "string"}, "StringLessThan": {"<", "string"}, "StringGreaterThan": {">", "string"},
	"StringLessThanEquals": {"<=", "string"}, "StringGreaterThanEquals": {">=", "string"},
	"NumericEquals": {"=", "number"}, "NumericLessThan": {"<", "number"}, "NumericGreaterThan": {">", "number"},
	"NumericLessThanEquals": {"<=", "number"}, "NumericGreaterThanEquals": {">=", "number"},
	"BooleanEquals":   {"=", "boolean"},
	"TimestampEquals": {"=", "timestamp"}, "TimestampLessThan": {"<", "timestamp"}, "TimestampGreaterThan": {">", "timestamp"},
	"TimestampLessThanEquals": {"<=", "timestamp"}, "TimestampGreaterThanEquals": {">=", "timestamp"},
}

// condition writes one rule (or a nested one) as a JSONata boolean expression.
func (c *converter) condition(rule *object, input, field string) (string, error) {
	for _, op := range []string{"And", "Or"} {
		if v, ok := rule.get(op); ok {
			list, _ := v.([]any)
			parts := make([]string, len(list))
			for i, e := range list {
				r, ok := e.(*object)
				if !ok {
					return "", c.fail(field+"/"+op, "%s holds rules", op)
				}
				s, err := c.condition(r, input, field+"/"+op+"/"+strconv.Itoa(i))
				if err != nil {
					return "", err
				}
				parts[i] = "(" + s + ")"
			}
			return strings.Join(parts, " "+strings.ToLower(op)+" "), nil
		}
	}
	if v, ok := rule.get("Not"); ok {
		r, ok := v.(*object)
		if !ok {
			return "", c.fail(field+"/Not", "Not holds a rule")
		}
		s, err := c.condition(r, input, field+"/Not")
		if err != nil {
			return "", err
		}
		return "$not(" + s + ")", nil
	}
	vv, _ := rule.get("Variable")
	vs, ok := vv.(string)
	if !ok {
		return "", c.fail(field, "a rule needs a Variable, And, Or or Not")
	}
	variable, err := c.expression(vs, input, field+"/Variable")
	if err != nil {
		return "", err
	}
	for _, m := range rule.members {
		switch m.key {
		case "Variable", "Next", "Comment", "Assign":
			continue
		}
		name := strings.TrimSuffix(m.key, "Path")
		at := field + "/" + m.key
		if cmp, ok := comparisons[name]; ok {
			var other string
			if name != m.key {
				s, _ := m.val.(string)
				if other, err = c.expression(s, input, at); err != nil {
					return "", err
				}
			} else {
				if err := c.literal(m.val, at); err != nil {
					return "", err
				}
				other = string(encodeJSON(m.val))
				if n, ok := m.val.(json.Number); ok {
					other = n.String()
				}
			}
			return compare(variable, other, cmp.op, cmp.typ, name != m.key), nil
		}
		if test, ok := typeTests[m.key]; ok {
			want, isBool := m.val.(bool)
			if !isBool {
				return "", c.fail(at, "%s takes true or false", m.key)
			}
			if want {
				return fmt.Sprintf(test, variable), nil
			}
			if m.key == "IsPresent" {
				return "$not(" + fmt.Sprintf(test, variable) + ")", nil
			}
			return "$exists(" + variable + ") and $not(" + fmt.Sprintf(test, variable) + ")", nil
		}
		if m.key == "StringMatches" {
			s, _ := m.val.(string)
			return "$type(" + variable + ") = \"string\" and $contains(" + variable + ", " + wildcardRegex(s) + ")", nil
		}
		return "", c.fail(at, "%s does not convert to JSONata", m.key)
	}
	return "", c.fail(field, "the rule has no comparison")
}

// typeTests are the Is* tests, each a format with the variable's expression.
var typeTests = map[string]string{
	"IsPresent":   "$exists(%s)",
	"IsNull":      "%s = null",
	"IsString":    `$type(%s) = "string"`,
	"IsNumeric":   `$type(%s) = "number"`,
	"IsBoolean":   `$type(%s) = "boolean"`,
	"IsTimestamp": `$type(%[1]s) = "string" and $contains(%[1]s, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)`,
}

// compare writes a comparison that is false, as JSONPath's is, when an operand has the
// wrong type (JSONata's < and > would fail instead).
func compare(v, other, op, typ string, otherIsPath bool) string {
	if typ == "timestamp" {
		guard := fmt.Sprintf(typeTests["IsTimestamp"], v)
		if otherIsPath {
			guard += " and " + fmt.Sprintf(typeTests["IsTimestamp"], other)
		}
		return guard + " and $toMillis(" + v + ") " + op + " $toMillis(" + other + ")"
	}
	guard := `$type(` + v + `) = "` + typ + `"`
	if otherIsPath {
		guard += ` and $type(` + other + `) = "` + typ + `"`
	} else if op == "=" {
		return v + " = " + other // = is false across types, never an error
	}
	return guard + " and " + v + " " + op + " " + other
}

// wildcardRegex writes a StringMatches pattern (* matches anything, \* a star, \\ a
// backslash) as a JSONata regular expression.
func wildcardRegex(pattern string) string {
	var b strings.Builder
	b.WriteString("/^")
	for i := 0; i < len(pattern); i++ {
		ch := pattern[i]
		switch {
		case ch == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		case ch == '*':
			b.WriteString(".*")
		case ch == '/':
			b.WriteString(`\/`)
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$/")
	return b.String()
}
