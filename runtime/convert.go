package runtime

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Converting a state between the query languages, as the designer's "Convert to JSONata"
// does (and AWS's console offers for JSONPath states). JSONPath's five data-flow fields
// (InputPath, Parameters, ResultSelector, ResultPath, OutputPath) become JSONata's Arguments
// and Output, `.$` fields become "{% %}" expressions over $states.input, $states.result and
// $states.errorOutput, Choice rules become Conditions and intrinsic functions become the
// JSONata functions AWS documents as their counterparts. What has no faithful counterpart
// (a JSONPath filter, a slice, a deep merge) is refused with the field it is in, never
// converted into something that runs differently on the paths that succeed.

// ConvertError says why a state cannot be converted, and where.
type ConvertError struct {
	State string
	// Field is the field as a JSON pointer inside the state: "Parameters/id.$".
	Field string
	Msg   string
}

func (e *ConvertError) Error() string {
	where := strconv.Quote(e.State)
	if e.Field != "" {
		where += " " + e.Field
	}
	return "cannot convert " + where + ": " + e.Msg
}

// ConvertState rewrites one state, given as its JSON object, into the query language to
// ("JSONata" or "JSONPath"); machineLanguage is the language the state inherits (its
// machine's, or its branch's or enclosing state's), which decides whether it needs its own
// QueryLanguage field. The states inside a Parallel or Map inherit the state's language:
// into JSONata they are converted with it; back to JSONPath they keep JSONata, now named
// on each of them.
func ConvertState(name string, state []byte, to, machineLanguage string) ([]byte, error) {
	v, err := decodeJSON(state)
	if err != nil {
		return nil, &ConvertError{State: name, Msg: "the state is not valid JSON: " + err.Error()}
	}
	st, ok := v.(*object)
	if !ok {
		return nil, &ConvertError{State: name, Msg: "a state is a JSON object"}
	}
	c := &converter{state: name}
	var out *object
	switch to {
	case langJSONata:
		if lang, _ := st.get("QueryLanguage"); lang == langJSONata || machineLanguage == langJSONata && lang == nil {
			return state, nil // already JSONata
		}
		out, err = c.toJSONata(st, machineLanguage != langJSONata)
	case langJSONPath:
		if machineLanguage == langJSONata {
			return nil, &ConvertError{State: name, Field: "QueryLanguage",
				Msg: "the state inherits JSONata (from its machine, its branch or the Parallel or Map around it), which cannot hold JSONPath states: convert that to JSONPath first"}
		}
		out, err = c.toJSONPath(st)
	default:
		return nil, &ConvertError{State: name, Field: "QueryLanguage", Msg: fmt.Sprintf("the query language is JSONPath or JSONata, not %q", to)}
	}
	if err != nil {
		return nil, err
	}
	return encodeJSON(out), nil
}

// ConvertDefinition rewrites a whole JSONPath state machine into JSONata: the top-level
// QueryLanguage and every state, nested ones included. The benchmarks run the shared
// JSONPath workloads converted so, back to back with the originals.
func ConvertDefinition(definition []byte) ([]byte, error) {
	v, err := decodeJSON(definition)
	if err != nil {
		return nil, fmt.Errorf("runtime: convert: the definition is not valid JSON: %w", err)
	}
	root, ok := v.(*object)
	if !ok {
		return nil, fmt.Errorf("runtime: convert: a definition is a JSON object")
	}
	conv, err := convertMachine(root)
	if err != nil {
		return nil, err
	}
	out := newObject(root.len() + 1)
	out.set("QueryLanguage", langJSONata)
	for _, m := range conv.members {
		if m.key != "QueryLanguage" {
			out.set(m.key, m.val)
		}
	}
	return encodeJSON(out), nil
}

// convertMachine converts the states of a machine, a branch or an item processor. Decoded
// objects cache their text, so the converted ones are new objects, never edited in place.
func convertMachine(m *object) (*object, error) {
	states, _ := m.get("States")
	so, ok := states.(*object)
	if !ok {
		return m, nil
	}
	converted := newObject(so.len())
	for _, mem := range so.members {
		st, ok := mem.val.(*object)
		if !ok {
			converted.set(mem.key, mem.val)
			continue
		}
		if lang, _ := st.get("QueryLanguage"); lang == langJSONata {
			converted.set(mem.key, st)
			continue
		}
		c := &converter{state: mem.key}
		out, err := c.toJSONata(st, false)
		if err != nil {
			return nil, err
		}
		converted.set(mem.key, out)
	}
	out := withStates(m, converted)
	if _, named := out.get("QueryLanguage"); named {
		out.set("QueryLanguage", langJSONata) // a branch's own language goes with its states
	}
	return out, nil
}

// withStates is machine m with other States.
func withStates(m, states *object) *object {
	out := newObject(m.len())
	for _, f := range m.members {
		if f.key == "States" {
			out.set(f.key, states)
		} else {
			out.set(f.key, f.val)
		}
	}
	return out
}

// nested applies convert to the machines inside a Parallel (Branches) or Map (ItemProcessor,
// Iterator) field; other values are returned as they are.
func nested(key string, v any, convert func(*object) (*object, error)) (any, error) {
	switch key {
	case "Branches":
		list, ok := v.([]any)
		if !ok {
			return v, nil
		}
		out := make([]any, len(list))
		for i, b := range list {
			out[i] = b
			if bo, ok := b.(*object); ok {
				cb, err := convert(bo)
				if err != nil {
					return nil, err
				}
				out[i] = cb
			}
		}
		return out, nil
	case "ItemProcessor", "Iterator":
		if po, ok := v.(*object); ok {
			return convert(po)
		}
	}
	return v, nil
}

// markJSONata gives each state of a machine that names no language its own QueryLanguage
// JSONata: the states inside a state converted back to JSONPath would otherwise inherit
// JSONPath, which their JSONata fields do not speak.
func markJSONata(m *object) (*object, error) {
	states, _ := m.get("States")
	so, ok := states.(*object)
	if !ok {
		return m, nil
	}
	marked := newObject(so.len())
	for _, mem := range so.members {
		st, ok := mem.val.(*object)
		if !ok {
			marked.set(mem.key, mem.val)
			continue
		}
		if _, named := st.get("QueryLanguage"); named {
			marked.set(mem.key, mem.val)
			continue
		}
		out := newObject(st.len() + 1)
		for _, f := range st.members {
			out.set(f.key, f.val)
			if f.key == "Type" {
				out.set("QueryLanguage", langJSONata)
			}
		}
		marked.set(mem.key, out)
	}
	return withStates(m, marked), nil
}

type converter struct {
	state string
	// templates are the converted templates whose object expression stands for $ in a
	// later field (Assign over a Pass's Parameters): a path into one starts from the
	// member's own expression instead of building the whole object.
	templates map[string]*object
}

func (c *converter) fail(field, format string, args ...any) error {
	return &ConvertError{State: c.state, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// The JSONPath fields a conversion to JSONata removes (their meaning moves to Arguments,
// Output and the fields that take expressions).
var jsonPathFlowFields = []string{"InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Result",
	"ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
	"MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath"}

// toJSONata converts a JSONPath state; own says it gets its own QueryLanguage field (its
// machine's language is JSONPath).
func (c *converter) toJSONata(st *object, own bool) (*object, error) {
	typ, _ := st.get("Type")
	t, _ := typ.(string)
	for _, k := range jsonataOnlyFields {
		if _, ok := st.get(k); ok {
			return nil, c.fail(k, "%s is a JSONata field in a JSONPath state: remove it first", k)
		}
	}
	// input is what $ means to InputPath's consumers: the state's input after InputPath.
	input := "$states.input"
	if p, ok := st.get("InputPath"); ok {
		var err error
		if input, err = c.selectExpr(p, "$states.input", "InputPath"); err != nil {
			return nil, err
		}
	}
	fields := newObject(4)
	// result is the JSONata expression of what JSONPath's ResultPath would place: the work's
	// result after ResultSelector; resultDefault is the expression JSONata's Output defaults
	// to for this type, when Output is absent.
	var result, resultDefault string
	switch t {
	case "Task", "Parallel", "Map":
		resultDefault = "$states.result"
		result = "$states.result"
		if t == "Map" {
			if err := c.mapFields(st, fields, input); err != nil {
				return nil, err
			}
		} else if params, ok := st.get("Parameters"); ok {
			args, err := c.template(params, input, "Parameters")
			if err != nil {
				return nil, err
			}
			fields.set("Arguments", args)
		} else if input != "$states.input" {
			fields.set("Arguments", "{% "+input+" %}")
		}
		if sel, ok := st.get("ResultSelector"); ok {
			v, err := c.template(sel, "$states.result", "ResultSelector")
			if err != nil {
				return nil, err
			}
			result = c.remember(v)
		}
		if t == "Task" {
			for _, f := range []string{"TimeoutSeconds", "HeartbeatSeconds"} {
				if err := c.pathField(st, fields, f, input); err != nil {
					return nil, err
				}
			}
		}
	case "Pass":
		resultDefault = "$states.input"
		result = input
		if r, ok := st.get("Result"); ok {
			if err := c.literal(r, "Result"); err != nil {
				return nil, err
			}
			result = c.remember(r) // Result wins over Parameters
		} else if params, ok := st.get("Parameters"); ok {
			v, err := c.template(params, input, "Parameters")
			if err != nil {
				return nil, err
			}
			result = c.remember(v)
		}
	case "Choice", "Wait", "Succeed":
		resultDefault = "$states.input"
		result = input
		if t == "Wait" {
			for _, f := range []string{"Seconds", "Timestamp"} {
				if err := c.pathField(st, fields, f, input); err != nil {
					return nil, err
				}
			}
		}
	case "Fail":
		for _, f := range []string{"Error", "Cause"} {
			if p, ok := st.get(f + "Path"); ok {
				s, _ := p.(string)
				expr, err := c.expression(s, "$states.input", f+"Path")
				if err != nil {
					return nil, err
				}
				fields.set(f, "{% "+expr+" %}")
			}
		}
	default:
		return nil, c.fail("Type", "a state of type %v cannot be converted", typ)
	}

	var output any
	if t != "Fail" {
		out, err := c.output(st, result, resultDefault)
		if err != nil {
			return nil, err
		}
		if out != "" {
			output = "{% " + out + " %}"
			// A plain result placed as it is reads better as its template than as one expression.
			if _, hasPath := st.get("ResultPath"); !hasPath {
				if _, hasOut := st.get("OutputPath"); !hasOut {
					if v, ok := c.directOutput(st, t, input); ok {
						output = v
					}
				}
			}
			fields.set("Output", output)
		}
	}

	// The values that change their language in place.
	replaced := map[string]any{}
	if a, ok := st.get("Assign"); ok {
		v, err := c.template(a, groupExpr(result), "Assign")
		if err != nil {
			return nil, err
		}
		replaced["Assign"] = v
	}
	if ch, ok := st.get("Choices"); ok && t == "Choice" {
		v, err := c.choices(ch, input)
		if err != nil {
			return nil, err
		}
		replaced["Choices"] = v
	}
	if cat, ok := st.get("Catch"); ok {
		v, err := c.catchers(cat)
		if err != nil {
			return nil, err
		}
		replaced["Catch"] = v
	}
	if cr, ok := st.get("Credentials"); ok {
		v, err := c.template(cr, input, "Credentials")
		if err != nil {
			return nil, err
		}
		replaced["Credentials"] = v
	}
	for _, m := range fields.members {
		if _, ok := st.get(m.key); ok {
			replaced[m.key] = m.val
		}
	}

	// The new fields take the place of the first JSONPath field they replace, or come
	// before the transition.
	out := newObject(st.len() + 2)
	pending := true
	emit := func() {
		if !pending {
			return
		}
		pending = false
		for _, m := range fields.members {
			if _, inPlace := replaced[m.key]; !inPlace {
				out.set(m.key, m.val)
			}
		}
	}
	for _, m := range st.members {
		if m.key == "QueryLanguage" {
			continue
		}
		switch m.key {
		case "Next", "End", "Retry", "Catch":
			emit()
		}
		if v, ok := replaced[m.key]; ok {
			out.set(m.key, v)
		} else if slices.Contains(jsonPathFlowFields, m.key) {
			emit()
		} else {
			// The states inside inherit the language: they are converted with it.
			v, err := nested(m.key, m.val, convertMachine)
			if err != nil {
				return nil, err
			}
			out.set(m.key, v)
		}
		if m.key == "Type" && own {
			out.set("QueryLanguage", langJSONata)
		}
	}
	emit()
	return out, nil
}

// remember returns the expression of a converted template and keeps the template, so paths
// into it can start from its members.
func (c *converter) remember(v any) string {
	e := expressionOf(v)
	if o, ok := v.(*object); ok {
		if c.templates == nil {
			c.templates = map[string]*object{}
		}
		c.templates[groupExpr(e)] = o
	}
	return e
}

// directOutput is Output as a template rather than one expression, when the state's result
// is placed as it is and was written as a template (Parameters of a Pass, ResultSelector).
func (c *converter) directOutput(st *object, t, input string) (any, bool) {
	var src any
	var root string
	switch t {
	case "Pass":
		if r, ok := st.get("Result"); ok {
			return r, true
		}
		src, root = orNil(st.get("Parameters")), input
	case "Task", "Parallel", "Map":
		src, root = orNil(st.get("ResultSelector")), "$states.result"
	}
	if _, ok := src.(*object); !ok {
		return nil, false
	}
	v, err := c.template(src, root, "")
	return v, err == nil
}

func orNil(v any, _ bool) any { return v }

// output is the expression of the state's output: result placed by ResultPath into the
// input, then selected by OutputPath; "" when that is what JSONata does without Output.
func (c *converter) output(st *object, result, resultDefault string) (string, error) {
	placed := result
	if rp, ok := st.get("ResultPath"); ok {
		switch p := rp.(type) {
		case nil:
			placed = "$states.input"
		case string:
			var err error
			if placed, err = c.placeAt(p, "$states.input", result, "ResultPath"); err != nil {
				return "", err
			}
		default:
			return "", c.fail("ResultPath", "ResultPath is a path or null")
		}
	}
	out := placed
	if op, ok := st.get("OutputPath"); ok {
		var err error
		if rest, ok := pathWithin(op, orNil(st.get("ResultPath"))); ok {
			// OutputPath selects inside what ResultPath placed: select from the result.
			out, err = c.selectExpr(rest, result, "OutputPath")
		} else {
			out, err = c.selectExpr(op, placed, "OutputPath")
		}
		if err != nil {
			return "", err
		}
	}
	if out == resultDefault {
		return "", nil
	}
	return out, nil
}

// pathWithin returns the part of path p after prefix, as a path from $, when both are
// plain field paths and prefix is a prefix of p: "$.a.b" within "$.a" is "$.b".
func pathWithin(p, prefix any) (string, bool) {
	ps, ok1 := p.(string)
	pre, ok2 := prefix.(string)
	if !ok1 || !ok2 {
		return "", false
	}
	pp, err1 := compilePath(ps, false)
	qp, err2 := compilePath(pre, false)
	if err1 != nil || err2 != nil || pp.variable != "" || qp.variable != "" || len(qp.tokens) > len(pp.tokens) {
		return "", false
	}
	var b strings.Builder
	b.WriteString("$")
	for i, tok := range pp.tokens {
		if tok.kind != tokProperty || len(tok.names) != 1 {
			return "", false
		}
		if i < len(qp.tokens) {
			if q := qp.tokens[i]; q.kind != tokProperty || len(q.names) != 1 || q.names[0] != tok.names[0] {
				return "", false
			}
			continue
		}
		if !jsonataIdent.MatchString(tok.names[0]) {
			return "", false
		}
		b.WriteString("." + tok.names[0])
	}
	return b.String(), true
}

// placeAt is the expression of base with value set at the reference path p, as ResultPath
// does: objects along the path are merged, not replaced.
func (c *converter) placeAt(p, base, value, field string) (string, error) {
	path, err := compilePath(p, false)
	if err != nil {
		return "", c.fail(field, "%v", err)
	}
	if path.variable != "" {
		return "", c.fail(field, "ResultPath cannot name a variable")
	}
	var build func(i int, base string) (string, error)
	build = func(i int, base string) (string, error) {
		if i == len(path.tokens) {
			return value, nil
		}
		tok := path.tokens[i]
		if tok.kind != tokProperty || len(tok.names) != 1 {
			return "", c.fail(field, "only a path of field names (such as $.a.b) converts to JSONata, not %s", p)
		}
		name := tok.names[0]
		inner, err := build(i+1, base+"."+jsonataName(name))
		if err != nil {
			return "", err
		}
		return "$merge([" + base + ", {" + strconv.Quote(name) + ": " + inner + "}])", nil
	}
	return build(0, base)
}

// selectExpr is the expression of InputPath or OutputPath v applied to from: null gives {}.
func (c *converter) selectExpr(v any, from, field string) (string, error) {
	switch p := v.(type) {
	case nil:
		return "{}", nil
	case string:
		path, err := compilePath(p, true)
		if err != nil {
			return "", c.fail(field, "%v", err)
		}
		return c.pathExpr(path, groupExpr(from), field)
	}
	return "", c.fail(field, "%s is a path or null", field)
}

// pathField converts Seconds/SecondsPath (and the like) into the JSONata field.
func (c *converter) pathField(st, fields *object, name, input string) error {
	if v, ok := st.get(name); ok {
		fields.set(name, v)
	}
	if p, ok := st.get(name + "Path"); ok {
		s, _ := p.(string)
		expr, err := c.expression(s, input, name+"Path")
		if err != nil {
			return err
		}
		fields.set(name, "{% "+expr+" %}")
	}
	return nil
}

// mapFields converts a Map state's item fields.
func (c *converter) mapFields(st, fields *object, input string) error {
	if p, ok := st.get("ItemsPath"); ok {
		items, err := c.selectExpr(p, input, "ItemsPath")
		if err != nil {
			return err
		}
		if items != "$states.input" {
			fields.set("Items", "{% "+items+" %}")
		}
	} else if input != "$states.input" {
		fields.set("Items", "{% "+input+" %}")
	}
	selector, field := orNil(st.get("ItemSelector")), "ItemSelector"
	if selector == nil {
		selector, field = orNil(st.get("Parameters")), "Parameters"
	}
	if selector != nil {
		v, err := c.template(selector, input, field)
		if err != nil {
			return err
		}
		fields.set("ItemSelector", v)
	}
	for _, f := range []string{"MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"} {
		if err := c.pathField(st, fields, f, input); err != nil {
			return err
		}
		// JSONPath takes a number written as text here; JSONata wants the number.
		if s, ok := fields.get(f); ok && isExpressionValue(s) {
			if _, isPath := st.get(f + "Path"); isPath {
				fields.set(f, "{% $number("+strings.TrimSuffix(strings.TrimPrefix(s.(string), "{% "), " %}")+") %}")
			}
		}
	}
	for _, f := range []string{"ItemReader", "ResultWriter"} {
		v, ok := st.get(f)
		if !ok {
			continue
		}
		o, ok := v.(*object)
		if !ok {
			continue
		}
		conv := newObject(o.len())
		for _, m := range o.members {
			switch m.key {
			case "Parameters":
				args, err := c.template(m.val, input, f+"/Parameters")
				if err != nil {
					return err
				}
				conv.set("Arguments", args)
			case "ReaderConfig":
				rc, _ := m.val.(*object)
				if rc == nil {
					conv.set(m.key, m.val)
					continue
				}
				out := newObject(rc.len())
				for _, r := range rc.members {
					if r.key == "MaxItemsPath" {
						expr, err := c.expression(fmt.Sprint(r.val), input, f+"/ReaderConfig/MaxItemsPath")
						if err != nil {
							return err
						}
						out.set("MaxItems", "{% "+expr+" %}")
						continue
					}
					out.set(r.key, r.val)
				}
				conv.set(m.key, out)
			default:
				conv.set(m.key, m.val)
			}
		}
		fields.set(f, conv)
	}
	if b, ok := st.get("ItemBatcher"); ok {
		if o, ok := b.(*object); ok {
			for _, m := range o.members {
				if strings.HasSuffix(m.key, "Path") || m.key == "BatchInput" {
					return c.fail("ItemBatcher/"+m.key, "an ItemBatcher with %s does not convert to JSONata yet: write it by hand", m.key)
				}
			}
		}
	}
	return nil
}

// catchers converts the Catch list: ResultPath becomes Output over $states.errorOutput.
func (c *converter) catchers(v any) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return v, nil
	}
	out := make([]any, len(list))
	for i, e := range list {
		co, ok := e.(*object)
		if !ok {
			out[i] = e
			continue
		}
		field := "Catch/" + strconv.Itoa(i)
		n := newObject(co.len())
		for _, m := range co.members {
			switch m.key {
			case "ResultPath":
				switch p := m.val.(type) {
				case nil:
					n.set("Output", "{% $states.input %}")
				case string:
					placed, err := c.placeAt(p, "$states.input", "$states.errorOutput", field+"/ResultPath")
					if err != nil {
						return nil, err
					}
					if placed != "$states.errorOutput" {
						n.set("Output", "{% "+placed+" %}")
					}
				}
			case "Assign":
				a, err := c.template(m.val, "$states.errorOutput", field+"/Assign")
				if err != nil {
					return nil, err
				}
				n.set("Assign", a)
			default:
				n.set(m.key, m.val)
			}
		}
		out[i] = n
	}
	return out, nil
}
