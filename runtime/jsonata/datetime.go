package jsonata

import (
	"math"
	"regexp"
	"strings"
	"time"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// formatISO prints milliseconds since the epoch as JavaScript's toISOString.
func formatISO(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

func fnFromMillis(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	if argAt(a, 1) != nil || argAt(a, 2) != nil {
		return nil, &Error{Code: "D3137", Message: "$fromMillis() with a picture string is not yet implemented"}
	}
	return formatISO(int64(math.Floor(a[0].(float64)))), nil
}

var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

func fnToMillis(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	if argAt(a, 1) != nil {
		return nil, &Error{Code: "D3137", Message: "$toMillis() with a picture string is not yet implemented"}
	}
	s := a[0].(string)
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return float64(t.UnixMilli()), nil
		}
		if strings.HasSuffix(s, "Z") {
			if t, err := time.Parse(l, strings.TrimSuffix(s, "Z")); err == nil {
				return float64(t.UnixMilli()), nil
			}
		}
	}
	return nil, errVal("D3110", 0, "", s)
}
