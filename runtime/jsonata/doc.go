// Package jsonata is an implementation of the JSONata 2.0.6 query and
// transformation language, written for the Step Functions runtime from the
// language's documentation and jsonata.js's behaviour.
//
// An expression is compiled once with Compile; the resulting *Expr is
// immutable and may be evaluated concurrently. Values follow the JSON model:
// nil is JSON null, bool, float64, string, []any and *Object (an object that
// keeps its keys in JavaScript's order: array-index keys first, then
// insertion order); Undefined stands for "no value"; Function values
// (lambdas, built-ins, partial applications) may be returned and bound.
// FromJSON and ToJSON convert JSON text, printing numbers as JavaScript does.
//
// Errors are *Error values with jsonata.js's codes, messages, positions and
// tokens (S0xxx for syntax, Txxxx and Dxxxx at run time). Evaluation is
// bounded: Limits.Depth (U1001) and Limits.Timeout (U1002), so a runaway
// expression ends with an error rather than a Go stack overflow or a hang.
// Tail calls run in a loop, so tail recursion does not count against depth.
//
// The picture-string functions ($formatNumber, $formatInteger,
// $parseInteger, $formatBase, $fromMillis, $toMillis) come from xpathfmt.
// $eval is left out: AWS Step Functions does not offer it.
//
// Known differences from jsonata.js 2.0.6: Go strings cannot hold a lone
// UTF-16 surrogate, so $encodeUrl("\uD800") cannot fail and $split(s, "")
// keeps a surrogate pair whole (a regex match or substring that splits one
// gives U+FFFD); where several items of one array or object constructor
// fail, jsonata.js's asynchronous evaluation may report a later item's
// error, this package the first; function values are opaque here,
// while jsonata.js lets paths and $keys look inside them; a partially
// applied built-in ($join(?, "-")) checks its arguments against its
// signature, where jsonata.js lets JavaScript coerce them; an error raised
// in a function names the call that last used it, as in jsonata.js, but
// jsonata.js remembers that call on the built-in for the life of the
// process, this package for one evaluation; $power follows fdlibm's pow,
// which is an ulp away from V8's on a few percent of operands; where
// jsonata.js turns a function into text (a $replace replacement with a
// string pattern) it writes JavaScript source, which has no equivalent
// here.
//
// FuzzDifferential compares the package with jsonata.js itself (see
// differential_test.go); what it found is kept in testdata/jsonatajs.json.
package jsonata
