package runtime

import (
	"fmt"
	"regexp"
	"strings"
)

// A payload template (Parameters, ResultSelector, ItemSelector) is JSON in which a key
// ending in ".$" takes its value from a path over the template's input, a path over the
// context object ($$), a variable ($name) or an intrinsic function. Templates are compiled
// once at Parse; constant parts stay literal values.

type templateKind int

const (
	tmplLiteral templateKind = iota
	tmplObject
	tmplArray
	tmplPath      // $... over the input, $$... over the context object
	tmplIntrinsic // States.Format(...)
	tmplVariable  // $name
)

type template struct {
	kind    templateKind
	literal any
	fields  []templateField
	items   []*template
	path    *Path
	field   string // the key as written, e.g. "value.$", quoted in AWS's messages
	expr    string // the intrinsic call or variable reference as written
	// intrinsic is the compiled call of a tmplIntrinsic, parsed once here at Parse.
	intrinsic *intrinsic
	// readsContext is set when a path in the template reads $$: only then does a state
	// build its context object.
	readsContext bool
}

type templateField struct {
	name string
	t    *template
}

// variableRef matches a variable reference such as $order or $order.items[0].
var variableRef = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*`)

// compileTemplate compiles v. Problems are reported through report with the location
// (relative to the template) and message; compileTemplate keeps going to find them all.
func compileTemplate(v any, report func(rel, msg string)) *template {
	return compileTemplateAt(v, "", report)
}

func compileTemplateAt(v any, rel string, report func(rel, msg string)) *template {
	switch t := v.(type) {
	case *object:
		out := &template{kind: tmplObject}
		dynamic := false
		seen := map[string]bool{}
		for _, m := range t.members {
			key, val := m.key, m.val
			loc := rel + "/" + key
			name := key
			var ft *template
			if strings.HasSuffix(key, ".$") {
				name = strings.TrimSuffix(key, ".$")
				s, ok := val.(string)
				if !ok {
					report(loc, fmt.Sprintf("the value of %q must be a string holding a JSONPath or an intrinsic function", key))
					continue
				}
				ft = compileExpression(s, key, true, func(msg string) { report(loc, msg) })
				if ft == nil {
					continue
				}
			} else {
				ft = compileTemplateAt(val, loc, report)
			}
			if seen[name] {
				report(loc, fmt.Sprintf("the field %q appears twice once %q is renamed", name, key))
				continue
			}
			seen[name] = true
			if ft.kind != tmplLiteral {
				dynamic = true
			}
			out.readsContext = out.readsContext || ft.readsContext
			out.fields = append(out.fields, templateField{name: name, t: ft})
		}
		if !dynamic {
			return &template{kind: tmplLiteral, literal: renamedLiteral(out)}
		}
		return out
	case []any:
		out := &template{kind: tmplArray}
		dynamic := false
		for i, e := range t {
			et := compileTemplateAt(e, fmt.Sprintf("%s/%d", rel, i), report)
			if et.kind != tmplLiteral {
				dynamic = true
			}
			out.readsContext = out.readsContext || et.readsContext
			out.items = append(out.items, et)
		}
		if !dynamic {
			return &template{kind: tmplLiteral, literal: t}
		}
		return out
	default:
		return &template{kind: tmplLiteral, literal: v}
	}
}

// renamedLiteral builds the object of a template that turned out to hold no expression.
func renamedLiteral(t *template) any {
	o := newObject(len(t.fields))
	for _, f := range t.fields {
		o.set(f.name, f.t.literal)
	}
	return o
}

// compileExpression compiles the value of a ".$" field (or of a field such as ErrorPath
// that takes a path or an intrinsic function). It returns nil after reporting a problem.
func compileExpression(s, field string, allowIntrinsic bool, report func(msg string)) *template {
	switch {
	case strings.HasPrefix(s, "$$") || s == "$" || strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$["):
		p, err := compilePath(s, true)
		if err != nil {
			report(fmt.Sprintf("the value of %q is not a valid JSONPath: %v", field, err))
			return nil
		}
		return &template{kind: tmplPath, path: p, field: field, readsContext: p.context}
	case variableRef.MatchString(s):
		p, err := compilePath(s, true)
		if err != nil {
			report(fmt.Sprintf("the value of %q is not a valid variable reference: %v", field, err))
			return nil
		}
		return &template{kind: tmplVariable, path: p, expr: s, field: field}
	case allowIntrinsic && strings.HasPrefix(s, "States."):
		in, err := compileIntrinsic(s)
		if err != nil {
			report(fmt.Sprintf("the value of %q is not a valid intrinsic function call: %v", field, err))
			return nil
		}
		return &template{kind: tmplIntrinsic, intrinsic: in, expr: s, field: field, readsContext: in.call.readsContext()}
	}
	report(fmt.Sprintf("the value of %q must be a JSONPath or an intrinsic function, not %q", field, s))
	return nil
}

// eval builds the template's value over input (paths starting with $), the context
// object (paths starting with $$) and the variables visible in vars ($name; vars may be nil).
// contextFunc gives the context object ($$) when a template needs it: building it costs
// more than most templates, which never read it.
type contextFunc func() any

func (t *template) eval(input any, ctxObj contextFunc, vars *scope) (any, error) {
	switch t.kind {
	case tmplLiteral:
		return t.literal, nil
	case tmplObject:
		// Parse made the field names unique: they are added, not looked up first.
		o := newObject(len(t.fields))
		for _, f := range t.fields {
			v, err := f.t.eval(input, ctxObj, vars)
			if err != nil {
				return nil, err
			}
			o.members = append(o.members, member{f.name, v})
		}
		o.indexLarge()
		return o, nil
	case tmplArray:
		out := make([]any, len(t.items))
		for i, it := range t.items {
			v, err := it.eval(input, ctxObj, vars)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case tmplPath:
		base := input
		if t.path.context {
			base = ctxObj()
		}
		v, err := t.path.find(base)
		if err != nil {
			return nil, runtimeError("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
				t.path.text, t.field, jsonText(base))
		}
		return v, nil
	case tmplIntrinsic:
		return t.intrinsic.eval(&intrinsicScope{input: input, context: ctxObj, vars: vars})
	case tmplVariable:
		return t.path.findVariable(vars, t.field)
	}
	return nil, runtimeError("stepstudio: unknown template")
}
