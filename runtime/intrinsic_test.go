package runtime

import (
	"bytes"
	"strings"
	"testing"
)

// The expectations below come from the AWS documentation of each function, from the
// corpus recorded against AWS (shared/conformance/intrinsics), and, for the behaviours the
// documentation does not describe (truncation, ArrayUnique's order, ArrayContains'
// comparison, the cause texts), from executions on AWS that public projects recorded.

// evalIntrinsic compiles and runs text over input (JSON) with a fixed stream of zero bytes
// for randomness, and returns the result as JSON or the failure's cause.
func evalIntrinsic(t *testing.T, text, input string, vars map[string]string) (string, string) {
	t.Helper()
	in, err := compileIntrinsic(text)
	if err != nil {
		t.Fatalf("compile %s: %v", text, err)
	}
	doc, err := decodeJSON([]byte(input))
	if err != nil {
		t.Fatalf("input %s: %v", input, err)
	}
	ctxObj, _ := decodeJSON([]byte(`{"Execution":{"Name":"run-1","Input":{"csv":"a,b"}},"StateMachine":{"Name":"my-machine-v2"}}`))
	scope := &intrinsicScope{input: doc, context: func() any { return ctxObj }, rand: bytes.NewReader(make([]byte, 64))}
	if vars != nil {
		scope.variable = func(name string) (any, bool) {
			text, ok := vars[name]
			if !ok {
				return nil, false
			}
			v, err := decodeJSON([]byte(text))
			if err != nil {
				t.Fatalf("variable %s: %v", name, err)
			}
			return v, true
		}
	}
	v, err := in.eval(scope)
	if err != nil {
		e, ok := err.(*Error)
		if !ok || e.Name != ErrNameRuntime {
			t.Fatalf("%s: error %v is not a States.Runtime failure", text, err)
		}
		return "", e.Cause
	}
	return jsonText(v), ""
}

func TestIntrinsicResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr, input, want string
	}{
		// States.Format
		{"format from a literal template", `States.Format('Hello, my name is {}.', $.name)`, `{"name":"Arnav"}`, `"Hello, my name is Arnav."`},
		{"format from a path template", `States.Format($.template, $.name)`, `{"name":"Arnav","template":"Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"format without placeholders", `States.Format('no placeholders')`, `{}`, `"no placeholders"`},
		{"format keeps escaped braces and quotes", `States.Format('\{\} {} \'q\' \\ ', $.a)`, `{"a":1}`, `"{} 1 'q' \\ "`},
		{"format prints null, booleans and integers", `States.Format('{}|{}|{}|{}', $.n, $.b, $.i, $.big)`, `{"n":null,"b":false,"i":-1,"big":9007199254740993}`, `"null|false|-1|9007199254740993"`},
		{"format prints objects and arrays as Java does", `States.Format('{} {}', $.o, $.a)`, `{"o":{"Arg1":1,"Arg2":[]},"a":[1,"a",null,[true]]}`, `"{Arg1=1, Arg2=[]} [1, a, null, [true]]"`},
		{"format prints doubles as Java does", `States.Format('{} {} {} {} {} {}', $.a, $.b, $.c, $.d, $.e, $.f)`, `{"a":1.0,"b":1.10,"c":1e20,"d":0.0001,"e":123456789.5,"f":1E2}`, `"1.0 1.1 1.0E20 1.0E-4 1.234567895E8 100.0"`},
		{"format from the context object", `States.Format('{}', $$.Execution.Name)`, `{}`, `"run-1"`},

		// States.StringToJson and States.JsonToString
		{"string to json object", `States.StringToJson($.s)`, `{"s":"{\"foo\": \"bar\"}"}`, `{"foo":"bar"}`},
		{"string to json blank is null", `States.StringToJson($.s)`, `{"s":" "}`, `null`},
		{"string to json ignores what follows the value", `States.StringToJson($.s)`, `{"s":"[1] and more"}`, `[1]`},
		{"string to json literal", `States.StringToJson('{"constant_in_literal": "false"}')`, `{}`, `{"constant_in_literal":"false"}`},
		{"json to string", `States.JsonToString($.o)`, `{"o":{"a":[1,"x"],"b":null}}`, `"{\"a\":[1,\"x\"],\"b\":null}"`},
		{"json to string of the whole input", `States.JsonToString($)`, `{"other":1}`, `"{\"other\":1}"`},

		// Arrays
		{"array of nothing", `States.Array()`, `{}`, `[]`},
		{"array of literals and paths", `States.Array(1, 'a', null, true, -2.5e3, $.x)`, `{"x":{"y":1}}`, `[1,"a",null,true,-2.5e3,{"y":1}]`},
		{"partition with a shorter last chunk", `States.ArrayPartition($.a, 4)`, `{"a":[1,2,3,4,5,6,7,8,9]}`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"partition truncates the size", `States.ArrayPartition($.a, 2.6)`, `{"a":[1,2,3,4,5]}`, `[[1,2],[3,4],[5]]`},
		{"partition of nothing", `States.ArrayPartition($.a, 3)`, `{"a":[]}`, `[]`},
		{"contains a number", `States.ArrayContains($.a, 2)`, `{"a":[1,2,3]}`, `true`},
		{"contains an equal array", `States.ArrayContains($.a, $.b)`, `{"a":[[1,2,3],2],"b":[1,2,3]}`, `true`},
		{"contains compares objects with their key order", `States.ArrayContains($.a, $.b)`, `{"a":[{"a":1,"b":2}],"b":{"b":2,"a":1}}`, `false`},
		{"contains matches a string with a boolean's text", `States.ArrayContains($.a, true)`, `{"a":["true"]}`, `true`},
		{"contains nothing in an empty array", `States.ArrayContains($.a, $.a)`, `{"a":[]}`, `false`},
		{"range includes the last number", `States.ArrayRange(1, 9, 2)`, `{}`, `[1,3,5,7,9]`},
		{"range stops before passing the last number", `States.ArrayRange(0, 10, 3)`, `{}`, `[0,3,6,9]`},
		{"range counts down", `States.ArrayRange(5, 1, -2)`, `{}`, `[5,3,1]`},
		{"range the wrong way is empty", `States.ArrayRange(5, 1, 1)`, `{}`, `[]`},
		{"range truncates", `States.ArrayRange(1.6, 1.4, 1)`, `{}`, `[1]`},
		{"range from nested calls", `States.ArrayRange(States.MathAdd($.base, 1), States.MathAdd($.base, 5), 2)`, `{"base":0}`, `[1,3,5]`},
		{"get item", `States.ArrayGetItem($.a, $.i)`, `{"a":[1,2,3,4,5,6,7,8,9],"i":5}`, `6`},
		{"get item truncates the index", `States.ArrayGetItem($.a, 1.2)`, `{"a":[10,20,30]}`, `20`},
		{"get item of an empty array is null", `States.ArrayGetItem($.a, 999)`, `{"a":[]}`, `null`},
		{"length", `States.ArrayLength($.a)`, `{"a":[1,2,3,4,5,6,7,8,9]}`, `9`},
		{"length of a wildcard that matches nothing", `States.ArrayLength($.items[*].nope)`, `{"items":[1,2]}`, `0`},
		{"unique keeps the first of each", `States.ArrayUnique($.a)`, `{"a":[1,2,3,3,3,3,3,3,4]}`, `[1,2,3,4]`},
		{"unique comes in HashSet order", `States.ArrayUnique($.a)`, `{"a":[true,false,true,false]}`, `[false,true]`},
		{"unique orders arrays by their hash", `States.ArrayUnique($.a)`, `{"a":[[1,2],[1,2],[2,1]]}`, `[[2,1],[1,2]]`},
		{"unique puts null first", `States.ArrayUnique($.a)`, `{"a":[null,null,1,null]}`, `[null,1]`},
		{"unique keeps insertion order within a bucket", `States.ArrayUnique($.a)`, `{"a":[17,1,33,1]}`, `[17,1,33]`},
		{"unique treats key order as equal", `States.ArrayUnique($.a)`, `{"a":[{"a":1,"b":2},{"b":2,"a":1}]}`, `[{"a":1,"b":2}]`},
		{"unique strings", `States.ArrayUnique($.a)`, `{"a":["a","b","a","c","b"]}`, `["a","b","c"]`},

		// Encoding and hashing
		{"base64 encode", `States.Base64Encode($.s)`, `{"s":"Data to encode"}`, `"RGF0YSB0byBlbmNvZGU="`},
		{"base64 encode nothing", `States.Base64Encode('')`, `{}`, `""`},
		{"base64 decode", `States.Base64Decode($.s)`, `{"s":"RGF0YSB0byBlbmNvZGU="}`, `"Data to encode"`},
		{"base64 decode without padding", `States.Base64Decode('RGF0YQ')`, `{}`, `"Data"`},
		{"md5", `States.Hash($.d, 'MD5')`, `{"d":"input data"}`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"sha-1", `States.Hash($.d, 'SHA-1')`, `{"d":"input data"}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"sha-256", `States.Hash($.d, $.alg)`, `{"d":"input data","alg":"SHA-256"}`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{"sha-384", `States.Hash($.d, 'SHA-384')`, `{"d":"input data"}`, `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`},
		{"sha-512", `States.Hash($.d, 'SHA-512')`, `{"d":"input data"}`, `"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"`},

		// JSON merge
		{"merge is shallow and the second wins", `States.JsonMerge($.a, $.b, false)`, `{"a":{"a":{"a1":1,"a2":2},"b":2,"d":3},"b":{"a":{"a3":1,"a4":2},"c":3,"d":4}}`, `{"a":{"a3":1,"a4":2},"b":2,"d":4,"c":3}`},

		// Math
		{"add", `States.MathAdd($.a, $.b)`, `{"a":-9,"b":3}`, `-6`},
		{"add rounds each half up", `States.MathAdd($.a, $.b)`, `{"a":1.5,"b":1.51}`, `4`},
		{"add rounds negative halves up", `States.MathAdd($.a, $.b)`, `{"a":-1.5,"b":-2.5}`, `-3`},
		{"add at the 32-bit limit", `States.MathAdd(2147483646, 1)`, `{}`, `2147483647`},
		{"random from the random source", `States.MathRandom(10, 20)`, `{}`, `10`},
		{"random with a seed is java.util.Random", `States.MathRandom(0, 1000, 42)`, `{}`, `130`},
		{"random with a seed is the same each time", `States.Array(States.MathRandom(1, 100, 7), States.MathRandom(1, 100, 7))`, `{}`, `[80,80]`},

		// Strings
		{"split on every delimiter character", `States.StringSplit($.s, $.d)`, `{"s":"This.is+a,test=string","d":".+,="}`, `["This","is","a","test","string"]`},
		{"split drops empty parts", `States.StringSplit($.s, ',')`, `{"s":", , ,"}`, `[" "," "]`},
		{"split on a newline in the literal", "States.StringSplit('Hello\nWorld', '\n')", `{}`, `["Hello","World"]`},
		{"split with no delimiter", `States.StringSplit('abc', '')`, `{}`, `["abc"]`},
		{"split from the context", `States.StringSplit($$.Execution.Input.csv, ',')`, `{}`, `["a","b"]`},
		{"nested calls", `States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))`, `{}`, `"v2"`},

		{"uuid version 4", `States.UUID()`, `{}`, `"00000000-0000-4000-8000-000000000000"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, cause := evalIntrinsic(t, tt.expr, tt.input, nil)
			if cause != "" {
				t.Fatalf("%s failed: %s", tt.expr, cause)
			}
			if got != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestIntrinsicFailures(t *testing.T) {
	t.Parallel()
	const prefix = "The function '%s' had the following error: "
	tests := []struct {
		name, expr, input, want string
	}{
		{"argument that finds nothing", `States.Format('{}', $.nope)`, `{"other":1}`,
			`The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`},
		{"a later argument names itself", `States.Format('{} {}', $.other, $.a.b)`, `{"other":1}`,
			`The JsonPath argument for the field '$.a.b' could not be found in the input '{"other":1}'`},
		{"nested call names the whole expression", `States.Format('{}', States.Format('{}', $.nope))`, `{"other":1}`,
			`The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`},
		{"index past the end", `States.Format('{}', $.items[5])`, `{"items":[1,2]}`,
			`The JsonPath argument for the field '$.items[5]' could not be found in the input '{"items":[1,2]}'`},
		{"context path quotes the state input", `States.Format('{}', $$.Nope.Deep)`, `{"other":1}`,
			`The JsonPath argument for the field '$.Nope.Deep' could not be found in the input '{"other":1}'`},
		{"indexing a number shows Jayway's message", `States.Format('{}', $.other[0])`, `{"other":1}`,
			`Filter: [0] can only be applied to arrays. Current context is: 1`},
		{"undefined variable", `States.Array($nope)`, `{}`,
			`The JsonPath argument for the field '$nope' could not be found in the input '{}'`},
		{"format with too few arguments", `States.Format('{} {}', 1)`, `{}`,
			`Invalid arguments in States.Format: number of arguments do not match the occurrences of {}.`},
		{"format with a lone brace", `States.Format('Hello {', 1)`, `{}`,
			`Invalid template in States.Format: matching '}' not found for '{'.`},
		{"format with a non-string template", `States.Format($.t, 1)`, `{"t":123}`, `Invalid arguments in States.Format`},
		{"string to json of bad JSON", `States.StringToJson($.s)`, `{"s":"{bad"}`, `Invalid arguments in States.StringToJson`},
		{"string to json of a number", `States.StringToJson($.s)`, `{"s":1}`, `Invalid arguments in States.StringToJson`},
		{"partition size zero", `States.ArrayPartition($.a, 0.49)`, `{"a":[1]}`, `Invalid arguments in States.ArrayPartition`},
		{"partition of a string", `States.ArrayPartition('x', 2)`, `{}`, `Invalid arguments in States.ArrayPartition`},
		{"contains in a string", `States.ArrayContains('x', 'x')`, `{}`, `Invalid arguments in States.ArrayContains`},
		{"range with step zero", `States.ArrayRange(1, 10, 0.49)`, `{}`, `Invalid arguments in States.ArrayRange`},
		{"range longer than 1000", `States.ArrayRange(1, 1001, 1)`, `{}`, `Invalid arguments in States.ArrayRange`},
		{"range of strings", `States.ArrayRange('a', 5, 1)`, `{}`, `Invalid arguments in States.ArrayRange`},
		{"get item past the end", `States.ArrayGetItem($.a, 3)`, `{"a":[10,20,30]}`, `Invalid arguments in States.ArrayGetItem`},
		{"get item before the start", `States.ArrayGetItem($.a, -1)`, `{"a":[10,20,30]}`, `Invalid arguments in States.ArrayGetItem`},
		{"get item with a string index", `States.ArrayGetItem($.a, '1')`, `{"a":[10,20,30]}`, `Invalid arguments in States.ArrayGetItem`},
		{"length of an object", `States.ArrayLength($.o)`, `{"o":{}}`, `Invalid arguments in States.ArrayLength`},
		{"unique of an object", `States.ArrayUnique($.o)`, `{"o":{"a":1}}`, `Invalid arguments in States.ArrayUnique`},
		{"base64 decode of bad text", `States.Base64Decode('not base64!!!')`, `{}`, `Invalid arguments in States.Base64Decode`},
		{"base64 decode with a line break", `States.Base64Decode($.s)`, `{"s":"RGF0\nYQ=="}`, `Invalid arguments in States.Base64Decode`},
		{"base64 encode of too much", `States.Base64Encode($.s)`, `{"s":"` + strings.Repeat("a", 10001) + `"}`, `Invalid arguments in States.Base64Encode`},
		{"hash with an unknown algorithm", `States.Hash('x', 'SHA256')`, `{}`, `Invalid arguments in States.Hash`},
		{"hash names are case sensitive", `States.Hash('x', 'sha-256')`, `{}`, `Invalid arguments in States.Hash`},
		{"hash of too much", `States.Hash($.s, 'MD5')`, `{"s":"` + strings.Repeat("a", 10001) + `"}`, `Invalid arguments in States.Hash`},
		{"deep merge", `States.JsonMerge($.a, $.a, true)`, `{"a":{}}`, `Invalid arguments in States.JsonMerge`},
		{"merge of an array", `States.JsonMerge($.a, $.b, false)`, `{"a":{},"b":[]}`, `Invalid arguments in States.JsonMerge`},
		{"add of a string", `States.MathAdd($.a, 1)`, `{"a":"NOT A NUMBER"}`, `Invalid arguments in States.MathAdd`},
		{"add past 32 bits", `States.MathAdd(2147483647, 1)`, `{}`, `Invalid arguments in States.MathAdd`},
		{"random with equal bounds", `States.MathRandom(1, 1)`, `{}`, `Invalid arguments in States.MathRandom`},
		{"random with bounds that truncate to one", `States.MathRandom(1.4, 1.6)`, `{}`, `Invalid arguments in States.MathRandom`},
		{"random with reversed bounds", `States.MathRandom(10, 5)`, `{}`, `Invalid arguments in States.MathRandom`},
		{"random with a null seed", `States.MathRandom(1, 10, null)`, `{}`, `Invalid arguments in States.MathRandom`},
		{"split of a number", `States.StringSplit($.n, ',')`, `{"n":7}`, `Invalid arguments in States.StringSplit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, cause := evalIntrinsic(t, tt.expr, tt.input, nil)
			if cause == "" {
				t.Fatalf("%s = %s, want a failure", tt.expr, got)
			}
			want := strings.Replace(prefix, "%s", tt.expr, 1) + tt.want
			if cause != want {
				t.Errorf("cause\n got %s\nwant %s", cause, want)
			}
		})
	}
}

func TestIntrinsicVariables(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"name": `"John"`, "obj": `{"a":[1,{"b":"x"}]}`}
	got, cause := evalIntrinsic(t, `States.Format('{} {}', $name, $obj.a[1].b)`, `{}`, vars)
	if cause != "" || got != `"John x"` {
		t.Errorf("got %s (cause %q)", got, cause)
	}
	_, cause = evalIntrinsic(t, `States.Array($obj.nope)`, `{"in":1}`, vars)
	if want := `The function 'States.Array($obj.nope)' had the following error: The JsonPath argument for the field '$obj.nope' could not be found in the input '{"in":1}'`; cause != want {
		t.Errorf("cause %s, want %s", cause, want)
	}
}

func TestCompileIntrinsicErrors(t *testing.T) {
	t.Parallel()
	nested := strings.Repeat("States.Array(", 11) + strings.Repeat(")", 11)
	tests := []struct{ expr, want string }{
		{`States.Nope(1)`, "States.Nope is not an intrinsic function"},
		{`States.Format`, "expected '(' after States.Format"},
		{`States.Format('a'`, "not closed with ')'"},
		{`States.Format('a)`, "not closed with '"},
		{`States.Array(1,)`, "expected an argument at position 15"},
		{`States.Array(,1)`, "expected an argument at position 13"},
		{`States.Array(1 2)`, "expected ',' or ')'"},
		{`States.MathAdd(1)`, "States.MathAdd takes 2 arguments, not 1"},
		{`States.MathRandom(1, 2, 3, 4)`, "States.MathRandom takes 2 to 3 arguments, not 4"},
		{`States.UUID(1)`, "States.UUID takes 0 arguments, not 1"},
		{`States.Format()`, "States.Format takes at least 1 arguments, not 0"},
		{`States.JsonToString()`, "States.JsonToString takes 1 argument, not 0"},
		{`States.Array(1) x`, "unexpected 'x' after the end of the call"},
		{`States.Format('\n')`, "escapes nothing"},
		{`States.Format('a\')`, "not closed"},
		{nested, "more than 10 intrinsic functions"},
		{`States.Array($.a[)`, "the JSONPath \"$.a[)\" at position 13 is not valid"},
		{`States.Array(01)`, "invalid number"},
		{`States.Array(1.)`, "invalid number"},
		{`States.Array(1x)`, "invalid number"},
		{`States.Array(foo)`, `"foo" at position 13 is not an intrinsic function`},
		{`States.Array($1)`, "neither a JSONPath nor a variable reference"},
		{`States.Array($x-y)`, "variable reference \"$x-y\""},
		{`States.Array("a")`, "expected an argument"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			_, err := compileIntrinsic(tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("compile %s: error %v, want one with %q", tt.expr, err, tt.want)
			}
		})
	}
}

func TestCompileIntrinsicAccepts(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		strings.Repeat("States.Array(", 10) + strings.Repeat(")", 10),
		`States.Array( 1 ,	'a' , $.b )`,
		`States.Array($['a b'], $.c[?(@.d == 'x, y)')], $..e, $[0:2])`,
		`States.Array($, $$, $$.Map.Item.Value, $var, $var.a[0])`,
		`States.Format('a {} b', States.JsonToString($.x))`,
		`States.Array(-0, 1e5, -1.25E-3, true, false, null)`,
	} {
		if _, err := compileIntrinsic(expr); err != nil {
			t.Errorf("compile %s: %v", expr, err)
		}
	}
}

// TestIntrinsicDefinitionErrors checks that a bad call is reported at Parse, at the field
// that holds it.
func TestIntrinsicDefinitionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ def, location, field, message string }{
		{`{"StartAt":"X","States":{"X":{"Type":"Pass","Parameters":{"foo.$":"States.Nope()"},"End":true}}}`,
			"/States/X/Parameters/foo.$", "Parameters/foo.$", `the value of "foo.$" is not a valid intrinsic function call: States.Nope is not an intrinsic function`},
		{`{"StartAt":"X","States":{"X":{"Type":"Pass","Parameters":{"a":[{"b.$":"States.MathAdd(1)"}]},"End":true}}}`,
			"/States/X/Parameters/a/0/b.$", "Parameters/a/0/b.$", "States.MathAdd takes 2 arguments, not 1"},
		{`{"StartAt":"F","States":{"F":{"Type":"Fail","CausePath":"States.Format('{}', $.a"}}}`,
			"/States/F/CausePath", "CausePath", "not closed with ')'"},
	}
	for _, tt := range tests {
		diags := Validate([]byte(tt.def))
		if len(diags) != 1 || diags[0].Location != tt.location || diags[0].Field != tt.field || !strings.Contains(diags[0].Message, tt.message) {
			t.Errorf("Validate(%s) = %+v, want one error at %s with %q", tt.def, diags, tt.location, tt.message)
		}
	}
}

func TestJavaDouble(t *testing.T) {
	t.Parallel()
	for f, want := range map[float64]string{
		1: "1.0", -1.5: "-1.5", 0.001: "0.001", 0.0001: "1.0E-4", 9999999: "9999999.0", 1e7: "1.0E7",
		123456789.5: "1.234567895E8", 1e-10: "1.0E-10", 0.30000000000000004: "0.30000000000000004", 2e-3: "0.002", 1.7976931348623157e308: "1.7976931348623157E308",
	} {
		if got := javaDouble(f); got != want {
			t.Errorf("javaDouble(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestJavaRandom(t *testing.T) {
	t.Parallel()
	// new java.util.Random(42).nextInt() is -1170105035: a value often quoted.
	if got := newJavaRandom(42).next(32); got != -1170105035 {
		t.Errorf("next(32) = %d, want -1170105035", got)
	}
}
