-- Candidate credentials per exam: only hashes of the access codes (see AccessCodeHasher).
CREATE TABLE auth_candidate (
    exam_id          VARCHAR(64)  NOT NULL,
    candidate_number VARCHAR(64)  NOT NULL,
    code_hash        VARCHAR(200) NOT NULL,
    PRIMARY KEY (exam_id, candidate_number)
);

-- Public halves of the replicas' signing keys; the private halves never leave their process.
CREATE TABLE auth_signing_key (
    kid             VARCHAR(64) NOT NULL PRIMARY KEY,
    public_jwk      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    published_until TIMESTAMPTZ NOT NULL
);

-- Refresh tokens, by the SHA-256 of the token; each is spent once.
CREATE TABLE auth_refresh_token (
    token_hash CHAR(64)    NOT NULL PRIMARY KEY,
    subject    VARCHAR(64) NOT NULL,
    role       VARCHAR(20) NOT NULL,
    exam_id    VARCHAR(64),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX auth_refresh_token_subject ON auth_refresh_token (subject) WHERE used_at IS NULL;
