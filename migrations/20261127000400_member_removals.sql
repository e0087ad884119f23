-- Effectively-once removals from closed channels, invite joins in member_limit mode, and the
-- per-subscription limit on invite re-issues.

-- A removal (ban, then unban so the person may come back later) of one person from one chat. Each
-- step is recorded before Telegram is asked (`banning`, `unbanning`) and after it answered
-- (`banned`, `removed`), so a retried job never repeats a step that was done; an unknown outcome
-- is settled by asking Telegram for the member's status. `holder` is the job attempt working on it
-- (until `held_until`), so an attempt re-run after a lease expiry never acts beside the first one.
DO $$ BEGIN
    CREATE TYPE member_removal_state AS ENUM
        ('pending', 'banning', 'banned', 'unbanning', 'removed', 'cancelled', 'readmitted');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS member_removals (
    id                UUID PRIMARY KEY,
    chat_id           BIGINT NOT NULL,
    telegram_user_id  BIGINT NOT NULL,
    -- An expired subscription's removal: the subscription and the expiry it is for.
    subscription_id   UUID REFERENCES subscriptions (id) ON DELETE CASCADE,
    for_expiry        TIMESTAMPTZ,
    -- An intruder's removal: the subscriber's link they joined with.
    invite_id         UUID REFERENCES invites (id) ON DELETE CASCADE,
    state             member_removal_state NOT NULL DEFAULT 'pending',
    holder            TEXT,
    held_until        TIMESTAMPTZ,
    banned_at         TIMESTAMPTZ,
    unbanned_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS member_removals_expiry
    ON member_removals (subscription_id, for_expiry) WHERE for_expiry IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS member_removals_intruder
    ON member_removals (invite_id, telegram_user_id) WHERE invite_id IS NOT NULL;

-- Who joined with each link (from `chat_member` updates), and whether they were a paying member.
CREATE TABLE IF NOT EXISTS invite_joins (
    invite_id         UUID NOT NULL REFERENCES invites (id) ON DELETE CASCADE,
    telegram_user_id  BIGINT NOT NULL,
    chat_id           BIGINT NOT NULL,
    paying            BOOLEAN NOT NULL,
    joined_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (invite_id, telegram_user_id)
);

-- Links the subscriber asked for ("New link"), counted by the re-issue limit.
ALTER TABLE invites ADD COLUMN IF NOT EXISTS requested BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS invites_requested
    ON invites (subscription_id, created_at) WHERE requested;
