package jsonata

import (
	"strings"
)

// gen writes a JSONata expression chosen by fuzz bytes: each choice takes
// the next byte, and once they run out every choice is the first, which is
// always the simplest, so that generation ends.
type gen struct {
	data []byte
	pos  int
	vars []string // variables in scope, innermost last
}

// maxGenDepth bounds the nesting of generated expressions.
const maxGenDepth = 4

func (g *gen) pick(n int) int {
	if g.pos >= len(g.data) || n <= 1 {
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return int(b) % n
}

func (g *gen) from(list []string) string { return list[g.pick(len(list))] }

// expr is any expression.
func (g *gen) expr(d int) string {
	if d >= maxGenDepth {
		return g.atom()
	}
	switch g.pick(20) {
	case 0, 1:
		return g.path(d)
	case 2:
		return g.atom()
	case 3, 4:
		return g.binary(d)
	case 5:
		return "-" + g.expr(d+1)
	case 6:
		if g.pick(2) == 0 {
			return g.expr(d+1) + " ? " + g.expr(d+1) + " : " + g.expr(d+1)
		}
		return g.expr(d+1) + " ? " + g.expr(d+1)
	case 7:
		// ?? and ?: are not JSONata 2.0.6: both must fail to parse alike
		return g.expr(d+1) + g.from([]string{" ?? ", " ?: ", "??", "?:"}) + g.expr(d+1)
	case 8:
		return g.array(d)
	case 9:
		return g.object(d)
	case 10, 11, 12:
		return g.call(d)
	case 13:
		return g.lambdaCall(d)
	case 14:
		return g.block(d)
	case 15:
		return g.transform(d)
	case 16:
		return g.expr(d+1) + " ~> " + g.chainTarget(d)
	case 17:
		return "(" + g.expr(d+1) + ")"
	case 18:
		return g.higherOrder(d)
	default:
		return g.expr(d+1) + g.step(d)
	}
}

var genNames = []string{
	"a", "s", "o", "z", "y", "q", "x", "n", "arr", "k", "v", "e", "t",
	"Account", "Order", "Product", "Name", "Price", "Qty", "Tags", "OrderID", "ID",
	"i", "sa", "oa", "nul", "u", "big", "tiny", "b", "c", "d", "deep", "list", "mixed",
	"`10`", "`a b`", "`0`", "missing",
}

// path is a location path with steps, the common shape.
func (g *gen) path(d int) string {
	var b strings.Builder
	switch g.pick(6) {
	case 0, 1, 2:
		b.WriteString(g.from(genNames))
	case 3:
		b.WriteString("$")
	case 4:
		b.WriteString("$$")
	default:
		b.WriteString(g.variable())
	}
	for n := g.pick(4); n > 0; n-- {
		b.WriteString(g.step(d))
	}
	return b.String()
}

// step continues a path.
func (g *gen) step(d int) string {
	switch g.pick(16) {
	case 0, 1, 2:
		return "." + g.from(genNames)
	case 3:
		return "[" + g.predicate(d) + "]"
	case 4:
		return "[]"
	case 5:
		return ".*"
	case 6:
		return ".**"
	case 7:
		return "^(" + g.sortKeys(d) + ")"
	case 8:
		return g.object(d)
	case 9:
		return "@" + g.newVar() + "." + g.from(genNames)
	case 10:
		return "#" + g.newVar()
	case 11:
		return ".%"
	case 12:
		return ".%." + g.from(genNames)
	case 13:
		return "." + g.call(d+1)
	case 14:
		return ".(" + g.expr(d+1) + ")"
	default:
		return "." + g.string()
	}
}

func (g *gen) predicate(d int) string {
	switch g.pick(5) {
	case 0:
		return g.number()
	case 1:
		return g.from(genNames) + g.from([]string{" = ", " > ", " != ", " < "}) + g.atom()
	case 2:
		return g.from([]string{"$i", "$", "$.k", "$i < 1", "$ % 2 = 0"}) + g.from([]string{"", " and true", " or false"})
	default:
		return g.expr(d + 1)
	}
}

func (g *gen) sortKeys(d int) string {
	keys := []string{}
	for n := 1 + g.pick(2); n > 0; n-- {
		k := g.from([]string{"", "<", ">"}) + g.from([]string{"$", "v", "k", "Price", "Name", "a", "x"})
		if g.pick(4) == 0 {
			k = g.from([]string{"", "<", ">"}) + g.expr(d+1)
		}
		keys = append(keys, k)
	}
	return strings.Join(keys, ", ")
}

var genOps = []string{
	"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&", "in", "..",
}

func (g *gen) binary(d int) string {
	op := g.from(genOps)
	if op == ".." {
		return "[" + g.expr(d+1) + ".." + g.expr(d+1) + "]"
	}
	return g.expr(d+1) + " " + op + " " + g.expr(d+1)
}

// atom is a literal or a name.
func (g *gen) atom() string {
	switch g.pick(8) {
	case 0, 1:
		return g.from(genNames)
	case 2, 3:
		return g.number()
	case 4, 5:
		return g.string()
	case 6:
		return g.from([]string{"true", "false", "null", "$", "$$", "[]", "{}", "()"})
	default:
		return g.variable()
	}
}

var genNumbers = []string{
	"0", "1", "2", "3", "-1", "0.5", "1.5", "-0", "10", "100", "0.1", "0.2", "2.5", "-2.5",
	"1e21", "1e-7", "1.5e-7", "123.456", "9007199254740993", "1e308", "1.7976931348623157e308",
	"5e-324", "1e400", "1E2", "3.0", "0.000001", "1e+3", "255", "-255", "12345678.9",
	"0.30000000000000004", "4294967295", "4294967296",
}

func (g *gen) number() string { return g.from(genNumbers) }

var genStrings = []string{
	`""`, `"a"`, `"abc"`, `"Hello World"`, `"ab,cd,ef"`, `"  x  y  "`, `"ünï😀"`, `"\"q\""`,
	`"a\nb\tc"`, `"\u00e9"`, `"\uD83D\uDE00"`, `"\/\\\b\f\r"`, `"12"`, `"-3.5"`, `"1e3"`, `"0x1F"`,
	`"true"`, `"null"`, `"a.b"`, `"%41%"`, `"a b&c=d/é"`, `"2020-01-02T03:04:05.678Z"`,
	`"2020-01-02"`, `"#,##0.00"`, `"0.0e0"`, `"000"`, `"#%"`, `"w"`, `"W"`, `"I"`, `"i"`,
	`"[Y0001]-[M01]-[D01]"`, `"[H01]:[m01]:[s01] [z]"`, `"[FNn], [D1o] [MNn]"`, `"+01:00"`,
	`'single'`, `'it''s'`, `"a"`, `"k"`, `"v"`, `"x"`, `"SGVsbG8="`, `"aGk"`, `"10"`, `""`,
	`"\u0000"`, `"<>"`, `"$1-$2"`, `"$$"`, `"$0"`,
}

func (g *gen) string() string { return g.from(genStrings) }

var genRegexes = []string{
	"/a/", "/[a-z]+/i", "/(l+)(o)?/", "/^$/", `/\d+/`, "/.*/", "/x*/", "/(?:a|b)/", `/\s/m`,
	"/o/", `/(\w)(\w)/`, "/^H/", "/[/]/", "/😀/", "/(a)|(b)/", "/.{2}/",
}

func (g *gen) regex() string { return g.from(genRegexes) }

func (g *gen) variable() string {
	if len(g.vars) > 0 && g.pick(3) != 0 {
		return g.vars[len(g.vars)-1-g.pick(len(g.vars))]
	}
	return g.from([]string{"$x", "$y", "$f", "$i", "$v", "$sum", "$string", "$undefinedvar"})
}

func (g *gen) newVar() string {
	v := g.from([]string{"$x", "$y", "$i", "$v", "$f", "$o"})
	g.vars = append(g.vars, v)
	return v
}

func (g *gen) array(d int) string {
	var items []string
	for n := g.pick(4); n > 0; n-- {
		items = append(items, g.expr(d+1))
	}
	return "[" + strings.Join(items, ", ") + "]"
}

func (g *gen) object(d int) string {
	var items []string
	for n := g.pick(4); n > 0; n-- {
		var k string
		if g.pick(3) == 0 {
			k = g.expr(d + 1)
		} else {
			k = g.from([]string{`"a"`, `"b"`, `"10"`, `"0"`, `"x"`, `""`, `"a"`})
		}
		items = append(items, k+": "+g.expr(d+1))
	}
	return "{" + strings.Join(items, ", ") + "}"
}

// argument kinds, as in the built-ins' signatures
const (
	kNum = iota
	kStr
	kArr
	kObj
	kFun
	kAny
	kRegex
	kBool
	kPicture
)

var genFuncs = []struct {
	name string
	args []int
}{
	{"sum", []int{kArr}}, {"count", []int{kArr}}, {"max", []int{kArr}}, {"min", []int{kArr}},
	{"average", []int{kArr}}, {"string", []int{kAny, kBool}}, {"substring", []int{kStr, kNum, kNum}},
	{"substringBefore", []int{kStr, kStr}}, {"substringAfter", []int{kStr, kStr}},
	{"lowercase", []int{kStr}}, {"uppercase", []int{kStr}}, {"length", []int{kStr}},
	{"trim", []int{kStr}}, {"pad", []int{kStr, kNum, kStr}}, {"contains", []int{kStr, kRegex}},
	{"split", []int{kStr, kRegex, kNum}}, {"join", []int{kArr, kStr}}, {"match", []int{kStr, kRegex, kNum}},
	{"replace", []int{kStr, kRegex, kStr, kNum}}, {"number", []int{kAny}}, {"abs", []int{kNum}},
	{"floor", []int{kNum}}, {"ceil", []int{kNum}}, {"round", []int{kNum, kNum}},
	{"power", []int{kNum, kNum}}, {"sqrt", []int{kNum}}, {"boolean", []int{kAny}}, {"not", []int{kAny}},
	{"exists", []int{kAny}}, {"keys", []int{kObj}}, {"lookup", []int{kObj, kStr}}, {"spread", []int{kObj}},
	{"merge", []int{kArr}}, {"sift", []int{kObj, kFun}}, {"each", []int{kObj, kFun}},
	{"append", []int{kAny, kAny}}, {"reverse", []int{kArr}}, {"sort", []int{kArr, kFun}},
	{"zip", []int{kArr, kArr}}, {"distinct", []int{kArr}}, {"type", []int{kAny}},
	{"formatNumber", []int{kNum, kPicture, kObj}}, {"formatBase", []int{kNum, kNum}},
	{"formatInteger", []int{kNum, kPicture}}, {"parseInteger", []int{kStr, kPicture}},
	{"base64encode", []int{kStr}}, {"base64decode", []int{kStr}},
	{"encodeUrlComponent", []int{kStr}}, {"encodeUrl", []int{kStr}},
	{"decodeUrlComponent", []int{kStr}}, {"decodeUrl", []int{kStr}},
	{"map", []int{kArr, kFun}}, {"filter", []int{kArr, kFun}}, {"single", []int{kArr, kFun}},
	{"reduce", []int{kArr, kFun, kAny}}, {"error", []int{kStr}}, {"assert", []int{kBool, kStr}},
	{"toMillis", []int{kStr, kPicture}}, {"fromMillis", []int{kNum, kPicture, kStr}},
	{"clone", []int{kObj}},
}

// call is a built-in with arguments mostly of fitting types, sometimes not,
// sometimes too few or too many.
func (g *gen) call(d int) string {
	f := genFuncs[g.pick(len(genFuncs))]
	n := len(f.args)
	switch g.pick(8) {
	case 0:
		n = max(n-1, 0)
	case 1:
		n++
	case 2:
		n = max(n-2, 0)
	}
	args := make([]string, n)
	for i := range args {
		kind := kAny
		if i < len(f.args) {
			kind = f.args[i]
		}
		if g.pick(5) == 0 {
			kind = kAny
		}
		args[i] = g.arg(kind, d)
	}
	return "$" + f.name + "(" + strings.Join(args, ", ") + ")"
}

func (g *gen) arg(kind, d int) string {
	if d+1 >= maxGenDepth {
		kind = kAny
	}
	switch kind {
	case kNum:
		if g.pick(2) == 0 {
			return g.number()
		}
		return g.from([]string{"n", "i", "big", "tiny", "Price", "$count(a)", "-3", "$x"})
	case kStr:
		if g.pick(2) == 0 {
			return g.string()
		}
		return g.from([]string{"s", "u", "Name", "k", "$string(a)", "$x"})
	case kArr:
		if g.pick(2) == 0 {
			return g.array(d + 1)
		}
		return g.from([]string{"a", "arr", "sa", "oa", "e", "Account.Order.Product.Price", "list", "mixed", "[1..5]", "$"})
	case kObj:
		if g.pick(2) == 0 {
			return g.object(d + 1)
		}
		return g.from([]string{"o", "$", "arr", "Account", "oa", "deep", "{}"})
	case kFun:
		return g.lambda(d+1, 1+g.pick(3))
	case kRegex:
		if g.pick(2) == 0 {
			return g.regex()
		}
		return g.string()
	case kBool:
		return g.from([]string{"true", "false", "t", "1 = 1", "$x"})
	case kPicture:
		return g.string()
	}
	return g.expr(d + 1)
}

// lambda is a function with up to three parameters, sometimes with a
// signature; its body may use them.
func (g *gen) lambda(d, params int) string {
	names := []string{"$v", "$i", "$a"}[:params]
	saved := len(g.vars)
	g.vars = append(g.vars, names...)
	sig := ""
	if g.pick(6) == 0 {
		sig = g.from([]string{"<n:n>", "<s-:s>", "<x?:x>", "<a<n>:n>", "<nn:n>", "<j-j>", "<o>"})
	}
	body := g.expr(d + 1)
	g.vars = g.vars[:saved]
	return "function(" + strings.Join(names, ", ") + ")" + sig + "{" + body + "}"
}

func (g *gen) lambdaCall(d int) string {
	params := 1 + g.pick(2)
	args := make([]string, g.pick(3))
	for i := range args {
		args[i] = g.expr(d + 1)
	}
	if g.pick(3) == 0 {
		// partial application
		// partial application (of a lambda: a partially applied built-in
		// checks its signature here, not in jsonata.js, see doc.go)
		return "(" + g.lambda(d, 2) + ")(?, " + g.expr(d+1) + ")(" + strings.Join(args, ", ") + ")"
	}
	return "(" + g.lambda(d, params) + ")(" + strings.Join(args, ", ") + ")"
}

func (g *gen) higherOrder(d int) string {
	switch g.pick(4) {
	case 0:
		// recursion by name, stopping or not
		return "($f := function($n){$n <= 0 ? " + g.atom() + " : $f($n - 1)" + g.from([]string{"", " + 1", " & \"x\""}) + "}; $f(" + g.number() + "))"
	case 1:
		return "$map(" + g.arg(kArr, d) + ", " + g.from([]string{"$string", "$uppercase", "$abs", "$count", "$boolean", "$keys"}) + ")"
	case 2:
		return g.arg(kArr, d) + " ~> $filter(function($v){" + g.expr(d+1) + "})"
	default:
		return "$reduce(" + g.arg(kArr, d) + ", function($p, $c){$p " + g.from(genOps[:5]) + " $c})"
	}
}

func (g *gen) block(d int) string {
	saved := len(g.vars)
	var items []string
	for n := 1 + g.pick(3); n > 0; n-- {
		if g.pick(2) == 0 {
			v := g.from([]string{"$x", "$y", "$f"})
			items = append(items, v+" := "+g.expr(d+1))
			g.vars = append(g.vars, v)
		} else {
			items = append(items, g.expr(d+1))
		}
	}
	g.vars = g.vars[:saved]
	return "(" + strings.Join(items, "; ") + ")"
}

func (g *gen) transform(d int) string {
	t := "|" + g.from([]string{"$", "a", "o", "Account.Order", "arr", "**", "deep.*"}) + "|" + g.object(d)
	if g.pick(2) == 0 {
		t += ", " + g.from([]string{`["a"]`, `"x"`, `["k", "nope"]`, "[]", "1"})
	}
	t += "|"
	if g.pick(3) == 0 {
		return t
	}
	return g.expr(d+1) + " ~> " + t
}

func (g *gen) chainTarget(d int) string {
	switch g.pick(4) {
	case 0:
		return "$" + genFuncs[g.pick(len(genFuncs))].name
	case 1:
		return g.call(d)
	case 2:
		return g.lambda(d, 1)
	default:
		return g.variable()
	}
}
