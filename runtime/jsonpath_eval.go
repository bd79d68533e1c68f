package runtime

import (
	"fmt"
	"strconv"
)

// pathError is a definite path that found nothing, with the message Jayway gives, which
// AWS quotes after "Invalid path '<path>' : ".
type pathError struct{ msg string }

func (e *pathError) Error() string { return e.msg }

// find evaluates p over root. A definite path yields the node it names, or a *pathError
// when there is none. Any other path yields an array of its matches, empty when nothing
// matches: AWS asks Jayway to suppress errors for those.
func (p *Path) find(root any) (any, error) {
	if !p.Definite() {
		out := []any{}
		collect(root, root, p.tokens, &out)
		return out, nil
	}
	cur := root
	for i, t := range p.tokens {
		// The prefix is for messages only: built when one is needed.
		prefix := func() string { return normalizedTokens(p.tokens[:i]) }
		leaf := i == len(p.tokens)-1
		switch t.kind {
		case tokProperty:
			o, ok := cur.(*object)
			if !ok {
				return nil, &pathError{fmt.Sprintf(
					"Expected to find an object with property %s in path %s but found '%s'. This is not a json object according to the JsonProvider.",
					t, prefix(), jsonTypeName(cur))}
			}
			v, ok := o.get(t.names[0])
			if !ok {
				if leaf {
					return nil, &pathError{"No results for path: " + p.normalized()}
				}
				return nil, &pathError{"Missing property in path " + prefix() + t.String()}
			}
			cur = v
		case tokIndex:
			if cur == nil {
				return nil, &pathError{"The path " + prefix() + " is null"}
			}
			arr, ok := cur.([]any)
			if !ok {
				return nil, &pathError{fmt.Sprintf("Filter: %s can only be applied to arrays. Current context is: %s", t, jsonText(cur))}
			}
			idx := t.indexes[0]
			if idx < 0 {
				idx += len(arr)
			}
			if idx < 0 || idx >= len(arr) {
				return nil, &pathError{"No results for path: " + p.normalized()}
			}
			cur = arr[idx]
		}
	}
	return cur, nil
}

// exists reports whether the path finds anything (IsPresent).
func (p *Path) exists(root any) bool {
	v, err := p.find(root)
	if err != nil {
		return false
	}
	if !p.Definite() {
		return len(v.([]any)) > 0
	}
	return true
}

// collect gathers the matches of tokens under node into out, skipping whatever is missing.
func collect(node, root any, tokens []pathToken, out *[]any) {
	if len(tokens) == 0 {
		*out = append(*out, node)
		return
	}
	t, rest := tokens[0], tokens[1:]
	switch t.kind {
	case tokProperty:
		o, ok := node.(*object)
		if !ok {
			return
		}
		for _, name := range t.names {
			if v, ok := o.get(name); ok {
				collect(v, root, rest, out)
			}
		}
	case tokIndex:
		arr, ok := node.([]any)
		if !ok {
			return
		}
		for _, idx := range t.indexes {
			if idx < 0 {
				idx += len(arr)
			}
			if idx >= 0 && idx < len(arr) {
				collect(arr[idx], root, rest, out)
			}
		}
	case tokWildcard:
		switch n := node.(type) {
		case *object:
			for _, m := range n.members {
				collect(m.val, root, rest, out)
			}
		case []any:
			for _, e := range n {
				collect(e, root, rest, out)
			}
		}
	case tokSlice:
		arr, ok := node.([]any)
		if !ok {
			return
		}
		from, to := sliceBounds(t, len(arr))
		for i := from; i < to; i++ {
			collect(arr[i], root, rest, out)
		}
	case tokFilter:
		switch n := node.(type) {
		case []any:
			for _, e := range n {
				if t.filter.test(e, root) {
					collect(e, root, rest, out)
				}
			}
		case *object:
			if t.filter.test(n, root) {
				collect(n, root, rest, out)
			}
		}
	case tokScan:
		scan(node, root, rest, out)
	}
}

// scan applies tokens at node and at every container below it, parents first, as
// Jayway's deep scan walks.
func scan(node, root any, tokens []pathToken, out *[]any) {
	switch n := node.(type) {
	case *object:
		collect(n, root, tokens, out)
		for _, m := range n.members {
			scan(m.val, root, tokens, out)
		}
	case []any:
		collect(n, root, tokens, out)
		for _, e := range n {
			scan(e, root, tokens, out)
		}
	}
}

// sliceBounds turns [from:to] into a half-open range within an array of length n.
func sliceBounds(t pathToken, n int) (int, int) {
	from, to := 0, n
	if t.from != nil {
		from = *t.from
		if from < 0 {
			from += n
		}
	}
	if t.to != nil {
		to = *t.to
		if to < 0 {
			to += n
		}
	}
	from = max(from, 0)
	to = min(to, n)
	if from > to {
		from = to
	}
	return from, to
}

// resultPathError is a ResultPath that cannot be applied to the state input.
type resultPathError struct{ step, input string }

func (e *resultPathError) Error() string {
	return fmt.Sprintf("Unable to apply step \"%s\" to input %s", e.step, e.input)
}

// set returns a copy of root in which the node the path names holds v, creating missing
// objects on the way (ResultPath). Only reference paths can be set.
func (p *Path) set(root, v any) (any, error) {
	return setAt(root, true, p.tokens, v, root)
}

func setAt(node any, present bool, tokens []pathToken, v, root any) (any, error) {
	if len(tokens) == 0 {
		return v, nil
	}
	t := tokens[0]
	switch t.kind {
	case tokProperty:
		name := t.names[0]
		o, ok := node.(*object)
		if !present {
			o, ok = newObject(1), true
		}
		if !ok {
			return nil, &resultPathError{step: name, input: jsonText(root)}
		}
		child, has := o.get(name)
		nv, err := setAt(child, has, tokens[1:], v, root)
		if err != nil {
			return nil, err
		}
		return o.with(name, nv), nil
	case tokIndex:
		arr, ok := node.([]any)
		idx := t.indexes[0]
		if ok && idx < 0 {
			idx += len(arr)
		}
		if !present || !ok || idx < 0 || idx >= len(arr) {
			return nil, &resultPathError{step: strconv.Itoa(t.indexes[0]), input: jsonText(root)}
		}
		nv, err := setAt(arr[idx], true, tokens[1:], v, root)
		if err != nil {
			return nil, err
		}
		c := make([]any, len(arr))
		copy(c, arr)
		c[idx] = nv
		return c, nil
	}
	return nil, &resultPathError{step: t.String(), input: jsonText(root)}
}
