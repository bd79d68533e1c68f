package runtime

import (
	"encoding/json"
	"fmt"
	"math/big"
	"testing"
)

// TestCompareNumbersAgreesWithBigFloat checks the integer fast path of compareNumbers
// against the big.Float comparison it stands in for.
func TestCompareNumbersAgreesWithBigFloat(t *testing.T) {
	t.Parallel()
	nums := []json.Number{"0", "-0", "1", "-1", "10", "9999", "10000", "1.0", "1e3", "1000", "-5.5",
		"999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775807",
		"9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "0.1", "1E2", "100"}
	for _, a := range nums {
		for _, b := range nums {
			x, _ := new(big.Float).SetPrec(256).SetString(string(a))
			y, _ := new(big.Float).SetPrec(256).SetString(string(b))
			got, err := compareNumbers(a, b)
			if want := x.Cmp(y); err != nil || got != want {
				t.Errorf("compareNumbers(%s, %s) = %d, %v; want %d", a, b, got, err, want)
			}
		}
	}
}

// TestObjectsLargeAndSmall checks that an object finds, replaces and copies its keys the same
// way below and above the size at which it keeps an index.
func TestObjectsLargeAndSmall(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, indexedKeys, indexedKeys + 1, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			o := newObject(0)
			for i := range n {
				o.set(fmt.Sprintf("k%d", i), json.Number(fmt.Sprint(i)))
			}
			o.set("k0", "again") // a replaced key keeps its place
			for i := range n {
				v, ok := o.get(fmt.Sprintf("k%d", i))
				want := any(json.Number(fmt.Sprint(i)))
				if i == 0 {
					want = "again"
				}
				if !ok || v != want {
					t.Fatalf("get(k%d) = %v, %v; want %v", i, v, ok, want)
				}
			}
			if _, ok := o.get("missing"); ok {
				t.Fatal("get(missing) found something")
			}
			size := jsonSize(o, 1<<30)
			c := o.with("new", true).with("k1", false)
			want := max(n, 1) + 1 // k0 is always there; new is added
			if n < 2 {
				want++ // and so is k1
			}
			if got := c.len(); got != want {
				t.Fatalf("with: %d keys, want %d", got, want)
			}
			if v, _ := c.get("new"); v != true {
				t.Fatalf("with: new = %v", v)
			}
			if v, ok := o.get("new"); ok || o.len() != max(n, 1) {
				t.Fatalf("with changed the original: new = %v, %d keys", v, o.len())
			}
			if got := len(encodeJSON(o)); size != got {
				t.Fatalf("jsonSize %d, encoded %d", size, got)
			}
			if got, want := jsonSize(c, 1<<30), len(encodeJSON(c)); got != want {
				t.Fatalf("jsonSize of the copy %d, encoded %d", got, want)
			}
			if n > 0 {
				if got, want := c.members[0].key, "k0"; got != want {
					t.Fatalf("first key %q, want %q", got, want)
				}
			}
		})
	}
}
