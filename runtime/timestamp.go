package runtime

import (
	"regexp"
	"strconv"
	"time"
)

// isoOffsetDateTime matches what Java's ISO_OFFSET_DATE_TIME (used by AWS for Wait and the
// Timestamp* Choice operators) accepts: date, 'T', hours and minutes, optional seconds and
// fraction (up to nanoseconds), and a zone that is Z or a numeric offset. A timestamp
// without a zone is not one.
var isoOffsetDateTime = regexp.MustCompile(
	`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$`)

// parseTimestamp parses an ISO-8601 extended offset date-time, rejecting values out of
// range (month 13, hour 25, February 30) rather than normalising them.
func parseTimestamp(s string) (time.Time, bool) {
	m := isoOffsetDateTime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	num := func(i int) int {
		if m[i] == "" {
			return 0
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	year, month, day := num(1), num(2), num(3)
	hour, minute, sec := num(4), num(5), num(6)
	nanos := 0
	if m[7] != "" {
		frac := m[7]
		for len(frac) < 9 {
			frac += "0"
		}
		nanos, _ = strconv.Atoi(frac)
	}
	offset := 0
	if m[8] == "" {
		oh, om, os := num(10), num(11), num(12)
		if oh > 18 || om > 59 || os > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60 + os
		if m[9] == "-" {
			offset = -offset
		}
	}
	if month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.FixedZone("", offset))
	if t.Day() != day || int(t.Month()) != month {
		return time.Time{}, false
	}
	return t, true
}

// formatTimestamp renders a time as AWS renders context object times (UTC, milliseconds).
// FormatContextTime writes t as the context object writes its times (StartTime,
// EnteredTime): UTC, to the millisecond.
func FormatContextTime(t time.Time) string { return formatTimestamp(t) }

func formatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
