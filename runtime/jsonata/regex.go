package jsonata

import (
	"time"

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
	re, err := regexp2.Compile(lit.source, opts)
	if err != nil {
		e := newErr("S0301", 0, lit.source)
		e.Message = "Invalid regular expression: /" + lit.source + "/: " + err.Error()
		return nil, e
	}
	// a catastrophically backtracking pattern must not hang an evaluation
	re.MatchTimeout = regexMatchTimeout
	return &compiledRegex{lit: lit, re: re}, nil
}

// regexMatch is one match: offsets into the subject in runes (to go on
// matching from) and in UTF-16 code units (what JavaScript reports).
type regexMatch struct {
	match          string
	start, end     int
	start16, end16 int
	groups         []any
}

// exec finds the first match at or after rune offset from.
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
	r := &regexMatch{start: m.RuneIndex, end: m.RuneIndex + m.RuneLength, match: string(s[m.RuneIndex : m.RuneIndex+m.RuneLength])}
	r.start16 = utf16Len(s[:r.start])
	r.end16 = r.start16 + utf16Len(s[r.start:r.end])
	gs := m.Groups()
	for i := 1; i < len(gs); i++ {
		g := gs[i]
		if len(g.Captures) == 0 {
			r.groups = append(r.groups, nil) // undefined, as in JavaScript
			continue
		}
		r.groups = append(r.groups, string(s[g.RuneIndex:g.RuneIndex+g.RuneLength]))
	}
	return r, nil
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s []rune) int {
	n := len(s)
	for _, r := range s {
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
