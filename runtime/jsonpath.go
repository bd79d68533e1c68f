package runtime

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a compiled JSONPath. AWS evaluates paths with Jayway JsonPath, so the syntax and
// the results follow Jayway: `$`, `.name`, `['name']`, `['a','b']`, `[n]` (negative counts
// from the end), `[n,m]`, `[*]`, `.*`, `[a:b]`, `..name` and filters `[?(@.x > 1)]`.
// A path that starts with `$$` reads the context object instead of the state's data, and
// one that starts with `$name` reads the variable name (the rest of the path applies to
// its value).
type Path struct {
	text     string
	context  bool
	variable string
	tokens   []pathToken
	definite bool // every token selects at most one node (set by compilePath)
}

type tokenKind int

const (
	tokProperty tokenKind = iota // ['a'] or ['a','b']
	tokIndex                     // [0] or [0,1]
	tokWildcard                  // [*]
	tokSlice                     // [a:b]
	tokFilter                    // [?(...)]
	tokScan                      // .. (applies the rest of the path at every depth)
)

type pathToken struct {
	kind    tokenKind
	names   []string
	indexes []int
	from    *int
	to      *int
	filter  filterExpr
	text    string // the filter as written, for messages
}

// definite reports whether the token selects at most one node, as Jayway defines it.
func (t pathToken) definite() bool {
	switch t.kind {
	case tokProperty:
		return len(t.names) == 1
	case tokIndex:
		return len(t.indexes) == 1
	}
	return false
}

// String renders the token in Jayway's normalised form, which AWS quotes in messages.
func (t pathToken) String() string {
	switch t.kind {
	case tokProperty:
		return "['" + strings.Join(t.names, "','") + "']"
	case tokIndex:
		s := make([]string, len(t.indexes))
		for i, n := range t.indexes {
			s[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(s, ",") + "]"
	case tokWildcard:
		return "[*]"
	case tokSlice:
		var b strings.Builder
		b.WriteByte('[')
		if t.from != nil {
			b.WriteString(strconv.Itoa(*t.from))
		}
		b.WriteByte(':')
		if t.to != nil {
			b.WriteString(strconv.Itoa(*t.to))
		}
		b.WriteByte(']')
		return b.String()
	case tokFilter:
		return "[?]"
	case tokScan:
		return ".."
	}
	return "?"
}

// String returns the path as written in the definition.
func (p *Path) String() string { return p.text }

// IsContext reports whether the path reads the context object ($$).
func (p *Path) IsContext() bool { return p.context }

// Definite reports whether the path selects at most one node. A definite path yields the
// node itself (and fails when it is missing); any other path yields an array of matches.
func (p *Path) Definite() bool { return p.definite }

// normalized renders the path as Jayway prints it in its messages, e.g. $['a'][0].
func (p *Path) normalized() string {
	if p.variable != "" {
		return "$" + p.variable + normalizedTokens(p.tokens)[1:]
	}
	return normalizedTokens(p.tokens)
}

func normalizedTokens(tokens []pathToken) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, t := range tokens {
		b.WriteString(t.String())
	}
	return b.String()
}

// setTokens sets the path's tokens and whether they make it definite.
func (p *Path) setTokens(tokens []pathToken) {
	p.tokens = tokens
	p.definite = true
	for _, t := range tokens {
		p.definite = p.definite && t.definite()
	}
}

// isReference reports whether the path is a Reference Path in the ASL sense: it names a
// single node by property names and indexes only.
func (p *Path) isReference() bool { return p.Definite() }

// compilePath compiles a JSONPath. allowContext permits a leading `$$`.
func compilePath(text string, allowContext bool) (*Path, error) {
	if !strings.HasPrefix(text, "$") {
		return nil, fmt.Errorf("a path must start with '$'")
	}
	p := &Path{text: text}
	pos := 1
	if strings.HasPrefix(text, "$$") {
		if !allowContext {
			return nil, fmt.Errorf("the context object ($$) cannot be used here")
		}
		p.context = true
		pos = 2
	} else if ref := variableRef.FindString(text); ref != "" {
		p.variable = ref[1:]
		pos = len(ref)
	}
	tokens, end, err := parseTokens(text, pos, false)
	if err != nil {
		return nil, err
	}
	if end != len(text) {
		return nil, fmt.Errorf("unexpected %q at position %d", text[end], end)
	}
	p.setTokens(tokens)
	return p, nil
}

// parseTokens reads path tokens from text[pos:] until the text ends or, inside a filter,
// until something that cannot continue a path.
func parseTokens(text string, pos int, inFilter bool) ([]pathToken, int, error) {
	var tokens []pathToken
	for pos < len(text) {
		c := text[pos]
		switch {
		case c == '.' && strings.HasPrefix(text[pos:], ".."):
			pos += 2
			tokens = append(tokens, pathToken{kind: tokScan})
			if pos >= len(text) {
				return nil, pos, fmt.Errorf("a path must not end with '..'")
			}
			if text[pos] == '[' {
				continue
			}
			t, next, err := parseDotName(text, pos, inFilter)
			if err != nil {
				return nil, next, err
			}
			tokens, pos = append(tokens, t), next
		case c == '.':
			pos++
			if pos >= len(text) {
				return nil, pos, fmt.Errorf("a path must not end with '.'")
			}
			t, next, err := parseDotName(text, pos, inFilter)
			if err != nil {
				return nil, next, err
			}
			tokens, pos = append(tokens, t), next
		case c == '[':
			t, next, err := parseBracket(text, pos)
			if err != nil {
				return nil, next, err
			}
			tokens, pos = append(tokens, t), next
		default:
			if inFilter {
				return tokens, pos, nil
			}
			return nil, pos, fmt.Errorf("unexpected %q at position %d", c, pos)
		}
	}
	return tokens, pos, nil
}

// parseDotName reads the name after '.', where a backslash escapes the next character
// (AWS accepts `$.store\.book`).
func parseDotName(text string, pos int, inFilter bool) (pathToken, int, error) {
	if text[pos] == '*' {
		return pathToken{kind: tokWildcard}, pos + 1, nil
	}
	var b strings.Builder
	i := pos
	for i < len(text) {
		c := text[i]
		if c == '\\' && i+1 < len(text) {
			b.WriteByte(text[i+1])
			i += 2
			continue
		}
		if c == '.' || c == '[' {
			break
		}
		if inFilter && strings.IndexByte(" )=!<>&|,", c) >= 0 {
			break
		}
		if c == ' ' {
			return pathToken{}, i, fmt.Errorf("use bracket notation ['my prop'] for a property with blanks (position %d)", i)
		}
		if c == '(' {
			return pathToken{}, i, fmt.Errorf("path functions are not supported (position %d)", i)
		}
		b.WriteByte(c)
		i++
	}
	if b.Len() == 0 {
		return pathToken{}, i, fmt.Errorf("empty property name at position %d", pos)
	}
	return pathToken{kind: tokProperty, names: []string{b.String()}}, i, nil
}

func skipSpaces(text string, pos int) int {
	for pos < len(text) && text[pos] == ' ' {
		pos++
	}
	return pos
}

// parseBracket reads one [...] token starting at text[pos] == '['.
func parseBracket(text string, pos int) (pathToken, int, error) {
	start := pos
	pos = skipSpaces(text, pos+1)
	if pos >= len(text) {
		return pathToken{}, pos, fmt.Errorf("unclosed '[' at position %d", start)
	}
	switch c := text[pos]; {
	case c == '\'' || c == '"':
		return parseBracketNames(text, pos, start)
	case c == '*':
		pos = skipSpaces(text, pos+1)
		if pos >= len(text) || text[pos] != ']' {
			return pathToken{}, pos, fmt.Errorf("expected ']' at position %d", pos)
		}
		return pathToken{kind: tokWildcard}, pos + 1, nil
	case c == '?':
		return parseFilterToken(text, pos, start)
	case c == '-' || c == ':' || c >= '0' && c <= '9':
		return parseIndexes(text, pos, start)
	}
	return pathToken{}, pos, fmt.Errorf("unexpected %q at position %d", text[pos], pos)
}

// parseBracketNames reads ['a'] or ['a', "b"]. A backslash escapes the quote that closes
// the name and another backslash; any other backslash is kept, which is how AWS reads
// `$['Test\""Name"']`.
func parseBracketNames(text string, pos, start int) (pathToken, int, error) {
	var names []string
	for {
		pos = skipSpaces(text, pos)
		if pos >= len(text) || text[pos] != '\'' && text[pos] != '"' {
			return pathToken{}, pos, fmt.Errorf("expected a quoted property name at position %d", pos)
		}
		quote := text[pos]
		pos++
		var b strings.Builder
		closed := false
		for pos < len(text) {
			c := text[pos]
			if c == '\\' && pos+1 < len(text) && (text[pos+1] == quote || text[pos+1] == '\\') {
				b.WriteByte(text[pos+1])
				pos += 2
				continue
			}
			if c == quote {
				closed = true
				pos++
				break
			}
			b.WriteByte(c)
			pos++
		}
		if !closed {
			return pathToken{}, pos, fmt.Errorf("unclosed quote in '[' at position %d", start)
		}
		names = append(names, b.String())
		pos = skipSpaces(text, pos)
		if pos >= len(text) {
			return pathToken{}, pos, fmt.Errorf("unclosed '[' at position %d", start)
		}
		if text[pos] == ']' {
			return pathToken{kind: tokProperty, names: names}, pos + 1, nil
		}
		if text[pos] != ',' {
			return pathToken{}, pos, fmt.Errorf("expected ',' or ']' at position %d", pos)
		}
		pos++
	}
}

// parseIndexes reads [0], [-1], [0,2] or a slice [1:3], [1:], [:2].
func parseIndexes(text string, pos, start int) (pathToken, int, error) {
	end := strings.IndexByte(text[pos:], ']')
	if end < 0 {
		return pathToken{}, pos, fmt.Errorf("unclosed '[' at position %d", start)
	}
	inner := strings.TrimSpace(text[pos : pos+end])
	next := pos + end + 1
	if strings.Contains(inner, ":") {
		parts := strings.Split(inner, ":")
		if len(parts) > 2 {
			return pathToken{}, next, fmt.Errorf("slices with a step are not supported: [%s]", inner)
		}
		t := pathToken{kind: tokSlice}
		for i, part := range parts {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			n, err := strconv.Atoi(part)
			if err != nil {
				return pathToken{}, next, fmt.Errorf("invalid slice [%s]", inner)
			}
			if i == 0 {
				t.from = &n
			} else {
				t.to = &n
			}
		}
		return t, next, nil
	}
	t := pathToken{kind: tokIndex}
	for _, part := range strings.Split(inner, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return pathToken{}, next, fmt.Errorf("invalid array index [%s]", inner)
		}
		t.indexes = append(t.indexes, n)
	}
	return t, next, nil
}

// parseFilterToken reads [?(expression)].
func parseFilterToken(text string, pos, start int) (pathToken, int, error) {
	pos = skipSpaces(text, pos+1)
	if pos >= len(text) || text[pos] != '(' {
		return pathToken{}, pos, fmt.Errorf("expected '(' after '[?' at position %d", pos)
	}
	closeAt, err := matchingParen(text, pos)
	if err != nil {
		return pathToken{}, pos, err
	}
	inner := text[pos+1 : closeAt]
	expr, err := parseFilter(inner)
	if err != nil {
		return pathToken{}, pos, fmt.Errorf("invalid filter [?(%s)]: %w", inner, err)
	}
	next := skipSpaces(text, closeAt+1)
	if next >= len(text) || text[next] != ']' {
		return pathToken{}, next, fmt.Errorf("unclosed '[' at position %d", start)
	}
	return pathToken{kind: tokFilter, filter: expr, text: inner}, next + 1, nil
}

// matchingParen finds the ')' that closes the '(' at text[open], skipping quoted text.
func matchingParen(text string, open int) (int, error) {
	depth := 0
	var quote byte
	for i := open; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unclosed '(' at position %d", open)
}
