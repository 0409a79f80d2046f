-- Withdrawn identities, kept here so a full restart of the platform forgets none; Hazelcast holds
-- the in-force ones for fast reads, and other services get them from auth's WatchRevocations.
CREATE TABLE auth_revocation (
    identity   VARCHAR(200) NOT NULL PRIMARY KEY,
    revoked_at TIMESTAMPTZ  NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL,
    revoked_by VARCHAR(64)  NOT NULL,
    reason     VARCHAR(500) NOT NULL
);
CREATE INDEX auth_revocation_expires_at ON auth_revocation (expires_at);

-- Platform operators (the Kubernetes operator, monitoring) read how replicas are doing.
ALTER TABLE auth_service_account DROP CONSTRAINT auth_service_account_role_check;
ALTER TABLE auth_service_account ADD CONSTRAINT auth_service_account_role_check
    CHECK (role IN ('proctor', 'university', 'auditor', 'platform-operator'));

-- Keys the service keeps across restarts: the key of the published revocation list
-- (services see HMAC values of identities, never identities).
CREATE TABLE auth_secret (
    name  VARCHAR(64) NOT NULL PRIMARY KEY,
    value BYTEA       NOT NULL
);
