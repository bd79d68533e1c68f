package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// token is one lexical token of an expression.
type token struct {
	typ   string // operator, string, number, value, name, variable, regex
	value any
	pos   int
}

var operatorChars = map[string]int{
	".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80,
	";": 80, ":": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 20,
	"=": 40, "<": 40, ">": 40, "^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40,
	">=": 40, "~>": 40, "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
}

var numberPattern = regexp.MustCompile(`^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?`)

// lexer scans an expression; positions count UTF-16 code units as
// jsonata.js does, so they are comparable with its error positions.
type lexer struct {
	src []rune
	pos int // in runes; next reports positions in UTF-16 code units

	u16 []int // u16[i] is the UTF-16 offset of src[i], when src has a rune beyond the BMP
}

// utf16Pos converts a rune offset into src to UTF-16 code units.
func (l *lexer) utf16Pos(i int) int {
	if l.u16 == nil {
		l.u16 = []int{}
		for j, r := range l.src {
			if r > 0xFFFF {
				l.u16 = make([]int, len(l.src)+1)
				n := j
				for k := j; k < len(l.src); k++ {
					l.u16[k] = n
					n += utf16.RuneLen(l.src[k])
				}
				l.u16[len(l.src)] = n
				for k := range j {
					l.u16[k] = k
				}
				break
			}
		}
	}
	if len(l.u16) == 0 || i < 0 || i >= len(l.u16) {
		return i
	}
	return l.u16[i]
}

// next returns the next token, or nil at the end. prefix is true where an
// operand is expected, so that '/' starts a regular expression.
func (l *lexer) next(prefix bool) (*token, error) {
	t, err := l.scan(prefix)
	if t != nil {
		t.pos = l.utf16Pos(t.pos)
	}
	if x, ok := err.(*Error); ok {
		x.Position = l.utf16Pos(x.Position)
	}
	return t, err
}

func (l *lexer) at(i int) rune {
	if i < 0 || i >= len(l.src) {
		return 0
	}
	return l.src[i]
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' }

func isOperatorChar(r rune) bool {
	_, ok := operatorChars[string(r)]
	return ok
}

// scan is next with positions in runes.
func (l *lexer) scan(prefix bool) (*token, error) {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
	if l.pos >= len(l.src) {
		return nil, nil
	}
	c := l.src[l.pos]
	if c == '/' && l.at(l.pos+1) == '*' {
		start := l.pos
		l.pos += 2
		for !(l.at(l.pos) == '*' && l.at(l.pos+1) == '/') {
			l.pos++
			if l.pos >= len(l.src) {
				return nil, newErr("S0106", start, "")
			}
		}
		l.pos += 2
		return l.scan(prefix)
	}
	mk := func(typ string, v any) *token { return &token{typ: typ, value: v, pos: l.pos} }
	if !prefix && c == '/' {
		l.pos++
		return l.scanRegex()
	}
	two := string(c) + string(l.at(l.pos+1))
	switch two {
	case "..", ":=", "!=", ">=", "<=", "**", "~>":
		l.pos += 2
		return mk("operator", two), nil
	}
	if isOperatorChar(c) {
		l.pos++
		return mk("operator", string(c)), nil
	}
	if c == '"' || c == '\'' {
		quote := c
		l.pos++
		var sb strings.Builder
		for l.pos < len(l.src) {
			c = l.src[l.pos]
			if c == '\\' {
				l.pos++
				c = l.at(l.pos)
				switch c {
				case '"', '\\', '/':
					sb.WriteRune(c)
				case 'b':
					sb.WriteByte('\b')
				case 'f':
					sb.WriteByte('\f')
				case 'n':
					sb.WriteByte('\n')
				case 'r':
					sb.WriteByte('\r')
				case 't':
					sb.WriteByte('\t')
				case 'u':
					hex := ""
					if l.pos+5 <= len(l.src) {
						hex = string(l.src[l.pos+1 : l.pos+5])
					}
					cp, err := strconv.ParseUint(hex, 16, 32)
					if len(hex) != 4 || err != nil {
						return nil, newErr("S0104", l.pos, "")
					}
					l.pos += 4
					// a surrogate pair arrives as two escapes
					if utf16.IsSurrogate(rune(cp)) && l.at(l.pos+1) == '\\' && l.at(l.pos+2) == 'u' && l.pos+7 <= len(l.src) {
						if lo, err := strconv.ParseUint(string(l.src[l.pos+3:l.pos+7]), 16, 32); err == nil {
							if r := utf16.DecodeRune(rune(cp), rune(lo)); r != 0xFFFD {
								sb.WriteRune(r)
								l.pos += 6
								break
							}
						}
					}
					sb.WriteRune(rune(cp))
				default:
					return nil, newErr("S0103", l.pos, string(c))
				}
			} else if c == quote {
				l.pos++
				return &token{typ: "string", value: sb.String(), pos: l.pos}, nil
			} else {
				sb.WriteRune(c)
			}
			l.pos++
		}
		return nil, newErr("S0101", l.pos, "")
	}
	rest := string(l.src[l.pos:])
	if m := numberPattern.FindString(rest); m != "" {
		f, err := strconv.ParseFloat(m, 64)
		if err == nil && !math.IsInf(f, 0) {
			l.pos += len([]rune(m))
			return mk("number", f), nil
		}
		return nil, newErr("S0102", l.pos, m)
	}
	if c == '`' {
		l.pos++
		for i := l.pos; i < len(l.src); i++ {
			if l.src[i] == '`' {
				name := string(l.src[l.pos:i])
				l.pos = i + 1
				return mk("name", name), nil
			}
		}
		l.pos = len(l.src)
		return nil, newErr("S0105", l.pos, "")
	}
	i := l.pos
	for i < len(l.src) && !isSpace(l.src[i]) && !isOperatorChar(l.src[i]) {
		i++
	}
	start := l.pos
	l.pos = i
	if c == '$' {
		return &token{typ: "variable", value: string(l.src[start+1 : i]), pos: l.pos}, nil
	}
	name := string(l.src[start:i])
	switch name {
	case "or", "in", "and":
		return &token{typ: "operator", value: name, pos: l.pos}, nil
	case "true":
		return &token{typ: "value", value: true, pos: l.pos}, nil
	case "false":
		return &token{typ: "value", value: false, pos: l.pos}, nil
	case "null":
		return &token{typ: "value", value: jnull, pos: l.pos}, nil
	}
	if l.pos == len(l.src) && name == "" {
		return nil, nil
	}
	return &token{typ: "name", value: name, pos: l.pos}, nil
}

// regexLit is a regular expression literal: its source and flags.
type regexLit struct {
	source string
	flags  string
}

func (l *lexer) scanRegex() (*token, error) {
	start := l.pos
	depth := 0
	closing := func(p int) bool {
		if l.at(p) == '/' && depth == 0 {
			n := 0
			for l.at(p-(n+1)) == '\\' {
				n++
			}
			return n%2 == 0
		}
		return false
	}
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if closing(l.pos) {
			pattern := string(l.src[start:l.pos])
			if pattern == "" {
				return nil, newErr("S0301", l.pos, "")
			}
			l.pos++
			fs := l.pos
			for l.at(l.pos) == 'i' || l.at(l.pos) == 'm' {
				l.pos++
			}
			lit := &regexLit{source: pattern, flags: string(l.src[fs:l.pos])}
			if _, err := compileRegex(lit); err != nil {
				return nil, err
			}
			return &token{typ: "regex", value: lit, pos: l.pos}, nil
		}
		if (c == '(' || c == '[' || c == '{') && l.at(l.pos-1) != '\\' {
			depth++
		}
		if (c == ')' || c == ']' || c == '}') && l.at(l.pos-1) != '\\' {
			depth--
		}
		l.pos++
	}
	return nil, newErr("S0302", l.pos, "")
}
