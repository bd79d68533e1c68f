package xpathfmt

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf16"
)

// primary is the kind of numbering an integer picture asks for.
type primary int

const (
	decimal primary = iota
	letters
	roman
	words
	sequence // a numbering sequence jsonata.js does not support (D3130)
)

// letterCase is the case of letters, Roman numerals, words and names.
type letterCase int

const (
	noCase letterCase = iota
	lower
	upper
	title
)

// groupingSep is a grouping separator and the number of digits to its right.
type groupingSep struct {
	position int
	char     rune
}

// integerFormat is an analysed format-integer picture.
type integerFormat struct {
	primary   primary
	letters   letterCase
	ordinal   bool
	token     string // the picture of an unsupported sequence
	zeroCode  rune   // the zero of the decimal digit family
	mandatory int    // decimal: mandatory digits
	optional  int    // decimal: optional digits
	regular   bool   // decimal: separators at a regular interval...
	interval  groupingSep
	seps      []groupingSep // ...or at these positions, rightmost first
	n         int           // digits to match when parsing a date component; <= 0 means any
}

// decimalGroups are the zeros of the Unicode decimal digit families
// jsonata.js recognises.
var decimalGroups = []rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

// analyseIntegerPicture reads a format-integer picture: a primary format
// token and, after the last ';', a modifier whose leading 'o' asks for
// ordinals.
func analyseIntegerPicture(picture string) (*integerFormat, error) {
	f := &integerFormat{primary: decimal, letters: lower}
	primaryToken := picture
	if semi := strings.LastIndex(picture, ";"); semi != -1 {
		primaryToken = picture[:semi]
		f.ordinal = strings.HasPrefix(picture[semi+1:], "o")
	}
	switch primaryToken {
	case "A":
		f.primary, f.letters = letters, upper
	case "a":
		f.primary = letters
	case "I":
		f.primary, f.letters = roman, upper
	case "i":
		f.primary = roman
	case "W":
		f.primary, f.letters = words, upper
	case "Ww":
		f.primary, f.letters = words, title
	case "w":
		f.primary = words
	default:
		return analyseDecimalPattern(f, primaryToken)
	}
	return f, nil
}

// analyseDecimalPattern reads a decimal-digit-pattern right to left, so
// each separator's position counts the digits to its right.
func analyseDecimalPattern(f *integerFormat, token string) (*integerFormat, error) {
	var zero rune = -1
	var seps []groupingSep
	position := 0
	rs := []rune(token)
	for i := len(rs) - 1; i >= 0; i-- {
		cp := rs[i]
		digit := false
		for _, g := range decimalGroups {
			if cp >= g && cp <= g+9 {
				digit = true
				f.mandatory++
				position++
				if zero == -1 {
					zero = g
				} else if g != zero {
					return nil, newError("D3131", nil)
				}
				break
			}
		}
		if digit {
			continue
		}
		if cp == '#' {
			position++
			f.optional++
		} else {
			seps = append(seps, groupingSep{position: position, char: cp})
		}
	}
	if f.mandatory == 0 {
		f.primary, f.token = sequence, token
		return f, nil
	}
	f.zeroCode = zero
	if interval := regularSeparators(seps); interval > 0 {
		f.regular = true
		f.interval = groupingSep{position: interval, char: seps[0].char}
	} else {
		f.seps = seps
	}
	return f, nil
}

// regularSeparators is the interval of separators that are all the same
// character at every multiple of one number, or 0.
func regularSeparators(seps []groupingSep) int {
	if len(seps) == 0 {
		return 0
	}
	positions := make([]int, len(seps))
	for i, s := range seps {
		if s.char != seps[0].char {
			return 0
		}
		positions[i] = s.position
	}
	return regularInterval(positions)
}

// FormatInteger is $formatInteger(value, picture): value, rounded down,
// written as XPath's fn:format-integer picture says: a decimal digit
// pattern in any Unicode digit family with grouping separators, "a"/"A"
// letters, "i"/"I" Roman numerals, "w"/"W"/"Ww" English words, and ";o" for
// ordinals. Roman numerals above ten million and infinite values in letters,
// Roman numerals or words fail with the error jsonata.js runs into there
// (Code "RangeError", as JavaScript's exceeded call stack has no D code).
func FormatInteger(value float64, picture string) (string, error) {
	f, err := analyseIntegerPicture(picture)
	if err != nil {
		return "", err
	}
	return formatInteger(math.Floor(value), f)
}

// formatInteger writes an integral value with an analysed picture.
func formatInteger(value float64, f *integerFormat) (string, error) {
	negative := value < 0
	value = math.Abs(value)
	if f.primary != decimal && f.primary != sequence {
		if math.IsNaN(value) {
			return "", nil
		}
		if math.IsInf(value, 0) || (f.primary == roman && value > maxRoman) {
			return "", errCallStack()
		}
	}
	var out string
	switch f.primary {
	case letters:
		a := 'a'
		if f.letters == upper {
			a = 'A'
		}
		out = decimalToLetters(value, a)
	case roman:
		out = decimalToRoman(value)
		if f.letters == upper {
			out = strings.ToUpper(out)
		}
	case words:
		out = numberToWords(value, f.ordinal)
		switch f.letters {
		case upper:
			out = strings.ToUpper(out)
		case lower:
			out = strings.ToLower(out)
		}
	case decimal:
		out = formatDecimal(value, f)
	case sequence:
		return "", newError("D3130", f.token)
	}
	if negative {
		out = "-" + out
	}
	return out, nil
}

func formatDecimal(value float64, f *integerFormat) string {
	s := []rune(jsNumberString(value))
	if pad := f.mandatory - len(s); pad > 0 {
		s = append([]rune(strings.Repeat("0", pad)), s...)
	}
	if f.zeroCode != '0' {
		for i := range s {
			s[i] += f.zeroCode - '0'
		}
	}
	if f.regular {
		// a separator before every multiple of the interval from the
		// right, in one pass (a width can make s long)
		grouped := make([]rune, 0, len(s)+len(s)/f.interval.position)
		for i, r := range s {
			if i > 0 && (len(s)-i)%f.interval.position == 0 {
				grouped = append(grouped, f.interval.char)
			}
			grouped = append(grouped, r)
		}
		s = grouped
	} else {
		s = insertSeparators(s, f.seps)
	}
	if f.ordinal {
		suffix := map[rune]string{'1': "st", '2': "nd", '3': "rd"}[s[len(s)-1]]
		if suffix == "" || (len(s) > 1 && s[len(s)-2] == '1') {
			suffix = "th"
		}
		return string(s) + suffix
	}
	return string(s)
}

// insertSeparators puts irregular grouping separators into digits, each
// the number of digits its position says from the right, as jsonata.js
// does by inserting them one by one from the leftmost.
func insertSeparators(s []rune, seps []groupingSep) []rune {
	byPos := map[int][]rune{}
	for i := len(seps) - 1; i >= 0; i-- {
		if seps[i].position > len(s) {
			// jsonata.js's substr then counts from the end of what
			// it has built so far; only the one-by-one way gives that.
			for j := len(seps) - 1; j >= 0; j-- {
				s = insertAt(s, len(s)-seps[j].position, []rune{seps[j].char})
			}
			return s
		}
		byPos[seps[i].position] = append(byPos[seps[i].position], seps[i].char)
	}
	out := make([]rune, 0, len(s)+len(seps))
	for i := 0; i <= len(s); i++ {
		out = append(out, byPos[len(s)-i]...)
		if i < len(s) {
			out = append(out, s[i])
		}
	}
	return out
}

var (
	fewWords     = []string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	ordinalWords = []string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
	decadeWords  = []string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
	magnitudes   = []string{"Thousand", "Million", "Billion", "Trillion"}
)

// numberToWords writes a non-negative integer in English words, in title
// case, British style ("one hundred and one"); above the trillions it
// repeats "trillion" as jsonata.js does.
func numberToWords(value float64, ordinal bool) string {
	var lookup func(num float64, prev, ord bool) string
	lookup = func(num float64, prev, ord bool) string {
		var w string
		switch {
		case num <= 19:
			if prev {
				w = " and "
			}
			if ord {
				w += ordinalWords[int(num)]
			} else {
				w += fewWords[int(num)]
			}
		case num < 100:
			tens, rem := math.Floor(num/10), math.Mod(num, 10)
			if prev {
				w = " and "
			}
			w += decadeWords[int(tens)-2]
			if rem > 0 {
				w += "-" + lookup(rem, false, ord)
			} else if ord {
				w = w[:len(w)-1] + "ieth"
			}
		case num < 1000:
			hundreds, rem := math.Floor(num/100), math.Mod(num, 100)
			if prev {
				w = ", "
			}
			w += fewWords[int(hundreds)] + " Hundred"
			if rem > 0 {
				w += lookup(rem, true, ord)
			} else if ord {
				w += "th"
			}
		default:
			// floor(log10(num)) counted against exact powers of ten,
			// where a computed logarithm can fall just short.
			p := 0
			for p < 400 && math.Pow10(p+1) <= num {
				p++
			}
			mag := min(p/3, len(magnitudes))
			factor := math.Pow(10, float64(mag*3))
			mant := math.Floor(num / factor)
			rem := num - mant*factor
			if prev {
				w = ", "
			}
			w += lookup(mant, false, false) + " " + magnitudes[mag-1]
			if rem > 0 {
				w += lookup(rem, true, ord)
			} else if ord {
				w += "th"
			}
		}
		return w
	}
	return lookup(value, false, ordinal)
}

// wordValue and wordKeys map every word numberToWords writes (lower case)
// to its value; wordKeys keeps jsonata.js's order, which its parsing
// regular expression tries in turn.
var wordValue, wordKeys = buildWordValues()

func buildWordValues() (map[string]float64, []string) {
	values := map[string]float64{}
	var keys []string
	set := func(k string, v float64) {
		if _, ok := values[k]; !ok {
			keys = append(keys, k)
		}
		values[k] = v
	}
	for i, w := range fewWords {
		set(strings.ToLower(w), float64(i))
	}
	for i, w := range ordinalWords {
		set(strings.ToLower(w), float64(i))
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		set(lw, float64((i+2)*10))
		set(lw[:len(lw)-1]+"ieth", float64((i+2)*10))
	}
	set("hundredth", 100)
	for i, w := range magnitudes {
		lw := strings.ToLower(w)
		v := math.Pow(10, float64((i+1)*3))
		set(lw, v)
		set(lw+"th", v)
	}
	return values, keys
}

var wordSplit = regexp.MustCompile(`,\s|\sand\s|[\s\\-]`)

// wordsToNumber reads a number written in English words (lower case);
// an unknown word makes it NaN.
func wordsToNumber(text string) float64 {
	segs := []float64{0}
	for _, part := range wordSplit.Split(text, -1) {
		value, ok := wordValue[part]
		if !ok {
			value = math.NaN()
		}
		top := segs[len(segs)-1]
		segs = segs[:len(segs)-1]
		if value < 100 {
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+value)
		} else {
			segs = append(segs, top*value)
		}
	}
	sum := 0.0
	for _, s := range segs {
		sum += s
	}
	return sum
}

var romanNumerals = []struct {
	value   float64
	numeral string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

var romanValues = map[rune]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}

// maxRoman is about where jsonata.js's recursive Roman numerals exceed
// JavaScript's call stack; beyond it FormatInteger fails as jsonata.js does
// rather than write ten thousand "m"s and more.
const maxRoman = 1e7

func decimalToRoman(value float64) string {
	var b strings.Builder
	for _, r := range romanNumerals {
		for value >= r.value {
			b.WriteString(r.numeral)
			value -= r.value
		}
	}
	return b.String()
}

// romanToDecimal reads upper-case Roman numerals; any other character
// makes it NaN.
func romanToDecimal(s string) float64 {
	decimal, maxSeen := 0.0, 1.0
	rs := []rune(s)
	for i := len(rs) - 1; i >= 0; i-- {
		v, ok := romanValues[rs[i]]
		if !ok {
			return math.NaN()
		}
		if v < maxSeen {
			decimal -= v
		} else {
			maxSeen = v
			decimal += v
		}
	}
	return decimal
}

// decimalToLetters writes value as spreadsheet columns do: a..z, aa, ab...
func decimalToLetters(value float64, a rune) string {
	var out []rune
	for value > 0 {
		out = append([]rune{rune(math.Mod(value-1, 26)) + a}, out...)
		value = math.Floor((value - 1) / 26)
	}
	return string(out)
}

func lettersToDecimal(s string, a rune) float64 {
	// JavaScript's charCodeAt: UTF-16 code units
	units := utf16.Encode([]rune(s))
	decimal := 0.0
	for i := range units {
		decimal += float64(rune(units[len(units)-i-1])-a+1) * JSPow(26, float64(i))
	}
	return decimal
}

// ParseInteger is $parseInteger(value, picture): the integer value writes
// with picture (as FormatInteger takes it). As in jsonata.js the text is
// not checked against the picture: what cannot be read gives NaN.
func ParseInteger(value, picture string) (float64, error) {
	f, err := analyseIntegerPicture(picture)
	if err != nil {
		return 0, err
	}
	m, err := integerMatcher(f)
	if err != nil {
		return 0, err
	}
	return m.parse(value), nil
}

// matcher is a regular expression for one part of a text, and how to read
// the value of what it matched.
type matcher struct {
	regex string
	parse func(string) float64 // nil for literals
}

func integerMatcher(f *integerFormat) (*matcher, error) {
	isUpper := f.letters == upper
	switch f.primary {
	case letters:
		a, re := 'a', "[a-z]+"
		if isUpper {
			a, re = 'A', "[A-Z]+"
		}
		return &matcher{regex: re, parse: func(s string) float64 { return lettersToDecimal(s, a) }}, nil
	case roman:
		re := "[mdclxvi]+"
		if isUpper {
			re = "[MDCLXVI]+"
		}
		return &matcher{regex: re, parse: func(s string) float64 {
			if !isUpper {
				s = strings.ToUpper(s)
			}
			return romanToDecimal(s)
		}}, nil
	case words:
		re := "(?:" + strings.Join(append(append([]string{}, wordKeys...), "and", `[\-, ]`), "|") + ")+"
		return &matcher{regex: re, parse: func(s string) float64 { return wordsToNumber(strings.ToLower(s)) }}, nil
	case decimal:
		occurrences := "+"
		if f.n > 0 {
			if f.optional == 0 {
				occurrences = "{" + itoa(f.n) + "}"
			} else {
				occurrences = "{" + itoa(f.n-f.optional) + "," + itoa(f.n) + "}"
			}
		}
		re := "[0-9]" + occurrences
		if f.ordinal {
			re += "(?:th|st|nd|rd)"
		}
		return &matcher{regex: re, parse: func(s string) float64 {
			digits := []rune(s)
			if f.ordinal {
				digits = digits[:max(len(digits)-2, 0)]
			}
			text := string(digits)
			if f.regular {
				// jsonata.js strips commas whatever the separator
				text = strings.ReplaceAll(text, ",", "")
			} else {
				for _, sep := range f.seps {
					text = strings.ReplaceAll(text, string(sep.char), "")
				}
			}
			if f.zeroCode != '0' {
				rs := []rune(text)
				for i := range rs {
					rs[i] = rs[i] - f.zeroCode + '0'
				}
				text = string(rs)
			}
			return jsParseInt(text)
		}}, nil
	default:
		return nil, newError("D3130", f.token)
	}
}

func itoa(i int) string { return jsNumberString(float64(i)) }
