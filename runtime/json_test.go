package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeJSON checks that decodeJSON accepts exactly the texts encoding/json accepts, and
// decodes them to the same values.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,-2.5e+3,0,true,false,null,"x"],"b":{"c":"\u00e9\ud83d\ude00\n\"","c":2}}`,
		`[]`, `{}`, ` "s" `, `{"a":{"b":[1,{"c":"d"}]},"e":{ "f":1}}`, `{"a":"\\/"}`, `{"a":"\u00e9"}`, `-0`, `01`, `1.`, `.5`, `1e`, `-`, `tru`, `nul`, `"\x"`, `"\u12"`,
		"\"\x01\"", "\"\xff\"", `{"a" 1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{,}`, `"unclosed`,
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k3":"again","k17":17}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeJSON(data)
		if valid := json.Valid(data); (err == nil) != valid {
			t.Fatalf("decodeJSON error %v, but json.Valid says %v, for %q", err, valid, data)
		}
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(plainValue(got), want) {
			t.Fatalf("decodeJSON(%q) = %s, encoding/json decodes %#v", data, encodeJSON(got), want)
		}
		// An object that kept its text encodes as the encoder would write it.
		if enc, want := encodeJSON(got), encodeJSON(withoutText(got)); !bytes.Equal(enc, want) {
			t.Fatalf("decodeJSON(%q) encodes to %s, want %s", data, enc, want)
		}
		if size, want := jsonSize(got, 1<<30), len(encodeJSON(withoutText(got))); size != want {
			t.Fatalf("decodeJSON(%q): jsonSize %d, want %d", data, size, want)
		}
		o, ok := got.(*object)
		if ok && o.len() > 0 && o.members[0].key != firstKey(data) {
			t.Fatalf("decodeJSON(%q): first key %q", data, o.members[0].key)
		}
	})
}

// TestDecodeJSONDepth checks that decodeJSON lets values nest as deeply as encoding/json does.
func TestDecodeJSONDepth(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{maxJSONDepth, maxJSONDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			close := map[string]string{"[": "]", `{"a":`: "}"}[open]
			data := []byte(strings.Repeat(open, depth) + "1" + strings.Repeat(close, depth))
			_, err := decodeJSON(data)
			if valid := json.Valid(data); (err == nil) != valid {
				t.Errorf("%d x %s: decodeJSON error %v, but json.Valid says %v", depth, open, err, valid)
			}
		}
	}
}

// withoutText copies a value without the texts its objects kept from decoding.
func withoutText(v any) any {
	switch t := v.(type) {
	case *object:
		o := newObject(t.len())
		for _, m := range t.members {
			o.set(m.key, withoutText(m.val))
		}
		return o
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = withoutText(e)
		}
		return out
	}
	return v
}

// plainValue turns the runtime's values into those encoding/json decodes (maps for objects).
func plainValue(v any) any {
	switch t := v.(type) {
	case *object:
		m := make(map[string]any, t.len())
		for _, mb := range t.members {
			m[mb.key] = plainValue(mb.val)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
}

// firstKey is the first key of a JSON object's text, as encoding/json reads it.
func firstKey(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	_, _ = dec.Token() // {
	k, _ := dec.Token()
	s, _ := k.(string)
	return s
}

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

// TestLargeTemplateObject checks that an object a template builds finds its keys past the
// size at which objects keep an index.
func TestLargeTemplateObject(t *testing.T) {
	t.Parallel()
	tmpl := newObject(0)
	for i := range 2 * indexedKeys {
		tmpl.set(fmt.Sprintf("k%d.$", i), "$.v")
	}
	compiled := compileTemplate(tmpl, func(rel, msg string) { t.Fatal(rel, msg) })
	out, err := compiled.eval(mustDecode(t, `{"v":7}`), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * indexedKeys {
		if v, ok := out.(*object).get(fmt.Sprintf("k%d", i)); !ok || v != json.Number("7") {
			t.Fatalf("k%d = %v, %v", i, v, ok)
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
