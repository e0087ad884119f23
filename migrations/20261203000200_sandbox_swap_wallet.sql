-- Sandbox host wallet and swap simulator (used when the Ethereum / ChangeNOW credentials are unset):
-- all their state lives here, so a restart loses nothing and several instances agree.

-- Where a sandbox transfer stands; a sent transfer never returns to prepared/needs_funds.
DO $$ BEGIN
    CREATE TYPE sandbox_transfer_status AS ENUM ('prepared', 'needs_funds', 'broadcast', 'confirmed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- The balances of one sandbox wallet; its row is locked FOR UPDATE while a transfer is debited.
CREATE TABLE IF NOT EXISTS sandbox_wallet (
    address TEXT PRIMARY KEY CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
    eth NUMERIC(28, 18) NOT NULL CHECK (eth >= 0),
    usdt NUMERIC(28, 6) NOT NULL CHECK (usdt >= 0),
    next_nonce BIGINT NOT NULL DEFAULT 0 CHECK (next_nonce >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sandbox_transfers (
    id UUID PRIMARY KEY,
    wallet_address TEXT NOT NULL REFERENCES sandbox_wallet (address),
    -- The caller's idempotency key: one transfer per reference, ever (as for the real wallet).
    reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 200),
    asset_code TEXT NOT NULL,
    asset_network TEXT NOT NULL,
    -- EIP-55 form, as the domain's WalletAddress keeps it.
    to_address TEXT NOT NULL CHECK (to_address ~ '^0x[0-9a-fA-F]{40}$'),
    amount NUMERIC(28, 18) NOT NULL CHECK (amount > 0),
    status sandbox_transfer_status NOT NULL DEFAULT 'prepared',
    -- What was short while status is needs_funds.
    detail TEXT,
    -- Set once, when the transfer is debited and "broadcast".
    nonce BIGINT CHECK (nonce >= 0),
    tx_hash TEXT UNIQUE CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    gas_fee NUMERIC(28, 18) CHECK (gas_fee >= 0),
    block BIGINT CHECK (block >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ,
    CHECK ((status IN ('broadcast', 'confirmed')) = (sent_at IS NOT NULL)),
    CHECK ((sent_at IS NULL) = (tx_hash IS NULL) AND (sent_at IS NULL) = (nonce IS NULL)),
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL AND block IS NOT NULL))
);

-- The swap simulator finds deposits by their destination (an exchange's pay-in address).
CREATE INDEX IF NOT EXISTS sandbox_transfers_deposits ON sandbox_transfers (lower(to_address), sent_at)
    WHERE sent_at IS NOT NULL;

-- One simulated exchange. Its status is computed on read from the deposit seen at payin_address.
CREATE TABLE IF NOT EXISTS sandbox_exchanges (
    id TEXT PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    from_code TEXT NOT NULL,
    from_network TEXT NOT NULL,
    to_code TEXT NOT NULL,
    to_network TEXT NOT NULL,
    fixed_rate BOOLEAN NOT NULL,
    expected_from NUMERIC(28, 18) NOT NULL CHECK (expected_from > 0),
    -- Units of `to` per unit of `from`, before fees, and the estimate at creation (unconstrained
    -- NUMERIC: kept exactly as computed, which always fits rust_decimal).
    rate NUMERIC NOT NULL CHECK (rate > 0),
    expected_to NUMERIC NOT NULL CHECK (expected_to >= 0),
    -- The pair minimum at creation, in `from`: a smaller deposit is refunded.
    min_from NUMERIC(28, 18) NOT NULL CHECK (min_from > 0),
    payin_address TEXT NOT NULL UNIQUE CHECK (payin_address ~ '^0x[0-9a-fA-F]{40}$'),
    payout_address TEXT NOT NULL,
    payout_extra_id TEXT,
    refund_address TEXT NOT NULL,
    -- Fault injection: ends `failed` once the deposit is seen.
    fail_after_deposit BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- No deposit by then: `expired`.
    valid_until TIMESTAMPTZ NOT NULL
);

CREATE INDEX IF NOT EXISTS sandbox_exchanges_lookup ON sandbox_exchanges (payout_address, created_at);

-- Requested faults not yet taken by an exchange (`fail_next_exchange`), oldest first.
CREATE TABLE IF NOT EXISTS sandbox_swap_faults (
    id BIGSERIAL PRIMARY KEY,
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    exchange_id TEXT REFERENCES sandbox_exchanges (id)
);
