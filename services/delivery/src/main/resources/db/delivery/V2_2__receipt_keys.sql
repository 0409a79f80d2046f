-- Public halves of the keys delivery replicas sign submission receipts with. Each replica makes
-- its own key at start-up; the private half never leaves its process. Rows are never deleted:
-- a receipt must stay verifiable for as long as its exam's results can be contested.
CREATE TABLE delivery_receipt_key (
    key_id     VARCHAR(64) NOT NULL PRIMARY KEY,
    algorithm  VARCHAR(16) NOT NULL,
    public_key BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
