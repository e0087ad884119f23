-- Channels with tiers and payout settings, and the supported payout currency/network pairs.
-- Limits mirror paygate_domain::limits (a test checks that both agree).

CREATE TABLE payout_pairs (
    currency      TEXT NOT NULL CHECK (currency ~ '^[a-z0-9]{2,10}$'),
    network       TEXT NOT NULL CHECK (network ~ '^[a-z0-9]{2,10}$'),
    display_name  TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (currency, network)
);

INSERT INTO payout_pairs (currency, network, display_name) VALUES
    ('btc',   'btc',   'Bitcoin'),
    ('eth',   'eth',   'Ethereum'),
    ('usdt',  'eth',   'Tether USD (ERC-20)'),
    ('usdt',  'trx',   'Tether USD (TRC-20)'),
    ('usdt',  'bsc',   'Tether USD (BEP-20)'),
    ('usdc',  'eth',   'USD Coin (ERC-20)'),
    ('ltc',   'ltc',   'Litecoin'),
    ('xmr',   'xmr',   'Monero'),
    ('trx',   'trx',   'TRON'),
    ('doge',  'doge',  'Dogecoin'),
    ('sol',   'sol',   'Solana'),
    ('bnb',   'bsc',   'BNB (BNB Smart Chain)'),
    ('xrp',   'xrp',   'XRP'),
    ('bch',   'bch',   'Bitcoin Cash'),
    ('matic', 'matic', 'Polygon'),
    ('ton',   'ton',   'Toncoin'),
    ('shib',  'eth',   'Shiba Inu (ERC-20)'),
    ('xlm',   'xlm',   'Stellar Lumens');

CREATE TYPE payout_strategy AS ENUM ('instant', 'threshold');

CREATE TABLE channels (
    id                          UUID PRIMARY KEY,
    owner_id                    UUID NOT NULL REFERENCES users (id),
    open_channel_id             BIGINT NOT NULL CHECK ((-open_channel_id)::text ~ '^100[0-9]{6,10}$'),
    open_channel_title          TEXT NOT NULL CHECK (char_length(open_channel_title) BETWEEN 1 AND 100),
    open_channel_description    TEXT NOT NULL DEFAULT '' CHECK (char_length(open_channel_description) <= 500),
    closed_channel_id           BIGINT NOT NULL CHECK ((-closed_channel_id)::text ~ '^100[0-9]{6,10}$'),
    closed_channel_title        TEXT NOT NULL CHECK (char_length(closed_channel_title) BETWEEN 1 AND 100),
    closed_channel_description  TEXT NOT NULL DEFAULT '' CHECK (char_length(closed_channel_description) <= 500),
    payout_wallet_address       TEXT NOT NULL CHECK (char_length(payout_wallet_address) BETWEEN 20 AND 120),
    payout_currency             TEXT NOT NULL,
    payout_network              TEXT NOT NULL,
    payout_extra_id             TEXT CHECK (char_length(payout_extra_id) BETWEEN 1 AND 120),
    payout_strategy             payout_strategy NOT NULL,
    payout_threshold_usd        NUMERIC(12, 2),
    donations_enabled           BOOLEAN NOT NULL DEFAULT false,
    donation_message            TEXT CHECK (char_length(donation_message) BETWEEN 10 AND 256),
    notifications_enabled       BOOLEAN NOT NULL DEFAULT false,
    notify_telegram_user_id     BIGINT CHECK (notify_telegram_user_id BETWEEN 1 AND 4503599627370496),
    readiness                   JSONB NOT NULL DEFAULT '{"ready": false, "checked_at": null, "missing": ["not checked yet"]}',
    created_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                  TIMESTAMPTZ,
    FOREIGN KEY (payout_currency, payout_network) REFERENCES payout_pairs (currency, network),
    CHECK (open_channel_id <> closed_channel_id),
    CHECK ((payout_strategy = 'instant' AND payout_threshold_usd IS NULL)
        OR (payout_strategy = 'threshold' AND payout_threshold_usd BETWEEN 50 AND 100000)),
    CHECK (NOT donations_enabled OR donation_message IS NOT NULL),
    CHECK (NOT notifications_enabled OR notify_telegram_user_id IS NOT NULL)
);
-- A Telegram chat belongs to one live channel platform-wide, whether as open or as closed chat.
CREATE UNIQUE INDEX channels_open_chat_live ON channels (open_channel_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX channels_closed_chat_live ON channels (closed_channel_id) WHERE deleted_at IS NULL;
CREATE INDEX channels_owner_live ON channels (owner_id, created_at) WHERE deleted_at IS NULL;

-- Registry of every chat id in use, so an id cannot be open in one channel and closed in another.
CREATE TABLE channel_chats (
    chat_id     BIGINT PRIMARY KEY,
    channel_id  UUID NOT NULL REFERENCES channels (id) ON DELETE CASCADE
);

CREATE TABLE channel_tiers (
    channel_id     UUID NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    level          SMALLINT NOT NULL CHECK (level BETWEEN 0 AND 2),
    price_usd      NUMERIC(8, 2) NOT NULL CHECK (price_usd BETWEEN 0.01 AND 9999.99),
    duration_days  INT NOT NULL CHECK (duration_days BETWEEN 1 AND 999 OR duration_days = 36500),
    PRIMARY KEY (channel_id, level)
);
