package xpathfmt

import (
	"math"
	"strconv"
	"strings"
)

// defaultDecimalFormat is jsonata.js's decimal format; FormatNumber's
// options override its entries.
var defaultDecimalFormat = map[string]string{
	"decimal-separator":  ".",
	"grouping-separator": ",",
	"exponent-separator": "e",
	"infinity":           "Infinity",
	"minus-sign":         "-",
	"NaN":                "NaN",
	"percent":            "%",
	"per-mille":          "\u2030",
	"zero-digit":         "0",
	"digit":              "#",
	"pattern-separator":  ";",
}

// decimalFormat is the decimal format of one FormatNumber call, its
// properties as runes.
type decimalFormat struct {
	decimalSep, groupingSep, exponentSep, minus, percent, perMille, zero, digit []rune
	family                                                                      []rune // the ten digits from zero-digit up
	active                                                                      [][]rune
}

func newDecimalFormat(props map[string]string) *decimalFormat {
	r := func(k string) []rune { return []rune(props[k]) }
	f := &decimalFormat{
		decimalSep: r("decimal-separator"), groupingSep: r("grouping-separator"),
		exponentSep: r("exponent-separator"), minus: r("minus-sign"),
		percent: r("percent"), perMille: r("per-mille"), zero: r("zero-digit"), digit: r("digit"),
	}
	if len(f.zero) > 0 {
		for i := range rune(10) {
			f.family = append(f.family, f.zero[0]+i)
		}
	}
	for _, d := range f.family {
		f.active = append(f.active, []rune{d})
	}
	f.active = append(f.active, f.decimalSep, f.exponentSep, f.groupingSep, f.digit, r("pattern-separator"))
	return f
}

// isActive says whether ch is one of the picture's active characters (a
// property longer than one character never matches one character, as in
// jsonata.js).
func (f *decimalFormat) isActive(ch rune) bool {
	for _, a := range f.active {
		if len(a) == 1 && a[0] == ch {
			return true
		}
	}
	return false
}

func (f *decimalFormat) isDigit(ch rune) bool {
	for _, d := range f.family {
		if d == ch {
			return true
		}
	}
	return false
}

func (f *decimalFormat) is(ch rune, prop []rune) bool { return len(prop) == 1 && prop[0] == ch }

func (f *decimalFormat) count(s []rune, pred func(rune) bool) int {
	n := 0
	for _, ch := range s {
		if pred(ch) {
			n++
		}
	}
	return n
}

// pictureParts is a sub-picture split into its parts (F&O 4.7.3).
type pictureParts struct {
	prefix, suffix, active, mantissa, integer, fractional, subpicture []rune
	exponent                                                          []rune
	hasExponent                                                       bool
}

func (f *decimalFormat) split(sub []rune) (*pictureParts, error) {
	p := &pictureParts{subpicture: sub}
	isActiveNotExp := func(ch rune) bool { return f.isActive(ch) && !f.is(ch, f.exponentSep) }
	prefixEnd := -1
	for i, ch := range sub {
		if isActiveNotExp(ch) {
			prefixEnd = i
			break
		}
	}
	if prefixEnd == -1 {
		// jsonata.js fails with a TypeError here; the picture has no
		// digit, which is what D3085 says.
		return nil, newError("D3085", nil)
	}
	suffixStart := len(sub)
	for i := len(sub) - 1; i >= 0; i-- {
		if isActiveNotExp(sub[i]) {
			suffixStart = i + 1
			break
		}
	}
	p.prefix, p.suffix = sub[:prefixEnd], sub[suffixStart:]
	p.active = sub[prefixEnd:suffixStart]
	// jsonata.js finds the exponent separator in the whole sub-picture and
	// then cuts the active part at that position; kept as it is.
	expPos := indexOf(sub, f.exponentSep, len(p.prefix))
	if expPos == -1 || expPos > len(sub)-len(p.suffix) {
		p.mantissa = p.active
	} else {
		p.mantissa = substring(p.active, 0, expPos)
		p.exponent = substring(p.active, expPos+1, len(p.active))
		p.hasExponent = true
	}
	if dp := indexOf(p.mantissa, f.decimalSep, 0); dp == -1 {
		p.integer, p.fractional = p.mantissa, p.suffix
	} else {
		p.integer, p.fractional = p.mantissa[:dp], substring(p.mantissa, dp+1, len(p.mantissa))
	}
	return p, nil
}

// validate applies F&O 4.7.3's rules; as in jsonata.js the last broken
// rule names the error.
func (f *decimalFormat) validate(p *pictureParts) error {
	code := ""
	sub := p.subpicture
	decimalPos := indexOf(sub, f.decimalSep, 0)
	if decimalPos != lastIndexOf(sub, f.decimalSep) {
		code = "D3081"
	}
	if indexOf(sub, f.percent, 0) != lastIndexOf(sub, f.percent) {
		code = "D3082"
	}
	if indexOf(sub, f.perMille, 0) != lastIndexOf(sub, f.perMille) {
		code = "D3083"
	}
	if indexOf(sub, f.percent, 0) != -1 && indexOf(sub, f.perMille, 0) != -1 {
		code = "D3084"
	}
	if f.count(p.mantissa, func(ch rune) bool { return f.isDigit(ch) || f.is(ch, f.digit) }) == 0 {
		code = "D3085"
	}
	for _, ch := range p.active {
		if !f.isActive(ch) {
			code = "D3086"
		}
	}
	gs := string(f.groupingSep)
	if decimalPos != -1 {
		if charAt(sub, decimalPos-1) == gs || charAt(sub, decimalPos+1) == gs {
			code = "D3087"
		}
	} else if charAt(p.integer, len(p.integer)-1) == gs {
		code = "D3088"
	}
	if indexOf(sub, append(append([]rune{}, f.groupingSep...), f.groupingSep...), 0) != -1 {
		code = "D3089"
	}
	if pos := indexOf(p.integer, f.digit, 0); pos != -1 && f.count(p.integer[:pos], f.isDigit) > 0 {
		code = "D3090"
	}
	if pos := lastIndexOf(p.fractional, f.digit); pos != -1 && f.count(p.fractional[pos:], f.isDigit) > 0 {
		code = "D3091"
	}
	if p.hasExponent && len(p.exponent) > 0 && (indexOf(sub, f.percent, 0) != -1 || indexOf(sub, f.perMille, 0) != -1) {
		code = "D3092"
	}
	if p.hasExponent && (len(p.exponent) == 0 || f.count(p.exponent, func(ch rune) bool { return !f.isDigit(ch) }) > 0) {
		code = "D3093"
	}
	if code != "" {
		return newError(code, nil)
	}
	return nil
}

// pictureVars are the variables F&O 4.7.4 derives from a sub-picture.
type pictureVars struct {
	integerGroups    []int
	regularGrouping  int
	minInteger       int
	scalingFactor    int
	prefix, suffix   []rune
	fractionalGroups []int
	minFraction      int
	maxFraction      int
	minExponent      int
	picture          []rune
}

func (f *decimalFormat) analyse(p *pictureParts) *pictureVars {
	isDigitOrOptional := func(ch rune) bool { return f.isDigit(ch) || f.is(ch, f.digit) }
	groupPositions := func(part []rune, toLeft bool) []int {
		var positions []int
		pos := indexOf(part, f.groupingSep, 0)
		for pos != -1 {
			var chars []rune
			if toLeft {
				chars = substring(part, 0, pos)
			} else {
				chars = substring(part, pos, len(part))
			}
			positions = append(positions, f.count(chars, isDigitOrOptional))
			// jsonata.js looks for the next separator in the integer
			// part even when grouping the fractional part.
			pos = indexOf(p.integer, f.groupingSep, pos+1)
		}
		return positions
	}
	v := &pictureVars{prefix: p.prefix, suffix: p.suffix, picture: p.subpicture}
	v.integerGroups = groupPositions(p.integer, false)
	v.regularGrouping = regularInterval(v.integerGroups)
	v.fractionalGroups = groupPositions(p.fractional, true)
	v.minInteger = f.count(p.integer, f.isDigit)
	v.scalingFactor = v.minInteger
	v.minFraction = f.count(p.fractional, f.isDigit)
	v.maxFraction = f.count(p.fractional, isDigitOrOptional)
	if v.minInteger == 0 && v.maxFraction == 0 {
		if p.hasExponent {
			v.minFraction, v.maxFraction = 1, 1
		} else {
			v.minInteger = 1
		}
	}
	if p.hasExponent && v.minInteger == 0 && indexOf(p.integer, f.digit, 0) != -1 {
		v.minInteger = 1
	}
	if v.minInteger == 0 && v.minFraction == 0 {
		v.minFraction = 1
	}
	if p.hasExponent {
		v.minExponent = f.count(p.exponent, f.isDigit)
	}
	return v
}

// regularInterval is the interval of grouping positions that are all
// multiples of one number (each multiple present), or 0.
func regularInterval(positions []int) int {
	if len(positions) == 0 {
		return 0
	}
	var gcd func(a, b int) int
	gcd = func(a, b int) int {
		if b == 0 {
			return a
		}
		return gcd(b, a%b)
	}
	factor := positions[0]
	for _, p := range positions[1:] {
		factor = gcd(factor, p)
	}
	for i := 1; i <= len(positions); i++ {
		found := false
		for _, p := range positions {
			if p == i*factor {
				found = true
			}
		}
		if !found {
			return 0
		}
	}
	return factor
}

// FormatNumber is $formatNumber(value, picture, options): value written as
// XPath's fn:format-number picture string says. options overrides the
// decimal format's properties (decimal-separator, grouping-separator,
// exponent-separator, infinity, NaN, minus-sign, percent, per-mille,
// zero-digit, digit, pattern-separator); nil means none.
//
// jsonata.js never returns for an exponent picture applied to zero or to a
// negative number; here the exponent of zero is 0 and a negative number is
// scaled by its magnitude. NaN and infinities, which JSON cannot carry, are
// written with the NaN and infinity properties as F&O says.
func FormatNumber(value float64, picture string, options map[string]string) (string, error) {
	props := make(map[string]string, len(defaultDecimalFormat))
	for k, v := range defaultDecimalFormat {
		props[k] = v
	}
	for k, v := range options {
		props[k] = v
	}
	f := newDecimalFormat(props)

	subPictures := strings.Split(picture, props["pattern-separator"])
	if len(subPictures) > 2 {
		return "", newError("D3080", nil)
	}
	parts := make([]*pictureParts, len(subPictures))
	for i, sp := range subPictures {
		p, err := f.split([]rune(sp))
		if err != nil {
			return "", err
		}
		parts[i] = p
	}
	for _, p := range parts {
		if err := f.validate(p); err != nil {
			return "", err
		}
	}
	vars := make([]*pictureVars, 0, 2)
	for _, p := range parts {
		vars = append(vars, f.analyse(p))
	}
	if len(vars) == 1 {
		neg := *vars[0]
		neg.prefix = append(append([]rune{}, f.minus...), vars[0].prefix...)
		vars = append(vars, &neg)
	}

	if math.IsNaN(value) {
		return props["NaN"], nil
	}
	pic := vars[0]
	if value < 0 {
		pic = vars[1]
	}
	if math.IsInf(value, 0) {
		return string(pic.prefix) + props["infinity"] + string(pic.suffix), nil
	}

	adjusted := value
	if indexOf(pic.picture, f.percent, 0) != -1 {
		adjusted = value * 100
	} else if indexOf(pic.picture, f.perMille, 0) != -1 {
		adjusted = value * 1000
	}

	if math.IsInf(adjusted, 0) { // a percentage or per-mille of a huge number
		return string(pic.prefix) + props["infinity"] + string(pic.suffix), nil
	}
	mantissa := adjusted
	exponent, hasExponent := 0, pic.minExponent != 0
	if hasExponent && adjusted != 0 {
		maxMantissa := math.Pow(10, float64(pic.scalingFactor))
		minMantissa := math.Pow(10, float64(pic.scalingFactor-1))
		m := math.Abs(adjusted)
		for m < minMantissa {
			m *= 10
			exponent--
		}
		for m > maxMantissa {
			m /= 10
			exponent++
		}
		mantissa = math.Copysign(m, adjusted)
	}

	rounded := round(mantissa, pic.maxFraction)
	s := f.digits(rounded, pic.maxFraction)
	if dot := indexOf(s, []rune("."), 0); dot == -1 {
		s = append(s, f.decimalSep...)
	} else {
		s = append(append(append([]rune{}, s[:dot]...), f.decimalSep...), s[dot+1:]...)
	}
	zero := string(f.zero)
	for charAt(s, 0) == zero && zero != "" {
		s = s[1:]
	}
	for charAt(s, len(s)-1) == zero && zero != "" {
		s = s[:len(s)-1]
	}

	decimalPos := indexOf(s, f.decimalSep, 0)
	padLeft := pic.minInteger - decimalPos
	padRight := pic.minFraction - (len(s) - decimalPos - 1)
	if padLeft > 0 {
		s = append(repeatRunes(f.zero, padLeft), s...)
	}
	if padRight > 0 {
		s = append(s, repeatRunes(f.zero, padRight)...)
	}
	decimalPos = indexOf(s, f.decimalSep, 0)
	if pic.regularGrouping > 0 {
		groups := (decimalPos - 1) / pic.regularGrouping
		for g := 1; g <= groups; g++ {
			s = sliceInsert(s, decimalPos-g*pic.regularGrouping, f.groupingSep)
		}
	} else {
		for _, pos := range pic.integerGroups {
			s = sliceInsert(s, decimalPos-pos, f.groupingSep)
			decimalPos++
		}
	}
	decimalPos = indexOf(s, f.decimalSep, 0)
	for _, pos := range pic.fractionalGroups {
		s = sliceInsert(s, pos+decimalPos+1, f.groupingSep)
	}
	decimalPos = indexOf(s, f.decimalSep, 0)
	if indexOf(pic.picture, f.decimalSep, 0) == -1 || decimalPos == len(s)-1 {
		s = s[:max(len(s)-1, 0)]
	}
	if hasExponent {
		e := f.digits(float64(exponent), 0)
		if padLeft := pic.minExponent - len(e); padLeft > 0 {
			e = append(repeatRunes(f.zero, padLeft), e...)
		}
		s = append(s, f.exponentSep...)
		if exponent < 0 {
			s = append(s, f.minus...)
		}
		s = append(s, e...)
	}
	return string(pic.prefix) + string(s) + string(pic.suffix), nil
}

// digits is |v| to dp decimals, its digits in the picture's digit family.
func (f *decimalFormat) digits(v float64, dp int) []rune {
	s := []rune(jsToFixed(math.Abs(v), dp))
	if string(f.zero) != "0" && len(f.family) == 10 {
		for i, ch := range s {
			if ch >= '0' && ch <= '9' {
				s[i] = f.family[ch-'0']
			}
		}
	}
	return s
}

func repeatRunes(r []rune, n int) []rune {
	out := make([]rune, 0, len(r)*n)
	for range n {
		out = append(out, r...)
	}
	return out
}

// sliceInsert is s.slice(0, pos) + ins + s.slice(pos).
func sliceInsert(s []rune, pos int, ins []rune) []rune {
	out := append(append([]rune{}, slice(s, 0, pos)...), ins...)
	return append(out, slice(s, pos, len(s))...)
}

// FormatBase is $formatBase(value, radix): value rounded (half to even) to
// an integer and written in radix, which the caller gives as 10 when the
// argument is absent. The radix, rounded too, must lie in 2..36 (D3100).
func FormatBase(value float64, radix float64) (string, error) {
	value = round(value, 0)
	radix = round(radix, 0)
	if !(radix >= 2 && radix <= 36) {
		return "", newError("D3100", radix)
	}
	if radix == 10 || math.IsNaN(value) || math.IsInf(value, 0) {
		return jsNumberString(value), nil
	}
	if math.Abs(value) < 1<<53 {
		return strconv.FormatInt(int64(value), int(radix)), nil
	}
	return jsIntegerToRadix(value, int(radix)), nil
}

// jsIntegerToRadix is V8's Number.prototype.toString(radix) for an integer
// of 2^53 or more (DoubleToRadixCString): the digits below the double's
// precision are written as zeros, not as the exact value's digits.
func jsIntegerToRadix(value float64, radix int) string {
	const chars = "0123456789abcdefghijklmnopqrstuvwxyz"
	neg := value < 0
	integer := math.Abs(value)
	var rev []byte // the digits, last first
	r := float64(radix)
	for integer/r >= 1<<53 { // Double(integer / radix).Exponent() > 0
		integer /= r
		rev = append(rev, '0')
	}
	for {
		rem := math.Mod(integer, r)
		rev = append(rev, chars[int(rem)])
		integer = (integer - rem) / r
		if integer <= 0 {
			break
		}
	}
	if neg {
		rev = append(rev, '-')
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return string(rev)
}
