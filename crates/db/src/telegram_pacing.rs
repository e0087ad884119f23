//! Telegram send pacing shared by every instance: global slot calendar, per-chat next times, 429 pauses.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Lets the caller's transaction commit without waiting for its WAL flush. Pacing rows are advisory:
/// a reservation lost in a database crash only lets a later one take the same slot again once (at worst
/// a 429, which pauses every sender), while waiting for the flush made every reserved send cost one.
pub async fn without_flush_wait(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SET LOCAL synchronous_commit = off").execute(conn).await.map(|_| ())
}

/// Locks `chat_id`'s pacing row for the caller's transaction and returns its earliest next send.
pub async fn lock_chat(conn: &mut PgConnection, chat_id: i64) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO telegram_chat_pacing AS c (chat_id, next_at) VALUES ($1, '1970-01-01 00:00:00+00')
           ON CONFLICT (chat_id) DO UPDATE SET next_at = c.next_at
           RETURNING next_at"#,
        chat_id
    )
    .fetch_one(conn)
    .await
}

/// Sets `chat_id`'s earliest next send (its row must be locked by `lock_chat`).
pub async fn set_chat_next(
    conn: &mut PgConnection,
    chat_id: i64,
    next_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE telegram_chat_pacing SET next_at = $2 WHERE chat_id = $1", chat_id, next_at)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The global pause after a 429 (in the past when there is none).
pub async fn paused_until(conn: &mut PgConnection) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar!("SELECT paused_until FROM telegram_pacing WHERE id = 1").fetch_one(conn).await
}

/// Whether the global pause after a 429 lasts beyond now (database clock).
pub async fn is_paused(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT paused_until > now() AS "paused!" FROM telegram_pacing WHERE id = 1"#)
        .fetch_one(conn)
        .await
}

/// Pauses every send until at least `until` (never shortens a longer pause).
pub async fn pause_until(
    conn: &mut PgConnection,
    until: DateTime<Utc>,
) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE telegram_pacing SET paused_until = GREATEST(paused_until, $1) WHERE id = 1 RETURNING paused_until",
        until
    )
    .fetch_one(conn)
    .await
}

/// A reserved global slot: its index, its instant, and how long from the database's clock until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub slot: i64,
    pub at: DateTime<Utc>,
    pub wait_micros: i64,
}

/// Queues the caller's transaction behind every other reserver of global slots (on any instance)
/// until it ends: reservers never race for the same free slot. Take it after any chat row lock.
pub async fn lock_calendar(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('paygate.telegram_send_slots', 0))")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Reserves the first free global slot at or after `earliest`, slots being `spacing_micros` apart.
///
/// The first free slot is `first` itself, or the first reserved slot from `first` on whose successor
/// is free: only the slots reserved ahead (the sends in flight) are looked at, never the whole
/// horizon or the whole calendar. `None` when it lies more than `horizon` slots ahead or a concurrent
/// reserver took it first (call again). Slots that ended more than a minute ago are purged on the
/// way, skipping rows another reserver is purging.
pub async fn reserve_slot(
    conn: &mut PgConnection,
    earliest: DateTime<Utc>,
    spacing_micros: i64,
    horizon: i64,
) -> Result<Option<Slot>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH bounds AS (
               SELECT ceil(extract(epoch FROM GREATEST($1, clock_timestamp())) * 1000000 / $2::bigint)::bigint AS first,
                      floor(extract(epoch FROM clock_timestamp() - interval '1 minute') * 1000000 / $2::bigint)::bigint
                          AS stale
           ), purged AS (
               DELETE FROM telegram_send_slots WHERE slot IN (
                   SELECT slot FROM telegram_send_slots, bounds WHERE slot < bounds.stale
                   FOR UPDATE OF telegram_send_slots SKIP LOCKED)
           ), free AS (
               SELECT CASE
                   WHEN NOT EXISTS (SELECT 1 FROM telegram_send_slots t WHERE t.slot = b.first) THEN b.first
                   ELSE (SELECT t.slot + 1 FROM telegram_send_slots t
                         WHERE t.slot >= b.first
                           AND NOT EXISTS (SELECT 1 FROM telegram_send_slots u WHERE u.slot = t.slot + 1)
                         ORDER BY t.slot LIMIT 1)
               END AS slot, b.first
               FROM bounds b
           ), reserved AS (
               INSERT INTO telegram_send_slots (slot)
               SELECT free.slot FROM free WHERE free.slot <= free.first + $3::bigint
               ON CONFLICT DO NOTHING
               RETURNING slot
           )
           SELECT slot AS "slot!",
                  to_timestamp(0) + (slot * $2::bigint) * interval '1 microsecond' AS "at!",
                  (extract(epoch FROM to_timestamp(0) + (slot * $2::bigint) * interval '1 microsecond' - clock_timestamp())
                      * 1000000)::bigint AS "wait_micros!"
           FROM reserved"#,
        earliest,
        spacing_micros,
        horizon
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| Slot { slot: row.slot, at: row.at, wait_micros: row.wait_micros }))
}

/// Forgets chats with no send planned since `before` (housekeeping).
pub async fn purge_chats_idle_since(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("DELETE FROM telegram_chat_pacing WHERE next_at < $1", before).execute(conn).await?;
    Ok(done.rows_affected())
}
