package xpathfmt

import (
	"testing"
	"time"
)

func BenchmarkFormatNumber(b *testing.B) {
	for b.Loop() {
		_, _ = FormatNumber(1234567.891, "#,##0.00", nil)
	}
}

func BenchmarkFromMillis(b *testing.B) {
	pic := "[FNn], [D1o] [MNn] [Y] [h]:[m01] [P]"
	for b.Loop() {
		_, _ = FromMillis(1700000000000, &pic, nil)
	}
}

func BenchmarkToMillis(b *testing.B) {
	now := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
	b.Run("iso", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = ToMillis("2024-01-01T10:00:00.123Z", nil, now)
		}
	})
	b.Run("picture", func(b *testing.B) {
		pic := "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]"
		for b.Loop() {
			_, _, _ = ToMillis("2020-09-09 12:00:00 +05:30", &pic, now)
		}
	})
	b.Run("words", func(b *testing.B) {
		pic := "[Dw] [MNn] [Yw]"
		for b.Loop() {
			_, _, _ = ToMillis("twenty-first August two thousand and seventeen", &pic, now)
		}
	})
}
