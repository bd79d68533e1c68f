package designer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Comparing two versions of a state machine: which states were added, removed or changed
// (for marks on the graph), which machine-level fields changed, and the line diff of the two
// documents, each indented the same way so that a reformatted document differs only where its
// content does.

// The kinds of StateChange.
const (
	StateAdded   = "added"
	StateRemoved = "removed"
	StateChanged = "changed"
)

// StateChange is one state that differs between two versions.
type StateChange struct {
	Name   string
	Change string // StateAdded, StateRemoved or StateChanged
}

// VersionDiff is what changed from one version to another.
type VersionDiff struct {
	// States are the states that differ: those of the newer version in its order, then the
	// removed ones in the older's order. A Parallel or Map counts as changed by its own
	// fields only; the states inside it are compared on their own.
	States []StateChange
	// Machine names the top-level fields that differ (StartAt, Comment, QueryLanguage...).
	Machine []string
	// Hunks is the line diff of the two documents, indented by two spaces.
	Hunks []DiffHunk
}

// DiffHunk is a run of changed lines with some unchanged ones around them.
type DiffHunk struct {
	FromLine int // the 1-based line of the older document it starts at
	Lines    []DiffLine
}

// DiffLine is one line of a hunk: Kind "-" (only in the older), "+" (only in the newer) or
// " " (in both).
type DiffLine struct {
	Kind, Text string
}

// Change returns the change of the named state, "" when it is the same in both.
func (d VersionDiff) Change(name string) string {
	for _, s := range d.States {
		if s.Name == name {
			return s.Change
		}
	}
	return ""
}

// DiffVersions compares two definitions.
func DiffVersions(from, to []byte) (VersionDiff, error) {
	var d VersionDiff
	older, err := statesByName(from)
	if err != nil {
		return d, fmt.Errorf("designer: the older version: %w", err)
	}
	newer, err := statesByName(to)
	if err != nil {
		return d, fmt.Errorf("designer: the newer version: %w", err)
	}
	for _, s := range newer.order {
		was, ok := older.json[s]
		switch {
		case !ok:
			d.States = append(d.States, StateChange{s, StateAdded})
		case was != newer.json[s]:
			d.States = append(d.States, StateChange{s, StateChanged})
		}
	}
	for _, s := range older.order {
		if _, ok := newer.json[s]; !ok {
			d.States = append(d.States, StateChange{s, StateRemoved})
		}
	}
	d.Machine = changedFields(older.top, newer.top)
	a, b := indented(from), indented(to)
	edits := udiff.Lines(a, b)
	u, err := udiff.ToUnifiedDiff("from", "to", a, edits, 3)
	if err != nil {
		return d, fmt.Errorf("designer: diff: %w", err)
	}
	for _, h := range u.Hunks {
		dh := DiffHunk{FromLine: h.FromLine}
		for _, l := range h.Lines {
			kind := " "
			switch l.Kind {
			case udiff.Delete:
				kind = "-"
			case udiff.Insert:
				kind = "+"
			}
			dh.Lines = append(dh.Lines, DiffLine{Kind: kind, Text: strings.TrimSuffix(l.Content, "\n")})
		}
		d.Hunks = append(d.Hunks, dh)
	}
	return d, nil
}

// versionStates are a definition's states (of every scope) as compact JSON of their own
// fields, and its top-level fields.
type versionStates struct {
	order []string
	json  map[string]string
	top   map[string]string
}

// nestedFields hold the states inside a Parallel or Map: compared as states of their own.
var nestedFields = []string{"Branches", "ItemProcessor", "Iterator"}

func statesByName(def []byte) (versionStates, error) {
	v := versionStates{json: map[string]string{}, top: map[string]string{}}
	doc, err := Parse(def)
	if err != nil {
		return v, err
	}
	refs, err := doc.States()
	if err != nil {
		return v, err
	}
	for _, r := range refs {
		raw, err := doc.Get(r.Path)
		if err != nil {
			return v, err
		}
		v.order = append(v.order, r.Name)
		v.json[r.Name] = ownFields(raw, nestedFields...)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(def, &top); err != nil {
		return v, err
	}
	for k, raw := range top {
		if k != "States" {
			v.top[k] = compactJSON(raw)
		}
	}
	return v, nil
}

// ownFields is an object's compact JSON without the given fields.
func ownFields(raw []byte, without ...string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return compactJSON(raw)
	}
	for _, k := range without {
		delete(fields, k)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + compactJSON(fields[k]) + ";")
	}
	return b.String()
}

func compactJSON(raw []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// changedFields lists the keys whose values differ between two maps, sorted.
func changedFields(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// indented is a document indented by two spaces, as the diff compares it.
func indented(def []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, def, "", "  ") != nil {
		return string(def)
	}
	return b.String() + "\n"
}
