-- Issue 10: instant payouts. One payout per payment of an instant channel, its steps, and the
-- accumulation entries that hold owner shares too small to swap (and, later, threshold balances).

ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_payout_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_payout_status_check CHECK (payout_status IN (
    'awaiting_payout', 'on_hold', 'in_payout', 'paid_out', 'accumulated'));

CREATE TABLE payouts (
    id                  UUID PRIMARY KEY,
    -- One payout per payment, ever.
    payment_id          UUID NOT NULL UNIQUE REFERENCES payments (id),
    channel_id          UUID NOT NULL REFERENCES channels (id),
    owner_id            UUID NOT NULL REFERENCES users (id),
    kind                TEXT NOT NULL CHECK (kind IN ('direct', 'swap')),
    status              TEXT NOT NULL CHECK (status IN (
        'quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging',
        'completed', 'accumulated', 'failed', 'refunded', 'expired', 'needs_attention', 'cancelled')),
    -- The status a retry resumes from (set with needs_attention).
    resume_status       TEXT,
    -- Bumped with every step; the step job carrying the current value is the only one that acts.
    step_seq            INTEGER NOT NULL DEFAULT 0,
    -- What leaves the host wallet: exactly the owner share, in the settlement asset.
    source_amount       NUMERIC(38, 18) NOT NULL CHECK (source_amount > 0),
    source_code         TEXT NOT NULL,
    source_network      TEXT NOT NULL,
    -- The owner's payout settings when the payout was created (a later wallet change does not apply).
    dest_address        TEXT NOT NULL,
    dest_extra_id       TEXT,
    dest_code           TEXT NOT NULL,
    dest_network        TEXT NOT NULL,
    -- Swap only: the quote, the create intent, and the exchange it led to.
    quoted_amount       NUMERIC(38, 18),
    min_amount          NUMERIC(38, 18),
    create_attempted_at TIMESTAMPTZ,
    create_attempts     INTEGER NOT NULL DEFAULT 0,
    exchange_id         TEXT UNIQUE,
    exchange_status     TEXT,
    payin_address       TEXT,
    payin_extra_id      TEXT,
    -- The host wallet transfer (direct payout, or the one deposit of a swap): one per payout, ever.
    transfer_id         UUID UNIQUE,
    deposit_hashes      TEXT[] NOT NULL DEFAULT '{}',
    -- The outcome: what the owner received and the hash of the payout transaction.
    received_amount     NUMERIC(38, 18),
    payout_hash         TEXT,
    failure_reason      TEXT,
    funds_alerted_at    TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at        TIMESTAMPTZ,
    CHECK ((status = 'needs_attention') = (resume_status IS NOT NULL)),
    CHECK (kind = 'swap' OR exchange_id IS NULL)
);
CREATE INDEX payouts_channel ON payouts (channel_id, created_at DESC);
CREATE INDEX payouts_open ON payouts (status)
    WHERE status NOT IN ('completed', 'accumulated', 'cancelled');

-- Every state a payout entered, with what happened, oldest first.
CREATE TABLE payout_steps (
    id          BIGSERIAL PRIMARY KEY,
    payout_id   UUID NOT NULL REFERENCES payouts (id),
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payout_steps_payout ON payout_steps (payout_id, id);

-- Owner value held for a later batch: a share below its pair minimum, or (threshold issue) every
-- share of a threshold channel. `usdt_amount` is set once the value is locked in USDT.
CREATE TABLE accumulation_entries (
    id              UUID PRIMARY KEY,
    channel_id      UUID NOT NULL REFERENCES channels (id),
    owner_id        UUID NOT NULL REFERENCES users (id),
    payment_id      UUID NOT NULL UNIQUE REFERENCES payments (id),
    -- The instant payout that fell below the pair minimum, when that is why the entry exists.
    payout_id       UUID UNIQUE REFERENCES payouts (id),
    reason          TEXT NOT NULL CHECK (reason IN ('below_pair_minimum', 'threshold')),
    source_amount   NUMERIC(38, 18) NOT NULL CHECK (source_amount > 0),
    source_code     TEXT NOT NULL,
    source_network  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending_conversion', 'converted', 'in_batch', 'paid')),
    usdt_amount     NUMERIC(38, 6) CHECK (usdt_amount >= 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'pending_conversion') = (usdt_amount IS NULL))
);
CREATE INDEX accumulation_entries_channel ON accumulation_entries (channel_id, status);

-- Conservation (SPEC §5.1): for every owner and asset, owner shares = paid out + accumulated +
-- in flight + held. Each payment's share lands in exactly one bucket; `unaccounted` must be zero.
CREATE VIEW payout_conservation AS
WITH shares AS (
    SELECT c.owner_id, p.id AS payment_id, p.owner_share AS amount,
           lower(p.outcome_currency) AS currency
    FROM payments p JOIN channels c ON c.id = p.channel_id
    WHERE p.owner_share IS NOT NULL AND p.owner_share > 0
),
buckets AS (
    SELECT s.owner_id, s.currency, s.amount AS share,
        CASE
            WHEN e.id IS NOT NULL THEN 'accumulated'
            WHEN o.status = 'completed' THEN 'paid_out'
            WHEN o.status IN ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging')
                THEN 'in_flight'
            WHEN o.id IS NULL AND pm.payout_status = 'awaiting_payout' THEN 'awaiting'
            ELSE 'held'
        END AS bucket,
        COALESCE(e.source_amount, o.source_amount, s.amount) AS routed
    FROM shares s
    JOIN payments pm ON pm.id = s.payment_id
    LEFT JOIN payouts o ON o.payment_id = s.payment_id
    LEFT JOIN accumulation_entries e ON e.payment_id = s.payment_id
)
SELECT owner_id, currency,
       sum(share) AS owner_shares,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'paid_out'), 0) AS paid_out,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'accumulated'), 0) AS accumulated,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'in_flight'), 0) AS in_flight,
       COALESCE(sum(routed) FILTER (WHERE bucket IN ('held', 'awaiting')), 0) AS held,
       sum(share) - sum(routed) AS unaccounted
FROM buckets
GROUP BY owner_id, currency;
