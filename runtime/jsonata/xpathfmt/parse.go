package xpathfmt

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ToMillis is $toMillis(timestamp, picture): the milliseconds since the
// epoch of timestamp, read as ISO 8601 when picture is nil and with the
// XPath date/time picture otherwise. ok is false when the result is
// undefined: the text does not match the picture, or matches without
// giving any component.
//
// Components a picture leaves out are filled as jsonata.js fills them:
// those more significant than the ones given come from now (the
// evaluation's fixed $now()), less significant ones are the first month,
// day or zero. Picture components that leave a gap, or that jsonata.js
// cannot combine into a date (week dates), raise D3136.
//
// A timestamp that passes jsonata.js's ISO 8601 check but that JavaScript's
// Date.parse rejects gives NaN, as in jsonata.js; one without an offset is
// read as UTC (JavaScript reads a date-time in the host's zone).
func ToMillis(timestamp string, picture *string, now time.Time) (value float64, ok bool, err error) {
	if picture == nil {
		if !iso8601Check.MatchString(timestamp) {
			return 0, false, newError("D3110", timestamp)
		}
		return parseISO8601(timestamp), true, nil
	}
	return parseDateTime(timestamp, *picture, now)
}

// iso8601Check is jsonata.js's test of a timestamp given without a picture.
var iso8601Check = regexp.MustCompile(`^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)

// iso8601Form is the part of what iso8601Check lets through that
// Date.parse reads.
var iso8601Form = regexp.MustCompile(`^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?(Z|([+-])(\d\d):?(\d\d))?$`)

func parseISO8601(s string) float64 {
	m := iso8601Form.FindStringSubmatch(s)
	if m == nil {
		return math.NaN()
	}
	num := func(s string, def float64) float64 {
		if s == "" {
			return def
		}
		v, _ := strconv.ParseFloat(s, 64)
		return v
	}
	year, month, day := num(m[1], 0), num(m[2], 1), num(m[3], 1)
	hour, minute, second := num(m[4], 0), num(m[5], 0), num(m[6], 0)
	ms := 0.0
	if m[7] != "" {
		ms = num((m[7] + "00")[:3], 0) // Date.parse keeps milliseconds
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || (hour == 24 && (minute > 0 || second > 0 || ms > 0)) {
		return math.NaN()
	}
	// jsDateUTC would read the years 0 to 99 as 19xx; ISO text means them.
	t := float64(time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, time.UTC).UnixMilli()) +
		hour*3600000 + minute*60000 + second*1000 + ms
	if m[9] != "" {
		offset := num(m[10], 0)*60 + num(m[11], 0)
		if m[9] == "-" {
			offset = -offset
		}
		t -= offset * 60000
	}
	return t
}

// component is a parsed component: set when the text gave a value (NaN
// when it could not be read as a number), unset when its name was unknown.
type component struct {
	set   bool
	value float64
}

// truthy is JavaScript's truthiness of the value, which decides the
// combinations below (so a parsed 0 counts as absent there).
func (c component) truthy() bool { return c.set && c.value != 0 && !math.IsNaN(c.value) }

// dateTimeMatchers gives each part of a date/time picture a regular
// expression and a reader.
func dateTimeMatchers(parts []part) ([]*matcher, error) {
	ms := make([]*matcher, len(parts))
	for i, p := range parts {
		var m *matcher
		switch {
		case p.literal:
			m = &matcher{regex: regexp.QuoteMeta(p.value)}
		case p.component == 'Z' || p.component == 'z':
			m = timezoneMatcher(p)
		case p.format != nil:
			f := *p.format
			f.n = p.n
			var err error
			if m, err = integerMatcher(&f); err != nil {
				return nil, err
			}
		default:
			var err error
			if m, err = nameMatcher(p); err != nil {
				return nil, err
			}
		}
		ms[i] = m
	}
	return ms, nil
}

// timezoneMatcher reads "+01:00", "GMT-5", "+0530": minutes east of UTC.
func timezoneMatcher(p part) *matcher {
	var sep string
	if p.format.regular {
		sep = string(p.format.interval.char)
	}
	re := ""
	if p.component == 'z' {
		re = "GMT"
	}
	re += "[-+][0-9]+"
	if sep != "" {
		re += regexp.QuoteMeta(sep) + "[0-9]+"
	}
	return &matcher{regex: re, parse: func(v string) float64 {
		if p.component == 'z' {
			v = string([]rune(v)[3:])
		}
		var hours, minutes float64
		if sep != "" {
			// the match is case-insensitive, a letter separator may differ
			i := strings.Index(strings.ToLower(v), strings.ToLower(sep))
			if i < 0 {
				return math.NaN()
			}
			hours, minutes = jsParseInt(v[:i]), jsParseInt(v[i+len(sep):])
		} else if len(v)-1 <= 2 {
			hours = jsParseInt(v)
		} else {
			hours, minutes = jsParseInt(v[:3]), jsParseInt(v[3:])
		}
		return hours*60 + minutes
	}}
}

// nameMatcher reads month and day names (cut to the width's maximum) and
// am/pm; names match in any case but are looked up exactly.
func nameMatcher(p part) (*matcher, error) {
	lookup := map[string]float64{}
	truncate := func(name string) string {
		if p.width != nil && p.width.hasMax && p.width.max > 0 && len([]rune(name)) > p.width.max {
			return string([]rune(name)[:p.width.max])
		}
		return name
	}
	switch p.component {
	case 'M', 'x':
		for i, name := range monthNames {
			lookup[truncate(name)] = float64(i + 1)
		}
	case 'F':
		for i, name := range dayNames[1:] {
			lookup[truncate(name)] = float64(i + 1)
		}
	case 'P':
		lookup = map[string]float64{"am": 0, "AM": 0, "pm": 1, "PM": 1}
	default:
		return nil, newError("D3133", componentValue(p.component))
	}
	return &matcher{regex: "[a-zA-Z]+", parse: func(v string) float64 {
		if n, ok := lookup[v]; ok {
			return n
		}
		return math.NaN() // read as unset below
	}}, nil
}

// The components a date or a time is made of, as bits in the order of
// dateMaskOrder and timeMaskOrder (1: may appear and counts; 0: must not
// appear; F, Z and z may always appear).
const (
	dateMaskOrder = "YXMxWwdD"
	dateA         = 0b10100001 // Y M D
	dateB         = 0b10000010 // Y d
	dateC         = 0b01010100 // X x w F
	dateD         = 0b01001000 // X W F
	timeMaskOrder = "PHhmsf"
	timeA         = 0b010111 // H m s f
	timeB         = 0b101111 // P h m s f
)

func parseDateTime(timestamp, picture string, now time.Time) (float64, bool, error) {
	parts, err := analyseDateTimePicture(picture)
	if err != nil {
		return 0, false, err
	}
	matchers, err := dateTimeMatchers(parts)
	if err != nil {
		return 0, false, err
	}
	var re strings.Builder
	re.WriteString("(?i)^")
	for _, m := range matchers {
		re.WriteString("(" + m.regex + ")")
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return 0, false, nil // jsonata.js's pattern would match nothing either
	}
	info := rx.FindStringSubmatch(timestamp)
	if info == nil {
		return 0, false, nil
	}
	comps := map[rune]component{}
	for i, m := range matchers {
		if m.parse == nil {
			continue
		}
		v := m.parse(info[i+1])
		c := parts[i].component
		if math.IsNaN(v) && parts[i].format == nil && c != 'Z' && c != 'z' {
			comps[c] = component{} // an unknown name: present but undefined
		} else {
			comps[c] = component{set: true, value: v}
		}
	}
	if len(comps) == 0 {
		return 0, false, nil
	}

	mask := func(order string) int {
		m := 0
		for _, c := range order {
			m <<= 1
			if comps[c].truthy() {
				m++
			}
		}
		return m
	}
	isType := func(typ, mask int) bool { return ^typ&mask == 0 && typ&mask != 0 }
	dm := mask(dateMaskOrder)
	isA := isType(dateA, dm)
	isB := !isA && isType(dateB, dm)
	isC := isType(dateC, dm)
	isD := !isC && isType(dateD, dm)
	tm := mask(timeMaskOrder)
	isTimeA := isType(timeA, tm)
	isTimeB := !isTimeA && isType(timeB, tm)

	order := "YMD"
	switch {
	case isB:
		order = "YD"
	case isC:
		order = "XxwF"
	case isD:
		order = "XWF"
	}
	if isTimeB {
		order += "Phmsf"
	} else {
		order += "Hmsf"
	}

	// Left of the given components comes from now, right of them is the
	// start (month and day 1, the rest 0); a gap between is an error.
	nowDate := newDate(float64(now.UnixMilli()))
	startSpecified, endSpecified := false, false
	for _, c := range order {
		if comps[c].set {
			startSpecified = true
			if endSpecified {
				return 0, false, newError("D3136", nil)
			}
			continue
		}
		if startSpecified {
			v := 0.0
			if strings.ContainsRune("MDd", c) {
				v = 1
			}
			comps[c] = component{set: true, value: v}
			endSpecified = true
			continue
		}
		f := dateTimeFragment(nowDate, c)
		v := f.num
		if f.isStr || f.undefined {
			v = math.NaN() // "am"/"pm" is never the 1 that means pm below
		}
		comps[c] = component{set: true, value: v}
	}

	get := func(c rune) float64 {
		if v, ok := comps[c]; ok && v.set {
			return v.value
		}
		return math.NaN()
	}
	month := 0.0
	if m := get('M'); m > 0 {
		month = m - 1
	}
	day := get('D')
	if isB {
		firstJan := jsDateUTC(get('Y'), 0, 1, 0, 0, 0, 0)
		derived := firstJan + (get('d')-1)*millisInADay
		if math.IsNaN(derived) {
			month, day = math.NaN(), math.NaN()
		} else {
			dd := newDate(derived)
			month, day = dd.month(), dd.day()
		}
	}
	if isC || isD {
		// week dates are not supported by jsonata.js
		return 0, false, newError("D3136", nil)
	}
	hour := get('H')
	if isTimeB {
		hour = get('h')
		if hour == 12 {
			hour = 0
		}
		if get('P') == 1 {
			hour += 12
		}
	}
	millis := jsDateUTC(get('Y'), month, day, hour, get('m'), get('s'), get('f'))
	if z := comps['Z']; z.truthy() {
		millis -= z.value * 60 * 1000
	} else if z := comps['z']; z.truthy() {
		millis -= z.value * 60 * 1000
	}
	return millis, true, nil
}
