package runtime

// A JSONata Map's ItemReader and ResultWriter take Arguments where a JSONPath one takes
// Parameters: the same Bucket and Key (or Prefix), with {% %} expressions in place of
// ".$" keys.

// s3ArgumentsField is the name of the field that names the S3 object in the Map state
// being parsed.
func (p *parser) s3ArgumentsField() string {
	if p.lang == langJSONata {
		return "Arguments"
	}
	return "Parameters"
}

// s3Arguments compiles the Arguments of a JSONata ItemReader or ResultWriter. A literal
// object must name Bucket (and key when required); an expression is checked when it runs.
func (p *parser) s3Arguments(obj *object, s site, key string, keyRequired bool) *jsonataTemplate {
	v, ok := obj.get("Arguments")
	if !ok {
		p.schemaf(s, "", "These fields are required: [Arguments]")
		return nil
	}
	switch t := v.(type) {
	case *object:
		if _, has := t.get("Bucket"); !has {
			p.schemaf(s, "Arguments", "These fields are required: [Bucket]")
		}
		if _, has := t.get(key); keyRequired && !has {
			p.schemaf(s, "Arguments", "These fields are required: [%s]", key)
		}
	case string:
		if !isExpression(t) {
			p.schemaf(s, "Arguments", "must be an object with Bucket and %s, or a {%% %%} expression", key)
		}
	default:
		p.schemaf(s, "Arguments", "must be an object with Bucket and %s, or a {%% %%} expression", key)
	}
	return p.compileJSONata(v, s, "Arguments")
}

// s3Params evaluates a JSONPath Map's Parameters or a JSONata Map's Arguments.
func (x *execution) s3Params(params *template, arguments *jsonataTemplate, sr *stateRun, input any) (any, error) {
	if arguments != nil {
		return arguments.eval(sr.jsonata)
	}
	return params.eval(input, x.lazyContext(sr), x.vars)
}
