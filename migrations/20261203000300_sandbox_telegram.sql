-- Sandbox Telegram (used when no bot token is configured): the world a Bot API stand-in keeps —
-- people, the owners' channels, messages with their keyboards, invite links, join requests,
-- memberships and the update queue the bot polls. All of it here, so a restart loses nothing.

-- Sandbox people. Ids are positive like Telegram's user ids; `started` once they wrote to the bot
-- (Telegram lets a bot message only people who started it).
CREATE SEQUENCE IF NOT EXISTS sandbox_telegram_user_seq START 100000001;
CREATE TABLE IF NOT EXISTS sandbox_telegram_users (
    id BIGINT PRIMARY KEY DEFAULT nextval('sandbox_telegram_user_seq') CHECK (id > 0),
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 64),
    username TEXT UNIQUE CHECK (username ~ '^[A-Za-z][A-Za-z0-9_]{4,31}$'),
    started BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Sandbox channels: `-100` followed by ten digits; the bot administers every one with every right.
CREATE SEQUENCE IF NOT EXISTS sandbox_telegram_chat_seq START 1000000001 MAXVALUE 9999999999;
CREATE TABLE IF NOT EXISTS sandbox_telegram_chats (
    id BIGINT PRIMARY KEY DEFAULT -(1000000000000 + nextval('sandbox_telegram_chat_seq'))
        CHECK (id BETWEEN -1009999999999 AND -1001000000000),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 128),
    kind TEXT NOT NULL CHECK (kind IN ('open', 'closed')),
    creator_id BIGINT NOT NULL REFERENCES sandbox_telegram_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Who is in which channel; no row means `left`.
CREATE TABLE IF NOT EXISTS sandbox_telegram_members (
    chat_id BIGINT NOT NULL REFERENCES sandbox_telegram_chats (id),
    user_id BIGINT NOT NULL REFERENCES sandbox_telegram_users (id),
    status TEXT NOT NULL CHECK (status IN ('creator', 'member', 'left', 'kicked')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, user_id)
);

-- Messages of private chats (chat id = the person's id) and of channels, both directions. Ids come
-- from one sequence: unique per chat, as Telegram's are.
CREATE SEQUENCE IF NOT EXISTS sandbox_telegram_message_seq;
CREATE TABLE IF NOT EXISTS sandbox_telegram_messages (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL DEFAULT nextval('sandbox_telegram_message_seq'),
    from_bot BOOLEAN NOT NULL,
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
    -- The Bot API `InlineKeyboardMarkup` the bot sent, as it sent it.
    keyboard JSONB,
    deleted BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    edited_at TIMESTAMPTZ,
    PRIMARY KEY (chat_id, message_id)
);

-- Invite links the bot created. `member_limit` and `creates_join_request` exclude each other.
CREATE TABLE IF NOT EXISTS sandbox_telegram_invite_links (
    link TEXT PRIMARY KEY,
    chat_id BIGINT NOT NULL REFERENCES sandbox_telegram_chats (id),
    name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 32),
    expire_at TIMESTAMPTZ,
    member_limit INTEGER CHECK (member_limit BETWEEN 1 AND 99999),
    creates_join_request BOOLEAN NOT NULL,
    uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    revoked BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (NOT (creates_join_request AND member_limit IS NOT NULL)),
    CHECK (member_limit IS NULL OR uses <= member_limit)
);

-- Join requests through join-request links: pending until the bot approves or declines.
CREATE TABLE IF NOT EXISTS sandbox_telegram_join_requests (
    id BIGSERIAL PRIMARY KEY,
    chat_id BIGINT NOT NULL REFERENCES sandbox_telegram_chats (id),
    user_id BIGINT NOT NULL REFERENCES sandbox_telegram_users (id),
    link TEXT NOT NULL REFERENCES sandbox_telegram_invite_links (link),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX IF NOT EXISTS sandbox_telegram_one_pending_request
    ON sandbox_telegram_join_requests (chat_id, user_id) WHERE status = 'pending';

-- Button presses (the callback query id is the row id) and the bot's answer (toast) to each.
CREATE TABLE IF NOT EXISTS sandbox_telegram_callbacks (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES sandbox_telegram_users (id),
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    data TEXT NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 64),
    answered BOOLEAN NOT NULL DEFAULT false,
    toast TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Updates for the bot, in Bot API JSON without `update_id` (the row id is it). A `getUpdates` with
-- `offset` forgets the ones before it, as Telegram does.
CREATE TABLE IF NOT EXISTS sandbox_telegram_updates (
    update_id BIGSERIAL PRIMARY KEY,
    body JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
