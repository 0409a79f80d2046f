-- Service accounts: universities' systems, proctors' consoles, auditors. Only secret hashes are kept.
CREATE TABLE auth_service_account (
    client_id   VARCHAR(64)  NOT NULL PRIMARY KEY,
    secret_hash VARCHAR(200) NOT NULL,
    role        VARCHAR(20)  NOT NULL CHECK (role IN ('proctor', 'university', 'auditor')),
    scopes      TEXT         NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ  NOT NULL
);
