package runtime

import "fmt"

// parseJSONataRule parses a rule of a JSONata Choice state: a Condition (a boolean or an
// expression giving one) with Next, and optionally Assign and Output.
func (p *parser) parseJSONataRule(v any, s site, field string) *ChoiceRule {
	r := &ChoiceRule{}
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, field, "a choice rule must be an object")
		return r
	}
	at := func(f string) string { return field + "/" + f }
	rs := site{loc: s.at(field), state: s.state, prefix: s.prefix + field + "/"}
	for _, m := range obj.members {
		switch k := m.key; {
		case k == "Condition" || k == "Next" || k == "Comment" || k == "Assign" || k == "Output":
		case k == "Variable" || k == "And" || k == "Or" || k == "Not" || choiceOps[k].family != "":
			p.schemaf(rs, k, "The field '%s' is not supported for the JSONata query language: use Condition", k)
		default:
			p.schemaf(rs, k, "Field '%s' is not supported", k)
		}
	}
	r.Comment, _ = mustGet(obj, "Comment").(string)
	if n, ok := obj.get("Next"); ok {
		r.Next, _ = n.(string)
	} else {
		p.schemaf(s, field, "a choice rule needs Next")
	}
	c, ok := obj.get("Condition")
	if !ok {
		p.schemaf(s, field, "These fields are required: [Condition]")
		c = false
	}
	switch t := c.(type) {
	case bool:
	case string:
		if _, isExpr := jsonataExpression(t); !isExpr {
			p.schemaf(s, at("Condition"), "must be true, false or a {%% %%} expression, not %s", jsonText(c))
		}
	default:
		p.schemaf(s, at("Condition"), "must be true, false or a {%% %%} expression, not %s", jsonText(c))
	}
	r.condition = p.compileJSONata(c, s, at("Condition"))
	r.condition.field = "Condition"
	if o, ok := obj.get("Output"); ok {
		r.output = p.compileJSONata(o, s, at("Output"))
		r.output.relabel("Output")
	}
	if a, ok := obj.get("Assign"); ok {
		r.assign = p.parseJSONataAssign(a, s, at("Assign"))
		if r.assign != nil {
			r.assign.jsonata.relabel("Assign")
		}
	}
	return r
}

// mustGet is obj's member key, or nil.
func mustGet(obj *object, key string) any {
	v, _ := obj.get(key)
	return v
}

// relabel names the field the template's expressions sit in as AWS quotes it in causes,
// which for a Choice rule's fields leaves out where the rule is.
func (t *jsonataTemplate) relabel(field string) {
	t.relabelAt(field)
}

func (t *jsonataTemplate) relabelAt(field string) {
	if t.expr != nil {
		t.field = field
	}
	for _, f := range t.fields {
		f.t.relabelAt(field + "/" + f.name)
	}
	for i, it := range t.items {
		it.relabelAt(fmt.Sprintf("%s/%d", field, i))
	}
}

// condition evaluates a Choice rule's Condition, which must give a boolean.
func (env *jsonataEnv) condition(t *jsonataTemplate) (bool, error) {
	v, err := t.eval(env)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, t.wrongType("boolean", v)
	}
	return b, nil
}
