package xpathfmt

import (
	"math"
	"strings"
	"time"
)

const millisInADay = 24 * 60 * 60 * 1000

var (
	dayNames   = []string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// jsDateUTC is JavaScript's Date.UTC(year, month, day, hours, minutes,
// seconds, millis): arguments truncated, months from 0, overflowing values
// carried, a year from 0 to 99 read as 1900 to 1999, and NaN for a value
// that is not finite or a time outside ±8.64e15 ms.
func jsDateUTC(year, month, day, hours, minutes, seconds, millis float64) float64 {
	args := []float64{year, month, day, hours, minutes, seconds, millis}
	for i, a := range args {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return math.NaN()
		}
		args[i] = math.Trunc(a)
	}
	y, m := args[0], args[1]
	if y >= 0 && y <= 99 {
		y += 1900
	}
	y += math.Floor(m / 12)
	m = math.Mod(m, 12)
	if m < 0 {
		m += 12
	}
	if math.Abs(y) > 300000 {
		return math.NaN()
	}
	first := float64(time.Date(int(y), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	t := first + (args[2]-1)*millisInADay + args[3]*3600000 + args[4]*60000 + args[5]*1000 + args[6]
	if math.Abs(t) > 8.64e15 {
		return math.NaN()
	}
	return t
}

// date is a JavaScript Date read in UTC: the instant and its fields.
type date struct {
	millis  float64
	t       time.Time
	invalid bool // an Invalid Date: every field is NaN
}

func newDate(millis float64) date {
	millis = math.Trunc(millis)
	if math.IsNaN(millis) || math.Abs(millis) > 8.64e15 {
		return date{millis: math.NaN(), invalid: true}
	}
	return date{millis: millis, t: time.UnixMilli(int64(millis)).UTC()}
}

func (d date) year() float64  { return float64(d.t.Year()) }
func (d date) month() float64 { return float64(d.t.Month() - 1) } // from 0, as getUTCMonth
func (d date) day() float64   { return float64(d.t.Day()) }

// startOfFirstWeek is the Monday starting the first week of the month (of
// the year when month is 0): ISO 8601's week holding the first Thursday,
// which F&O extends to months.
func startOfFirstWeek(year, month float64) float64 {
	first := jsDateUTC(year, month, 1, 0, 0, 0, 0)
	dow := float64(newDate(first).t.Weekday())
	if dow == 0 {
		dow = 7
	}
	if dow > 4 {
		return first + (8-dow)*millisInADay
	}
	return first - (dow-1)*millisInADay
}

func nextMonth(year, month float64) (float64, float64) {
	if month == 11 {
		return year + 1, 0
	}
	return year, month + 1
}

func previousMonth(year, month float64) (float64, float64) {
	if month == 0 {
		return year - 1, 11
	}
	return year, month - 1
}

func deltaWeeks(start, end float64) float64 { return (end-start)/(millisInADay*7) + 1 }

// fragment is a component's value: a number, a string ("am", "ISO"), or
// undefined for the time zone (an instant has none) and unknown components.
type fragment struct {
	num       float64
	str       string
	isStr     bool
	undefined bool
}

// dateTimeFragment is the value of one component of d.
func dateTimeFragment(d date, component rune) fragment {
	num := func(v float64) fragment { return fragment{num: v} }
	if d.invalid {
		switch {
		case component == 'P':
			return fragment{str: "am", isStr: true} // NaN >= 12 is false
		case component == 'C' || component == 'E':
			return fragment{str: "ISO", isStr: true}
		case strings.ContainsRune("YMDdFWwXxHhmsf", component):
			return num(math.NaN())
		}
		return fragment{undefined: true}
	}
	switch component {
	case 'Y':
		return num(d.year())
	case 'M':
		return num(d.month() + 1)
	case 'D':
		return num(d.day())
	case 'd':
		today := jsDateUTC(d.year(), d.month(), d.day(), 0, 0, 0, 0)
		firstJan := jsDateUTC(d.year(), 0, 1, 0, 0, 0, 0)
		return num((today-firstJan)/millisInADay + 1)
	case 'F':
		dow := float64(d.t.Weekday())
		if dow == 0 {
			dow = 7 // ISO 8601 numbers the days 1 to 7 from Monday
		}
		return num(dow)
	case 'W':
		start := startOfFirstWeek(d.year(), 0)
		today := jsDateUTC(d.year(), d.month(), d.day(), 0, 0, 0, 0)
		week := deltaWeeks(start, today)
		if week > 52 {
			if today >= startOfFirstWeek(d.year()+1, 0) {
				week = 1
			}
		} else if week < 1 {
			week = deltaWeeks(startOfFirstWeek(d.year()-1, 0), today)
		}
		return num(math.Floor(week))
	case 'w':
		start := startOfFirstWeek(d.year(), d.month())
		today := jsDateUTC(d.year(), d.month(), d.day(), 0, 0, 0, 0)
		week := deltaWeeks(start, today)
		if week > 4 {
			if today >= startOfFirstWeek(nextMonth(d.year(), d.month())) {
				week = 1
			}
		} else if week < 1 {
			week = deltaWeeks(startOfFirstWeek(previousMonth(d.year(), d.month())), today)
		}
		return num(math.Floor(week))
	case 'X':
		// jsonata.js's extension: the ISO week-numbering year, as
		// Saturday 1 January 2005 is in week 53 of 2004.
		switch {
		case d.millis < startOfFirstWeek(d.year(), 0):
			return num(d.year() - 1)
		case d.millis >= startOfFirstWeek(d.year()+1, 0):
			return num(d.year() + 1)
		}
		return num(d.year())
	case 'x':
		// and the month its week-of-month belongs to
		ny, nm := nextMonth(d.year(), d.month())
		switch {
		case d.millis < startOfFirstWeek(d.year(), d.month()):
			_, pm := previousMonth(d.year(), d.month())
			return num(pm + 1)
		case d.millis >= startOfFirstWeek(ny, nm):
			return num(nm + 1)
		}
		return num(d.month() + 1)
	case 'H':
		return num(float64(d.t.Hour()))
	case 'h':
		h := d.t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return num(float64(h))
	case 'P':
		if d.t.Hour() >= 12 {
			return fragment{str: "pm", isStr: true}
		}
		return fragment{str: "am", isStr: true}
	case 'm':
		return num(float64(d.t.Minute()))
	case 's':
		return num(float64(d.t.Second()))
	case 'f':
		return num(float64(d.t.Nanosecond() / 1e6))
	case 'C', 'E':
		return fragment{str: "ISO", isStr: true}
	}
	return fragment{undefined: true}
}

// iso8601Picture is the picture of $fromMillis without one.
const iso8601Picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

// FromMillis is $fromMillis(millis, picture, timezone): the instant millis
// (milliseconds since the epoch) written with an XPath fn:format-dateTime
// picture in the time zone timezone ("±HHMM"). A nil picture is ISO 8601
// with milliseconds; a nil timezone is UTC.
//
// As jsonata.js does, a timezone is read as a decimal number HHMM, so a
// negative half-hour zone such as "-0530" is taken as -6 hours and -30
// minutes; a timezone that is not a number is taken as UTC (jsonata.js
// writes NaN for every field).
func FromMillis(millis float64, picture *string, timezone *string) (string, error) {
	var offsetHours, offsetMinutes float64
	if timezone != nil {
		if offset := jsParseInt(*timezone); !math.IsNaN(offset) {
			offsetHours = math.Floor(offset / 100)
			offsetMinutes = math.Mod(offset, 100)
		}
	}
	pic := iso8601Picture
	if picture != nil {
		pic = *picture
	}
	parts, err := analyseDateTimePicture(pic)
	if err != nil {
		return "", err
	}
	d := newDate(millis + (60*offsetHours+offsetMinutes)*60*1000)
	var b strings.Builder
	for _, p := range parts {
		if p.literal {
			b.WriteString(p.value)
			continue
		}
		s, err := formatComponent(d, p, offsetHours, offsetMinutes)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// formatComponent writes one variable marker (F&O 9.8.4.3 to 9.8.4.7).
func formatComponent(d date, p part, offsetHours, offsetMinutes float64) (string, error) {
	v := dateTimeFragment(d, p.component)
	switch {
	case strings.ContainsRune("YMDdFWwXxHhms", p.component):
		value := v.num
		if p.component == 'Y' && p.n != -1 {
			value = math.Mod(value, math.Pow(10, float64(p.n)))
		}
		if p.names != noCase {
			var name string
			switch p.component {
			case 'M', 'x':
				name = "undefined" // the name of NaN, an Invalid Date's month
				if !math.IsNaN(value) {
					name = monthNames[int(value)-1]
				}
			case 'F':
				name = "undefined"
				if !math.IsNaN(value) {
					name = dayNames[int(value)]
				}
			default:
				return "", newError("D3133", string(p.component))
			}
			switch p.names {
			case upper:
				name = strings.ToUpper(name)
			case lower:
				name = strings.ToLower(name)
			}
			if p.width != nil && p.width.hasMax && len([]rune(name)) > p.width.max {
				name = string([]rune(name)[:max(p.width.max, 0)])
			}
			return name, nil
		}
		return formatInteger(value, p.format)
	case p.component == 'f':
		if p.format == nil {
			// [fn]: jsonata.js fails with a TypeError; the name
			// modifier does not apply to fractional seconds
			return "", newError("D3133", "f")
		}
		return formatInteger(v.num, p.format)
	case p.component == 'Z' || p.component == 'z':
		return formatTimezone(p, offsetHours, offsetMinutes)
	case p.component == 'P':
		if p.names == upper {
			return strings.ToUpper(v.str), nil
		}
		return v.str, nil
	}
	if v.undefined {
		return "undefined", nil // as jsonata.js writes a component it has no value for
	}
	return v.str, nil
}

// formatTimezone writes the offset as [Z] ("+01:00") or [z] ("GMT+01:00")
// says; with the "t" modifier a zero offset is "Z".
func formatTimezone(p part, offsetHours, offsetMinutes float64) (string, error) {
	offset := offsetHours*100 + offsetMinutes
	f := p.format
	var s string
	var err error
	if f.regular {
		s, err = formatInteger(offset, f)
	} else {
		switch digits := f.mandatory; {
		case f.primary == decimal && (digits == 1 || digits == 2):
			s, err = formatInteger(offsetHours, f)
			if err == nil && offsetMinutes != 0 {
				var mins string
				mins, err = FormatInteger(offsetMinutes, "00")
				s += ":" + mins
			}
		case f.primary == decimal && (digits == 3 || digits == 4):
			s, err = formatInteger(offset, f)
		default:
			var value any = undefinedValue{}
			if f.primary == decimal {
				value = float64(digits)
			}
			return "", newError("D3134", value)
		}
	}
	if err != nil {
		return "", err
	}
	if offset >= 0 {
		s = "+" + s
	}
	if p.component == 'z' {
		s = "GMT" + s
	}
	if offset == 0 && p.pres2 == "t" {
		s = "Z"
	}
	return s, nil
}
