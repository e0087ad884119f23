//! Member removals (ban, then unban) recorded step by step, so a retried job never bans twice.

use chrono::{DateTime, Utc};
pub use paygate_domain::status::RemovalState;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::decoded;

#[derive(Debug, Clone)]
pub struct RemovalRow {
    pub id: Uuid,
    pub chat_id: i64,
    pub telegram_user_id: i64,
    pub subscription_id: Option<Uuid>,
    pub for_expiry: Option<DateTime<Utc>>,
    pub invite_id: Option<Uuid>,
    pub state: RemovalState,
    pub holder: Option<String>,
    /// Whether `holder` still holds it (its `held_until` is in the future).
    pub held: bool,
}

/// The removal of `subscription_id` for its expiry `for_expiry`, created on first use; returns its id.
pub async fn for_expiry(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    for_expiry: DateTime<Utc>,
    chat_id: i64,
    user: i64,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "WITH created AS (
             INSERT INTO member_removals (id, chat_id, telegram_user_id, subscription_id, for_expiry)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (subscription_id, for_expiry) WHERE for_expiry IS NOT NULL DO NOTHING
             RETURNING id)
         SELECT id AS \"id!\" FROM created
         UNION ALL
         SELECT id FROM member_removals WHERE subscription_id = $4 AND for_expiry = $5",
        Uuid::now_v7(),
        chat_id,
        user,
        subscription_id,
        for_expiry
    )
    .fetch_one(conn)
    .await
}

/// The removal of `user`, who joined `chat_id` with someone else's `invite_id`; `None` when it exists.
pub async fn create_for_intruder(
    conn: &mut PgConnection,
    invite_id: Uuid,
    chat_id: i64,
    user: i64,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO member_removals (id, chat_id, telegram_user_id, invite_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (invite_id, telegram_user_id) WHERE invite_id IS NOT NULL DO NOTHING
         RETURNING id",
        Uuid::now_v7(),
        chat_id,
        user,
        invite_id
    )
    .fetch_optional(conn)
    .await
}

/// Locks a removal for the caller's transaction.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<RemovalRow>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id, chat_id, telegram_user_id, subscription_id, for_expiry, invite_id,
                  state::text AS "state!", holder,
                  COALESCE(held_until > now(), false) AS "held!"
           FROM member_removals WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(RemovalRow {
            id: r.id,
            chat_id: r.chat_id,
            telegram_user_id: r.telegram_user_id,
            subscription_id: r.subscription_id,
            for_expiry: r.for_expiry,
            invite_id: r.invite_id,
            state: decoded(RemovalState::parse(&r.state))?,
            holder: r.holder,
            held: r.held,
        })
    })
    .transpose()
}

/// Moves a locked removal to `state`, held by `holder` for `hold_secs` more seconds.
pub async fn set_state(
    conn: &mut PgConnection,
    id: Uuid,
    state: RemovalState,
    holder: &str,
    hold_secs: f64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE member_removals SET state = $2::text::member_removal_state, holder = $3,
             held_until = now() + make_interval(secs => $4),
             banned_at = CASE WHEN $2::text = 'banned' AND banned_at IS NULL
                              THEN now() ELSE banned_at END,
             unbanned_at = CASE WHEN $2::text IN ('removed', 'readmitted')
                                     AND state IN ('banned', 'unbanning')
                                THEN now() ELSE unbanned_at END,
             updated_at = now()
         WHERE id = $1",
        id,
        state.as_str(),
        holder,
        hold_secs
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Lets the next attempt start at once (after a failure of `holder`'s attempt).
pub async fn release(conn: &mut PgConnection, id: Uuid, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE member_removals SET held_until = NULL, updated_at = now() WHERE id = $1 AND holder = $2",
        id,
        holder
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes finished removals (done, cancelled or readmitted) last changed before `before`; the
/// expiry they were for is long past, so no retry can need them. Returns how many were deleted.
pub async fn purge_finished_before(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM member_removals
         WHERE state IN ('removed', 'cancelled', 'readmitted') AND updated_at < $1",
        before
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
