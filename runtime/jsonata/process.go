package jsonata

import "strconv"

// process is the post-parse stage: paths become step lists, predicates
// become stages, and parent references (%) are resolved to the steps whose
// input they name.
func (p *parser) process(e *node) (*node, error) {
	var r *node
	var err error
	switch e.typ {
	case "binary":
		switch e.value {
		case ".":
			lstep, err := p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			if lstep.typ == "path" {
				r = lstep
			} else {
				r = &node{typ: "path", steps: []*node{lstep}}
			}
			if lstep.typ == "parent" {
				r.seekingParent = []*slot{lstep.slot}
			}
			rest, err := p.process(e.rhs)
			if err != nil {
				return nil, err
			}
			if rest.typ == "path" {
				r.steps = append(r.steps, rest.steps...)
			} else {
				if rest.predicate != nil {
					rest.stages = rest.predicate
					rest.predicate = nil
				}
				r.steps = append(r.steps, rest)
			}
			for _, step := range r.steps {
				if step.typ == "number" || step.typ == "value" {
					e := newErr("S0213", step.pos, "")
					e.Value, e.hasValue = step.value, true
					return nil, e
				}
				if step.typ == "string" {
					step.typ = "name"
				}
				if step.keepArray {
					r.keepSingletonArray = true
				}
			}
			if first := r.steps[0]; first.typ == "unary" && first.value == "[" {
				first.consarray = true
			}
			if last := r.steps[len(r.steps)-1]; last.typ == "unary" && last.value == "[" {
				last.consarray = true
			}
			if err := p.resolveAncestry(r); err != nil {
				return nil, err
			}
		case "[":
			r, err = p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			step := lastStep(r)
			isStages := r.typ == "path"
			if step.group != nil {
				return nil, newErr("S0209", e.pos, "")
			}
			pred, err := p.process(e.rhs)
			if err != nil {
				return nil, err
			}
			if pred.seekingParent != nil {
				for _, s := range pred.seekingParent {
					if s.level == 1 {
						if _, err := p.seekParent(step, s); err != nil {
							return nil, err
						}
					} else {
						s.level--
					}
				}
				pushAncestry(step, pred)
			}
			f := &node{typ: "filter", expr: pred, pos: e.pos}
			if isStages {
				step.stages = append(step.stages, f)
			} else {
				step.predicate = append(step.predicate, f)
			}
		case "{":
			r, err = p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			if r.group != nil {
				return nil, newErr("S0210", e.pos, "")
			}
			g := &groupClause{pos: e.pos}
			for _, pair := range e.rawPairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				g.pairs = append(g.pairs, [2]*node{k, v})
			}
			r.group = g
		case "^":
			r, err = p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			if r.typ != "path" {
				r = &node{typ: "path", steps: []*node{r}}
			}
			sortStep := &node{typ: "sort", pos: e.pos}
			for _, t := range e.rawTerms {
				x, err := p.process(t.expr)
				if err != nil {
					return nil, err
				}
				pushAncestry(sortStep, x)
				sortStep.terms = append(sortStep.terms, sortTerm{descending: t.descending, expr: x})
			}
			r.steps = append(r.steps, sortStep)
			if err := p.resolveAncestry(r); err != nil {
				return nil, err
			}
		case ":=":
			r = &node{typ: "bind", value: e.value, pos: e.pos}
			if r.lhs, err = p.process(e.lhs); err != nil {
				return nil, err
			}
			if r.rhs, err = p.process(e.rhs); err != nil {
				return nil, err
			}
			pushAncestry(r, r.rhs)
		case "@":
			r, err = p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			step := lastStep(r)
			if step.stages != nil || step.predicate != nil {
				return nil, newErr("S0215", e.pos, "")
			}
			if step.typ == "sort" {
				return nil, newErr("S0216", e.pos, "")
			}
			if e.keepArray {
				step.keepArray = true
			}
			step.focus = e.rhs.value.(string)
			step.tuple = true
		case "#":
			r, err = p.process(e.lhs)
			if err != nil {
				return nil, err
			}
			step := r
			if r.typ == "path" {
				step = r.steps[len(r.steps)-1]
			} else {
				r = &node{typ: "path", steps: []*node{r}}
				if step.predicate != nil {
					step.stages = step.predicate
					step.predicate = nil
				}
			}
			if step.stages == nil {
				step.index = e.rhs.value.(string)
			} else {
				step.stages = append(step.stages, &node{typ: "index", value: e.rhs.value, pos: e.pos})
			}
			step.tuple = true
		case "~>":
			r = &node{typ: "apply", value: e.value, pos: e.pos}
			if r.lhs, err = p.process(e.lhs); err != nil {
				return nil, err
			}
			if r.rhs, err = p.process(e.rhs); err != nil {
				return nil, err
			}
			r.keepArray = r.lhs.keepArray || r.rhs.keepArray
		default:
			r = &node{typ: e.typ, value: e.value, pos: e.pos}
			if r.lhs, err = p.process(e.lhs); err != nil {
				return nil, err
			}
			if r.rhs, err = p.process(e.rhs); err != nil {
				return nil, err
			}
			pushAncestry(r, r.lhs)
			pushAncestry(r, r.rhs)
		}
	case "unary":
		r = &node{typ: e.typ, value: e.value, pos: e.pos}
		switch e.value {
		case "[":
			r.exprs = []*node{}
			for _, item := range e.exprs {
				v, err := p.process(item)
				if err != nil {
					return nil, err
				}
				pushAncestry(r, v)
				r.exprs = append(r.exprs, v)
			}
		case "{":
			for _, pair := range e.rawPairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				pushAncestry(r, k)
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				pushAncestry(r, v)
				r.pairs = append(r.pairs, [2]*node{k, v})
			}
		default:
			if r.expr, err = p.process(e.expr); err != nil {
				return nil, err
			}
			if e.value == "-" && r.expr.typ == "number" {
				r = r.expr
				r.value = -r.value.(float64)
			} else {
				pushAncestry(r, r.expr)
			}
		}
	case "function", "partial":
		r = &node{typ: e.typ, value: e.value, pos: e.pos}
		for _, a := range e.args {
			x, err := p.process(a)
			if err != nil {
				return nil, err
			}
			pushAncestry(r, x)
			r.args = append(r.args, x)
		}
		if r.procedure, err = p.process(e.procedure); err != nil {
			return nil, err
		}
	case "lambda":
		r = &node{typ: e.typ, args: e.args, sig: e.sig, pos: e.pos}
		body, err := p.process(e.body)
		if err != nil {
			return nil, err
		}
		r.body = tailCallOptimize(body)
	case "condition":
		r = &node{typ: e.typ, pos: e.pos}
		if r.cond, err = p.process(e.cond); err != nil {
			return nil, err
		}
		pushAncestry(r, r.cond)
		if r.then, err = p.process(e.then); err != nil {
			return nil, err
		}
		pushAncestry(r, r.then)
		if e.els != nil {
			if r.els, err = p.process(e.els); err != nil {
				return nil, err
			}
			pushAncestry(r, r.els)
		}
	case "transform":
		r = &node{typ: e.typ, pos: e.pos}
		if r.pattern, err = p.process(e.pattern); err != nil {
			return nil, err
		}
		if r.update, err = p.process(e.update); err != nil {
			return nil, err
		}
		if e.del != nil {
			if r.del, err = p.process(e.del); err != nil {
				return nil, err
			}
		}
	case "block":
		r = &node{typ: e.typ, pos: e.pos}
		for _, item := range e.exprs {
			part, err := p.process(item)
			if err != nil {
				return nil, err
			}
			pushAncestry(r, part)
			if part.consarray || (part.typ == "path" && part.steps[0].consarray) {
				r.consarray = true
			}
			r.exprs = append(r.exprs, part)
		}
	case "name":
		r = &node{typ: "path", steps: []*node{e}}
		if e.keepArray {
			r.keepSingletonArray = true
		}
	case "parent":
		p.labelSeq++
		r = &node{typ: "parent", pos: e.pos, slot: &slot{label: "!" + strconv.Itoa(p.labelSeq-1), level: 1, index: len(p.ancestry)}}
		p.ancestry = append(p.ancestry, r)
	case "string", "number", "value", "wildcard", "descendant", "variable", "regex":
		r = e
	case "operator":
		if e.value == "?" {
			r = e
		} else {
			return nil, newErr("S0201", e.pos, tokenText(&token{value: e.value}))
		}
	case "end":
		return nil, newErr("S0207", e.pos, "(end)")
	default:
		return nil, newErr("S0206", e.pos, tokenText(&token{value: e.value}))
	}
	if e.keepArray {
		r.keepArray = true
	}
	return r, nil
}

// lastStep is the step an operator applies to: the last of a path, or the
// expression itself.
func lastStep(r *node) *node {
	if r.typ == "path" {
		return r.steps[len(r.steps)-1]
	}
	return r
}

func tailCallOptimize(e *node) *node {
	switch {
	case e.typ == "function" && e.predicate == nil:
		return &node{typ: "lambda", thunk: true, pos: e.pos, body: e}
	case e.typ == "condition":
		e.then = tailCallOptimize(e.then)
		if e.els != nil {
			e.els = tailCallOptimize(e.els)
		}
	case e.typ == "block":
		if n := len(e.exprs); n > 0 {
			e.exprs[n-1] = tailCallOptimize(e.exprs[n-1])
		}
	}
	return e
}

func (p *parser) seekParent(n *node, s *slot) (*slot, error) {
	switch n.typ {
	case "name", "wildcard":
		s.level--
		if s.level == 0 {
			if n.ancestor != nil {
				p.ancestry[s.index].slot.label = n.ancestor.label
			}
			n.ancestor = s
			n.tuple = true
		}
	case "parent":
		s.level++
	case "block":
		if len(n.exprs) > 0 {
			n.tuple = true
			return p.seekParent(n.exprs[len(n.exprs)-1], s)
		}
	case "path":
		n.tuple = true
		i := len(n.steps) - 1
		var err error
		s, err = p.seekParent(n.steps[i], s)
		i--
		for err == nil && s.level > 0 && i >= 0 {
			s, err = p.seekParent(n.steps[i], s)
			i--
		}
		return s, err
	default:
		return nil, newErr("S0217", n.pos, n.typ)
	}
	return s, nil
}

func pushAncestry(r, v *node) {
	if v == nil {
		return
	}
	if v.seekingParent != nil || v.typ == "parent" {
		slots := v.seekingParent
		if v.typ == "parent" {
			slots = append(slots, v.slot)
		}
		r.seekingParent = append(r.seekingParent, slots...)
	}
}

func (p *parser) resolveAncestry(path *node) error {
	last := path.steps[len(path.steps)-1]
	slots := append([]*slot(nil), last.seekingParent...)
	if last.typ == "parent" {
		slots = append(slots, last.slot)
	}
	for _, s := range slots {
		i := len(path.steps) - 2
		for s.level > 0 {
			if i < 0 {
				path.seekingParent = append(path.seekingParent, s)
				break
			}
			step := path.steps[i]
			i--
			for i >= 0 && step.focus != "" && path.steps[i].focus != "" {
				step = path.steps[i]
				i--
			}
			var err error
			if s, err = p.seekParent(step, s); err != nil {
				return err
			}
		}
	}
	return nil
}
