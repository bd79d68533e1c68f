package runtime

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// jsonataMap holds what a JSONata Map state computes with expressions: Items (a literal
// array or an expression), ItemSelector, and the number fields written as {% %}.
type jsonataMap struct {
	items          *jsonataTemplate
	itemSelector   *jsonataTemplate
	maxConcurrency *jsonataTemplate
	toleratedCount *jsonataTemplate
	toleratedPct   *jsonataTemplate
}

// parseJSONataMap compiles a JSONata Map's expression fields and returns obj without the
// number fields that are expressions, so that the literal reading skips them.
func (p *parser) parseJSONataMap(obj *object, s site, st *MapState) *object {
	j := &jsonataMap{}
	st.jsonata = j
	if v, ok := obj.get("Items"); ok {
		switch t := v.(type) {
		case []any:
		case string:
			if _, isExpr := jsonataExpression(t); !isExpr {
				p.schemaf(s, "Items", "must be an array or a {%% %%} expression")
			}
		default:
			p.schemaf(s, "Items", "must be an array or a {%% %%} expression")
		}
		j.items = p.compileJSONata(v, s, "Items")
	}
	j.itemSelector = p.jsonataField(obj, s, "ItemSelector")
	rest := obj
	for _, f := range []struct {
		field string
		t     **jsonataTemplate
	}{{"MaxConcurrency", &j.maxConcurrency}, {"ToleratedFailureCount", &j.toleratedCount}, {"ToleratedFailurePercentage", &j.toleratedPct}} {
		v, ok := obj.get(f.field)
		str, _ := v.(string)
		if _, isExpr := jsonataExpression(str); !ok || !isExpr {
			continue
		}
		*f.t = p.compileJSONata(v, s, f.field)
		if rest == obj {
			rest = newObject(obj.len())
			for _, m := range obj.members {
				rest.set(m.key, m.val)
			}
		}
		rest = withoutKey(rest, f.field)
	}
	return rest
}

// withoutKey is o without the member key.
func withoutKey(o *object, key string) *object {
	out := newObject(o.len())
	for _, m := range o.members {
		if m.key != key {
			out.set(m.key, m.val)
		}
	}
	return out
}

// array evaluates Items, which must give an array.
func (env *jsonataEnv) array(t *jsonataTemplate) ([]any, error) {
	v, err := t.eval(env)
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		return nil, t.wrongType("array", v)
	}
	return items, nil
}

// number evaluates a field that must give a number.
func (env *jsonataEnv) number(t *jsonataTemplate) (float64, error) {
	v, err := t.eval(env)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	f, ferr := n.Float64()
	if !ok || ferr != nil || math.IsInf(f, 0) {
		return 0, t.wrongType("number", v)
	}
	return f, nil
}

// integer evaluates a field that must give a whole number that is not negative.
func (env *jsonataEnv) integer(t *jsonataTemplate) (int, error) {
	v, err := t.eval(env)
	if err != nil {
		return 0, err
	}
	n, _ := v.(json.Number)
	i, perr := strconv.ParseInt(string(n), 10, 32)
	if perr != nil || i < 0 {
		return 0, t.wrongType("integer", v)
	}
	return int(i), nil
}

// tolerance evaluates the tolerated-failure fields written as expressions over t, the
// literal ones.
func (env *jsonataEnv) tolerance(j *jsonataMap, t tolerance) (tolerance, error) {
	if j.toleratedCount != nil {
		n, err := env.integer(j.toleratedCount)
		if err != nil {
			return t, err
		}
		t.n, t.hasCount = n, true
	}
	if j.toleratedPct != nil {
		f, err := env.number(j.toleratedPct)
		if err != nil {
			return t, err
		}
		if f < 0 || f > 100 {
			return t, &Error{Name: ErrNameQueryEvaluation, Cause: "ToleratedFailurePercentage must be between 0 and 100."}
		}
		t.percentage, t.hasPercentage = f, true
	}
	return t, nil
}

// selectItem evaluates ItemSelector for item i. Iterations may select at once: each gets
// its own environment.
func (env *jsonataEnv) selectItem(t *jsonataTemplate, i int, item any) (any, error) {
	return t.eval(env.forItem(i, item))
}

// jsonataBatcher is what a JSONata Map's ItemBatcher writes as expressions: BatchInput,
// and MaxItemsPerBatch and MaxInputBytesPerBatch when written as {% %}.
type jsonataBatcher struct {
	maxItems, maxBytes, batchInput *jsonataTemplate
}

func (j *jsonataBatcher) empty() bool {
	return j == nil || j.maxItems == nil && j.maxBytes == nil
}

// parseJSONataBatcher compiles a JSONata ItemBatcher's expressions and returns obj
// without the number fields that are expressions.
func (p *parser) parseJSONataBatcher(obj *object, s site, bt *itemBatcher) *object {
	j := &jsonataBatcher{}
	bt.jsonata = j
	if v, ok := obj.get("BatchInput"); ok {
		if _, isObj := v.(*object); !isObj {
			if str, _ := v.(string); !isExpression(str) {
				p.schemaf(s, "BatchInput", "must be an object or a {%% %%} expression")
			}
		}
		j.batchInput = p.compileJSONata(v, s, "BatchInput")
	}
	return p.exprFields(obj, s, map[string]**jsonataTemplate{"MaxItemsPerBatch": &j.maxItems, "MaxInputBytesPerBatch": &j.maxBytes})
}

func isExpression(s string) bool {
	_, ok := jsonataExpression(s)
	return ok
}

// batcher evaluates a JSONata ItemBatcher's expressions over the literal limits.
func (env *jsonataEnv) batcher(j *jsonataBatcher, maxItems, maxBytes int) (int, int, any, error) {
	var err error
	if j.maxItems != nil {
		if maxItems, err = env.integer(j.maxItems); err != nil {
			return 0, 0, nil, err
		}
		if maxItems < 1 {
			return 0, 0, nil, &Error{Name: ErrNameQueryEvaluation, Cause: "MaxItemsPerBatch must be greater than 0."}
		}
	}
	if j.maxBytes != nil {
		if maxBytes, err = env.integer(j.maxBytes); err != nil {
			return 0, 0, nil, err
		}
		if maxBytes < 1 || maxBytes > maxPayloadBytes {
			return 0, 0, nil, &Error{Name: ErrNameQueryEvaluation, Cause: fmt.Sprintf("MaxInputBytesPerBatch must be between 1 and %d.", maxPayloadBytes)}
		}
	}
	var batchInput any
	if j.batchInput != nil {
		if batchInput, err = j.batchInput.eval(env); err != nil {
			return 0, 0, nil, err
		}
		if _, ok := batchInput.(*object); !ok {
			return 0, 0, nil, j.batchInput.wrongType("object", batchInput)
		}
	}
	return maxItems, maxBytes, batchInput, nil
}
