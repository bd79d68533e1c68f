package runtime

// The query languages a state can use. A JSONPath machine may hold JSONata states; a
// JSONata machine may not hold JSONPath ones (AWS refuses the definition).
const (
	langJSONPath = "JSONPath"
	langJSONata  = "JSONata"
)

// jsonataStateFields lists the fields each state type accepts in a JSONata state (Type,
// Comment, QueryLanguage and Assign are common, as in stateFields).
var jsonataStateFields = map[string][]string{
	"Pass":     {"Next", "End", "Output"},
	"Task":     {"Next", "End", "Arguments", "Output", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch", "Credentials"},
	"Choice":   {"Choices", "Default", "Output"},
	"Wait":     {"Next", "End", "Output", "Seconds", "Timestamp"},
	"Succeed":  {"Output"},
	"Fail":     {"Error", "Cause"},
	"Parallel": {"Next", "End", "Arguments", "Output", "Branches", "Retry", "Catch"},
	"Map":      {"Next", "End", "Output", "Items", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "Retry", "Catch"},
}

// jsonPathOnlyFields are the JSONPath fields a JSONata state may not have.
var jsonPathOnlyFields = []string{"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result",
	"ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
	"MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath"}

// jsonataOnlyFields are the JSONata fields a JSONPath state may not have.
var jsonataOnlyFields = []string{"Arguments", "Output", "Items", "Condition"}

// queryLanguage reads a QueryLanguage field, refusing JSONPath inside JSONata.
func (p *parser) queryLanguage(v any, s site) string {
	switch v {
	case langJSONPath:
		if p.lang == langJSONata {
			p.schemaf(s, "QueryLanguage", "a state cannot use JSONPath when the state machine's QueryLanguage is JSONata")
			return langJSONata
		}
		return langJSONPath
	case langJSONata:
		return langJSONata
	}
	p.schemaf(s, "QueryLanguage", "must be \"JSONPath\" or \"JSONata\", not %s", jsonText(v))
	return p.lang
}

// jsonataField compiles a field of a JSONata state that holds JSON with {% %} expressions
// anywhere in it (Arguments, Output, ItemSelector); nil when absent.
func (p *parser) jsonataField(obj *object, s site, field string) *jsonataTemplate {
	v, ok := obj.get(field)
	if !ok {
		return nil
	}
	return p.compileJSONata(v, s, field)
}

// compileJSONata compiles v, the value of field, reporting bad expressions where they are.
func (p *parser) compileJSONata(v any, s site, field string) *jsonataTemplate {
	return compileJSONata(v, field, func(rel, code, msg string) {
		p.errorf(code, s, field+rel, "%s", msg)
	})
}

// parseJSONataAssign compiles the Assign of a JSONata state, rule or catcher: variable
// names as keys, values with {% %} expressions.
func (p *parser) parseJSONataAssign(v any, s site, field string) *assignment {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, field, "must be an object whose keys are variable names")
		return nil
	}
	a := &assignment{}
	for _, m := range obj.members {
		if p.checkVariableName(m.key, s, field) {
			a.names = append(a.names, m.key)
			a.keys = append(a.keys, m.key)
		}
	}
	a.jsonata = p.compileJSONata(obj, s, field)
	return a
}
