package runtime

// MapState runs its ItemProcessor once per item of an array in its input (Type "Map").
// It is parsed and validated, including the nested processor; running it comes in a later
// version.
type MapState struct {
	StateBase
	// ItemProcessor is the per-item machine, from ItemProcessor or the legacy Iterator.
	ItemProcessor  *Definition
	ItemsPath      *Path
	MaxConcurrency int
	Retry          []Retrier
	Catch          []Catcher

	itemSelector *template
}

func (p *parser) parseMap(obj *object, s site, b StateBase) State {
	st := &MapState{StateBase: b}
	proc, hasProc := obj.get("ItemProcessor")
	iter, hasIter := obj.get("Iterator")
	field := "ItemProcessor"
	switch {
	case hasProc && hasIter:
		p.schemaf(s, "Iterator", "a Map state has ItemProcessor or the older Iterator, not both")
	case !hasProc && !hasIter:
		p.schemaf(s, "", "These fields are required: [ItemProcessor]")
	case hasIter:
		proc, field = iter, "Iterator"
	}
	if po, ok := proc.(*object); ok {
		st.ItemProcessor = p.parseMachine(po, site{loc: s.at(field), state: s.state, prefix: field + "/"}, machineProcessor)
	} else if proc != nil {
		p.schemaf(s, field, "must be an object with StartAt and States")
	}
	if v, ok := obj.get("ItemsPath"); ok {
		st.ItemsPath = p.referencePath(s, "ItemsPath", v)
	}
	if _, ok := obj.get("MaxConcurrency"); ok {
		st.MaxConcurrency = p.optInt(obj, s, "MaxConcurrency", 0, 1<<31-1)
	}
	st.itemSelector = p.templateField(obj, s, "ItemSelector")
	if st.parameters != nil {
		// In a Map, Parameters is the older name of ItemSelector: it shapes each item, not
		// the state's input, so the common data flow must not apply it.
		if st.itemSelector != nil {
			p.schemaf(s, "Parameters", "a Map state has ItemSelector or the older Parameters, not both")
		}
		st.itemSelector, st.parameters = st.parameters, nil
	}
	st.Retry = p.parseRetry(obj, s)
	st.Catch = p.parseCatch(obj, s)
	return st
}
