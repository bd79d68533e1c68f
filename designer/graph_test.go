package designer_test

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
)

func TestNewGraph(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  string
		want designer.Graph
	}{
		{
			name: "chain keeps document order, not alphabetical",
			def: `{"StartAt": "Zeta", "States": {
				"Zeta": {"Type": "Pass", "Next": "Alpha"},
				"Alpha": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true}}}`,
			want: designer.Graph{
				StartAt: "Zeta",
				Nodes: []designer.Node{
					{Name: "Zeta", ID: "state-Zeta", Type: "Pass", Start: true},
					{Name: "Alpha", ID: "state-Alpha", Type: "Task", End: true},
				},
				Edges: []designer.Edge{{From: "Zeta", To: "Alpha", Kind: designer.EdgeNext}},
			},
		},
		{
			name: "missing targets become missing nodes in order of first reference",
			def: `{"StartAt": "Nope", "States": {
				"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsString": true, "Next": "Gone"}], "Default": "Nope"},
				"B": {"Type": "Pass", "Next": "Gone"}}}`,
			want: designer.Graph{
				StartAt: "Nope",
				Nodes: []designer.Node{
					{Name: "A", ID: "state-A", Type: "Choice"},
					{Name: "B", ID: "state-B", Type: "Pass"},
					{Name: "Gone", ID: "missing-1", Missing: true},
					{Name: "Nope", ID: "missing-2", Missing: true, Start: true},
				},
				Edges: []designer.Edge{
					{From: "A", To: "Gone", Kind: designer.EdgeChoice, Label: "$.x is string"},
					{From: "A", To: "Nope", Kind: designer.EdgeDefault, Label: "Default"},
					{From: "B", To: "Gone", Kind: designer.EdgeNext},
				},
			},
		},
		{
			name: "succeed and fail end, callback task is marked, catch edges are labelled",
			def: `{"StartAt": "T", "States": {
				"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Next": "OK",
				      "Catch": [{"ErrorEquals": ["A", "B"], "Next": "Bad"}, {"Next": "Bad"}, {"ErrorEquals": ["States.ALL"]}]},
				"OK": {"Type": "Succeed"},
				"Bad": {"Type": "Fail"}}}`,
			want: designer.Graph{
				StartAt: "T",
				Nodes: []designer.Node{
					{Name: "T", ID: "state-T", Type: "Task", Start: true, Callback: true},
					{Name: "OK", ID: "state-OK", Type: "Succeed", End: true},
					{Name: "Bad", ID: "state-Bad", Type: "Fail", End: true},
				},
				Edges: []designer.Edge{
					{From: "T", To: "OK", Kind: designer.EdgeNext},
					{From: "T", To: "Bad", Kind: designer.EdgeCatch, Label: "A, B"},
					{From: "T", To: "Bad", Kind: designer.EdgeCatch, Index: 1, Label: "Catch"},
				},
			},
		},
		{
			name: "parallel and map hold their branches; a name repeated in two branches gets a distinct id",
			def: `{"StartAt": "P", "States": {
				"P": {"Type": "Parallel", "End": true, "Branches": [
					{"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}},
					{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
						"ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}}}}]}}}`,
			want: designer.Graph{
				StartAt: "P",
				Nodes: []designer.Node{{
					Name: "P", ID: "state-P", Type: "Parallel", Start: true, End: true,
					Branches: []designer.Graph{
						{StartAt: "X", Nodes: []designer.Node{{Name: "X", ID: "state-X", Type: "Pass", Start: true, End: true}}},
						{StartAt: "M", Nodes: []designer.Node{{
							Name: "M", ID: "state-M", Type: "Map", Start: true, End: true,
							Branches: []designer.Graph{
								{StartAt: "X", Nodes: []designer.Node{{Name: "X", ID: "state-X_dup2", Type: "Pass", Start: true, End: true}}},
							},
						}}},
					},
				}},
			},
		},
		{
			name: "legacy Iterator is the item processor",
			def:  `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}`,
			want: designer.Graph{
				StartAt: "M",
				Nodes: []designer.Node{{
					Name: "M", ID: "state-M", Type: "Map", Start: true, End: true,
					Branches: []designer.Graph{{StartAt: "I", Nodes: []designer.Node{{Name: "I", ID: "state-I", Type: "Pass", Start: true, End: true}}}},
				}},
			},
		},
		{
			name: "fields of the wrong type are ignored, not fatal",
			def: `{"StartAt": 3, "States": {
				"A": "not an object",
				"B": {"Type": 7, "Next": null, "End": "yes", "Choices": {}, "Catch": "x"},
				"C": {"Type": "Parallel", "Branches": [1, {"States": []}]}}}`,
			want: designer.Graph{
				Nodes: []designer.Node{
					{Name: "A", ID: "state-A"},
					{Name: "B", ID: "state-B"},
					{Name: "C", ID: "state-C", Type: "Parallel", Branches: []designer.Graph{{}, {}}},
				},
			},
		},
		{
			name: "a repeated key in States keeps the last value at the first place, as encoding/json does",
			def:  `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}, "A": {"Type": "Wait", "Seconds": 1, "End": true}}}`,
			want: designer.Graph{
				StartAt: "A",
				Nodes: []designer.Node{
					{Name: "A", ID: "state-A", Type: "Wait", Start: true, End: true},
					{Name: "B", ID: "state-B", Type: "Succeed", End: true},
				},
			},
		},
		{
			name: "no States at all",
			def:  `{"Comment": "empty"}`,
			want: designer.Graph{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := designer.NewGraph([]byte(tt.def))
			if err != nil {
				t.Fatalf("NewGraph: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewGraph mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewGraphRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def string
		is        error // nil: any error
		contains  string
	}{
		{name: "truncated JSON", def: `{"StartAt": "A", "States": {`, contains: "designer: parse definition"},
		{name: "trailing garbage", def: `{"StartAt": "A"} x`, contains: "designer: parse definition"},
		{name: "empty input", def: ``, contains: "designer: parse definition"},
		{name: "array", def: `[{"StartAt": "A"}]`, is: designer.ErrNotObject},
		{name: "string", def: `"StartAt"`, is: designer.ErrNotObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := designer.NewGraph([]byte(tt.def))
			if err == nil {
				t.Fatal("NewGraph succeeded, want an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

// choiceLabel is the label NewGraph gives the edge of a Choice state's single rule.
func choiceLabel(t *testing.T, rule string) string {
	t.Helper()
	def := `{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [` + rule + `]}, "N": {"Type": "Succeed"}}}`
	g, err := designer.NewGraph([]byte(def))
	if err != nil {
		t.Fatalf("NewGraph: %v", err)
	}
	if len(g.Edges) != 1 {
		t.Fatalf("got %d edges, want 1", len(g.Edges))
	}
	return g.Edges[0].Label
}

func TestChoiceLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule, want string
	}{
		{"numeric greater", `{"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "N"}`, `$.amount > 100`},
		{"numeric keeps the written number", `{"Variable": "$.n", "NumericLessThanEquals": 1.50, "Next": "N"}`, `$.n <= 1.50`},
		{"string equals", `{"Variable": "$.status", "StringEquals": "ok", "Next": "N"}`, `$.status == "ok"`},
		{"string is not re-escaped", `{"Variable": "$.s", "StringEquals": "é<&>", "Next": "N"}`, `$.s == "é<&>"`},
		{"boolean equals", `{"Variable": "$.ok", "BooleanEquals": true, "Next": "N"}`, `$.ok == true`},
		{"string matches", `{"Variable": "$.f", "StringMatches": "*.log", "Next": "N"}`, `$.f matches "*.log"`},
		{"timestamp", `{"Variable": "$.t", "TimestampGreaterThanEquals": "2024-01-01T00:00:00Z", "Next": "N"}`, `$.t >= "2024-01-01T00:00:00Z"`},
		{"path comparison shows the path bare", `{"Variable": "$.a", "NumericLessThanPath": "$.b", "Next": "N"}`, `$.a < $.b`},
		{"is present", `{"Variable": "$.x", "IsPresent": true, "Next": "N"}`, `$.x is present`},
		{"is not null", `{"Variable": "$.x", "IsNull": false, "Next": "N"}`, `$.x is not null`},
		{"is timestamp", `{"Variable": "$.x", "IsTimestamp": true, "Next": "N"}`, `$.x is timestamp`},
		{"not", `{"Not": {"Variable": "$.x", "StringEquals": "a"}, "Next": "N"}`, `not ($.x == "a")`},
		{"and", `{"And": [{"Variable": "$.a", "IsNumeric": true}, {"Variable": "$.a", "NumericEquals": 0}], "Next": "N"}`, `$.a is numeric and $.a == 0`},
		{"or inside and is parenthesised", `{"And": [{"Variable": "$.a", "BooleanEquals": true}, {"Or": [{"Variable": "$.b", "IsBoolean": true}, {"Variable": "$.c", "IsString": true}]}], "Next": "N"}`, `$.a == true and ($.b is boolean or $.c…`},
		{"context and variables", `{"Variable": "$$.Execution.Name", "StringEqualsPath": "$name", "Next": "N"}`, `$$.Execution.Name == $name`},
		{"jsonata condition shows the expression", `{"Condition": "{% $states.input.n > 1 %}", "Next": "N"}`, `$states.input.n > 1`},
		{"unrecognised rule is numbered", `{"Mystery": 1, "Next": "N"}`, `rule 1`},
		{"unrecognised operand", `{"Not": {"Variable": "$.x"}, "Next": "N"}`, `not (?)`},
		{"long label is cut with an ellipsis", `{"Variable": "$.customer.address.postcode", "StringEquals": "a very long postcode value", "Next": "N"}`, `$.customer.address.postcode == "a very…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := choiceLabel(t, tt.rule)
			if got != tt.want {
				t.Errorf("label = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > 40 {
				t.Errorf("label has %d runes, want at most 40", n)
			}
		})
	}
}

func TestNodeID(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{"Fetch", "state-Fetch"},
		{"Fetch-Data2", "state-Fetch-Data2"},
		{"Fetch data", "state-Fetch_20_data"},
		{"snake_case", "state-snake__case"},
		{`Say "hi"`, "state-Say_20__22_hi_22_"},
		{"a.b/c", "state-a_2e_b_2f_c"},
		{"Überprüfung", "state-Überprüfung"},
		{"日本語 ✓", "state-日本語_20__2713_"},
		{"", "state-"},
	}
	for _, tt := range tests {
		if got := designer.NodeID(tt.name); got != tt.want {
			t.Errorf("NodeID(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// validID matches what NodeID promises: an HTML id without whitespace that is also a CSS
// identifier needing no escape.
var validID = regexp.MustCompile(`^state-[-_A-Za-z0-9\p{L}\p{Nd}]*$`)

// decodeNodeID inverts NodeID; that it exists is the proof that NodeID is injective.
func decodeNodeID(id string) (string, error) {
	rest, ok := strings.CutPrefix(id, "state-")
	if !ok {
		return "", errors.New("no state- prefix")
	}
	var b strings.Builder
	for rest != "" {
		c := rest[0]
		if c != '_' {
			r, n := utf8.DecodeRuneInString(rest)
			b.WriteRune(r)
			rest = rest[n:]
			continue
		}
		if strings.HasPrefix(rest, "__") {
			b.WriteByte('_')
			rest = rest[2:]
			continue
		}
		end := strings.IndexByte(rest[1:], '_')
		if end < 0 {
			return "", fmt.Errorf("unterminated escape in %q", rest)
		}
		code, err := strconv.ParseInt(rest[1:1+end], 16, 32)
		if err != nil {
			return "", err
		}
		b.WriteRune(rune(code))
		rest = rest[end+2:]
	}
	return b.String(), nil
}

func FuzzNodeID(f *testing.F) {
	for _, s := range []string{"Fetch", "a_b", "a__b", "a_5f_b", "a b", "a_20_b", "_", "__", "_dup2", "Ü", "\x00", "\ufffe", "日本語 ✓", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			t.Skip("state names decoded from JSON are valid UTF-8")
		}
		id := designer.NodeID(name)
		if !validID.MatchString(id) {
			t.Errorf("NodeID(%q) = %q is not a valid id", name, id)
		}
		back, err := decodeNodeID(id)
		if err != nil || back != name {
			t.Errorf("NodeID(%q) = %q decodes to %q, %v", name, id, back, err)
		}
	})
}
