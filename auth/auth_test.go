package auth

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, password, problem string }{
		{"empty is refused", "", "empty"},
		{"short is refused", "seven77", "too short"},
		{"over 72 bytes is refused", strings.Repeat("x", 73), "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := HashPassword(tc.password); err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("HashPassword(%q) = %v, want an error saying %q", tc.password, err, tc.problem)
			}
		})
	}
	t.Run("a good password checks", func(t *testing.T) {
		t.Parallel()
		hash, err := HashPassword("correct horse")
		if err != nil {
			t.Fatal(err)
		}
		if !CheckPassword(hash, "correct horse") || CheckPassword(hash, "correct hors") || CheckPassword(nil, "correct horse") {
			t.Fatal("CheckPassword accepted a wrong password or refused the right one")
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a, b := NewToken(), NewToken()
	if a == b || len(a) != 43 {
		t.Fatalf("tokens %q and %q: want two different 43-character tokens", a, b)
	}
	if !strings.HasPrefix(NewAPIKey(), APIKeyPrefix) || len(HashToken(a)) != 32 {
		t.Fatal("API key prefix or hash length wrong")
	}
}
