-- Owner notifications wait here for the owner's Telegram chat; one job at a time sends them, several
-- per message, so a burst of payments does not cost one message (and one second) each.
CREATE TABLE owner_outbox (
    id         BIGSERIAL PRIMARY KEY,
    -- The notification job that added it (a retried job adds nothing twice).
    job_id     BIGINT NOT NULL UNIQUE,
    chat_id    BIGINT NOT NULL,
    channel_id UUID NOT NULL REFERENCES channels (id),
    text       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    done_at    TIMESTAMPTZ,
    -- Sent (true) or dropped because the chat refuses the bot (false); NULL while waiting.
    delivered  BOOLEAN,
    CHECK ((done_at IS NULL) = (delivered IS NULL))
);
CREATE INDEX owner_outbox_waiting ON owner_outbox (chat_id, job_id) WHERE done_at IS NULL;
CREATE INDEX owner_outbox_done ON owner_outbox (done_at) WHERE done_at IS NOT NULL;

-- Which job is sending to an owner's chat now, and until when its hold lasts.
CREATE TABLE owner_outbox_senders (
    chat_id    BIGINT PRIMARY KEY,
    holder     TEXT,
    held_until TIMESTAMPTZ
);
