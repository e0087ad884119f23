//! Cron schedules: fixed-interval ticks that fire once across all instances and catch up after downtime.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeZone, Utc};
use sqlx::PgPool;

use crate::{Job, JobsError, job::insert_raw};

type MakePayload = dyn Fn(DateTime<Utc>) -> Result<serde_json::Value, serde_json::Error> + Send + Sync;

/// A job enqueued at every multiple of `every` since the Unix epoch (UTC).
#[derive(Clone)]
pub struct CronSpec {
    name: &'static str,
    every: Duration,
    kind: &'static str,
    max_attempts: i32,
    max_catch_up: u32,
    make: Arc<MakePayload>,
}

impl std::fmt::Debug for CronSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CronSpec")
            .field("name", &self.name)
            .field("every", &self.every)
            .field("kind", &self.kind)
            .finish()
    }
}

impl CronSpec {
    /// `make` builds the job for the tick it is given. `every` is rounded to whole seconds (≥ 1 s).
    pub fn new<J: Job>(
        name: &'static str,
        every: Duration,
        make: impl Fn(DateTime<Utc>) -> J + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            every: Duration::from_secs(every.as_secs().max(1)),
            kind: J::KIND,
            max_attempts: J::MAX_ATTEMPTS,
            max_catch_up: 24,
            make: Arc::new(move |tick| serde_json::to_value(make(tick))),
        }
    }

    /// After downtime, at most this many missed ticks are fired (the most recent ones).
    pub fn max_catch_up(mut self, ticks: u32) -> Self {
        self.max_catch_up = ticks.max(1);
        self
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    fn every_secs(&self) -> i64 {
        i64::try_from(self.every.as_secs()).unwrap_or(i64::MAX)
    }

    /// The latest tick at or before `now`.
    fn tick_at_or_before(&self, now: DateTime<Utc>) -> i64 {
        now.timestamp().div_euclid(self.every_secs()) * self.every_secs()
    }
}

/// Enqueues every tick of `spec` due at `now` that no instance has fired yet; returns how many.
/// The schedule row is locked for the pass, and each tick's job carries a dedupe key, so concurrent
/// passes from several instances fire each tick exactly once.
pub async fn run_cron_pass(pool: &PgPool, spec: &CronSpec, now: DateTime<Utc>) -> Result<u32, JobsError> {
    let every = spec.every_secs();
    let current = spec.tick_at_or_before(now);
    let mut tx = pool.begin().await?;
    let first_tick = Utc.timestamp_opt(current - every, 0).single().unwrap_or(now);
    sqlx::query!(
        "INSERT INTO cron_schedules (name, last_tick) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        spec.name,
        first_tick,
    )
    .execute(&mut *tx)
    .await?;
    let last =
        sqlx::query_scalar!("SELECT last_tick FROM cron_schedules WHERE name = $1 FOR UPDATE", spec.name)
            .fetch_one(&mut *tx)
            .await?;
    let last = last.timestamp();
    if current <= last {
        tx.commit().await?;
        return Ok(0);
    }
    let missed = (current - last) / every;
    let skip = (missed - i64::from(spec.max_catch_up)).max(0);
    if skip > 0 {
        tracing::warn!(
            kind = "warning",
            cron = spec.name,
            skipped = skip,
            "cron was down for long; skipping the oldest missed ticks"
        );
    }
    let mut fired = 0;
    for n in (skip + 1)..=missed {
        let tick = last + n * every;
        let Some(at) = Utc.timestamp_opt(tick, 0).single() else { continue };
        let payload = (spec.make)(at)?;
        let key = format!("cron:{}:{}", spec.name, tick);
        if insert_raw(&mut tx, spec.kind, payload, spec.max_attempts, Some(at), Some(key)).await?.is_some() {
            fired += 1;
        }
    }
    let current_at = Utc.timestamp_opt(current, 0).single().unwrap_or(now);
    sqlx::query!(
        "UPDATE cron_schedules SET last_tick = $2, updated_at = now() WHERE name = $1",
        spec.name,
        current_at,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if fired > 0 {
        tracing::info!(kind = "status", cron = spec.name, fired, "cron ticks enqueued");
    }
    Ok(fired)
}
