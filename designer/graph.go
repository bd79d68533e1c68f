package designer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Graph is the drawable shape of a state machine, or of one branch of a Parallel or the item
// processor of a Map. Nodes keep the order of the document's States object, so the same
// document always gives the same graph and the same layout.
type Graph struct {
	// StartAt is the name the StartAt field gives, "" when the field is absent or not a string.
	StartAt string
	// Nodes are the states in document order, followed by one node per missing target (a name
	// that a transition references but that the States object does not define), in order of
	// first reference.
	Nodes []Node
	// Edges are the transitions between nodes of this graph, in document order: per state, its
	// Next, then its Choices rules, then its Default, then its Catch entries.
	Edges []Edge
}

// Node is one state of a Graph, or a placeholder for a transition target that does not exist.
type Node struct {
	// Name is the state's name, the key in States.
	Name string
	// ID is the node's id in the DOT and SVG: NodeID(Name), with a "_dup<n>" suffix on the
	// second and later states of the same name (invalid ASL, but the graph must still be drawn
	// with unique ids), or "missing-<n>" for a missing target.
	ID string
	// Type is the Type field as written ("Task", "Choice", ...), "" when absent or not a string.
	Type string
	// Start reports whether the graph's StartAt names this node.
	Start bool
	// End reports whether the state ends its graph: End is true, or the type is Succeed or Fail.
	End bool
	// Callback reports a Task whose Resource ends in ".waitForTaskToken": it waits for
	// SendTaskSuccess or SendTaskFailure, so the designer shows it apart from other tasks.
	Callback bool
	// Missing reports a placeholder for a transition target that States does not define.
	Missing bool
	// Comment is the state's Comment field, "" when absent or not a string; the drawing pins
	// it to the node as a note.
	Comment string
	// Branches are the graphs contained in the state: one per entry of a Parallel's Branches,
	// or the single ItemProcessor (or legacy Iterator) of a Map. Nil for other states.
	Branches []Graph
}

// EdgeKind says which field of the source state an Edge comes from.
type EdgeKind string

// The kinds of edge, each drawn with its own style and SVG class ("edge-" + kind).
const (
	// EdgeNext is a state's Next field.
	EdgeNext EdgeKind = "next"
	// EdgeDefault is a Choice state's Default field.
	EdgeDefault EdgeKind = "default"
	// EdgeChoice is the Next of one of a Choice state's rules.
	EdgeChoice EdgeKind = "choice"
	// EdgeCatch is the Next of one of a state's Catch entries.
	EdgeCatch EdgeKind = "catch"
)

// Edge is a transition from one node of a Graph to another node of the same Graph.
type Edge struct {
	// From and To are node names within the same Graph; To may name a missing node.
	From, To string
	// Kind is the field the transition comes from.
	Kind EdgeKind
	// Index is the position of the rule in Choices (EdgeChoice) or of the catcher in Catch
	// (EdgeCatch), so an edit can address the field that made the edge; 0 otherwise.
	Index int
	// Label is the text drawn on the edge: a short readable form of a Choice rule, "Default",
	// or a catcher's ErrorEquals joined by ", "; "" for Next. Long labels end in an ellipsis.
	Label string
}

// maxLabel is the longest edge label in runes: longer rule texts would widen the layout more
// than they help; the full rule is one click away in the document.
const maxLabel = 40

// ErrNotObject reports a definition that is valid JSON but not a JSON object, so not an ASL
// state machine at all.
var ErrNotObject = errors.New("designer: definition is not a JSON object")

// NewGraph derives the graph of an ASL definition. It fails only when the input is not a JSON
// object; any other problem (a missing StartAt, a Next to an undefined state, a field of the
// wrong type) still gives a graph, with missing targets as nodes marked Missing, because the
// designer must draw documents that are still being written.
func NewGraph(definition []byte) (Graph, error) {
	if !json.Valid(definition) {
		// json.Unmarshal gives the position of the syntax error, which json.Valid does not.
		var v any
		err := json.Unmarshal(definition, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return Graph{}, fmt.Errorf("designer: parse definition: %w", err)
	}
	if !startsWith(definition, '{') {
		return Graph{}, ErrNotObject
	}
	b := &builder{ids: map[string]int{}}
	return b.graph(definition), nil
}

// builder carries what must be unique across the whole machine, nested branches included.
type builder struct {
	ids     map[string]int // NodeID -> states seen with it, to give duplicates distinct ids
	missing int            // missing nodes so far, numbering their ids
}

// graph builds the Graph of an object with StartAt and States: the machine or a branch.
func (b *builder) graph(raw json.RawMessage) Graph {
	fields := objectFields(raw)
	var g Graph
	startAt, hasStart := stringValue(fields["StartAt"])
	g.StartAt = startAt

	states, _ := objectMembers(fields["States"])
	index := map[string]int{} // name -> position in g.Nodes
	var names []string
	var bodies []json.RawMessage
	for _, m := range states {
		if i, dup := index[m.key]; dup {
			// A repeated key in one States object: encoding/json, and so the runtime, keeps
			// the last value, so the graph draws that one, at the first one's place.
			bodies[i] = m.value
			continue
		}
		index[m.key] = len(names)
		names = append(names, m.key)
		bodies = append(bodies, m.value)
	}
	fieldsOf := make([]map[string]json.RawMessage, len(names))
	for i, name := range names {
		fieldsOf[i] = objectFields(bodies[i]) // nil for a state that is not an object
		g.Nodes = append(g.Nodes, b.node(name, fieldsOf[i]))
	}

	// target returns the name of a transition's target, adding a missing node the first time
	// an undefined name is referenced.
	target := func(name string) string {
		if _, ok := index[name]; !ok {
			b.missing++
			index[name] = len(g.Nodes)
			g.Nodes = append(g.Nodes, Node{Name: name, ID: "missing-" + strconv.Itoa(b.missing), Missing: true})
		}
		return name
	}

	n := len(g.Nodes) // missing nodes appended below have no edges of their own
	for i := range n {
		from := g.Nodes[i].Name
		f := fieldsOf[i]
		if next, ok := stringValue(f["Next"]); ok {
			g.Edges = append(g.Edges, Edge{From: from, To: target(next), Kind: EdgeNext})
		}
		rules, _ := arrayValue(f["Choices"])
		for j, rule := range rules {
			next, ok := stringValue(objectFields(rule)["Next"])
			if !ok {
				continue
			}
			label := ruleText(rule, false)
			if label == "" {
				label = "rule " + strconv.Itoa(j+1)
			}
			g.Edges = append(g.Edges, Edge{From: from, To: target(next), Kind: EdgeChoice, Index: j, Label: truncate(label)})
		}
		if def, ok := stringValue(f["Default"]); ok {
			g.Edges = append(g.Edges, Edge{From: from, To: target(def), Kind: EdgeDefault, Label: "Default"})
		}
		catchers, _ := arrayValue(f["Catch"])
		for j, c := range catchers {
			cf := objectFields(c)
			next, ok := stringValue(cf["Next"])
			if !ok {
				continue
			}
			g.Edges = append(g.Edges, Edge{From: from, To: target(next), Kind: EdgeCatch, Index: j, Label: truncate(catchLabel(cf["ErrorEquals"]))})
		}
	}
	if hasStart {
		g.Nodes[index[target(startAt)]].Start = true
	}
	return g
}

// node builds the Node of one state from its fields.
func (b *builder) node(name string, f map[string]json.RawMessage) Node {
	n := Node{Name: name, ID: NodeID(name)}
	b.ids[n.ID]++
	if c := b.ids[n.ID]; c > 1 {
		// Names are unique in the whole machine in valid ASL, but the page needs unique ids
		// even for invalid documents. "_dup" never occurs in NodeID's output ('u' is not a hex
		// digit), so the suffixed id cannot be another name's.
		n.ID += "_dup" + strconv.Itoa(c)
	}
	n.Type, _ = stringValue(f["Type"])
	n.Comment, _ = stringValue(f["Comment"])
	end, _ := boolValue(f["End"])
	n.End = end || n.Type == "Succeed" || n.Type == "Fail"
	if n.Type == "Task" {
		res, _ := stringValue(f["Resource"])
		n.Callback = strings.HasSuffix(res, ".waitForTaskToken")
	}
	switch n.Type {
	case "Parallel":
		branches, _ := arrayValue(f["Branches"])
		for _, br := range branches {
			n.Branches = append(n.Branches, b.graph(br))
		}
	case "Map":
		proc, ok := f["ItemProcessor"]
		if !ok {
			proc, ok = f["Iterator"]
		}
		if ok {
			n.Branches = []Graph{b.graph(proc)}
		}
	}
	return n
}

// catchLabel joins a catcher's ErrorEquals; "Catch" when it has none, so the edge still reads
// as error handling.
func catchLabel(raw json.RawMessage) string {
	items, _ := arrayValue(raw)
	var names []string
	for _, it := range items {
		if s, ok := stringValue(it); ok {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return "Catch"
	}
	return strings.Join(names, ", ")
}

// comparison is one data-test operator of a Choice rule and how its label reads.
type comparison struct {
	field string
	op    string // the infix operator shown between Variable and the value
}

// comparisons lists the data-test operators in a fixed order (a slice, not a map, so the label
// of a malformed rule with two operators is still deterministic). The ...Path forms compare with
// another path, shown bare; the plain forms show the JSON value.
var comparisons = []comparison{
	{"StringEquals", "=="}, {"StringLessThan", "<"}, {"StringGreaterThan", ">"},
	{"StringLessThanEquals", "<="}, {"StringGreaterThanEquals", ">="}, {"StringMatches", "matches"},
	{"NumericEquals", "=="}, {"NumericLessThan", "<"}, {"NumericGreaterThan", ">"},
	{"NumericLessThanEquals", "<="}, {"NumericGreaterThanEquals", ">="},
	{"BooleanEquals", "=="},
	{"TimestampEquals", "=="}, {"TimestampLessThan", "<"}, {"TimestampGreaterThan", ">"},
	{"TimestampLessThanEquals", "<="}, {"TimestampGreaterThanEquals", ">="},
}

// typeTests are the Is... operators, whose value is a boolean: true reads "is <what>", false
// reads "is not <what>".
var typeTests = []struct{ field, what string }{
	{"IsNull", "null"}, {"IsPresent", "present"}, {"IsNumeric", "numeric"},
	{"IsString", "string"}, {"IsBoolean", "boolean"}, {"IsTimestamp", "timestamp"},
}

// ruleText is the readable form of a Choice rule, "" when it is not recognised. nested is set
// for operands of And and Or, which are parenthesised when they are themselves compound so
// "a and (b or c)" keeps its meaning.
func ruleText(raw json.RawMessage, nested bool) string {
	f := objectFields(raw)
	if raw, ok := f["Condition"]; ok {
		// JSONata rule: the expression between {% and %} is the most readable form there is.
		if s, ok := stringValue(raw); ok {
			s = strings.TrimSpace(s)
			if strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") && len(s) >= 4 {
				s = strings.TrimSpace(s[2 : len(s)-2])
			}
			return s
		}
		return compact(raw)
	}
	for _, op := range []string{"And", "Or"} {
		raw, ok := f[op]
		if !ok {
			continue
		}
		items, _ := arrayValue(raw)
		parts := make([]string, 0, len(items))
		for _, it := range items {
			parts = append(parts, orUnknown(ruleText(it, true)))
		}
		s := strings.Join(parts, " "+strings.ToLower(op)+" ")
		if nested && len(parts) > 1 {
			s = "(" + s + ")"
		}
		return s
	}
	if raw, ok := f["Not"]; ok {
		return "not (" + orUnknown(ruleText(raw, false)) + ")"
	}
	variable, _ := stringValue(f["Variable"])
	for _, c := range comparisons {
		if raw, ok := f[c.field]; ok {
			return variable + " " + c.op + " " + compact(raw)
		}
		if raw, ok := f[c.field+"Path"]; ok {
			path, ok := stringValue(raw)
			if !ok {
				path = compact(raw)
			}
			return variable + " " + c.op + " " + path
		}
	}
	for _, t := range typeTests {
		if raw, ok := f[t.field]; ok {
			if v, ok := boolValue(raw); ok && !v {
				return variable + " is not " + t.what
			}
			return variable + " is " + t.what
		}
	}
	return ""
}

// orUnknown stands in for an operand that ruleText does not recognise.
func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// truncate shortens s to maxLabel runes, ending in an ellipsis when it cut something.
func truncate(s string) string {
	r := []rune(s)
	if len(r) <= maxLabel {
		return s
	}
	return strings.TrimRight(string(r[:maxLabel-1]), " ") + "…"
}

// compact is a JSON value as short text: strings quoted without escaping non-ASCII or HTML
// characters (the label is text, escaped later by graphviz), other values compacted.
func compact(raw json.RawMessage) string {
	if s, ok := stringValue(raw); ok {
		return `"` + s + `"`
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

// member is one key and value of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers lists the members of a JSON object in document order, which a Go map would
// lose; ok is false when raw is not an object. raw has been checked by json.Valid.
func objectMembers(raw json.RawMessage) (members []member, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return members, true
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return members, true
		}
		members = append(members, member{key: key, value: v})
	}
	return members, true
}

// objectFields is a JSON object as a map for looking fields up (never iterated); nil when raw is
// not an object. A repeated key keeps its last value, as encoding/json does for the runtime.
func objectFields(raw json.RawMessage) map[string]json.RawMessage {
	var f map[string]json.RawMessage
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	return f
}

// arrayValue, stringValue and boolValue read a JSON value of one kind; ok is false for any
// other kind. They check the first byte because json.Unmarshal accepts null for every kind.
func arrayValue(raw json.RawMessage) (a []json.RawMessage, ok bool) {
	if !startsWith(raw, '[') || json.Unmarshal(raw, &a) != nil {
		return nil, false
	}
	return a, true
}

func stringValue(raw json.RawMessage) (s string, ok bool) {
	if !startsWith(raw, '"') || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func boolValue(raw json.RawMessage) (v bool, ok bool) {
	if !startsWith(raw, 't') && !startsWith(raw, 'f') {
		return false, false
	}
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("true")), true
}

func startsWith(raw json.RawMessage, c byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == c
}
