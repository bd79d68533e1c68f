package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// User is a stored account.
type User struct {
	ID   int64
	Name string
	// Admin users may do everything; the flag is for the features that will need it.
	Admin        bool
	PasswordHash []byte
	CreatedAt    time.Time
}

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 8

// maxPasswordBytes is bcrypt's limit: it ignores (newer versions refuse) what follows.
const maxPasswordBytes = 72

// CheckPasswordStrength says, in words for the person typing it, why a password is refused.
func CheckPasswordStrength(password string) error {
	switch {
	case password == "":
		return errors.New("the password is empty")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return fmt.Errorf("the password is too short: use at least %d characters", MinPasswordLength)
	case len(password) > maxPasswordBytes:
		return fmt.Errorf("the password is too long: bcrypt uses at most %d bytes", maxPasswordBytes)
	}
	return nil
}

// HashPassword returns the bcrypt hash to store for password.
func HashPassword(password string) ([]byte, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return nil, err
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// dummyHash is compared against when the user does not exist, so that a login for an
// unknown name takes as long as one with a wrong password and does not reveal which it was.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)

// CheckPassword reports whether password matches hash; a nil hash (no such user) spends the
// same time and reports false.
func CheckPassword(hash []byte, password string) bool {
	if hash == nil {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// NewToken returns 256 random bits, URL-safe, for a session id, an API key or a secret.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// APIKeyPrefix starts every API key, so one pasted in the wrong place is recognisable.
const APIKeyPrefix = "ssk_"

// NewAPIKey returns a fresh API key.
func NewAPIKey() string { return APIKeyPrefix + NewToken() }

// HashToken is what is stored for a session id or an API key: a leaked database gives
// neither. SHA-256 suffices (no bcrypt) because the tokens carry 256 random bits.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
