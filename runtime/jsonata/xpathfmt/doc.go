// Package xpathfmt formats and parses numbers and dates with XPath/XSLT 3.0
// picture strings, as JSONata 2.0.6's $formatNumber, $formatInteger,
// $parseInteger, $formatBase, $fromMillis and $toMillis do.
//
// The functions follow jsonata.js 2.0.6 (src/datetime.js and the
// formatNumber and formatBase functions of src/functions.js) rather than the
// XPath F&O 3.1 specification where the two differ, because that is what
// JSONata users see, down to its quirks (a negative half-hour time zone is
// read as hours and minutes both negative, a parsed 0 counts as a missing
// component). The few places where jsonata.js fails with a JavaScript
// TypeError, never returns, or depends on the host (a picture without
// digits, an exponent picture applied to zero or a negative number, a
// timestamp without a zone) are documented on the function; the tests
// record them, with jsonata.js's own outcomes for several hundred tricky
// pictures (picture_test.go).
//
// Errors are *Error values carrying jsonata.js's code (D3080, D3131, ...) and
// message; the JSONata engine wraps them with the position of the call.
//
// Arguments JSONata may leave absent are pointers (a nil picture is the
// default picture), except FormatNumber's options, where a nil map means no
// overrides. An undefined first argument is the engine's business: it
// returns undefined without calling these functions.
//
// Nothing here reads the clock: ToMillis, which fills the parts a picture
// leaves out from the current time, is given that time.
//
// The engine's calls, after its own signature checks (T04xx) and with an
// undefined first argument already answered with undefined:
//
//	$formatNumber(n, picture[, options])  FormatNumber(n, picture, options)  // nil options when absent
//	$formatInteger(n, picture)            FormatInteger(n, picture)
//	$parseInteger(s, picture)             ParseInteger(s, picture)
//	$formatBase(n[, radix])               FormatBase(n, radix)               // radix 10 when absent
//	$fromMillis(n[, picture[, tz]])       FromMillis(n, picture, tz)         // nil when absent or ()
//	$toMillis(s[, picture])               ToMillis(s, picture, now)          // ok false: undefined
//	$now([picture[, tz]])                 FromMillis(nowMillis, picture, tz)
//
// where now is the evaluation's fixed timestamp, the one $now() and
// $millis() give.
package xpathfmt
