//! Proof that a channel's owner administers its chats: who holds which chat ids, and detaching others.

use sqlx::PgConnection;
use uuid::Uuid;

/// What a readiness check needs to know before asking Telegram.
#[derive(Debug, Clone)]
pub struct ControlFacts {
    pub owner_id: Uuid,
    pub open_channel_id: i64,
    pub closed_channel_id: i64,
    /// The owner's linked Telegram account (the `/link` flow), if any.
    pub owner_telegram_user_id: Option<i64>,
    /// Another live channel whose owner proved control holds one of these chats.
    pub held_by_other: bool,
}

/// The facts of a live channel; `None` when it does not exist or was deleted.
pub async fn facts(conn: &mut PgConnection, id: Uuid) -> Result<Option<ControlFacts>, sqlx::Error> {
    sqlx::query_as!(
        ControlFacts,
        r#"SELECT c.owner_id, c.open_channel_id, c.closed_channel_id, u.telegram_user_id AS owner_telegram_user_id,
                  EXISTS (SELECT 1 FROM channels o
                          WHERE o.deleted_at IS NULL AND o.proven_at IS NOT NULL AND o.id <> c.id
                            AND (o.open_channel_id IN (c.open_channel_id, c.closed_channel_id)
                              OR o.closed_channel_id IN (c.open_channel_id, c.closed_channel_id))) AS "held_by_other!"
           FROM channels c JOIN users u ON u.id = c.owner_id
           WHERE c.id = $1 AND c.deleted_at IS NULL"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// True when registering `open`/`closed` (for `owner`, as channel `except` when editing) would clash:
/// a proven live channel of anyone, or any live channel of the same owner, already names one of them.
pub async fn chat_ids_taken(
    conn: &mut PgConnection,
    owner: Uuid,
    except: Option<Uuid>,
    open: i64,
    closed: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM channels
                          WHERE deleted_at IS NULL AND id IS DISTINCT FROM $2
                            AND (proven_at IS NOT NULL OR owner_id = $1)
                            AND (open_channel_id IN ($3, $4) OR closed_channel_id IN ($3, $4))) AS "taken!""#,
        owner,
        except,
        open,
        closed
    )
    .fetch_one(conn)
    .await
}

/// How a readiness check changes the stored proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofChange {
    /// The owner's account `telegram_user_id` administers both chats: record it and hold the chat ids.
    Proven { telegram_user_id: i64 },
    /// Telegram said the account does not administer them (or there is no linked account): drop it.
    Cleared,
    /// Another proven channel holds the chats: drop any proof and mark the channel detached.
    Detached,
    /// Telegram could not answer: leave the proof as it was.
    Kept,
}

/// One readiness check to store, with the facts it was judged on.
#[derive(Debug)]
pub struct Check<'a> {
    pub id: Uuid,
    pub facts: &'a ControlFacts,
    pub readiness: &'a serde_json::Value,
    pub change: ProofChange,
}

/// Stores a readiness check and its proof change on a (locked) live channel; false (nothing stored)
/// when the channel's chat ids or its owner's linked account changed since the facts were read. A
/// proof for chat ids another proven channel holds fails with [`crate::channels::is_chat_id_taken`].
pub async fn record_check(conn: &mut PgConnection, check: &Check<'_>) -> Result<bool, sqlx::Error> {
    let (proven_tg, clear, detach) = match check.change {
        ProofChange::Proven { telegram_user_id } => (Some(telegram_user_id), false, false),
        ProofChange::Cleared => (None, true, false),
        ProofChange::Detached => (None, true, true),
        ProofChange::Kept => (None, false, false),
    };
    let facts = check.facts;
    let stored = sqlx::query!(
        "UPDATE channels SET readiness = $2,
             proven_at = CASE WHEN $3::bigint IS NOT NULL
                              THEN CASE WHEN proven_telegram_user_id = $3 THEN proven_at ELSE now() END
                              WHEN $4 THEN NULL ELSE proven_at END,
             proven_telegram_user_id = CASE WHEN $3::bigint IS NOT NULL THEN $3
                                            WHEN $4 THEN NULL ELSE proven_telegram_user_id END,
             detached_at = CASE WHEN $3::bigint IS NOT NULL THEN NULL
                                WHEN $5 THEN COALESCE(detached_at, now()) ELSE detached_at END
         WHERE id = $1 AND deleted_at IS NULL AND open_channel_id = $6 AND closed_channel_id = $7
           AND (SELECT telegram_user_id FROM users WHERE users.id = channels.owner_id) IS NOT DISTINCT FROM $8",
        check.id,
        check.readiness,
        proven_tg,
        clear,
        detach,
        facts.open_channel_id,
        facts.closed_channel_id,
        facts.owner_telegram_user_id,
    )
    .execute(&mut *conn)
    .await?;
    if stored.rows_affected() == 0 {
        return Ok(false);
    }
    register_chats_if_proven(conn, check.id).await?;
    Ok(true)
}

/// Puts a proven channel's two chat ids in the platform-wide registry (and a channel without a proof
/// out of it); a chat id held by another channel fails with [`crate::channels::is_chat_id_taken`].
pub async fn register_chats_if_proven(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM channel_chats WHERE channel_id = $1", id).execute(&mut *conn).await?;
    sqlx::query!(
        "INSERT INTO channel_chats (chat_id, channel_id)
         SELECT chat_id, id FROM channels, UNNEST(ARRAY[open_channel_id, closed_channel_id]) AS chat_id
         WHERE id = $1 AND deleted_at IS NULL AND proven_at IS NOT NULL",
        id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks every other live, unproven channel naming `open` or `closed` detached, with `readiness` (what
/// its owner is told); returns their ids.
pub async fn detach_others(
    conn: &mut PgConnection,
    id: Uuid,
    open: i64,
    closed: i64,
    readiness: &serde_json::Value,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE channels SET detached_at = now(), readiness = $4
         WHERE deleted_at IS NULL AND proven_at IS NULL AND id <> $1 AND detached_at IS NULL
           AND (open_channel_id IN ($2, $3) OR closed_channel_id IN ($2, $3))
         RETURNING id",
        id,
        open,
        closed,
        readiness
    )
    .fetch_all(conn)
    .await
}

/// After Telegram account `telegram_user_id` was linked to `owner`: every proof made by an account
/// that is no longer linked to the channel's owner (the owner's previous account, or this account on
/// its previous owner's channels) is dropped, with readiness `unproven`. Returns the channels that were
/// ready, whose owners are told.
pub async fn revoke_stale_proofs(
    conn: &mut PgConnection,
    owner: Uuid,
    telegram_user_id: i64,
    unproven: &serde_json::Value,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let revoked = sqlx::query!(
        r#"UPDATE channels c SET proven_at = NULL, proven_telegram_user_id = NULL, readiness = $3
           FROM (SELECT id, COALESCE((readiness->>'ready')::boolean, false) AS was_ready FROM channels
                 WHERE deleted_at IS NULL AND proven_at IS NOT NULL
                   AND ((owner_id = $1 AND proven_telegram_user_id <> $2)
                     OR (owner_id <> $1 AND proven_telegram_user_id = $2))
                 FOR UPDATE) old
           WHERE c.id = old.id
           RETURNING c.id, old.was_ready AS "was_ready!""#,
        owner,
        telegram_user_id,
        unproven
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = revoked.iter().map(|r| r.id).collect();
    sqlx::query!("DELETE FROM channel_chats WHERE channel_id = ANY($1)", &ids).execute(conn).await?;
    Ok(revoked.into_iter().filter(|r| r.was_ready).map(|r| r.id).collect())
}

/// Proven live channels whose last check ran before `before` (or never), oldest first.
pub async fn due_for_recheck(
    conn: &mut PgConnection,
    before: chrono::DateTime<chrono::Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM channels
         WHERE deleted_at IS NULL AND proven_at IS NOT NULL
           AND COALESCE((readiness->>'checked_at')::timestamptz, '-infinity') < $1
         ORDER BY COALESCE((readiness->>'checked_at')::timestamptz, '-infinity'), id
         LIMIT $2",
        before,
        limit
    )
    .fetch_all(conn)
    .await
}
