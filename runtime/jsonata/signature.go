package jsonata

import (
	"regexp"
	"strings"
)

// signature is a parsed function signature such as <s-nn?:s>.
type signature struct {
	definition string
	params     []sigParam
	re         *regexp.Regexp
}

type sigParam struct {
	regex     string
	typ       string
	array     bool
	context   bool
	contextRe *regexp.Regexp
	subtype   string
}

var arraySignatureMapping = map[string]string{"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}

func parseSignature(sig string) (*signature, *Error) {
	s := &signature{definition: sig}
	pos := 1
	param := sigParam{}
	prev := -1 // index of the previous parameter
	push := func() {
		s.params = append(s.params, param)
		prev = len(s.params) - 1
		param = sigParam{}
	}
	closing := func(start int, open, close byte) int {
		depth := 1
		p := start
		for p < len(sig) {
			p++
			if p >= len(sig) {
				break
			}
			if sig[p] == close {
				depth--
				if depth == 0 {
					break
				}
			} else if sig[p] == open {
				depth++
			}
		}
		return p
	}
	for pos < len(sig) {
		c := sig[pos]
		if c == ':' {
			break
		}
		switch c {
		case 's', 'n', 'b', 'l', 'o':
			param.regex = "[" + string(c) + "m]"
			param.typ = string(c)
			push()
		case 'a':
			param.regex = "[asnblfom]"
			param.typ = "a"
			param.array = true
			push()
		case 'f':
			param.regex = "f"
			param.typ = "f"
			push()
		case 'j':
			param.regex = "[asnblom]"
			param.typ = "j"
			push()
		case 'x':
			param.regex = "[asnblfom]"
			param.typ = "x"
			push()
		case '-':
			if prev >= 0 {
				pp := &s.params[prev]
				pp.context = true
				pp.contextRe = regexp.MustCompile("^" + pp.regex)
				pp.regex += "?"
			}
		case '?', '+':
			if prev >= 0 {
				s.params[prev].regex += string(c)
			}
		case '(':
			end := closing(pos, '(', ')')
			choice := sig[pos+1 : end]
			if strings.Contains(choice, "<") {
				e := newErr("S0402", pos, "")
				e.Value, e.hasValue = choice, true
				return nil, e
			}
			param.regex = "[" + choice + "m]"
			param.typ = "(" + choice + ")"
			pos = end
			push()
		case '<':
			if prev >= 0 && (s.params[prev].typ == "a" || s.params[prev].typ == "f") {
				end := closing(pos, '<', '>')
				s.params[prev].subtype = sig[pos+1 : end]
				pos = end
			} else {
				e := newErr("S0401", pos, "")
				if prev >= 0 {
					e.Value, e.hasValue = s.params[prev].typ, true
				}
				return nil, e
			}
		}
		pos++
	}
	var b strings.Builder
	b.WriteString("^")
	for _, p := range s.params {
		b.WriteString("(" + p.regex + ")")
	}
	b.WriteString("$")
	s.re = regexp.MustCompile(b.String())
	return s, nil
}

func typeSymbol(v any) byte {
	switch v.(type) {
	case *lambda, *native:
		return 'f'
	case string:
		return 's'
	case float64:
		return 'n'
	case bool:
		return 'b'
	case jnullType:
		return 'l'
	case *arr:
		return 'a'
	case *Object:
		return 'o'
	}
	return 'm'
}

// validate checks args against the signature, filling in the context
// argument and wrapping single values where an array is expected.
func (s *signature) validate(args []any, context any) ([]any, error) {
	var sb strings.Builder
	for _, a := range args {
		sb.WriteByte(typeSymbol(a))
	}
	supplied := sb.String()
	m := s.re.FindStringSubmatch(supplied)
	if m == nil {
		return nil, s.validationError(args, supplied)
	}
	var out []any
	ai := 0
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	for i, p := range s.params {
		match := m[i+1]
		if match == "" {
			if p.context && p.contextRe != nil {
				if p.contextRe.MatchString(string(typeSymbol(context))) {
					out = append(out, context)
				} else {
					e := errVal("T0411", 0, "", context)
					e.index = ai + 1
					return nil, e
				}
			} else {
				out = append(out, arg(ai))
				ai++
			}
			continue
		}
		for _, single := range []byte(match) {
			a := arg(ai)
			if p.typ == "a" {
				if single == 'm' {
					a = nil
				} else {
					ok := true
					if p.subtype != "" {
						if single != 'a' && match != p.subtype {
							ok = false
						} else if single == 'a' {
							items := a.(*arr).items
							if len(items) > 0 {
								it := typeSymbol(items[0])
								if it != p.subtype[0] {
									ok = false
								} else {
									for _, v := range items {
										if typeSymbol(v) != it {
											ok = false
											break
										}
									}
								}
							}
						}
					}
					if !ok {
						e := errVal("T0412", 0, "", a)
						e.index = ai + 1
						e.typ = arraySignatureMapping[p.subtype]
						return nil, e
					}
					if single != 'a' {
						a = &arr{items: []any{a}}
					}
				}
			}
			out = append(out, a)
			ai++
		}
	}
	return out, nil
}

func (s *signature) validationError(args []any, supplied string) error {
	pattern := "^"
	good := 0
	for _, p := range s.params {
		pattern += p.regex
		m := regexp.MustCompile(pattern).FindString(supplied)
		if m == "" && !regexp.MustCompile(pattern).MatchString(supplied) {
			break
		}
		good = len(m)
	}
	var v any
	if good < len(args) {
		v = args[good]
	}
	e := errVal("T0410", 0, "", v)
	e.index = good + 1
	return e
}
