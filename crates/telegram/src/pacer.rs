//! Telegram send pacing across every instance: reserve a global and a per-chat slot before each call.
//!
//! Global slots form a calendar in PostgreSQL (one send per `spacing.global`, unique across
//! instances; every instance must run with the same limits); a chat's next slot is at least its
//! chat spacing after its previous one. A send takes the first free global slot at or after the
//! chat's next time, so sends never bunch up and a chat that must wait does not hold back other
//! chats. The spacings (`TelegramLimits::spacing`) leave room for a send made up to [`LATE_MARGIN`]
//! after its slot plus the network's jitter on the way to Telegram; a send that would be later than
//! `LATE_MARGIN` reserves a new slot instead.

use std::time::Duration;

use chrono::{DateTime, Utc};
use paygate_domain::telegram_limits::{SendSpacing, TelegramLimits};
use sqlx::PgPool;
use tokio::time::Instant;

/// A send may happen at most this long after its reserved instant; later, it reserves again.
pub const LATE_MARGIN: Duration = Duration::from_millis(60);
/// Room for the network between this process and Telegram (`PAYGATE_TELEGRAM_NETWORK_ALLOWANCE`):
/// with it, Telegram's standard limits give one global slot per 40 ms (25 calls/s).
pub const DEFAULT_NETWORK_ALLOWANCE: Duration = Duration::from_millis(140);

/// How far ahead to look for a free global slot in one query.
const HORIZON_SLOTS: i64 = 2000;
/// Reservation attempts before giving up (each retry follows a slot taken concurrently).
const MAX_ATTEMPTS: u32 = 20;

/// The spacings that keep within `limits` when sends reach Telegram up to `LATE_MARGIN` plus
/// `network_allowance` after their slot.
pub fn spacing(limits: TelegramLimits, network_allowance: Duration) -> SendSpacing {
    limits.spacing(LATE_MARGIN + network_allowance)
}

/// The spacings of Telegram's standard limits with the default network allowance.
pub fn standard_spacing() -> SendSpacing {
    spacing(TelegramLimits::STANDARD, DEFAULT_NETWORK_ALLOWANCE)
}

/// A reserved send: when it may happen (database clock), how long the caller must wait for it, and
/// the local window in which the send keeps the pacer's promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub at: DateTime<Utc>,
    pub wait: Duration,
    /// Local instant not before the reserved slot (the latest estimate of it): sleep until then.
    pub not_before: Instant,
    /// Local instant after which the send is too late (earliest estimate of the slot + `LATE_MARGIN`,
    /// or at least half the margin after `not_before`).
    pub stale_after: Instant,
}

impl Reservation {
    fn new(at: DateTime<Utc>, wait_micros: i64, asked: Instant, answered: Instant) -> Self {
        let wait = Duration::from_micros(u64::try_from(wait_micros).unwrap_or(0));
        // The database computed `wait` somewhere between `asked` and `answered`: sleep until the
        // latest estimate, and count lateness from the earliest. A round trip too slow to tell the two
        // apart (a remote database) still allows half the margin after waking, so sends never stall.
        let not_before = answered + wait;
        let stale_after = (asked + wait + LATE_MARGIN).max(not_before + LATE_MARGIN / 2);
        Self { at, wait, not_before, stale_after }
    }

    /// Whether a send made now would still be within `LATE_MARGIN` of the reserved slot.
    pub fn still_on_time(&self) -> bool {
        Instant::now() <= self.stale_after
    }
}

/// Reserves the next send to `chat_id`: its instant (database clock) and how long to wait for it.
#[tracing::instrument(skip(pool, spacing))]
pub async fn reserve(pool: &PgPool, spacing: &SendSpacing, chat_id: i64) -> Result<Reservation, sqlx::Error> {
    let global = micros(spacing.global);
    let chat_gap = chrono::TimeDelta::microseconds(micros(spacing.chat(chat_id)));
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = pool.begin().await?;
        paygate_db::telegram_pacing::without_flush_wait(&mut tx).await?;
        // Lock order is always chat row, then slots: concurrent reservers of one chat queue here.
        let chat_next = paygate_db::telegram_pacing::lock_chat(&mut tx, chat_id).await?;
        let paused = paygate_db::telegram_pacing::paused_until(&mut tx).await?;
        let earliest = chat_next.max(paused);
        paygate_db::telegram_pacing::lock_calendar(&mut tx).await?;
        let asked = Instant::now();
        let Some(slot) =
            paygate_db::telegram_pacing::reserve_slot(&mut tx, earliest, global, HORIZON_SLOTS).await?
        else {
            tx.rollback().await?;
            continue;
        };
        let answered = Instant::now();
        paygate_db::telegram_pacing::set_chat_next(&mut tx, chat_id, slot.at + chat_gap).await?;
        tx.commit().await?;
        return Ok(Reservation::new(slot.at, slot.wait_micros, asked, answered));
    }
    tracing::warn!(kind = "telegram", chat_id, "no free Telegram send slot found");
    Err(sqlx::Error::Protocol(format!("no free Telegram send slot after {MAX_ATTEMPTS} attempts")))
}

/// Reserves a global slot only, for admin actions (bans, unbans, invite links, join requests): they
/// count against the bot's overall rate, not against any chat's message rate.
#[tracing::instrument(skip(pool, spacing))]
pub async fn reserve_global(pool: &PgPool, spacing: &SendSpacing) -> Result<Reservation, sqlx::Error> {
    let spacing = micros(spacing.global);
    for _ in 0..MAX_ATTEMPTS {
        let mut tx = pool.begin().await?;
        paygate_db::telegram_pacing::without_flush_wait(&mut tx).await?;
        let paused = paygate_db::telegram_pacing::paused_until(&mut tx).await?;
        paygate_db::telegram_pacing::lock_calendar(&mut tx).await?;
        let asked = Instant::now();
        let Some(slot) =
            paygate_db::telegram_pacing::reserve_slot(&mut tx, paused, spacing, HORIZON_SLOTS).await?
        else {
            tx.rollback().await?;
            continue;
        };
        let answered = Instant::now();
        tx.commit().await?;
        return Ok(Reservation::new(slot.at, slot.wait_micros, asked, answered));
    }
    Err(sqlx::Error::Protocol(format!("no free Telegram send slot after {MAX_ATTEMPTS} attempts")))
}

/// Whether a 429 pause is in force now (checked again at send time: reservations made before a
/// 429 must not fire into the pause).
pub async fn is_paused(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    paygate_db::telegram_pacing::is_paused(&mut conn).await
}

/// After a 429: no send is scheduled before `retry_after` from now, on any instance.
#[tracing::instrument(skip(pool))]
pub async fn back_off(pool: &PgPool, retry_after: Duration) -> Result<(), sqlx::Error> {
    let until = Utc::now() + chrono::TimeDelta::microseconds(micros(retry_after));
    let mut conn = pool.acquire().await?;
    paygate_db::telegram_pacing::pause_until(&mut conn, until).await?;
    Ok(())
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reservation(round_trip: Duration, wait: Duration) -> Reservation {
        let answered = Instant::now();
        let micros = i64::try_from(wait.as_micros()).unwrap_or(0);
        Reservation::new(Utc::now(), micros, answered - round_trip, answered)
    }

    #[test]
    fn lateness_counts_from_the_earliest_estimate_of_the_slot() {
        let fast = reservation(Duration::from_millis(1), Duration::from_millis(200));
        assert_eq!(fast.stale_after, fast.not_before - Duration::from_millis(1) + LATE_MARGIN);
        // Woken 100 ms after the slot (a stalled process): too late, whatever the load.
        let stalled = Reservation { not_before: fast.not_before - Duration::from_secs(1), ..fast };
        let stalled = Reservation {
            stale_after: stalled.not_before + LATE_MARGIN - Duration::from_millis(100),
            ..stalled
        };
        assert!(!stalled.still_on_time());
    }

    #[test]
    fn a_slow_database_round_trip_still_allows_half_the_margin_after_waking() {
        let slow = reservation(Duration::from_millis(500), Duration::ZERO);
        assert_eq!(slow.stale_after, slow.not_before + LATE_MARGIN / 2);
    }
}
