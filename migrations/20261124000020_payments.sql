-- Subscribers, bot dialogues, invoices, payment events, payments, subscriptions and invites.
-- Crypto amounts are NUMERIC(28,18): within rust_decimal's 28 digits.

CREATE TABLE subscribers (
    telegram_user_id  BIGINT PRIMARY KEY CHECK (telegram_user_id > 0),
    username          TEXT,
    first_name        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Per-subscriber conversation state of the bot (never global).
CREATE TABLE bot_dialogues (
    telegram_user_id  BIGINT PRIMARY KEY REFERENCES subscribers (telegram_user_id) ON DELETE CASCADE,
    state             JSONB NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TYPE offer_kind AS ENUM ('subscription', 'donation');

CREATE TABLE invoices (
    id                   UUID PRIMARY KEY,
    channel_id           UUID NOT NULL REFERENCES channels (id),
    telegram_user_id     BIGINT NOT NULL REFERENCES subscribers (telegram_user_id),
    kind                 offer_kind NOT NULL,
    tier_level           SMALLINT CHECK (tier_level BETWEEN 0 AND 2),
    duration_days        INT CHECK (duration_days BETWEEN 1 AND 999 OR duration_days = 36500),
    price_usd            NUMERIC(8, 2) NOT NULL CHECK (price_usd > 0),
    provider             TEXT NOT NULL CHECK (provider IN ('nowpayments', 'sandbox')),
    provider_invoice_id  TEXT UNIQUE,
    invoice_url          TEXT,
    provider_payment_id  TEXT,
    status               TEXT NOT NULL DEFAULT 'created',
    next_check_at        TIMESTAMPTZ,
    check_attempts       INT NOT NULL DEFAULT 0,
    expires_at           TIMESTAMPTZ NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((kind = 'subscription') = (tier_level IS NOT NULL AND duration_days IS NOT NULL))
);
CREATE INDEX invoices_channel ON invoices (channel_id, created_at DESC);
CREATE INDEX invoices_to_reconcile ON invoices (next_check_at) WHERE next_check_at IS NOT NULL;

-- Every status notification or look-up result, as received.
CREATE TABLE payment_events (
    id                   BIGSERIAL PRIMARY KEY,
    invoice_id           UUID REFERENCES invoices (id),
    provider_payment_id  TEXT NOT NULL,
    status               TEXT NOT NULL,
    source               TEXT NOT NULL CHECK (source IN ('ipn', 'poll')),
    raw                  JSONB NOT NULL,
    received_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payment_events_invoice ON payment_events (invoice_id, id);

CREATE TABLE payments (
    id                   UUID PRIMARY KEY,
    invoice_id           UUID NOT NULL REFERENCES invoices (id),
    provider_payment_id  TEXT NOT NULL UNIQUE,
    channel_id           UUID NOT NULL REFERENCES channels (id),
    telegram_user_id     BIGINT NOT NULL,
    kind                 offer_kind NOT NULL,
    verdict              TEXT NOT NULL CHECK (verdict IN ('accepted', 'underpaid')),
    price_usd            NUMERIC(8, 2) NOT NULL,
    paid_usd             NUMERIC(14, 2),
    outcome_amount       NUMERIC(28, 18) NOT NULL CHECK (outcome_amount >= 0),
    outcome_currency     TEXT NOT NULL,
    fee_percent          NUMERIC(5, 2) NOT NULL,
    platform_fee         NUMERIC(28, 18) NOT NULL CHECK (platform_fee >= 0),
    owner_share          NUMERIC(28, 18) NOT NULL CHECK (owner_share >= 0),
    -- 'awaiting_payout': the owner share waits for the payout engine; 'on_hold': underpaid, operator decides.
    payout_status        TEXT NOT NULL CHECK (payout_status IN ('awaiting_payout', 'on_hold')),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (platform_fee + owner_share = outcome_amount)
);
CREATE INDEX payments_channel ON payments (channel_id, created_at DESC);

CREATE TABLE subscriptions (
    id                   UUID PRIMARY KEY,
    channel_id           UUID NOT NULL REFERENCES channels (id),
    telegram_user_id     BIGINT NOT NULL REFERENCES subscribers (telegram_user_id),
    status               TEXT NOT NULL CHECK (status IN ('active', 'expired')),
    tier_level           SMALLINT NOT NULL,
    expires_at           TIMESTAMPTZ NOT NULL,
    reminded_3d_for      TIMESTAMPTZ,
    reminded_1d_for      TIMESTAMPTZ,
    -- The expiry whose removal job was enqueued (once per expiry; renewals change expires_at).
    removal_enqueued_for TIMESTAMPTZ,
    removal_error        TEXT,
    removed_at           TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (channel_id, telegram_user_id)
);
-- The expiry sweep reads active rows by expiry, oldest first.
CREATE INDEX subscriptions_active_expiry ON subscriptions (expires_at) WHERE status = 'active';

CREATE TABLE invites (
    id                 UUID PRIMARY KEY,
    subscription_id    UUID NOT NULL REFERENCES subscriptions (id),
    -- One invite per payment; re-issues (new link on request) carry no payment.
    payment_id         UUID UNIQUE REFERENCES payments (id),
    chat_id            BIGINT NOT NULL,
    telegram_user_id   BIGINT NOT NULL,
    mode               TEXT NOT NULL CHECK (mode IN ('member_limit', 'join_request')),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'used', 'revoked')),
    invite_link        TEXT UNIQUE,
    expires_at         TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX invites_subscription ON invites (subscription_id, created_at DESC);

-- Sandbox payment provider: payments made on the sandbox checkout page.
CREATE TABLE sandbox_payments (
    id          BIGSERIAL PRIMARY KEY,
    invoice_id  UUID NOT NULL REFERENCES invoices (id),
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
