-- Telegram send pacing shared by every instance: a calendar of global send slots (one send per slot),
-- each chat's earliest next send, and a global pause after a 429.

-- The single row (id = 1) holds the pause Telegram asked for with `retry_after`.
CREATE TABLE telegram_pacing (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    paused_until  TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00'
);
INSERT INTO telegram_pacing (id) VALUES (1);

-- A reserved global slot: the send happens at `slot × spacing` after the Unix epoch. The primary key
-- makes two reservations of one slot impossible, across instances; old slots are purged as we go.
CREATE TABLE telegram_send_slots (
    slot  BIGINT PRIMARY KEY
);

-- When the next send to a chat may happen (sign kept: channels and groups are negative).
CREATE TABLE telegram_chat_pacing (
    chat_id  BIGINT PRIMARY KEY,
    next_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX telegram_chat_pacing_next_at ON telegram_chat_pacing (next_at);
