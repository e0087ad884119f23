//! Telegram pacing: a backlog of expired subscriptions removed through the paced sandbox Telegram at
//! scaled flood limits (ban, unban, then the "your access ended" message: three Bot API calls each),
//! as achieved calls per second against the allowed rate, with the 429s Telegram would have answered.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::{metrics, seed::CLOSED_CHAT};

/// The sweep job the cron fires every minute, enqueued at once instead of waiting for the minute.
#[derive(Debug, Serialize, Deserialize)]
struct SweepSubscriptions {
    tick: chrono::DateTime<chrono::Utc>,
}

impl paygate_jobs::Job for SweepSubscriptions {
    const KIND: &'static str = "subscriptions.sweep";
}

/// What the pacing phase measured.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    pub expiries: i64,
    pub removed: i64,
    /// Accepted Bot API calls during the phase, and those refused with 429.
    pub calls: f64,
    pub rate_limited: f64,
    /// From the first accepted call to the last one seen.
    pub busy: Duration,
    /// From the sweep's enqueue until every removal and message was done (or the limit).
    pub elapsed: Duration,
}

impl Pacing {
    pub fn calls_per_second(&self) -> f64 {
        self.calls / self.busy.as_secs_f64().max(1e-9)
    }
}

/// `count` subscribers of the channel who joined its closed chat and whose subscription expired a
/// minute ago (the sandbox Telegram people have started the bot, so the bot may write to them).
pub async fn seed_expired(
    pool: &PgPool,
    channel_id: &str,
    first_user: i64,
    count: i64,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    crate::seed::subscribers(&mut tx, first_user, count).await?;
    sqlx::query(
        "INSERT INTO sandbox_telegram_members (chat_id, user_id, status)
         SELECT $3, $1 + n, 'member' FROM generate_series(1, $2::bigint) AS n",
    )
    .bind(first_user)
    .bind(count)
    .bind(CLOSED_CHAT)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         SELECT gen_random_uuid(), $1::uuid, $2 + n, 'active', 0, now() - interval '1 minute'
         FROM generate_series(1, $3::bigint) AS n",
    )
    .bind(channel_id)
    .bind(first_user)
    .bind(count)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE subscribers, subscriptions, sandbox_telegram_users, sandbox_telegram_members")
        .execute(pool)
        .await?;
    Ok(())
}

/// Enqueues the expiry sweep and waits until `expiries` more subscriptions of the channel were removed
/// and told so (three Bot API calls each: ban, unban, the message), or `limit` has passed; Telegram calls are read from the binary's `/metrics`.
pub async fn run(
    http: &reqwest::Client,
    base: &str,
    pool: &PgPool,
    channel_id: &str,
    expiries: i64,
    limit: Duration,
) -> anyhow::Result<Pacing> {
    let before = metrics::telegram_calls(http, base).await.context("reading /metrics")?;
    let removed_before = removed(pool, channel_id).await?;
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    paygate_jobs::enqueue(&mut conn, &SweepSubscriptions { tick: chrono::Utc::now() }).await?;
    drop(conn);
    let (mut first_call, mut last_call, mut seen) = (None, started, before.ok);
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = metrics::telegram_calls(http, base).await?;
        if now.ok > seen {
            first_call.get_or_insert_with(Instant::now);
            last_call = Instant::now();
            seen = now.ok;
        }
        let removed = removed(pool, channel_id).await? - removed_before;
        let busy = busy(pool).await?;
        if (removed >= expiries && busy == 0) || started.elapsed() >= limit {
            let errors: Vec<(String, Option<String>, i64)> = sqlx::query_as(
                "SELECT kind, last_error, count(*) FROM jobs WHERE kind IN ('subscriptions.remove',
                 'telegram.send_message') AND last_error IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 3",
            )
            .fetch_all(pool)
            .await?;
            for (kind, error, count) in errors {
                eprintln!("    {count} {kind} jobs failed once: {}", error.unwrap_or_default());
            }
            let busy = last_call.duration_since(first_call.unwrap_or(started));
            return Ok(Pacing {
                expiries,
                removed,
                calls: now.ok - before.ok,
                rate_limited: now.rate_limited - before.rate_limited,
                busy,
                elapsed: started.elapsed(),
            });
        }
    }
}

/// Cancels what an earlier backlog left pending (removals and messages) and waits (up to `limit`)
/// for its running jobs to end, so that a next run counts only its own work.
pub async fn settle(pool: &PgPool, limit: Duration) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'cancelled', updated_at = now() WHERE kind IN ('subscriptions.sweep',
         'subscriptions.remove', 'telegram.send_message') AND state = 'pending'",
    )
    .execute(pool)
    .await?;
    let started = Instant::now();
    while busy(pool).await? > 0 && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(())
}

async fn busy(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind IN ('subscriptions.sweep', 'subscriptions.remove',
         'telegram.send_message') AND state IN ('pending', 'running')",
    )
    .fetch_one(pool)
    .await?)
}

async fn removed(pool: &PgPool, channel_id: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM subscriptions WHERE channel_id = $1::uuid AND status = 'expired'",
    )
    .bind(channel_id)
    .fetch_one(pool)
    .await?)
}
