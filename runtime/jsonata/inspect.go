package jsonata

// Reference is a place where an expression reads its input directly, as
// the top-level context: a field name (phone), $ (the context), $$ (the
// input), * or **.
type Reference struct {
	Name     string // the field name, or "$", "$$", "*", "**"
	Position int
}

// InputReferences lists the places where the expression reads the input it
// is evaluated against, outside of paths' later steps, predicates, order-by
// and group-by clauses and transforms (which read the values they are
// applied to). Step Functions refuses a definition whose JSONata reads its
// (absent) input this way ("Reference to 'phone' at the top level is not
// supported"); the runtime decides which references to refuse.
func (e *Expr) InputReferences() []Reference {
	var refs []Reference
	walkInput(e.ast, true, &refs)
	return refs
}

// walkInput visits n; atRoot is whether n is evaluated with the
// expression's input as its context.
func walkInput(n *node, atRoot bool, refs *[]Reference) {
	if n == nil {
		return
	}
	switch n.typ {
	case "name":
		if atRoot {
			*refs = append(*refs, Reference{Name: n.value.(string), Position: n.pos})
		}
	case "wildcard":
		if atRoot {
			*refs = append(*refs, Reference{Name: "*", Position: n.pos})
		}
	case "descendant":
		if atRoot {
			*refs = append(*refs, Reference{Name: "**", Position: n.pos})
		}
	case "variable":
		switch {
		case n.value == "$":
			*refs = append(*refs, Reference{Name: "$$", Position: n.pos})
		case n.value == "" && atRoot:
			*refs = append(*refs, Reference{Name: "$", Position: n.pos})
		}
	case "path":
		for i, s := range n.steps {
			walkInput(s, atRoot && i == 0, refs)
		}
	case "transform":
		// pattern, update and delete read the transformed value
		walkInput(n.pattern, false, refs)
		walkInput(n.update, false, refs)
		walkInput(n.del, false, refs)
		return
	case "sort":
		for _, t := range n.terms {
			walkInput(t.expr, false, refs)
		}
	case "lambda":
		walkInput(n.body, atRoot, refs)
		return
	}
	for _, c := range []*node{n.lhs, n.rhs, n.expr, n.cond, n.then, n.els, n.procedure} {
		walkInput(c, atRoot, refs)
	}
	for _, c := range n.exprs {
		walkInput(c, atRoot, refs)
	}
	for _, c := range n.args {
		walkInput(c, atRoot, refs)
	}
	for _, p := range n.pairs {
		walkInput(p[0], atRoot, refs)
		walkInput(p[1], atRoot, refs)
	}
	for _, s := range append(append([]*node(nil), n.stages...), n.predicate...) {
		walkInput(s.expr, false, refs)
	}
	if n.group != nil {
		for _, p := range n.group.pairs {
			walkInput(p[0], false, refs)
			walkInput(p[1], false, refs)
		}
	}
}
