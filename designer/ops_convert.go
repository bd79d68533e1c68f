package designer

import (
	"errors"

	"github.com/stepstudio/stepstudio/runtime"
)

// ConvertQueryLanguage rewrites a state's fields in the other query language, as the
// inspector's "Convert to JSONata" does: InputPath, Parameters, ResultSelector, ResultPath and
// OutputPath become Arguments and Output, `.$` fields "{% %}" expressions, Choice rules
// Conditions (runtime.ConvertState says what converts). To is "JSONata" or "JSONPath". What
// does not convert is refused with the field, and the document is left as it was. Its JSON
// form is {"state": "A", "to": "JSONata"}.
type ConvertQueryLanguage struct {
	State string `json:"state"`
	To    string `json:"to"`
}

func (ConvertQueryLanguage) opName() string { return "ConvertQueryLanguage" }

// Apply converts the state.
func (op ConvertQueryLanguage) Apply(d *Document) (*Document, error) {
	a, x, err := editState(d, op.opName(), op.State)
	if err != nil {
		return nil, err
	}
	st := a.current(x)
	if st.kind != kindObject {
		return nil, a.failf("", "the state is not a JSON object; fix it in the code first")
	}
	machine := a.languageAround(x)
	text, err := d.Get(x.path)
	if err != nil {
		return nil, a.fail("", err)
	}
	converted, err := runtime.ConvertState(op.State, text, op.To, machine)
	if err != nil {
		var ce *runtime.ConvertError
		if errors.As(err, &ce) {
			return nil, a.fail(ce.Field, errors.New(ce.Msg))
		}
		return nil, a.fail("", err)
	}
	value, err := parseFresh(converted)
	if err != nil {
		return nil, a.fail("", err)
	}
	if compactText(st) == compactText(value) {
		return d, nil // already in that language
	}
	if err := a.set(x.path, value); err != nil {
		return nil, a.fail("", err)
	}
	return a.document()
}

// languageAround is the query language state x inherits: that of the nearest branch or
// item processor, Parallel or Map around it, or machine that names one, as the runtime
// reads it.
func (a *aslEdit) languageAround(x *stateInfo) string {
	for sc := x.scope; ; sc = sc.owner.scope {
		if n, err := a.node(sc.path); err == nil {
			if q, ok := n.get("QueryLanguage").str(); ok {
				return q
			}
		}
		if sc.owner == nil {
			return "JSONPath"
		}
		if q, ok := a.current(sc.owner).get("QueryLanguage").str(); ok {
			return q
		}
	}
}
