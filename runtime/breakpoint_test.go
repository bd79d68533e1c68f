package runtime_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

func TestBreakpointConditionHolds(t *testing.T) {
	t.Parallel()
	input := json.RawMessage(`{"amount": 150, "big": 12345678901234567890, "kind": "refund", "ok": true,
		"none": null, "items": [{"sku": "a"}, {"sku": "b"}], "odd key": 1, "nested": {"level": 2.5}}`)
	cases := []struct {
		cond string
		want bool
	}{
		{"", true},
		{"   ", true},
		{"$.amount > 100", true},
		{"$.amount > 150", false},
		{"$.amount >= 150", true},
		{"$.amount<=150", true},
		{"$.amount < 150", false},
		{"$.amount == 150.0", true}, // numbers by value
		{"$.amount == 1.5e2", true},
		{"$.amount != 150", false},
		{"$.amount == '150'", false}, // a string is not the number
		{"$.amount != '150'", true},
		{"$.big > 12345678901234567889", true}, // beyond float64's integers
		{"$.kind == 'refund'", true},
		{`$.kind == "refund"`, true},
		{"$.kind != 'refund'", false},
		{"$.kind > 'apple'", true},
		{"$.kind < 'apple'", false},
		{"$.kind > 5", false}, // a string does not order against a number
		{"$.ok == true", true},
		{"$.ok == false", false},
		{"$.none == null", true},
		{"$.amount == null", false},
		{"$.items[1].sku == 'b'", true},
		{"$.items[-1].sku == 'b'", true},
		{"$['odd key'] == 1", true},
		{"$['a<b'] == 1", false}, // the operator inside the brackets is part of the name
		{"$.nested.level > 2", true},
		{"$.missing == null", false}, // a missing path never holds
		{"$.missing != 1", false},
		{"$.items[5].sku == 'x'", false},
		{"{% $states.input.amount > 100 %}", true},
		{"{% $states.input.kind = 'sale' %}", false},
		{"{% $count($states.input.items) = 2 %}", true},
		{"{% $states.input.missing %}", false}, // undefined: nothing to match
	}
	for _, c := range cases {
		pred, err := runtime.ParseBreakpointCondition(c.cond)
		if err != nil {
			t.Errorf("ParseBreakpointCondition(%q): %v", c.cond, err)
			continue
		}
		got, err := pred(input)
		if err != nil || got != c.want {
			t.Errorf("%q on the input = %v, %v; want %v", c.cond, got, err, c.want)
		}
	}
}

func TestBreakpointConditionPlainInput(t *testing.T) {
	t.Parallel()
	// The engine may hand plain Go JSON as well as its own values.
	pred, err := runtime.ParseBreakpointCondition("$.amount > 100")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []any{map[string]any{"amount": 101.0}, []byte(`{"amount": 101}`)} {
		if got, err := pred(in); err != nil || !got {
			t.Errorf("on %v: %v, %v; want true", in, got, err)
		}
	}
	if got, err := pred("just a string"); err != nil || got {
		t.Errorf("on a string input: %v, %v; want false", got, err)
	}
}

func TestBreakpointConditionRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"amount > 100":                 "invalid",
		"$.amount":                     "JSONPath test",
		"$.amount = 100":               "not an operator",
		"$.amount >":                   "nothing to compare",
		"$.amount > abc":               "not a number",
		"$.amount > [1]":               "not a number",
		"$.kind == 'it's'":             "unescaped quote",
		"$.items[*].sku == 'a'":        "several values",
		"$.items[?(@.a)] == 1":         "several values",
		"$var.x == 1":                  "variable",
		"$.ok > true":                  "compares numbers or strings",
		"$$.Execution.Id == 'x'":       "invalid",
		"{% $states.input.amount > %}": "invalid JSONata",
		"{% %}":                        "",
	}
	for cond, want := range cases {
		_, err := runtime.ParseBreakpointCondition(cond)
		if err == nil {
			t.Errorf("ParseBreakpointCondition(%q) accepted it", cond)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseBreakpointCondition(%q) = %v; want it to mention %q", cond, err, want)
		}
	}
}

func TestBreakpointConditionNotBoolean(t *testing.T) {
	t.Parallel()
	pred, err := runtime.ParseBreakpointCondition("{% $states.input.amount %}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pred(json.RawMessage(`{"amount": 3}`)); err == nil || !strings.Contains(err.Error(), "not true or false") {
		t.Fatalf("a number for a condition: %v; want an error", err)
	}
}
