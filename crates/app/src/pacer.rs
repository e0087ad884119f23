//! Telegram send pacing across every instance: reserve a global and a per-chat slot before each call.
//!
//! Global slots form a calendar in PostgreSQL (one send per `GLOBAL_SPACING`, unique across
//! instances); a chat's next slot is at least `chat_spacing` after its previous one. A send takes the
//! first free global slot at or after the chat's next time, so sends never bunch up and a chat that
//! must wait does not hold back other chats.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// One global slot per 35 ms: at most 29 sends in any second, under Telegram's ~30/s with room for jitter.
pub const GLOBAL_SPACING: Duration = Duration::from_millis(35);
/// Private chats: 1 message per second, plus margin for network jitter.
pub const PRIVATE_CHAT_SPACING: Duration = Duration::from_millis(1100);
/// Groups and channels (negative ids): 20 messages per minute, plus margin.
pub const GROUP_CHAT_SPACING: Duration = Duration::from_millis(3100);

/// How far ahead to look for a free global slot in one query (about 70 s at 35 ms).
const HORIZON_SLOTS: i64 = 2000;
/// Reservation attempts before giving up (each retry follows a slot taken concurrently).
const MAX_ATTEMPTS: u32 = 20;

/// The spacing between two sends to `chat_id`.
pub fn chat_spacing(chat_id: i64) -> Duration {
    if chat_id < 0 { GROUP_CHAT_SPACING } else { PRIVATE_CHAT_SPACING }
}

/// A reserved send: when it may happen, and how long the caller must wait for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub at: DateTime<Utc>,
    pub wait: Duration,
}

/// Reserves the next send to `chat_id` and returns how long to sleep before making it.
pub async fn reserve_slot(pool: &PgPool, chat_id: i64) -> Result<Duration, sqlx::Error> {
    Ok(reserve(pool, chat_id).await?.wait)
}

/// `reserve_slot` with the reserved instant (database clock), for schedules and tests.
#[tracing::instrument(skip(pool))]
pub async fn reserve(pool: &PgPool, chat_id: i64) -> Result<Reservation, sqlx::Error> {
    let spacing = micros(GLOBAL_SPACING);
    let chat_gap = chrono::TimeDelta::microseconds(micros(chat_spacing(chat_id)));
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = pool.begin().await?;
        // Lock order is always chat row, then slots: concurrent reservers of one chat queue here.
        let chat_next = paygate_db::telegram_pacing::lock_chat(&mut tx, chat_id).await?;
        let paused = paygate_db::telegram_pacing::paused_until(&mut tx).await?;
        let earliest = chat_next.max(paused);
        let Some(slot) =
            paygate_db::telegram_pacing::reserve_slot(&mut tx, earliest, spacing, HORIZON_SLOTS).await?
        else {
            tx.rollback().await?;
            continue;
        };
        paygate_db::telegram_pacing::set_chat_next(&mut tx, chat_id, slot.at + chat_gap).await?;
        tx.commit().await?;
        let wait = Duration::from_micros(u64::try_from(slot.wait_micros).unwrap_or(0));
        return Ok(Reservation { at: slot.at, wait });
    }
    tracing::warn!(kind = "telegram", chat_id, "no free Telegram send slot found");
    Err(sqlx::Error::Protocol(format!("no free Telegram send slot after {MAX_ATTEMPTS} attempts")))
}

/// After a 429: no send is scheduled before `retry_after` from now, on any instance.
#[tracing::instrument(skip(pool))]
/// Reserves a global slot only, for admin actions (bans, unbans, invite links, join requests): they
/// count against the bot's overall rate, not against any chat's message rate.
pub async fn reserve_global_slot(pool: &PgPool) -> Result<Duration, sqlx::Error> {
    let spacing = micros(GLOBAL_SPACING);
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = pool.begin().await?;
        let paused = paygate_db::telegram_pacing::paused_until(&mut tx).await?;
        let Some(slot) =
            paygate_db::telegram_pacing::reserve_slot(&mut tx, paused, spacing, HORIZON_SLOTS).await?
        else {
            tx.rollback().await?;
            continue;
        };
        tx.commit().await?;
        return Ok(Duration::from_micros(u64::try_from(slot.wait_micros).unwrap_or(0)));
    }
    Err(sqlx::Error::Protocol(format!("no free Telegram send slot after {MAX_ATTEMPTS} attempts")))
}

pub async fn back_off(pool: &PgPool, retry_after: Duration) -> Result<(), sqlx::Error> {
    let until = Utc::now() + chrono::TimeDelta::microseconds(micros(retry_after));
    let mut conn = pool.acquire().await?;
    paygate_db::telegram_pacing::pause_until(&mut conn, until).await?;
    Ok(())
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}
