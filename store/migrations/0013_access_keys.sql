-- Access key pairs for AWS SDKs and the AWS CLI, which sign requests with Signature Version 4.
-- Checking an HMAC needs the secret itself, not a hash, so it is kept sealed (AES-256-GCM)
-- under a key in a file beside the database (store/access_keys.go): the database alone
-- reveals no secret. The secret also works as a Bearer API key, through its SHA-256 in
-- api_keys.
--
-- IF NOT EXISTS because store's test of migration 0012 (compact_test.go) rewinds
-- schema_migrations to before 0012 and so applies this one a second time.
CREATE TABLE IF NOT EXISTS access_keys (
    access_key_id TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed BLOB    NOT NULL, -- nonce, then ciphertext and tag
    created_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS access_keys_user ON access_keys (user_id);
