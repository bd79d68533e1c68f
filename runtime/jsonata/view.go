package jsonata

import (
	"encoding/json"
	"math"
	"strconv"
)

// CanonicalCache is what a Members value may also implement to remember canonicalJSON's
// answer about it: an immutable object then pays the walk once, however many expressions
// pass it on.
type CanonicalCache interface {
	// CanonicalJSON returns the remembered answer; known is false before one is set.
	CanonicalJSON() (canonical, known bool)
	SetCanonicalJSON(canonical bool)
}

// canonicalJSON reports whether a caller's object reads the same through JavaScript: its
// keys in the order JavaScript keeps them (array indexes first, ascending) and its
// numbers written as JavaScript writes them. Only then may an unchanged view go back to
// the caller as it is, for the result to be what jsonata.js would give.
func canonicalJSON(m Members) bool {
	if c, ok := m.(CanonicalCache); ok {
		if v, known := c.CanonicalJSON(); known {
			return v
		}
		v := canonicalMembers(m)
		c.SetCanonicalJSON(v)
		return v
	}
	return canonicalMembers(m)
}

func canonicalMembers(m Members) bool {
	n := m.Len()
	named := false // a key that is not an array index came already
	var last uint64
	for i := range n {
		k, v := m.Member(i)
		if idx, ok := arrayIndex(k); ok {
			if named || i > 0 && idx < last {
				return false
			}
			last = idx
		} else {
			named = true
		}
		if !canonicalValue(v) {
			return false
		}
	}
	return true
}

func canonicalValue(v any) bool {
	switch x := v.(type) {
	case nil, bool, string:
		return true
	case json.Number:
		return canonicalNumber(string(x))
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	case []any:
		for _, e := range x {
			if !canonicalValue(e) {
				return false
			}
		}
		return true
	case Members:
		return canonicalJSON(x)
	case *Object:
		return false // an engine object inside a caller's value: convert it
	}
	return false
}

// canonicalNumber reports whether JSON number text is exactly how JavaScript writes its
// value: no exponent, no sign on zero, no leading or trailing zeros, not below 1e-6 (which
// JavaScript writes with an exponent), and the shortest digits that read back as the same
// double (up to 15 always do; more, such as 16.990000000000002, are checked). Anything
// else is converted, to be sure.
func canonicalNumber(s string) bool {
	if !plainNumber(s) {
		return false
	}
	if significantDigits(s) <= 15 {
		return true
	}
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && math.Abs(f) < 1e21 && strconv.FormatFloat(f, 'f', -1, 64) == s
}

// significantDigits counts the digits of plain number text after its leading zeros.
func significantDigits(s string) int {
	n, leading := 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' || leading && c == '0' {
			continue
		}
		leading = false
		n++
	}
	return n
}

// plainNumber reports number text without exponent, sign on zero, or leading or trailing
// zeros, and not below 1e-6.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[start:i]
	if intPart == "" || len(intPart) > 1 && intPart[0] == '0' {
		return false
	}
	digits := len(intPart)
	if intPart == "0" {
		digits = 0
	}
	if i == len(s) {
		return !(s[0] == '-' && intPart == "0")
	}
	if s[i] != '.' {
		return false // an exponent
	}
	frac := s[i+1:]
	if frac == "" || frac[len(frac)-1] == '0' {
		return false
	}
	lead := 0
	for _, c := range []byte(frac) {
		if c < '0' || c > '9' {
			return false
		}
	}
	if digits == 0 {
		for lead < len(frac) && frac[lead] == '0' {
			lead++
		}
		if lead > 5 {
			return false
		}
	}
	return true
}
