-- Host wallet: nonces allocated here (one sender per wallet), every transfer's intent, and every signed
-- candidate transaction stored before it is broadcast (same-nonce replacements keep all hashes).
DO $$ BEGIN
    CREATE TYPE wallet_transfer_status AS ENUM
        ('prepared', 'needs_funds', 'signed', 'broadcast', 'mined', 'confirmed', 'failed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- The next nonce of one wallet; its row is locked FOR UPDATE while a transaction is signed.
CREATE TABLE IF NOT EXISTS wallet_nonces (
    wallet_address TEXT PRIMARY KEY CHECK (wallet_address ~ '^0x[0-9a-f]{40}$'),
    chain_id BIGINT NOT NULL,
    next_nonce BIGINT NOT NULL CHECK (next_nonce >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS wallet_transfers (
    id UUID PRIMARY KEY,
    wallet_address TEXT NOT NULL CHECK (wallet_address ~ '^0x[0-9a-f]{40}$'),
    -- The caller's idempotency key (e.g. payout:<id>:deposit): one transfer per reference, ever.
    reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 200),
    asset_code TEXT NOT NULL,
    asset_network TEXT NOT NULL,
    to_address TEXT NOT NULL CHECK (to_address ~ '^0x[0-9a-f]{40}$'),
    -- Base units (wei, or the token's smallest unit): up to 2^256.
    amount_base NUMERIC(78, 0) NOT NULL CHECK (amount_base > 0),
    -- Set once, when the first candidate is signed; never cleared.
    nonce BIGINT CHECK (nonce >= 0),
    status wallet_transfer_status NOT NULL DEFAULT 'prepared',
    -- The candidate that was mined, and its block.
    mined_hash TEXT,
    mined_block BIGINT,
    -- What was short (needs_funds) or why it failed.
    detail TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (wallet_address, nonce),
    CHECK ((status IN ('prepared', 'needs_funds')) = (nonce IS NULL))
);

CREATE INDEX IF NOT EXISTS wallet_transfers_in_flight ON wallet_transfers (wallet_address, nonce)
    WHERE status IN ('signed', 'broadcast', 'mined');

CREATE TABLE IF NOT EXISTS wallet_tx_candidates (
    id BIGSERIAL PRIMARY KEY,
    transfer_id UUID NOT NULL REFERENCES wallet_transfers (id),
    nonce BIGINT NOT NULL CHECK (nonce >= 0),
    -- The signed EIP-2718 envelope, exactly the bytes broadcast (and re-broadcast).
    raw_tx BYTEA NOT NULL,
    tx_hash TEXT NOT NULL UNIQUE CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    gas_limit BIGINT NOT NULL CHECK (gas_limit > 0),
    max_fee_per_gas NUMERIC(78, 0) NOT NULL,
    max_priority_fee_per_gas NUMERIC(78, 0) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- First time a node accepted it (NULL: stored, maybe never broadcast).
    broadcast_at TIMESTAMPTZ
);

CREATE INDEX IF NOT EXISTS wallet_tx_candidates_transfer ON wallet_tx_candidates (transfer_id, id);
