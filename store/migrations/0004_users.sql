-- Users who may log in; with none, a studio on a loopback address needs no login.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash BLOB    NOT NULL, -- bcrypt
    admin         INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Logged-in browsers. Only the SHA-256 of the session id is kept: the database alone lets
-- nobody take a session over.
CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API keys for scripts (Authorization: Bearer KEY), kept as their SHA-256 only.
CREATE TABLE api_keys (
    key_hash   BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_id);
