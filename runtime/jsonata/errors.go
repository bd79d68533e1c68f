package jsonata

import (
	"regexp"
	"strings"
)

// Error is a JSONata error, with jsonata.js's code and message.
type Error struct {
	Code     string // e.g. "S0201", "T2001", "D3001", "U1001"
	Message  string
	Position int    // character offset in the expression, when known
	Token    string // the token or function name involved, when known
	Value    any    // the offending value, when known

	value2    any
	hasValue  bool
	tokenJSON string // JSON.stringify of a token that is no string (2, true, a regex's {})
	index     int
	typ       string
	exp       any
	fnName    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

var placeholder = regexp.MustCompile(`\{\{\{?([a-zA-Z0-9]+)\}?\}\}`)

// populate fills Message from the code's template, as populateMessage does:
// {{x}} is the JSON text of field x, {{{x}}} the raw value.
func (e *Error) populate() *Error {
	if e.Message != "" {
		return e
	}
	tmpl, ok := errorMessages[e.Code]
	if !ok {
		return e
	}
	e.Message = placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		raw := strings.HasPrefix(m, "{{{")
		name := placeholder.FindStringSubmatch(m)[1]
		var v any
		switch name {
		case "token":
			if raw {
				return e.Token
			}
			if e.tokenJSON != "" {
				return e.tokenJSON
			}
			if e.Token == "" && !strings.HasPrefix(e.Code, "S") {
				return "undefined"
			}
			v = e.Token
		case "value":
			if raw {
				if s, ok := e.Value.(string); ok {
					return s
				}
			}
			if !e.hasValue {
				return "undefined"
			}
			v = e.Value
		case "value2":
			v = e.value2
		case "index":
			v = float64(e.index)
		case "type":
			v = e.typ
		case "exp":
			v = e.exp
		case "message":
			return e.fnName
		case "functionName":
			return e.fnName
		}
		return stringifyForMessage(v)
	})
	return e
}

func stringifyForMessage(v any) string {
	v = messageValue(v)
	if v == nil {
		return "undefined"
	}
	var b strings.Builder
	writeJSON(&b, v, "", "", false)
	return b.String()
}

// messageValue is v as JSON.stringify sees it in jsonata.js: a built-in is
// an object whose function-typed fields drop out, a regular expression or
// a function passed as an argument a JavaScript function, which has no JSON
// text (nil: null in an array, left out of an object). A lambda's text holds
// jsonata.js's evaluation environment, which this package has no
// equivalent of; it stays as it is.
func messageValue(v any) any {
	return mapJSON(v, func(v any) any {
		x, ok := v.(*native)
		switch {
		case !ok:
			return v
		case x.regex != nil || x.inner != nil:
			return nil
		}
		o := NewObject()
		o.Set("_jsonata_function", true)
		if x.sig != nil {
			sig := NewObject()
			sig.Set("definition", x.sig.definition)
			o.Set("signature", sig)
		}
		return o
	})
}

// errf builds an error with an optional offending value.
func newErr(code string, pos int, token string) *Error {
	return &Error{Code: code, Position: pos, Token: token}
}

func errVal(code string, pos int, token string, v any) *Error {
	return &Error{Code: code, Position: pos, Token: token, Value: v, hasValue: v != nil}
}

var errorMessages = map[string]string{
	"S0101": "String literal must be terminated by a matching quote",
	"S0102": "Number out of range: {{token}}",
	"S0103": "Unsupported escape sequence: \\{{token}}",
	"S0104": "The escape sequence \\u must be followed by 4 hex digits",
	"S0105": "Quoted property name must be terminated with a backquote (`)",
	"S0106": "Comment has no closing tag",
	"S0201": "Syntax error: {{token}}",
	"S0202": "Expected {{value}}, got {{token}}",
	"S0203": "Expected {{value}} before end of expression",
	"S0204": "Unknown operator: {{token}}",
	"S0205": "Unexpected token: {{token}}",
	"S0206": "Unknown expression type: {{token}}",
	"S0207": "Unexpected end of expression",
	"S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
	"S0209": "A predicate cannot follow a grouping expression in a step",
	"S0210": "Each step can only have one grouping expression",
	"S0211": "The symbol {{token}} cannot be used as a unary operator",
	"S0212": "The left side of := must be a variable name (start with $)",
	"S0213": "The literal value {{value}} cannot be used as a step within a path expression",
	"S0214": "The right side of {{token}} must be a variable name (start with $)",
	"S0215": "A context variable binding must precede any predicates on a step",
	"S0216": "A context variable binding must precede the 'order-by' clause on a step",
	"S0217": "The object representing the 'parent' cannot be derived from this expression",
	"S0301": "Empty regular expressions are not allowed",
	"S0302": "No terminating / in regular expression",
	"S0402": "Choice groups containing parameterized types are not supported",
	"S0401": "Type parameters can only be applied to functions and arrays",
	"S0500": "Attempted to evaluate an expression containing syntax error(s)",
	"T0410": "Argument {{index}} of function {{token}} does not match function signature",
	"T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
	"T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
	"D1001": "Number out of range: {{value}}",
	"D1002": "Cannot negate a non-numeric value: {{value}}",
	"T1003": "Key in object structure must evaluate to a string; got: {{value}}",
	"D1004": "Regular expression matches zero length string",
	"T1005": "Attempted to invoke a non-function. Did you mean ${{{token}}}?",
	"T1006": "Attempted to invoke a non-function",
	"T1007": "Attempted to partially apply a non-function. Did you mean ${{{token}}}?",
	"T1008": "Attempted to partially apply a non-function",
	"D1009": "Multiple key definitions evaluate to same key: {{value}}",
	"D1010": "Attempted to access the Javascript object prototype",
	"T1010": "The matcher function argument passed to function {{token}} does not return the correct object structure",
	"T2001": "The left side of the {{token}} operator must evaluate to a number",
	"T2002": "The right side of the {{token}} operator must evaluate to a number",
	"T2003": "The left side of the range operator (..) must evaluate to an integer",
	"T2004": "The right side of the range operator (..) must evaluate to an integer",
	"D2005": "The left side of := must be a variable name (start with $)",
	"T2006": "The right side of the function application operator ~> must be a function",
	"T2007": "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
	"T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
	"T2009": "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
	"T2010": "The expressions either side of operator {{token}} must evaluate to numeric or string values",
	"T2011": "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
	"T2012": "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
	"T2013": "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.",
	"D2014": "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {{value}}.",
	"D3001": "Attempting to invoke string function on Infinity or NaN",
	"D3010": "Second argument of replace function cannot be an empty string",
	"D3011": "Fourth argument of replace function must evaluate to a positive number",
	"D3012": "Attempted to replace a matched string with a non-string value",
	"D3020": "Third argument of split function must evaluate to a positive number",
	"D3030": "Unable to cast value to a number: {{value}}",
	"D3040": "Third argument of match function must evaluate to a positive number",
	"D3050": "The second argument of reduce function must be a function with at least two arguments",
	"D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
	"D3061": "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}",
	"D3070": "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
	// The picture-string functions' codes (D3080-D3132) carry their texts from xpathfmt.
	"D3120": "Syntax error in expression passed to function eval: {{value}}",
	"D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
	"D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}",
	"D3134": "The timezone integer format specifier cannot have more than four digits",
	"D3135": "No matching closing bracket ']' in date/time picture string",
	"D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
	"D3137": "{{{message}}}",
	"D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
	"D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
	"D3140": "Malformed URL passed to ${{{functionName}}}(): {{value}}",
	"D3141": "{{{message}}}",
	"U1001": "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
	"U1002": "Expression evaluation timeout: Check for infinite loop",
}
