package xpathfmt

import (
	"strings"
	"unicode"
)

// width is a variable marker's width modifier; a bound is absent when
// hasMin/hasMax is false ("*" or nothing).
type width struct {
	min, max       int
	hasMin, hasMax bool
}

// part is a literal or a variable marker of a date/time picture (F&O 9.8.4.1).
type part struct {
	literal   bool
	value     string // the literal's text
	component rune
	width     *width
	pres1     string // first presentation modifier
	pres2     string // second presentation modifier: a, t, c or o
	names     letterCase
	format    *integerFormat
	n         int // Y, M, D: digits to keep and to match, -1 for any
}

// defaultPresentation is each component's presentation modifier when the
// marker gives none; a component missing here is unknown (D3132).
var defaultPresentation = map[rune]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
	'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
}

// analyseDateTimePicture splits a date/time picture into literals and
// variable markers: "[[" and "]]" are literal brackets, white space inside
// a marker is ignored.
func analyseDateTimePicture(picture string) ([]part, error) {
	pic := []rune(picture)
	var parts []part
	addLiteral := func(start, end int) {
		if end > start {
			lit := strings.ReplaceAll(string(pic[start:end]), "]]", "]")
			parts = append(parts, part{literal: true, value: lit})
		}
	}
	start, pos := 0, 0
	for pos < len(pic) {
		if pic[pos] != '[' {
			pos++
			continue
		}
		if pos+1 < len(pic) && pic[pos+1] == '[' {
			addLiteral(start, pos)
			parts = append(parts, part{literal: true, value: "["})
			pos += 2
			start = pos
			continue
		}
		addLiteral(start, pos)
		start = pos
		pos = indexOf(pic, []rune("]"), start)
		if pos == -1 {
			return nil, newError("D3135", nil)
		}
		p, err := analyseMarker(strings.Join(strings.FieldsFunc(string(pic[start+1:pos]), unicode.IsSpace), ""))
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
		start = pos + 1
		pos++
	}
	addLiteral(start, pos)
	return parts, nil
}

// analyseMarker reads a marker: component, presentation modifiers, width.
func analyseMarker(marker string) (part, error) {
	m := []rune(marker)
	p := part{component: 0}
	if len(m) > 0 {
		p.component = m[0]
	}
	var pres []rune
	if comma := lastIndexOf(m, []rune(",")); comma != -1 {
		mod := string(m[comma+1:])
		minText, maxText, hasDash := strings.Cut(mod, "-")
		w := &width{}
		w.min, w.hasMin = parseWidth(minText)
		if hasDash {
			w.max, w.hasMax = parseWidth(maxText)
		}
		p.width = w
		pres = substring(m, 1, comma)
	} else {
		pres = substring(m, 1, len(m))
	}
	switch {
	case len(pres) == 1:
		p.pres1 = string(pres)
	case len(pres) > 1:
		last := pres[len(pres)-1]
		if strings.ContainsRune("atco", last) {
			p.pres2 = string(last)
			p.pres1 = string(pres[:len(pres)-1])
		} else {
			p.pres1 = string(pres)
		}
	default:
		def, ok := defaultPresentation[p.component]
		if !ok {
			return p, newError("D3132", componentValue(p.component))
		}
		p.pres1 = def
	}
	switch {
	case strings.HasPrefix(p.pres1, "n"):
		p.names = lower
	case strings.HasPrefix(p.pres1, "N"):
		p.names = upper
		if strings.HasPrefix(p.pres1, "Nn") {
			p.names = title
		}
	case strings.ContainsRune("YMDdFWwXxHhmsf", p.component) && p.component != 0:
		pic := p.pres1
		if p.pres2 != "" {
			pic += ";" + p.pres2
		}
		f, err := analyseIntegerPicture(pic)
		if err != nil {
			return p, err
		}
		p.format = f
		isDecimal := f.primary == decimal
		if p.width != nil && p.width.hasMin && isDecimal && f.mandatory < p.width.min {
			f.mandatory = p.width.min
		}
		if strings.ContainsRune("YMD", p.component) {
			// F&O 9.8.4.4: the number of digits to keep
			p.n = -1
			if p.width != nil && p.width.hasMax {
				p.n = p.width.max
				f.mandatory = p.n
			} else if w := f.mandatory + f.optional; isDecimal && w >= 2 {
				p.n = w
			}
		}
	}
	if p.component == 'Z' || p.component == 'z' {
		f, err := analyseIntegerPicture(p.pres1)
		if err != nil {
			return p, err
		}
		p.format = f
	}
	return p, nil
}

// maxWidth bounds a width modifier, so that a picture cannot ask for a
// string of a billion zeros (JavaScript fails on those with "Invalid
// string length"; here they are cut to a million).
const maxWidth = 1 << 20

// parseWidth reads one bound of a width modifier: "*", nothing or a
// number that does not parse leave it absent.
func parseWidth(s string) (int, bool) {
	if s == "" || s == "*" {
		return 0, false
	}
	v := jsParseInt(s)
	if v != v {
		return 0, false
	}
	return int(max(min(v, maxWidth), -maxWidth)), true
}

// componentValue is a component letter as a message value ("" when the
// marker was empty).
func componentValue(c rune) string {
	if c == 0 {
		return ""
	}
	return string(c)
}
