-- Proof of control (SPEC §3.2): a channel is ready only when the owner's linked Telegram account is the
-- creator or an administrator of both chats. Chat ids are unique among PROVEN live channels only, so an
-- unproven registration never blocks the chats' real administrator; when an owner proves control, other
-- unproven channels naming those chats are detached (marked; they cannot become ready).

ALTER TABLE channels ADD COLUMN proven_at TIMESTAMPTZ;
-- The linked Telegram account that was shown to administer both chats.
ALTER TABLE channels ADD COLUMN proven_telegram_user_id BIGINT;
-- Another owner proved control of a chat this channel names.
ALTER TABLE channels ADD COLUMN detached_at TIMESTAMPTZ;
ALTER TABLE channels ADD CONSTRAINT channels_proof_complete
    CHECK ((proven_at IS NULL) = (proven_telegram_user_id IS NULL));

-- Channels registered before this check existed have never proven anything: not ready until they do.
UPDATE channels
SET readiness = jsonb_build_object(
        'ready', false,
        'checked_at', readiness->'checked_at',
        'bot_configured', readiness->'bot_configured',
        'missing', jsonb_build_array('prove you administer these chats: link your Telegram account with /link '
            || 'and be the creator or an administrator of both chats, then check again'))
WHERE COALESCE((readiness->>'ready')::boolean, false);

-- Nothing is sold or posted for an unproven channel: the database refuses "ready" without a proof.
ALTER TABLE channels ADD CONSTRAINT channels_ready_needs_proof
    CHECK (NOT COALESCE((readiness->>'ready')::boolean, false) OR proven_at IS NOT NULL);

-- Uniqueness of chat ids now applies among proven live channels only.
DROP INDEX IF EXISTS channels_open_chat_live;
DROP INDEX IF EXISTS channels_closed_chat_live;
CREATE UNIQUE INDEX channels_open_chat_proven ON channels (open_channel_id)
    WHERE deleted_at IS NULL AND proven_at IS NOT NULL;
CREATE UNIQUE INDEX channels_closed_chat_proven ON channels (closed_channel_id)
    WHERE deleted_at IS NULL AND proven_at IS NOT NULL;
-- Finding every live registration of a chat (duplicate checks, detaching).
CREATE INDEX channels_open_chat_any ON channels (open_channel_id) WHERE deleted_at IS NULL;
CREATE INDEX channels_closed_chat_any ON channels (closed_channel_id) WHERE deleted_at IS NULL;

-- The registry of chat ids (one chat, one role, platform-wide) now holds proven channels only.
DELETE FROM channel_chats;
