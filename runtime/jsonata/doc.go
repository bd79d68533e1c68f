// Package jsonata is an implementation of the JSONata 2.0.6 query and
// transformation language, written for the Step Functions runtime.
//
// An expression is compiled once with Compile; the resulting *Expr is
// immutable and may be evaluated concurrently. Values follow the JSON model:
// nil is JSON null, bool, float64, string, []any and *Object (an object that
// keeps its keys in insertion order); Undefined stands for "no value".
// Errors carry jsonata.js's codes and messages (S0xxx for syntax, Txxxx and
// Dxxxx at run time, U1001/U1002 for the depth and time guards).
package jsonata
