//! Housekeeping job: deletes finished jobs, stale rate-limit events, idle pacing rows, old removal records and sent owner notifications so tables stay small.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};

/// Finished jobs are kept this long for inspection.
pub const FINISHED_JOB_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Finished removals and invite-join records are kept this long for inspection.
pub const MEMBER_RECORD_RETENTION: Duration = Duration::from_secs(90 * 24 * 3600);

/// Sent (or dropped) owner notifications are kept this many days for inspection.
pub const OUTBOX_RETENTION_DAYS: i32 = 30;

/// One housekeeping run, enqueued by cron.
#[derive(Debug, Serialize, Deserialize)]
pub struct PurgeFinishedJobs {
    pub tick: DateTime<Utc>,
}

impl Job for PurgeFinishedJobs {
    const KIND: &'static str = "housekeeping.purge_finished_jobs";
    const MAX_ATTEMPTS: i32 = 5;
}

pub struct PurgeFinishedJobsHandler;

#[async_trait]
impl Handler for PurgeFinishedJobsHandler {
    type Job = PurgeFinishedJobs;

    async fn run(&self, ctx: &JobContext, job: PurgeFinishedJobs) -> Result<(), JobError> {
        let purged = paygate_jobs::purge_finished(&ctx.pool, FINISHED_JOB_RETENTION)
            .await
            .map_err(JobError::retryable)?;
        let mut conn = ctx.pool.acquire().await?;
        // Rate-limit windows are at most an hour; pacing rows of chats idle for a day are not needed.
        let events = paygate_db::rate_limits::purge_older_than(&mut conn, 2.0 * 3600.0).await?;
        let idle = chrono::Utc::now() - chrono::Duration::days(1);
        let chats = paygate_db::telegram_pacing::purge_chats_idle_since(&mut conn, idle).await?;
        let (removals, joins) = purge_member_records(&mut conn, Utc::now()).await?;
        let notifications = paygate_db::owner_outbox::purge_done(&mut conn, OUTBOX_RETENTION_DAYS).await?;
        tracing::info!(kind = "db", purged, events, chats, removals, joins, notifications, tick = %job.tick, "housekeeping done");
        Ok(())
    }
}

/// Deletes finished removals and invite joins older than [`MEMBER_RECORD_RETENTION`] at `now`.
pub async fn purge_member_records(
    conn: &mut sqlx::PgConnection,
    now: DateTime<Utc>,
) -> Result<(u64, u64), sqlx::Error> {
    let retention = chrono::Duration::from_std(MEMBER_RECORD_RETENTION).unwrap_or(chrono::Duration::days(90));
    let before = now - retention;
    let removals = paygate_db::member_removals::purge_finished_before(conn, before).await?;
    let joins = paygate_db::invites::purge_joins_before(conn, before).await?;
    Ok((removals, joins))
}
