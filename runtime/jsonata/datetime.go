package jsonata

import (
	"errors"
	"regexp"

	"github.com/stepstudio/stepstudio/runtime/jsonata/xpathfmt"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// fmtErr turns an xpathfmt error into this package's error type.
func fmtErr(err error) error {
	var x *xpathfmt.Error
	if errors.As(err, &x) {
		return &Error{Code: x.Code, Message: x.Message}
	}
	return err
}

// optString reads an optional string argument as xpathfmt wants it.
func optString(a []any, i int) *string {
	if s, ok := argAt(a, i).(string); ok {
		return &s
	}
	return nil
}

func fnFromMillis(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	s, err := xpathfmt.FromMillis(a[0].(float64), optString(a, 1), optString(a, 2))
	if err != nil {
		return nil, fmtErr(err)
	}
	return s, nil
}

func fnToMillis(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	v, ok, err := xpathfmt.ToMillis(a[0].(string), optString(a, 1), c.ev.now)
	if err != nil {
		return nil, fmtErr(err)
	}
	if !ok {
		return nil, nil
	}
	return v, nil
}

// pictureArg is the picture argument, which jsonata.js needs (it fails
// with a TypeError without one).
func pictureArg(a []any, name string) (string, error) {
	s, ok := argAt(a, 1).(string)
	if !ok {
		e := errVal("T0410", 0, name, argAt(a, 1))
		e.index = 2
		return "", e
	}
	return s, nil
}

func fnFormatNumber(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	picture, err := pictureArg(a, "formatNumber")
	if err != nil {
		return nil, err
	}
	var opts map[string]string
	if o, ok := argAt(a, 2).(*Object); ok {
		opts = map[string]string{}
		for ki, k := range o.Keys() {
			if s, ok := o.values()[ki].(string); ok {
				opts[k] = s
			}
		}
	}
	s, err := xpathfmt.FormatNumber(a[0].(float64), picture, opts)
	if err != nil {
		return nil, fmtErr(err)
	}
	return s, nil
}

func fnFormatInteger(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	picture, err := pictureArg(a, "formatInteger")
	if err != nil {
		return nil, err
	}
	s, err := xpathfmt.FormatInteger(a[0].(float64), picture)
	if err != nil {
		return nil, fmtErr(err)
	}
	return s, nil
}

func fnParseInteger(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	picture, err := pictureArg(a, "parseInteger")
	if err != nil {
		return nil, err
	}
	v, err := xpathfmt.ParseInteger(a[0].(string), picture)
	if err != nil {
		return nil, fmtErr(err)
	}
	return v, nil
}

func fnFormatBase(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	radix := 10.0
	if r, ok := argAt(a, 1).(float64); ok {
		radix = r
	}
	s, err := xpathfmt.FormatBase(a[0].(float64), radix)
	if err != nil {
		return nil, fmtErr(err)
	}
	return s, nil
}
