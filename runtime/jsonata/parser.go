package jsonata

// node is a node of the syntax tree. The parser builds a raw tree; process
// then turns paths into step lists with stages, as the evaluator wants them.
type node struct {
	typ   string // path, binary, unary, name, string, number, value, wildcard, descendant, parent, condition, block, bind, regex, function, partial, variable, lambda, apply, transform, sort, operator(?), filter, index
	value any    // operator symbol, literal, name
	pos   int

	lhs, rhs    *node
	expr        *node   // unary operand; filter predicate
	exprs       []*node // array constructor items, block expressions
	pairs       [][2]*node
	steps       []*node
	args        []*node
	procedure   *node
	body        *node
	sig         *signature
	cond, then  *node
	els         *node
	pattern     *node
	update, del *node
	terms       []sortTerm
	group       *groupClause
	stages      []*node // filter and index stages of a step
	predicate   []*node // filters on a non-step expression
	rawTerms    []rawTerm
	rawPairs    [][2]*node

	focus, index       string
	tuple              bool
	keepArray          bool
	keepSingletonArray bool
	consarray          bool
	thunk              bool
	ancestor           *slot
	seekingParent      []*slot
	slot               *slot
	regex              *compiledRegex
}

type sortTerm struct {
	descending bool
	expr       *node
}

type rawTerm struct {
	descending bool
	expr       *node
}

type groupClause struct {
	pairs [][2]*node
	pos   int
}

// slot names the parent a % refers to; labels are shared between steps.
type slot struct {
	label string
	level int
	index int
}

// parser is a Pratt parser over the lexer's tokens.
type parser struct {
	lex      *lexer
	src      string
	tok      *token // current token
	id       string // current symbol id
	ancestry []*node
	labelSeq int
}

func (p *parser) lbp() int {
	switch p.id {
	case ".", "[", "{", "(", "@", "#", "?", "+", "-", "*", "/", "%", "=", "<", ">", "^",
		"!=", "<=", ">=", "~>", "and", "or", "in", "&", ":=":
		return operatorChars[p.id]
	}
	return 0
}

// advance moves to the next token, checking that the current one is id.
func (p *parser) advance(id string, infix bool) error {
	if id != "" && p.id != id {
		code := "S0202"
		if p.id == "(end)" {
			code = "S0203"
		}
		e := tokenErr(code, p.tok)
		e.Value, e.hasValue = id, true
		return e
	}
	t, err := p.lex.next(infix)
	if err != nil {
		return err
	}
	if t == nil {
		p.tok = &token{typ: "(end)", value: "(end)", pos: p.lex.utf16Pos(len(p.lex.src))}
		p.id = "(end)"
		return nil
	}
	p.tok = t
	switch t.typ {
	case "name", "variable":
		p.id = "(name)"
	case "operator":
		op := t.value.(string)
		if op == "!" || op == "~" {
			return newErr("S0204", t.pos, op)
		}
		p.id = op
	case "string", "number", "value":
		p.id = "(literal)"
	case "regex":
		p.id = "(regex)"
	}
	return nil
}

// tokenErr is an error about token t. jsonata.js's message shows the
// token's value as JSON: a number or true bare, a regular expression as {}.
func tokenErr(code string, t *token) *Error {
	e := newErr(code, t.pos, tokenText(t))
	switch t.value.(type) {
	case float64, bool, jnullType:
		e.tokenJSON = e.Token
	case *regexLit:
		e.tokenJSON = "{}"
	}
	return e
}

func tokenText(t *token) string {
	switch v := t.value.(type) {
	case string:
		return v
	case float64:
		return formatNumber(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	case jnullType:
		return "null"
	case *regexLit:
		return "/" + v.source + "/"
	}
	return ""
}

func (p *parser) expression(rbp int) (*node, error) {
	t, id := p.tok, p.id
	if err := p.advance("", true); err != nil {
		return nil, err
	}
	left, err := p.nud(t, id)
	if err != nil {
		return nil, err
	}
	for rbp < p.lbp() {
		t, id = p.tok, p.id
		if err := p.advance("", false); err != nil {
			return nil, err
		}
		left, err = p.led(t, id, left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (p *parser) nud(t *token, id string) (*node, error) {
	n := &node{pos: t.pos, value: t.value}
	switch id {
	case "(end)":
		// as in jsonata.js, the end is an operand until process reports it
		// (S0207), so that an error the parser finds later comes first
		return &node{typ: "end", pos: t.pos, value: "(end)"}, nil
	case "(name)", "(literal)", "(regex)":
		n.typ = t.typ
		if t.typ == "regex" {
			n.regex, _ = compileRegex(t.value.(*regexLit))
		}
		return n, nil
	case "and", "or", "in":
		n.typ = "name"
		return n, nil
	case "-":
		e, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		n.typ, n.expr = "unary", e
		return n, nil
	case "*":
		n.typ = "wildcard"
		return n, nil
	case "**":
		n.typ = "descendant"
		return n, nil
	case "%":
		n.typ = "parent"
		return n, nil
	case "(":
		n.typ = "block"
		for p.id != ")" {
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			n.exprs = append(n.exprs, e)
			if p.id != ";" {
				break
			}
			if err := p.advance(";", false); err != nil {
				return nil, err
			}
		}
		return n, p.advance(")", true)
	case "[":
		n.typ = "unary"
		if p.id != "]" {
			for {
				item, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				if p.id == ".." {
					r := &node{typ: "binary", value: "..", pos: p.tok.pos, lhs: item}
					if err := p.advance("..", false); err != nil {
						return nil, err
					}
					if r.rhs, err = p.expression(0); err != nil {
						return nil, err
					}
					item = r
				}
				n.exprs = append(n.exprs, item)
				if p.id != "," {
					break
				}
				if err := p.advance(",", false); err != nil {
					return nil, err
				}
			}
		}
		return n, p.advance("]", true)
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		n.typ, n.rawPairs = "unary", pairs
		return n, nil
	case "|":
		n.typ = "transform"
		var err error
		if n.pattern, err = p.expression(0); err != nil {
			return nil, err
		}
		if err := p.advance("|", false); err != nil {
			return nil, err
		}
		if n.update, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.id == "," {
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
			if n.del, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, p.advance("|", false)
	}
	return nil, newErr("S0211", t.pos, id)
}

func (p *parser) objectPairs() ([][2]*node, error) {
	var pairs [][2]*node
	if p.id != "}" {
		for {
			k, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			v, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*node{k, v})
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	return pairs, p.advance("}", true)
}

func (p *parser) led(t *token, id string, left *node) (*node, error) {
	n := &node{pos: t.pos, value: t.value, typ: "binary"}
	var err error
	switch id {
	case ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=", "&", "and", "or", "in", "~>":
		n.lhs = left
		n.rhs, err = p.expression(operatorChars[id])
		return n, err
	case "(":
		n.procedure = left
		n.typ = "function"
		if p.id != ")" {
			for {
				if p.tok.typ == "operator" && p.id == "?" {
					n.typ = "partial"
					n.args = append(n.args, &node{typ: "operator", value: "?", pos: p.tok.pos})
					if err := p.advance("?", false); err != nil {
						return nil, err
					}
				} else {
					a, err := p.expression(0)
					if err != nil {
						return nil, err
					}
					n.args = append(n.args, a)
				}
				if p.id != "," {
					break
				}
				if err := p.advance(",", false); err != nil {
					return nil, err
				}
			}
		}
		if err := p.advance(")", true); err != nil {
			return nil, err
		}
		if left.typ == "name" && (left.value == "function" || left.value == "λ") {
			for i, a := range n.args {
				if a.typ != "variable" {
					e := newErr("S0208", a.pos, tokenText(&token{value: a.value}))
					e.Value, e.hasValue = float64(i+1), true
					return nil, e
				}
			}
			n.typ = "lambda"
			if p.id == "<" {
				sigPos := p.tok.pos
				depth := 1
				sig := "<"
				for depth > 0 && p.id != "{" && p.id != "(end)" {
					if err := p.advance("", false); err != nil {
						return nil, err
					}
					if p.id == ">" {
						depth--
					} else if p.id == "<" {
						depth++
					}
					sig += tokenText(p.tok)
				}
				if err := p.advance(">", false); err != nil {
					return nil, err
				}
				s, err := parseSignature(sig)
				if err != nil {
					err.Position = sigPos + err.Position
					return nil, err
				}
				n.sig = s
			}
			if err := p.advance("{", false); err != nil {
				return nil, err
			}
			if n.body, err = p.expression(0); err != nil {
				return nil, err
			}
			if err := p.advance("}", false); err != nil {
				return nil, err
			}
		}
		return n, nil
	case "[":
		if p.id == "]" {
			step := left
			for step != nil && step.typ == "binary" && step.value == "[" {
				step = step.lhs
			}
			step.keepArray = true
			return left, p.advance("]", false)
		}
		n.lhs = left
		if n.rhs, err = p.expression(0); err != nil {
			return nil, err
		}
		return n, p.advance("]", true)
	case "^":
		if err := p.advance("(", false); err != nil {
			return nil, err
		}
		for {
			term := rawTerm{}
			if p.id == "<" {
				if err := p.advance("<", false); err != nil {
					return nil, err
				}
			} else if p.id == ">" {
				term.descending = true
				if err := p.advance(">", false); err != nil {
					return nil, err
				}
			}
			if term.expr, err = p.expression(0); err != nil {
				return nil, err
			}
			n.rawTerms = append(n.rawTerms, term)
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
		n.lhs = left
		return n, p.advance(")", false)
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		n.lhs, n.rawPairs = left, pairs
		return n, nil
	case ":=":
		if left.typ != "variable" {
			return nil, newErr("S0212", left.pos, tokenText(&token{value: left.value}))
		}
		n.lhs = left
		n.rhs, err = p.expression(operatorChars[":="] - 1)
		return n, err
	case "@", "#":
		n.lhs = left
		if n.rhs, err = p.expression(operatorChars[id]); err != nil {
			return nil, err
		}
		if n.rhs.typ != "variable" {
			return nil, newErr("S0214", n.rhs.pos, id)
		}
		return n, nil
	case "?":
		n.typ = "condition"
		n.cond = left
		if n.then, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.id == ":" {
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			if n.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	return nil, newErr("S0201", t.pos, id)
}

// parse parses and post-processes an expression.
func parse(src string) (*node, error) {
	p := &parser{lex: &lexer{src: []rune(src)}, src: src}
	if err := p.advance("", false); err != nil {
		return nil, err
	}
	ast, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.id != "(end)" {
		return nil, tokenErr("S0201", p.tok)
	}
	ast, err = p.process(ast)
	if err != nil {
		return nil, err
	}
	if ast.typ == "parent" || ast.seekingParent != nil {
		return nil, newErr("S0217", ast.pos, ast.typ)
	}
	return ast, nil
}
