package xpathfmt

import (
	"testing"
	"time"
)

// The fuzz targets check that no picture makes a function panic or hang;
// run them with go test -fuzz=FuzzFormatPictures and so on.

func FuzzFormatPictures(f *testing.F) {
	for _, s := range []string{"#,##0.00", "0.0e0", "#%", "[Y0001]-[M01]-[D01]", "[FNn], [D1o] [MNn] [Y]", "w;o", "#:###,##0", "[Z0101t]", "[D#1,2-3]"} {
		f.Add(1234.5678, s)
	}
	f.Fuzz(func(t *testing.T, value float64, picture string) {
		_, _ = FormatNumber(value, picture, nil)
		_, _ = FormatInteger(value, picture)
		_, _ = ParseInteger(picture, picture)
		_, _ = FormatBase(value, float64(len(picture)))
		_, _ = FromMillis(value, &picture, &picture)
	})
}

func FuzzParsePictures(f *testing.F) {
	for _, s := range [][2]string{
		{"2018-03-27", "[Y1]-[M01]-[D01]"},
		{"27th April 2008", "[D1o] [MNn] [Y0001]"},
		{"4/4/2018 12:06 am", "[D1]/[M1]/[Y0001] [h]:[m] [P]"},
		{"2020-09-09 08:00:00 GMT-05:00", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]"},
		{"one thousand, nine hundred and eighty-four", "[Yw]"},
	} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, timestamp, picture string) {
		_, _, _ = ToMillis(timestamp, &picture, now)
		_, _, _ = ToMillis(timestamp, nil, now)
	})
}
