package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// awsFunctions are the functions AWS Step Functions adds to JSONata 2.0.6 (its $random
// also takes a seed). They are bound in every JSONata state; $eval is not offered, and the
// engine leaves it out already.
// awsGlobals are awsFunctions as the engine binds them in every evaluation.
var awsGlobals = jsonata.NewGlobals(awsFunctions)

var awsFunctions = func() map[string]any {
	fns := map[string]any{}
	for _, f := range []struct {
		name, sig string
		fn        jsonata.GoFunc
	}{
		{"partition", "<an:a>", jsonataPartition},
		{"range", "<nnn:a>", jsonataRange},
		{"hash", "<ss:s>", jsonataHash},
		{"random", "<n?:n>", jsonataRandom},
		{"uuid", "<:s>", jsonataUUID},
		{"parse", "<s:j>", jsonataParse},
	} {
		g, err := jsonata.NewFunction(f.name, f.sig, f.fn)
		if err != nil {
			panic(fmt.Sprintf("runtime: $%s: %v", f.name, err))
		}
		fns[f.name] = g
	}
	return fns
}()

// jsonataPartition splits an array into arrays of size items (the last may be shorter).
func jsonataPartition(args ...any) (any, error) {
	arr, _ := args[0].([]any)
	size, _ := args[1].(float64)
	if size < 1 || size != math.Trunc(size) {
		return nil, fmt.Errorf("the partition size must be a positive integer, not %v", args[1])
	}
	n := int(size)
	out := []any{}
	for i := 0; i < len(arr); i += n {
		out = append(out, append([]any(nil), arr[i:min(i+n, len(arr))]...))
	}
	return out, nil
}

// jsonataRange counts from start to end (included) by step; step 0 gives [], and a range
// of one number is that number, as a JSONata sequence of one is ($range(1, 9, 9) is 1).
func jsonataRange(args ...any) (any, error) {
	start, _ := args[0].(float64)
	end, _ := args[1].(float64)
	step, _ := args[2].(float64)
	out := []any{}
	if step == 0 {
		return out, nil
	}
	for v := start; (step > 0 && v <= end) || (step < 0 && v >= end); v += step {
		if len(out) >= 1000 {
			return nil, fmt.Errorf("the range has more than 1000 numbers")
		}
		out = append(out, v)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// jsonataHash is the hex digest of a string with MD5, SHA-1, SHA-256, SHA-384 or SHA-512.
func jsonataHash(args ...any) (any, error) {
	data, _ := args[0].(string)
	alg, _ := args[1].(string)
	newHash, ok := hashAlgorithms[alg]
	if !ok {
		return nil, fmt.Errorf("unsupported hash algorithm %q: use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", alg)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// jsonataRandom is a number in [0, 1); with a seed, always the same one for that seed.
func jsonataRandom(args ...any) (any, error) {
	if len(args) > 0 {
		if seed, ok := args[0].(float64); ok {
			s := uint64(int64(seed))
			return mrand.New(mrand.NewPCG(s, s)).Float64(), nil
		}
	}
	return mrand.Float64(), nil
}

// jsonataUUID is a random (version 4) UUID.
func jsonataUUID(...any) (any, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// jsonataParse decodes JSON text (AWS's replacement for $eval).
func jsonataParse(args ...any) (any, error) {
	s, _ := args[0].(string)
	v, err := jsonata.FromJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("$parse: the string is not JSON: %v", err)
	}
	return v, nil
}
