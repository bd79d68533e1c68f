package views

import (
	"encoding/json"
	"strings"
)

// ChoiceRules is the form of a Choice state's rules: one entry per rule of its Choices, in
// order, then the Default.
type ChoiceRules struct {
	// JSONata says the rules are Conditions ({% ... %}); otherwise they are JSONPath
	// comparisons of a Variable, combined with And, Or and Not.
	JSONata bool
	Rules   []ChoiceRule
	// Choices is the Choices list as compact JSON: the browser rebuilds a rule from it when an
	// operator changes or a condition is wrapped, moved or removed.
	Choices string
	// Default is the state taken when no rule matches, "" when none.
	Default string
	// Targets are the states a rule or the Default may lead to: the others of the same scope.
	Targets []string
}

// ChoiceRule is one rule of a Choice state.
type ChoiceRule struct {
	Index         int
	Next, Comment string
	// Condition is a JSONata rule's Condition as it is written: an expression without the
	// quotes of its JSON string, or true or false.
	Condition string
	// When is a JSONPath rule's test.
	When Condition
}

// Condition is a JSONPath test inside a rule: a comparison, or And, Or or Not around more.
type Condition struct {
	// Path is where the condition is inside the state: ["Choices", 0] for a rule's own test,
	// ["Choices", 0, "And", 1] for one inside it.
	Path []any
	// Kind is "compare", "And", "Or", "Not", or "other" for a test the form cannot show (two
	// operators, not an object), which the Choices JSON edits.
	Kind string
	// Variable, Operator and Value are a comparison's; Value is the operand as the form edits
	// it (a string without its quotes, a number or boolean as JSON).
	Variable, Operator, Value string
	// Children are the conditions of an And or Or, or the one of a Not.
	Children []Condition
	// InGroup says the condition is one of the list of an And or Or, which it may leave.
	InGroup bool
}

// ChoiceOperator is a comparison the form offers, with the kind of value it takes.
type ChoiceOperator struct {
	// Name is the operator's field in ASL, such as "NumericGreaterThan"; Label is how the
	// narrow form shows it ("Numeric >"), with Name as its tooltip.
	Name, Label, Group string
	// Kind is "text", "number", "boolean", "timestamp" or "path".
	Kind string
}

// ChoiceOperators are every comparison of the States Language, by family.
var ChoiceOperators = func() []ChoiceOperator {
	var out []ChoiceOperator
	relations := []struct{ name, sign string }{{"Equals", "="}, {"LessThan", "<"}, {"GreaterThan", ">"}, {"LessThanEquals", "≤"}, {"GreaterThanEquals", "≥"}}
	for _, fam := range []struct{ name, kind string }{{"String", "text"}, {"Numeric", "number"}, {"Timestamp", "timestamp"}} {
		for _, rel := range relations {
			out = append(out, ChoiceOperator{fam.name + rel.name, fam.name + " " + rel.sign, fam.name, fam.kind})
		}
		if fam.name == "String" {
			out = append(out, ChoiceOperator{"StringMatches", "String matches", "String", "text"})
		}
	}
	out = append(out, ChoiceOperator{"BooleanEquals", "Boolean =", "Boolean", "boolean"})
	for _, fam := range []string{"String", "Numeric", "Timestamp", "Boolean"} {
		rels := relations
		if fam == "Boolean" {
			rels = relations[:1]
		}
		for _, rel := range rels {
			out = append(out, ChoiceOperator{fam + rel.name + "Path", fam + " " + rel.sign + " path", "Compared with a path", "path"})
		}
	}
	for _, is := range []struct{ name, label string }{{"IsPresent", "is present"}, {"IsNull", "is null"}, {"IsString", "is a string"},
		{"IsNumeric", "is a number"}, {"IsBoolean", "is a boolean"}, {"IsTimestamp", "is a timestamp"}} {
		out = append(out, ChoiceOperator{is.name, is.label, "Type tests", "boolean"})
	}
	return out
}()

// ChoiceOperatorGroups are the groups of ChoiceOperators, in order.
var ChoiceOperatorGroups = []string{"String", "Numeric", "Timestamp", "Boolean", "Compared with a path", "Type tests"}

// OperandKind is the kind of value an operator takes, "" for one that is not a comparison.
func OperandKind(op string) string {
	for _, o := range ChoiceOperators {
		if o.Name == op {
			return o.Kind
		}
	}
	return ""
}

// pathAttr is a path inside a state as the browser sends it in a SetField: ["Choices",0,"Next"].
func pathAttr(p []any, more ...any) string {
	b, _ := json.Marshal(append(append([]any{}, p...), more...))
	return string(b)
}

// condID names a condition in test ids: "0" for rule 1's test, "0-And-1" inside it.
func condID(p []any) string {
	b, _ := json.Marshal(p[1:])
	return strings.NewReplacer("[", "", "]", "", `"`, "", ",", "-").Replace(string(b))
}
