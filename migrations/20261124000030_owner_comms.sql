-- Owner communication: linking an owner's Telegram account, notification delivery state, and the
-- offer message the bot keeps posted in each open channel.

ALTER TABLE users ADD COLUMN telegram_user_id BIGINT UNIQUE CHECK (telegram_user_id > 0);

-- One-time codes an owner sends to the bot with /link (stored hashed; 10 minutes; single use).
CREATE TABLE telegram_link_codes (
    code_hash   BYTEA PRIMARY KEY CHECK (octet_length(code_hash) = 32),
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX telegram_link_codes_user ON telegram_link_codes (user_id);

-- The owner blocked the bot (or the chat is gone): notifications stop and the dashboard says so.
ALTER TABLE channels ADD COLUMN notify_blocked_at TIMESTAMPTZ;
ALTER TABLE channels ADD COLUMN notify_blocked_reason TEXT;

-- The offer message in the open channel.
ALTER TABLE channels ADD COLUMN offer_message_id BIGINT;
ALTER TABLE channels ADD COLUMN offer_posted_at TIMESTAMPTZ;
ALTER TABLE channels ADD COLUMN offer_error TEXT;
ALTER TABLE channels ADD COLUMN offer_error_at TIMESTAMPTZ;
-- Last manual re-post (owners may trigger one every 5 minutes).
ALTER TABLE channels ADD COLUMN offer_requested_at TIMESTAMPTZ;
