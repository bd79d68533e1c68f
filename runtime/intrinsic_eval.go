package runtime

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// AWS reports every intrinsic failure as States.Runtime with the cause
//
//	The function '<the whole expression as written>' had the following error: <detail>
//
// where the detail is "The JsonPath argument for the field '<path>' could not be found in
// the input '<input>'" for an argument that finds nothing (quoted from real executions, the
// whole sentence) and "Invalid arguments in States.<Function>" for an argument the function
// cannot take (AWS causes are known to contain it; that it sits in the same sentence is an
// assumption). The few details AWS adds after it are given where they are known.

// maxIntrinsicChars is AWS's limit on the text given to States.Base64Encode,
// States.Base64Decode and States.Hash, in Java characters (UTF-16 code units).
const maxIntrinsicChars = 10000

// maxArrayRange is AWS's limit on the length of a States.ArrayRange result.
const maxArrayRange = 1000

// intrinsicScope is what a call reads besides its own text: the data its paths read, and
// the sources of variables and randomness the execution provides.
type intrinsicScope struct {
	input   any         // what $ paths read: the state input, the task result...
	context contextFunc // what $$ paths read
	// vars are the workflow variables ($name) visible to the state, or, when it is nil,
	// variable returns them; with neither, none is. A variable that is not there fails
	// like a path that finds nothing.
	vars     *scope
	variable func(name string) (any, bool)
	// rand feeds States.UUID and States.MathRandom without a seed; nil means crypto/rand.
	// Tests give a fixed stream to get fixed results.
	rand io.Reader
}

// intrinsicFunc is one of the States.* functions.
type intrinsicFunc struct {
	name     string
	min, max int // argument count; max < 0 means no limit
	run      func(e *intrinsicRun, c *intrinsicCall, args []any) (any, error)
}

func (f *intrinsicFunc) arity() string {
	switch {
	case f.max < 0:
		return fmt.Sprintf("at least %d arguments", f.min)
	case f.min == f.max && f.min == 1:
		return "1 argument"
	case f.min == f.max:
		return fmt.Sprintf("%d arguments", f.min)
	}
	return fmt.Sprintf("%d to %d arguments", f.min, f.max)
}

// intrinsicFuncs lists the functions AWS provides, by name.
var intrinsicFuncs = map[string]*intrinsicFunc{}

func init() {
	for _, f := range []*intrinsicFunc{
		{"States.Format", 1, -1, runFormat},
		{"States.StringToJson", 1, 1, runStringToJSON},
		{"States.JsonToString", 1, 1, runJSONToString},
		{"States.Array", 0, -1, runArray},
		{"States.ArrayPartition", 2, 2, runArrayPartition},
		{"States.ArrayContains", 2, 2, runArrayContains},
		{"States.ArrayRange", 3, 3, runArrayRange},
		{"States.ArrayGetItem", 2, 2, runArrayGetItem},
		{"States.ArrayLength", 1, 1, runArrayLength},
		{"States.ArrayUnique", 1, 1, runArrayUnique},
		{"States.Base64Encode", 1, 1, runBase64Encode},
		{"States.Base64Decode", 1, 1, runBase64Decode},
		{"States.Hash", 2, 2, runHash},
		{"States.JsonMerge", 3, 3, runJSONMerge},
		{"States.MathRandom", 2, 3, runMathRandom},
		{"States.MathAdd", 2, 2, runMathAdd},
		{"States.StringSplit", 2, 2, runStringSplit},
		{"States.UUID", 0, 0, runUUID},
	} {
		intrinsicFuncs[f.name] = f
	}
}

// intrinsicRun is one evaluation of an expression. It holds a copy of the scope: one
// allocation for an evaluation, not one more for the scope.
type intrinsicRun struct {
	in    *intrinsic
	scope intrinsicScope
}

// eval runs the expression.
func (in *intrinsic) eval(scope *intrinsicScope) (any, error) {
	e := &intrinsicRun{in: in, scope: *scope}
	return e.call(in.call)
}

// fail is a States.Runtime failure of the expression with AWS's wording.
func (e *intrinsicRun) fail(format string, args ...any) error {
	return runtimeError("The function '%s' had the following error: %s", e.in.text, fmt.Sprintf(format, args...))
}

// invalid is the failure of a function given arguments it cannot take.
func (e *intrinsicRun) invalid(c *intrinsicCall) error {
	return e.fail("Invalid arguments in %s", c.fn.name)
}

func (e *intrinsicRun) call(c *intrinsicCall) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := e.arg(a)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return c.fn.run(e, c, args)
}

func (e *intrinsicRun) arg(a *intrinsicArg) (any, error) {
	switch a.kind {
	case argLiteral:
		return a.value, nil
	case argCall:
		return e.call(a.call)
	case argPath:
		base := e.scope.input
		if a.path.context {
			base = e.scope.context()
		}
		v, err := a.path.find(base)
		if err != nil {
			return nil, e.notFound(a, err)
		}
		return v, nil
	case argVariable:
		var v any
		ok := false
		if e.scope.vars != nil {
			v, ok = e.scope.vars.lookup(a.name)
		} else if e.scope.variable != nil {
			v, ok = e.scope.variable(a.name)
		}
		if !ok {
			return nil, e.notFound(a, nil)
		}
		v, err := a.path.find(v)
		if err != nil {
			return nil, e.notFound(a, err)
		}
		return v, nil
	}
	return nil, runtimeError("stepstudio: unknown intrinsic argument")
}

// notFound is the failure of a reference that finds nothing. AWS names the reference and
// quotes the state's input, also for a $$ path, which it names with a single $ (the
// context object is not what it quotes). Indexing a value that is not an array is the one
// miss where Jayway's own message shows through.
func (e *intrinsicRun) notFound(a *intrinsicArg, err error) error {
	var pe *pathError
	if errors.As(err, &pe) && strings.HasPrefix(pe.msg, "Filter: ") {
		return e.fail("%s", pe.msg)
	}
	name := a.text
	if a.kind == argPath && a.path.context {
		name = name[1:]
	}
	return e.fail("The JsonPath argument for the field '%s' could not be found in the input '%s'", name, jsonText(e.scope.input))
}

func (e *intrinsicRun) random() io.Reader {
	if e.scope.rand != nil {
		return e.scope.rand
	}
	return rand.Reader
}

// runFormat replaces each {} of the template with the next argument, printed as Java
// prints values: strings bare, objects as {key=value, ...}, arrays as [a, b].
func runFormat(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	tmpl := c.args[0].format
	if tmpl == nil {
		s, ok := args[0].(string)
		if !ok {
			return nil, e.invalid(c)
		}
		tmpl = parseFormatTemplate(s)
	}
	if tmpl.err != "" {
		return nil, e.fail("Invalid template in %s: %s", c.fn.name, tmpl.err)
	}
	values := args[1:]
	if tmpl.placeholders() != len(values) {
		return nil, e.fail("Invalid arguments in %s: number of arguments do not match the occurrences of {}.", c.fn.name)
	}
	var b strings.Builder
	for i, part := range tmpl.parts {
		b.WriteString(part)
		if i < len(values) {
			writeJava(&b, values[i])
		}
	}
	return b.String(), nil
}

// runStringToJSON parses JSON text as Jackson's readTree does: blank text is null and
// whatever follows the first value is ignored.
func runStringToJSON(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, e.invalid(c)
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var first json.RawMessage
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&first); err != nil {
		return nil, e.invalid(c)
	}
	v, err := decodeJSON(first)
	if err != nil {
		return nil, e.invalid(c)
	}
	return v, nil
}

func runJSONToString(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	return jsonText(args[0]), nil
}

func runArray(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	return args, nil
}

func runArrayPartition(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	arr, ok := args[0].([]any)
	size, isInt := javaInt(args[1])
	if !ok || !isInt || size <= 0 {
		return nil, e.invalid(c)
	}
	out := []any{}
	for i := 0; i < len(arr); i += int(size) {
		end := min(i+int(size), len(arr))
		out = append(out, append([]any(nil), arr[i:end]...))
	}
	return out, nil
}

// runArrayContains compares values as AWS does, by their Java text: an object with its
// keys in another order is not found, and "true" matches true. Both were observed on AWS.
func runArrayContains(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	arr, ok := args[0].([]any)
	if !ok {
		return nil, e.invalid(c)
	}
	want := javaString(args[1])
	for _, v := range arr {
		if javaString(v) == want {
			return true, nil
		}
	}
	return false, nil
}

// runArrayRange counts from first to last, both included, by step, which may be negative.
// Non-integers are truncated, as AWS does (its documentation says rounded; the service
// behaves like a Java (int) cast).
func runArrayRange(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	first, ok1 := javaInt(args[0])
	last, ok2 := javaInt(args[1])
	step, ok3 := javaInt(args[2])
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil, e.invalid(c)
	}
	n := int64(0)
	if step > 0 && last >= first || step < 0 && last <= first {
		n = (last-first)/step + 1
	}
	if n > maxArrayRange {
		return nil, e.invalid(c)
	}
	out := make([]any, 0, n)
	for i := int64(0); i < n; i++ {
		out = append(out, json.Number(strconv.FormatInt(first+i*step, 10)))
	}
	return out, nil
}

// runArrayGetItem returns the item at a zero-based index (truncated if not an integer).
// AWS answers null rather than an error for any index into an empty array.
func runArrayGetItem(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	arr, ok := args[0].([]any)
	idx, isInt := javaInt(args[1])
	if !ok || !isInt {
		return nil, e.invalid(c)
	}
	if len(arr) == 0 && idx >= 0 {
		return nil, nil
	}
	if idx < 0 || idx >= int64(len(arr)) {
		return nil, e.invalid(c)
	}
	return arr[idx], nil
}

func runArrayLength(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	arr, ok := args[0].([]any)
	if !ok {
		return nil, e.invalid(c)
	}
	return json.Number(strconv.Itoa(len(arr))), nil
}

// runArrayUnique drops repeated values. AWS collects the values in a Java HashSet, so the
// result comes in the set's order, not the input's: [true, false, true] gives
// [false, true]. javaHashSetOrder reproduces that order.
func runArrayUnique(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	arr, ok := args[0].([]any)
	if !ok {
		return nil, e.invalid(c)
	}
	return javaHashSetOrder(arr), nil
}

func runBase64Encode(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok || javaLength(s) > maxIntrinsicChars {
		return nil, e.invalid(c)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// runBase64Decode decodes as Java's basic decoder does: padding may be left out, line
// breaks are not allowed, and bytes that are not UTF-8 become U+FFFD.
func runBase64Decode(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok || javaLength(s) > maxIntrinsicChars || strings.ContainsAny(s, "\r\n") {
		return nil, e.invalid(c)
	}
	enc := base64.StdEncoding
	if !strings.HasSuffix(s, "=") && len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		return nil, e.invalid(c)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}

var hashAlgorithms = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func runHash(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	data, ok := args[0].(string)
	alg, isStr := args[1].(string)
	newHash, known := hashAlgorithms[alg]
	if !ok || !isStr || !known || javaLength(data) > maxIntrinsicChars {
		return nil, e.invalid(c)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runJSONMerge merges two objects shallowly: the second one's keys win, and a key both
// have keeps its place. AWS has no deep merge: the third argument must be false.
func runJSONMerge(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	a, ok1 := args[0].(*object)
	b, ok2 := args[1].(*object)
	deep, ok3 := args[2].(bool)
	if !ok1 || !ok2 || !ok3 || deep {
		return nil, e.invalid(c)
	}
	out := newObject(a.len() + b.len())
	for _, m := range a.members {
		out.set(m.key, m.val)
	}
	for _, m := range b.members {
		out.set(m.key, m.val)
	}
	return out, nil
}

// runMathRandom returns an integer from start (included) to end (excluded); non-integer
// bounds are truncated. With a seed the number comes from java.util.Random, so a seed
// always gives the same number.
func runMathRandom(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	start, ok1 := javaInt(args[0])
	end, ok2 := javaInt(args[1])
	// Java computes end - start in 32 bits: a range wider than that is an error there.
	if !ok1 || !ok2 || start >= end || end-start > math.MaxInt32 {
		return nil, e.invalid(c)
	}
	bound := end - start
	if len(args) == 3 {
		seed, ok := javaLong(args[2])
		if !ok {
			return nil, e.invalid(c)
		}
		r := newJavaRandom(seed)
		return json.Number(strconv.FormatInt(start+int64(r.nextInt(int32(bound))), 10)), nil
	}
	n, err := uniform(e.random(), uint64(bound))
	if err != nil {
		return nil, fmt.Errorf("runtime: States.MathRandom: %w", err)
	}
	return json.Number(strconv.FormatInt(start+int64(n), 10)), nil
}

// uniform draws an integer in [0, n) without modulo bias.
func uniform(r io.Reader, n uint64) (uint64, error) {
	limit := math.MaxUint64 - math.MaxUint64%n
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		if v := binary.BigEndian.Uint64(b[:]); v < limit {
			return v % n, nil
		}
	}
}

// runMathAdd adds two numbers after rounding each as Java's Math.round does (half up:
// 1.5 gives 2, -1.5 gives -1); operands and sum must fit in 32 bits.
func runMathAdd(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	var sum int64
	for _, a := range args {
		n, ok := a.(json.Number)
		if !ok {
			return nil, e.invalid(c)
		}
		if i, ok := smallInt(n); ok {
			// An integer needs no rounding: the same as below, without parsing a float.
			if i < math.MinInt32 || i > math.MaxInt32 {
				return nil, e.invalid(c)
			}
			sum += i
			continue
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return nil, e.invalid(c)
		}
		r := math.Floor(f + 0.5)
		if r < math.MinInt32 || r > math.MaxInt32 {
			return nil, e.invalid(c)
		}
		sum += int64(r)
	}
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, e.invalid(c)
	}
	return json.Number(strconv.FormatInt(sum, 10)), nil
}

// runStringSplit splits at every character of the second argument and drops empty parts,
// as Java's StringTokenizer does.
func runStringSplit(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	s, ok1 := args[0].(string)
	delims, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, e.invalid(c)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// runUUID returns a random (version 4) UUID.
func runUUID(e *intrinsicRun, c *intrinsicCall, args []any) (any, error) {
	var b [16]byte
	if _, err := io.ReadFull(e.random(), b[:]); err != nil {
		return nil, fmt.Errorf("runtime: States.UUID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// javaInt reads a number argument as a Java (int) cast does: truncated toward zero and
// held to 32 bits.
func javaInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	f = math.Trunc(f)
	return int64(max(min(f, math.MaxInt32), math.MinInt32)), true
}

// javaLong reads a number argument as a Java long (a seed).
func javaLong(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	f = math.Trunc(f)
	if f >= math.MaxInt64 {
		return math.MaxInt64, true
	}
	if f <= math.MinInt64 {
		return math.MinInt64, true
	}
	return int64(f), true
}

// javaLength is the length of s as Java counts it, in UTF-16 code units.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
