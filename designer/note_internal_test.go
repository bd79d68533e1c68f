package designer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNoteLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 30)
	for _, tc := range []struct {
		name, comment string
		want          []string
	}{
		{"short stays one line", "Fetch the order", []string{"Fetch the order"}},
		{"wraps at spaces", "Calls the fetch lambda with the order id", []string{"Calls the fetch lambda with", "the order id"}},
		{"keeps line breaks and drops blank lines", "one\n\ntwo  three", []string{"one", "two three"}},
		{"cuts a word longer than a line", long, []string{long[:noteWidth], long[noteWidth:]}},
		{"ends in an ellipsis after four lines", "a\nb\nc\nd\ne", []string{"a", "b", "c", "d…"}},
		{"shortens a full fourth line for the ellipsis", "a\nb\nc\n" + long + "\ne", []string{"a", "b", "c", long[:noteWidth-1] + "…"}},
		{"counts runes, not bytes", "Überprüfung der Bestellung läuft", []string{"Überprüfung der Bestellung", "läuft"}},
		{"spaces only make no note", " \n\t ", nil},
		{"empty makes no note", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := noteLines(tc.comment)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("noteLines(%q) (-want +got):\n%s", tc.comment, diff)
			}
			for _, l := range got {
				if n := len([]rune(l)); n > noteWidth {
					t.Errorf("line %q has %d runes, more than %d", l, n, noteWidth)
				}
			}
		})
	}
}
