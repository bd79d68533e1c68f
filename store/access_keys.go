package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/auth"
)

// The secret of an access key cannot be kept as a hash, as API keys are: checking a
// Signature Version 4 HMAC needs the secret itself. It is sealed with AES-256-GCM under a key
// kept in a file beside the database, so a copy of the database alone (a backup, a file
// attached to a bug report) reveals no secret. The access key id is the seal's additional
// data, so a sealed secret moved to another key's row does not open.

// sealingKeySize is AES-256's key size.
const sealingKeySize = 32

// sealingKey is the key of the seals, read from its file, or made in it, when first needed.
type sealingKey struct {
	path string
	mu   sync.Mutex
	key  []byte
}

// get returns the key, making its file when create is set and there is none. Without
// create a missing file is an error: secrets sealed under a key that is gone cannot be read.
func (k *sealingKey) get(create bool) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) && create {
		key, err = k.make()
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store: the key file %s, which unseals the secrets of access keys, is missing: it must be copied with the database", k.path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read the key file of access keys: %w", err)
	}
	if len(key) != sealingKeySize {
		return nil, fmt.Errorf("store: the key file %s holds %d bytes, not %d", k.path, len(key), sealingKeySize)
	}
	k.key = key
	return key, nil
}

// make writes a fresh key to a temporary file and links it into place, so that nobody reads
// a half-written key and, when another process (a second "stepstudio user key") made one
// first, its key is the one both use.
func (k *sealingKey) make() ([]byte, error) {
	key := make([]byte, sealingKeySize)
	rand.Read(key) // never fails (crypto/rand panics rather than return an error)
	// CreateTemp makes the file 0600: only the owner may read it, as the database.
	tmp, err := os.CreateTemp(filepath.Dir(k.path), filepath.Base(k.path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	err = os.Link(tmp.Name(), k.path)
	if errors.Is(err, fs.ErrExist) {
		return os.ReadFile(k.path)
	}
	return key, err
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts secret for the access key id; the result is the nonce, then the ciphertext.
func seal(key []byte, accessKeyID, secret string) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(secret), []byte(accessKeyID)), nil
}

// unseal opens what seal made for the access key id.
func unseal(key []byte, accessKeyID string, sealed []byte) (string, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("the sealed secret is too short")
	}
	nonce, ciphertext := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	secret, err := aead.Open(nil, nonce, ciphertext, []byte(accessKeyID))
	if err != nil {
		return "", fmt.Errorf("the sealed secret does not open with the key file (is it another database's?): %w", err)
	}
	return string(secret), nil
}

// CreateAccessKey stores an access key of the named user: the id, and the secret sealed. The
// secret's SHA-256 goes into api_keys in the same transaction, so the secret works as a
// Bearer API key too. ErrNotFound when there is no such user, ErrExists when the id is taken.
func (db *DB) CreateAccessKey(ctx context.Context, userName, accessKeyID, secret string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE name = ?`, userName).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		key, err := db.sealing.get(true)
		if err != nil {
			return err
		}
		sealed, err := seal(key, accessKeyID, secret)
		if err != nil {
			return err
		}
		now := millis(time.Now())
		_, err = tx.ExecContext(ctx, `INSERT INTO access_keys (access_key_id, user_id, secret_sealed, created_at) VALUES (?, ?, ?, ?)`,
			accessKeyID, userID, sealed, now)
		if isUniqueViolation(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO api_keys (key_hash, user_id, created_at) VALUES (?, ?, ?)`,
			auth.HashToken(secret), userID, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create access key of %q: %w", userName, err)
	}
	return nil
}

// FindAccessKey returns the user an access key belongs to and its secret, unsealed;
// ErrNotFound when there is no such key.
func (db *DB) FindAccessKey(ctx context.Context, accessKeyID string) (auth.User, string, error) {
	var u auth.User
	var created int64
	var sealed []byte
	err := db.sql.QueryRowContext(ctx, `SELECT `+userColumns+`, access_keys.secret_sealed
		FROM access_keys JOIN users ON users.id = access_keys.user_id WHERE access_keys.access_key_id = ?`, accessKeyID).
		Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Admin, &created, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return auth.User{}, "", fmt.Errorf("store: find access key %q: %w", accessKeyID, err)
	}
	u.CreatedAt = fromMillis(created)
	// Not create: a key row exists, so its key file must too; a new key would open nothing.
	key, err := db.sealing.get(false)
	if err != nil {
		return auth.User{}, "", err
	}
	secret, err := unseal(key, accessKeyID, sealed)
	if err != nil {
		return auth.User{}, "", fmt.Errorf("store: find access key %q: %w", accessKeyID, err)
	}
	return u, secret, nil
}
