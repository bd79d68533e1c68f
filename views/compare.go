package views

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// CompareData is two executions of one state machine, side by side.
type CompareData struct {
	A, B resource.Execution
	// PathA and PathB are the states each entered, in order.
	PathA, PathB []string
}

// Row is one line of a side-by-side comparison: a line of each side, or of one side only when
// the other has nothing there.
type Row struct {
	Left, Right       string
	HasLeft, HasRight bool
}

// Same says the two sides agree on this line.
func (r Row) Same() bool { return r.HasLeft && r.HasRight && r.Left == r.Right }

// rowClass marks the lines that differ for the eye and for tests.
func (r Row) rowClass() string {
	switch {
	case r.Same():
		return "same"
	case r.HasLeft && r.HasRight:
		return "changed"
	case r.HasLeft:
		return "only-left"
	}
	return "only-right"
}

// maxAlignCells bounds the work of aligning two long texts; beyond it, lines are paired by
// position, which is still readable and cannot stall the page.
const maxAlignCells = 4_000_000

// Align pairs the lines of a and b so that equal lines sit side by side (a longest common
// subsequence); between two equal lines, the differing ones are paired by their JSON key
// (the text before the first colon), so that "amount": 120 faces "amount": 50, and the rest
// stand alone.
func Align(a, b []string) []Row {
	return alignBy(a, b, func(s string) string { return s }, func(a, b []string) []Row {
		return alignBy(a, b, jsonKey, pairGap)
	})
}

// jsonKey is the key of an indented JSON line, or "" for lines without one (they never pair).
func jsonKey(line string) string {
	key, _, found := strings.Cut(strings.TrimSpace(line), ":")
	if !found || !strings.HasPrefix(key, `"`) {
		return "\x00" + line
	}
	return key
}

// alignBy pairs the lines of a and b whose keys are equal, along a longest common
// subsequence of the keys; the runs in between are aligned by gap.
func alignBy(a, b []string, key func(string) string, gap func(a, b []string) []Row) []Row {
	if len(a)*len(b) > maxAlignCells {
		return pairGap(a, b)
	}
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		ka[i] = key(a[i])
	}
	for j := range b {
		kb[j] = key(b[j])
	}
	// lcs[i][j] is the length of the longest common subsequence of ka[i:] and kb[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if ka[i] == kb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var rows []Row
	i, j, gapA, gapB := 0, 0, 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && ka[i] == kb[j]:
			rows = append(rows, gap(a[gapA:i], b[gapB:j])...)
			rows = append(rows, Row{Left: a[i], Right: b[j], HasLeft: true, HasRight: true})
			i, j = i+1, j+1
			gapA, gapB = i, j
		case j == len(b) || (i < len(a) && lcs[i+1][j] >= lcs[i][j+1]):
			i++
		default:
			j++
		}
	}
	return append(rows, gap(a[gapA:], b[gapB:])...)
}

// pairGap pairs two runs of differing lines by position, the longer one's rest alone.
func pairGap(a, b []string) []Row {
	rows := make([]Row, 0, max(len(a), len(b)))
	for k := 0; k < max(len(a), len(b)); k++ {
		var r Row
		if k < len(a) {
			r.Left, r.HasLeft = a[k], true
		}
		if k < len(b) {
			r.Right, r.HasRight = b[k], true
		}
		rows = append(rows, r)
	}
	return rows
}

// differences counts the rows that are not the same on both sides.
func differences(rows []Row) int {
	n := 0
	for _, r := range rows {
		if !r.Same() {
			n++
		}
	}
	return n
}

// JSONLines is JSON text indented with its object keys sorted, one line each, so that two
// values compare line by line whatever order their keys came in.
func JSONLines(raw []byte) []string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep numbers as written: 1.0 and 1 must not both print as 1
	var v any
	if err := d.Decode(&v); err != nil {
		return strings.Split(string(raw), "\n")
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return strings.Split(string(raw), "\n")
	}
	return strings.Split(string(out), "\n")
}

// resultLines is how an execution ended, as lines to compare: its output, or its error and
// cause, or that it is still running.
func resultLines(e resource.Execution) []string {
	switch {
	case e.Status == runtime.StatusRunning:
		return []string{"(still running)"}
	case e.Status == runtime.StatusSucceeded:
		return JSONLines(e.Output)
	}
	return []string{"status: " + string(e.Status), "error: " + e.Error, "cause: " + e.Cause}
}

func (d CompareData) inputRows() []Row  { return Align(JSONLines(d.A.Input), JSONLines(d.B.Input)) }
func (d CompareData) pathRows() []Row   { return Align(d.PathA, d.PathB) }
func (d CompareData) resultRows() []Row { return Align(resultLines(d.A), resultLines(d.B)) }

// differenceText sums up a section's differences in words.
func differenceText(rows []Row) string {
	switch n := differences(rows); n {
	case 0:
		return "identical"
	case 1:
		return "1 line differs"
	default:
		return itoa(n) + " lines differ"
	}
}

func resultTitle(a, b resource.Execution) string {
	if a.Status == runtime.StatusSucceeded && b.Status == runtime.StatusSucceeded {
		return "Output"
	}
	return "Output or error"
}
