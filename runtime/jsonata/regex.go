package jsonata

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/dlclark/regexp2/v2"
)

// regexMatchTimeout bounds one regular expression match.
const regexMatchTimeout = 5 * time.Second

// compiledRegex is a regular expression literal compiled with ECMAScript
// semantics (JSONata regexes are JavaScript's); regexp2 is used because Go's
// regexp (RE2) has no lookaround or backreferences.
type compiledRegex struct {
	lit *regexLit
	re  *regexp2.Regexp
}

func compileRegex(lit *regexLit) (*compiledRegex, *Error) {
	opts := regexp2.ECMAScript
	for _, f := range lit.flags {
		switch f {
		case 'i':
			opts |= regexp2.IgnoreCase
		case 'm':
			opts |= regexp2.Multiline
		}
	}
	// a JavaScript regex without the u flag sees UTF-16 code units: the
	// subject is matched as units (see utf16Runes), and in the pattern a
	// character beyond the BMP becomes its two units, as does an escaped
	// surrogate (\uD83D)
	var src strings.Builder
	rs := []rune(lit.source)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			src.WriteRune(unitRune(hi))
			src.WriteRune(unitRune(lo))
		case r == '\\' && i+5 < len(rs) && rs[i+1] == 'u':
			if u, err := strconv.ParseUint(string(rs[i+2:i+6]), 16, 16); err == nil && utf16.IsSurrogate(rune(u)) {
				src.WriteRune(unitRune(rune(u)))
				i += 5
				continue
			}
			src.WriteString(string(rs[i : i+2]))
			i++
		case r == '\\' && i+1 < len(rs):
			src.WriteString(string(rs[i : i+2])) // an escape, which may be \\ itself
			i++
		default:
			src.WriteRune(r)
		}
	}
	re, err := regexp2.Compile(src.String(), opts)
	if err != nil {
		e := newErr("S0301", 0, lit.source)
		e.Message = "Invalid regular expression: /" + lit.source + "/: " + err.Error()
		return nil, e
	}
	// a catastrophically backtracking pattern must not hang an evaluation
	re.MatchTimeout = regexMatchTimeout
	return &compiledRegex{lit: lit, re: re}, nil
}

// regexMatch is one match, with offsets in UTF-16 code units.
type regexMatch struct {
	match      string
	start, end int
	groups     []any
}

// exec finds the first match at or after offset from in s, a string as
// UTF-16 code units (utf16Runes).
func (c *compiledRegex) exec(s []rune, from int) (*regexMatch, error) {
	if from > len(s) {
		return nil, nil
	}
	m, err := c.re.FindRunesMatchStartingAt(s, from)
	if err != nil {
		return nil, &Error{Code: "U1002", Message: "Expression evaluation timeout: regular expression /" + c.lit.source + "/ ran too long"}
	}
	if m == nil {
		return nil, nil
	}
	r := &regexMatch{start: m.RuneIndex, end: m.RuneIndex + m.RuneLength}
	r.match = unitsString(s[r.start:r.end])
	gs := m.Groups()
	for i := 1; i < len(gs); i++ {
		g := gs[i]
		if len(g.Captures) == 0 {
			r.groups = append(r.groups, nil) // undefined, as in JavaScript
			continue
		}
		r.groups = append(r.groups, unitsString(s[g.RuneIndex:g.RuneIndex+g.RuneLength]))
	}
	return r, nil
}

// utf16Runes is s as UTF-16 code units, one a rune, a surrogate moved to
// unitRune's range: regexp2 treats runes in the surrogate range unreliably
// (a class of two of them matches neither).
func utf16Runes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r > 0xFFFF {
			hi, lo := utf16.EncodeRune(r)
			out = append(out, unitRune(hi), unitRune(lo))
		} else {
			out = append(out, r)
		}
	}
	return out
}

// surrogateBase is where unitRune puts the surrogates: the last 2048 code
// points, private use, which a string's runes never are as units (a
// character beyond the BMP is two units).
const surrogateBase = 0x10F800

// unitRune is UTF-16 code unit u as a rune of utf16Runes.
func unitRune(u rune) rune {
	if utf16.IsSurrogate(u) {
		return u - 0xD800 + surrogateBase
	}
	return u
}

// unitsString is the string of utf16Runes units; a lone surrogate, which a
// Go string cannot hold, becomes U+FFFD.
func unitsString(units []rune) string {
	u := make([]uint16, len(units))
	for i, r := range units {
		if r >= surrogateBase {
			r = r - surrogateBase + 0xD800
		}
		u[i] = uint16(r)
	}
	return string(utf16.Decode(u))
}
