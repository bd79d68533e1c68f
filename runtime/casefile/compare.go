package casefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// maxDiffs bounds the differences one comparison lists: past a few, more lines only bury
// the first, which usually explains the rest.
const maxDiffs = 20

// Check compares an execution's result with what the case expects and returns the
// differences, one readable line each; none means it matches.
func Check(want Expect, got runtime.Result) []string {
	if string(got.Status) != want.Status {
		line := fmt.Sprintf("status: want %s, got %s", want.Status, got.Status)
		switch {
		case got.Error != "" || got.Cause != "":
			line += fmt.Sprintf(" (error %s, cause %s)", quote(got.Error), quote(got.Cause))
		case got.Status == runtime.StatusSucceeded:
			line += " with output " + clip(string(got.Output))
		}
		return []string{line}
	}
	switch want.Status {
	case StatusSucceeded:
		if want.Output == nil {
			return nil
		}
		return prefix("output", DiffJSON(want.Output, got.Output))
	case StatusFailed:
		var diffs []string
		for _, f := range []struct {
			key  string
			want *string
			got  string
		}{{"error", want.Error, got.Error}, {"cause", want.Cause, got.Cause}} {
			if f.want == nil || *f.want == f.got {
				continue // not given: not checked
			}
			diffs = append(diffs, fmt.Sprintf("%s: want %s, got %s", f.key, quote(*f.want), quote(f.got)))
		}
		return diffs
	}
	return nil // TIMED_OUT: the corpus records only the status
}

// quote shows an expected or actual error or cause; "" is what AWS shows as null.
func quote(s string) string {
	if s == "" {
		return "null"
	}
	return strconv.Quote(s)
}

func prefix(what string, diffs []string) []string {
	for i, d := range diffs {
		diffs[i] = what + " " + d
	}
	return diffs
}

// DiffJSON compares two JSON documents structurally: object key order does not matter,
// numbers compare by value (1 equals 1.0), and {"$any": true} in want matches any value
// there. It returns the differences, each as "PATH: want X, got Y" with a JSONPath such as
// $.items[2].name; none means they match.
func DiffJSON(want, got []byte) []string {
	w, err := decode(want)
	if err != nil {
		return []string{"$: the expected value is not JSON: " + err.Error()}
	}
	g, err := decode(got)
	if err != nil {
		return []string{fmt.Sprintf("$: not JSON (%v): %s", err, clip(string(got)))}
	}
	d := &differ{}
	d.diff(w, g, "$")
	if d.more > 0 {
		d.lines = append(d.lines, fmt.Sprintf("... and %d more differences", d.more))
	}
	return d.lines
}

func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers keep their text, so they compare exactly and show as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

type differ struct {
	lines []string
	more  int
}

func (d *differ) add(format string, args ...any) {
	if len(d.lines) >= maxDiffs {
		d.more++
		return
	}
	d.lines = append(d.lines, fmt.Sprintf(format, args...))
}

// isAny reports whether an expected value is the {"$any": true} wildcard.
func isAny(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 1 && m["$any"] == true
}

func (d *differ) diff(want, got any, at string) {
	if isAny(want) {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			d.mismatch(want, got, at)
			return
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok:
				d.add("%s: missing, want %s", member(at, k), show(wv))
			case !wok:
				d.add("%s: not expected, got %s", member(at, k), show(gv))
			default:
				d.diff(wv, gv, member(at, k))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			d.mismatch(want, got, at)
			return
		}
		if len(g) != len(w) {
			// Element by element would misreport every element after an inserted one.
			d.add("%s: want %d elements, got %d: want %s, got %s", at, len(w), len(g), show(w), show(g))
			return
		}
		for i := range w {
			d.diff(w[i], g[i], fmt.Sprintf("%s[%d]", at, i))
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(w, g) {
			d.mismatch(want, got, at)
		}
	default: // string, bool, nil
		if want != got {
			d.mismatch(want, got, at)
		}
	}
}

func (d *differ) mismatch(want, got any, at string) {
	d.add("%s: want %s, got %s", at, show(want), show(got))
}

// sameNumber compares two JSON numbers by value, exactly for integers beyond 2^53 too.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, _, errA := big.ParseFloat(string(a), 10, 256, big.ToNearestEven)
	y, _, errB := big.ParseFloat(string(b), 10, 256, big.ToNearestEven)
	return errA == nil && errB == nil && x.Cmp(y) == 0
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// member extends a JSONPath by an object key, in bracket notation when dots would be
// ambiguous.
func member(at, key string) string {
	if identifier.MatchString(key) {
		return at + "." + key
	}
	return at + "[" + strconv.Quote(key) + "]"
}

// show renders a value as compact JSON, clipped to one readable line.
func show(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // show "<" as written, not as \u003c
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return clip(strings.TrimSuffix(b.String(), "\n"))
}

func clip(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
