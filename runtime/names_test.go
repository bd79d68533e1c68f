package runtime_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

func TestCheckNameAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value string }{
		{"letters, digits, - and _", "Order-Flow_2"},
		{"one character", "a"},
		{"80 ASCII characters", strings.Repeat("a", 80)},
		{"80 two-byte characters (160 bytes)", strings.Repeat("é", 80)},
		{"80 four-byte characters (320 bytes)", strings.Repeat("😀", 80)},
		{"non-ASCII letters", "Bestellung-prüfen-日本語-Ωμέγα"},
		{"dots that are not a whole name", "v1.2...final."},
		{"a leading dot", ".hidden"},
		{"three dots", "..."},
		{"allowed punctuation", "a!b@c(d)e+f=g'h.i-j_k"},
		{"the first character after the C1 controls", "\u00a1"},
		{"a literal replacement character is valid UTF-8", "a\ufffdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, kind := range []string{"state machine", "execution"} {
				if err := runtime.CheckName(kind, tc.value); err != nil {
					t.Errorf("CheckName(%q, %q) = %v, want nil", kind, tc.value, err)
				}
			}
		})
	}
}

func TestCheckNameRefuses(t *testing.T) {
	t.Parallel()
	type refusal struct {
		name, value string
		says        []string // parts of the message
	}
	tests := []refusal{
		{"empty", "", []string{"The state machine name is empty"}},
		{"81 ASCII characters", strings.Repeat("a", 81), []string{"81 characters long", "at most 80"}},
		{"81 two-byte characters", strings.Repeat("é", 81), []string{"81 characters long", "at most 80"}},
		{"81 four-byte characters", strings.Repeat("😀", 81), []string{"81 characters long", "at most 80"}},
		{"a space", "a b", []string{`The state machine name "a b" is not valid: it contains a space at character 2`, "whitespace"}},
		{"a tab", "ab\t", []string{"a tab at character 3", "whitespace"}},
		{"a line break", "\nab", []string{"a line break at character 1", "whitespace"}},
		{"a carriage return", "a\rb", []string{"a carriage return at character 2", "whitespace"}},
		{"position counts characters, not bytes", "日本 語", []string{"a space at character 3"}},
		{"invalid UTF-8", "ab\xff", []string{`"ab\xff"`, "not UTF-8", "character 3"}},
		{"a truncated UTF-8 sequence", "é\xc3", []string{"not UTF-8", "character 2"}},
		{"an encoded surrogate (U+D800)", "a\xed\xa0\x80", []string{"not UTF-8", "character 2"}},
		{"an overlong encoding of /", "a\xc0\xaf", []string{"not UTF-8", "character 2"}},
		{"the noncharacter U+FFFE", "a\ufffe", []string{"U+FFFE at character 2"}},
		{"the noncharacter U+FFFF", "a\uffff", []string{"U+FFFF at character 2"}},
		{"the noncharacter U+10FFFF", "a\U0010ffff", []string{"U+10FFFF at character 2"}},
		{"a dot alone", ".", []string{`"."`, "could never be linked"}},
		{"two dots alone", "..", []string{`".."`, "could never be linked"}},
	}
	// Every whitespace character of Unicode (the White_Space property), ASCII or not.
	for _, r := range "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" {
		tests = append(tests, refusal{fmt.Sprintf("whitespace U+%04X", r), "ab" + string(r), []string{"at character 3", "whitespace"}})
	}
	// The control characters AWS lists: U+0000-001F and U+007F-009F.
	for _, r := range []rune{0x00, 0x01, 0x07, 0x1b, 0x1f, 0x7f, 0x80, 0x9f} {
		want := fmt.Sprintf("U+%04X at character 2", r)
		if strings.ContainsRune("\t\n\v\f\r\u0085", r) {
			want = "at character 2" // named as whitespace
		}
		tests = append(tests, refusal{fmt.Sprintf("control U+%04X", r), "a" + string(r) + "b", []string{want}})
	}
	// Brackets, wildcards and the special characters.
	for _, r := range "<>{}[]?*\"#%\\^|~`$&,;:/" {
		tests = append(tests, refusal{fmt.Sprintf("the character %q", r), "ab" + string(r),
			[]string{fmt.Sprintf("it contains %q at character 3", r), "may not contain any of"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := runtime.CheckName("state machine", tt.value)
			var ne *runtime.NameError
			if !errors.As(err, &ne) {
				t.Fatalf("CheckName(%q) = %v, want a *runtime.NameError", tt.value, err)
			}
			for _, want := range tt.says {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("CheckName(%q) says %q\nwant it to say %q", tt.value, err, want)
				}
			}
		})
	}
}

func TestCheckNameSaysWhatItNames(t *testing.T) {
	t.Parallel()
	err := runtime.CheckName("execution", "")
	if err == nil || !strings.Contains(err.Error(), "The execution name is empty") {
		t.Fatalf("CheckName(execution, \"\") = %v", err)
	}
}
