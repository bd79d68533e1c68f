// Package xpathfmt formats and parses numbers and dates with XPath/XSLT 3.0
// picture strings, as JSONata 2.0.6's $formatNumber, $formatInteger,
// $parseInteger, $formatBase, $fromMillis and $toMillis do.
//
// The functions follow jsonata.js 2.0.6 (src/datetime.js and the
// formatNumber and formatBase functions of src/functions.js) rather than the
// XPath F&O 3.1 specification where the two differ, because that is what
// JSONata users see; the few places where jsonata.js never returns or
// depends on the host (an exponent picture applied to zero or a negative
// number, a timestamp without a zone) are documented on the function.
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
package xpathfmt
