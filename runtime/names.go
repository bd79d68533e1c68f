package runtime

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest state machine or execution name AWS accepts, in characters.
const MaxNameLength = 80

// forbiddenNameChars are the brackets, wildcards and special characters AWS refuses in names.
const forbiddenNameChars = "<>{}[]?*\"#%\\^|~`$&,;:/"

// NameError is a state machine or execution name that CheckName refuses; the Step Functions
// API answers it with InvalidName. Its message says what is wrong and where, for the user.
type NameError struct {
	Kind    string // "state machine" or "execution"
	Name    string
	message string
}

// Error is the message a user can act on.
func (e *NameError) Error() string { return e.message }

// CheckName applies AWS's rules for the name of a state machine or an execution (kind says
// which, for the message) and returns a *NameError when the name breaks one. The rules, from
// the CreateStateMachine and StartExecution references
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html,
// API_StartExecution.html, API_StateMachineListItem.html): 1 to 80 characters, and no
//   - white space,
//   - brackets < > { } [ ], wildcard characters ? *,
//   - special characters " # % \ ^ | ~ ` $ & , ; : /,
//   - control characters (U+0000-001F, U+007F-009F, U+FFFE-FFFF),
//   - surrogates (U+D800-DFFF) and U+10FFFF.
//
// A name must also be valid UTF-8, or it would be stored as bytes and shown as mojibake (an
// encoded surrogate is not valid UTF-8, so AWS's surrogate rule is part of this one). The
// studio adds one rule of its own: "." and ".." are refused, because browsers and servers
// treat those path segments (even written %2e) as "this folder" and "the folder above", so a
// page for such a name could never be linked.
func CheckName(kind, name string) error {
	var message string
	// The length is checked before anything quotes the name, so a message never repeats a
	// huge one; an invalid byte counts as one character, as in nameProblem's positions.
	if name == "" {
		message = fmt.Sprintf("The %s name is empty; give it a name of 1 to %d characters.", kind, MaxNameLength)
	} else if n := utf8.RuneCountInString(name); n > MaxNameLength {
		message = fmt.Sprintf("The %s name is %d characters long; at most %d are allowed.", kind, n, MaxNameLength)
	} else if problem := nameProblem(kind, name); problem != "" {
		message = fmt.Sprintf("The %s name %q is not valid: %s.", kind, name, problem)
	} else {
		return nil
	}
	return &NameError{Kind: kind, Name: name, message: message}
}

// nameProblem says which character of name breaks a rule of CheckName and where (counted in
// characters from 1), or returns "".
func nameProblem(kind, name string) string {
	at := 0
	for i, r := range name {
		at++
		switch {
		case r == utf8.RuneError && isInvalidAt(name, i):
			return fmt.Sprintf("it is not UTF-8 text (the byte 0x%02X at character %d); type the name again", name[i], at)
		case unicode.IsSpace(r):
			return fmt.Sprintf("it contains %s at character %d; a name may not contain whitespace", describeSpace(r), at)
		case r <= 0x1f || (r >= 0x7f && r <= 0x9f):
			return fmt.Sprintf("it contains the control character U+%04X at character %d; a name may not contain control characters", r, at)
		case r == 0xfffe || r == 0xffff || r == 0x10ffff:
			return fmt.Sprintf("it contains the noncharacter U+%04X at character %d; a name may not contain U+FFFE, U+FFFF or U+10FFFF", r, at)
		case strings.ContainsRune(forbiddenNameChars, r):
			return fmt.Sprintf("it contains %q at character %d; a name may not contain any of < > { } [ ] ? * \" # %% \\ ^ | ~ ` $ & , ; : /", r, at)
		}
	}
	if name == "." || name == ".." {
		return fmt.Sprintf(`in an address "." and ".." mean "this folder" and "the folder above", so a %s with that name could never be linked; add another character`, kind)
	}
	return ""
}

// isInvalidAt reports whether the RuneError decoded at byte i stands for invalid bytes rather
// than a U+FFFD written in the name.
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

// describeSpace names a whitespace character as a user would, or by its code point.
func describeSpace(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '\n':
		return "a line break"
	case '\r':
		return "a carriage return"
	}
	return fmt.Sprintf("the whitespace character U+%04X", r)
}
