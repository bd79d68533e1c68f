package web

import (
	"encoding/json"

	"github.com/stepstudio/stepstudio/views"
)

// choiceRulesOf builds the rules form of a Choice state from its fields, in language lang;
// targets are the states its rules and Default may lead to.
func choiceRulesOf(fields map[string]json.RawMessage, lang string, targets []string) *views.ChoiceRules {
	c := &views.ChoiceRules{JSONata: lang == langJSONata, Targets: targets, Choices: "[]"}
	_ = json.Unmarshal(fields["Default"], &c.Default)
	var rules []json.RawMessage
	if json.Unmarshal(fields["Choices"], &rules) != nil {
		return c // not a list: the Choices JSON shows it
	}
	c.Choices = compactJSON(fields["Choices"])
	for i, raw := range rules {
		var rule map[string]json.RawMessage
		_ = json.Unmarshal(raw, &rule)
		r := views.ChoiceRule{Index: i}
		_ = json.Unmarshal(rule["Next"], &r.Next)
		_ = json.Unmarshal(rule["Comment"], &r.Comment)
		if c.JSONata {
			r.Condition = jsonataText(rule["Condition"], compactJSON)
		} else {
			r.When = conditionOf(raw, []any{"Choices", i}, false)
		}
		c.Rules = append(c.Rules, r)
	}
	return c
}

// conditionOf reads the JSONPath test at path: a comparison, or And, Or or Not around more.
func conditionOf(raw json.RawMessage, path []any, inGroup bool) views.Condition {
	c := views.Condition{Path: path, Kind: "other", InGroup: inGroup}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return c
	}
	var tests []string
	for k := range obj {
		if k == "And" || k == "Or" || k == "Not" || views.OperandKind(k) != "" {
			tests = append(tests, k)
		}
	}
	if len(tests) != 1 {
		return c
	}
	at := func(more ...any) []any { return append(append([]any{}, path...), more...) }
	switch k := tests[0]; k {
	case "And", "Or":
		var list []json.RawMessage
		if json.Unmarshal(obj[k], &list) != nil {
			return c
		}
		c.Kind = k
		for i, e := range list {
			c.Children = append(c.Children, conditionOf(e, at(k, i), true))
		}
	case "Not":
		c.Kind = k
		c.Children = []views.Condition{conditionOf(obj[k], at(k), false)}
	default:
		c.Kind, c.Operator = "compare", k
		_ = json.Unmarshal(obj["Variable"], &c.Variable)
		c.Value = compactJSON(obj[k])
		var s string
		if kind := views.OperandKind(k); kind != "number" && kind != "boolean" && json.Unmarshal(obj[k], &s) == nil {
			c.Value = s
		}
	}
	return c
}
