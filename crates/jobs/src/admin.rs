//! Operator functions: inspect jobs, list those needing attention, retry or cancel them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::{JobId, JobsError, NOTIFY_CHANNEL, store};

/// Life cycle of a job row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[sqlx(type_name = "job_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Pending,
    Running,
    Succeeded,
    NeedsAttention,
    Cancelled,
}

/// One job as the operator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn get(pool: &PgPool, id: JobId) -> Result<Option<JobRecord>, JobsError> {
    Ok(sqlx::query_as!(
        JobRecord,
        r#"SELECT id, kind, payload, state AS "state: JobState", attempts, max_attempts, last_error,
                  run_at, created_at, updated_at
           FROM jobs WHERE id = $1"#,
        id.0,
    )
    .fetch_optional(pool)
    .await?)
}

/// Jobs that failed fatally or exhausted their retries, most recent first.
pub async fn list_needing_attention(pool: &PgPool, limit: i64) -> Result<Vec<JobRecord>, JobsError> {
    Ok(sqlx::query_as!(
        JobRecord,
        r#"SELECT id, kind, payload, state AS "state: JobState", attempts, max_attempts, last_error,
                  run_at, created_at, updated_at
           FROM jobs WHERE state = 'needs_attention'
           ORDER BY updated_at DESC, id DESC LIMIT $1"#,
        limit,
    )
    .fetch_all(pool)
    .await?)
}

/// Puts a job that needs attention back in the queue with a fresh attempt budget.
pub async fn retry(pool: &PgPool, id: JobId) -> Result<(), JobsError> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        r#"UPDATE jobs SET state = 'pending', attempts = 0, run_at = now(), updated_at = now()
           WHERE id = $1 AND state = 'needs_attention'"#,
        id.0,
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(JobsError::NotActionable(id.0));
    }
    sqlx::query("SELECT pg_notify($1, 'retry')").bind(NOTIFY_CHANNEL).execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(kind = "retry", job_id = id.0, "job re-queued by operator");
    Ok(())
}

/// Gives up on a pending or needs-attention job; it will not run again.
pub async fn cancel(pool: &PgPool, id: JobId) -> Result<(), JobsError> {
    let done = sqlx::query!(
        r#"UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now()
           WHERE id = $1 AND state IN ('pending', 'needs_attention')"#,
        id.0,
    )
    .execute(pool)
    .await?;
    if done.rows_affected() != 1 {
        return Err(JobsError::NotActionable(id.0));
    }
    tracing::warn!(kind = "status", job_id = id.0, "job cancelled by operator");
    Ok(())
}

/// Number of jobs in each state (for readiness and metrics).
pub async fn count_by_state(pool: &PgPool) -> Result<Vec<(JobState, i64)>, JobsError> {
    let rows =
        sqlx::query!(r#"SELECT state AS "state: JobState", count(*) AS "count!" FROM jobs GROUP BY state"#)
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|r| (r.state, r.count)).collect())
}

/// Jobs waiting, running and needing attention, each counted up to `cap` (a count at `cap` means "at
/// least"). Each count reads only its state's partial index, never the finished history, so readiness
/// probes stay cheap however many jobs have run.
pub async fn count_unfinished_capped(pool: &PgPool, cap: i64) -> Result<UnfinishedCounts, JobsError> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'pending' LIMIT $1) p) AS "pending!",
             (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'running' LIMIT $1) r) AS "running!",
             (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'needs_attention' LIMIT $1) n)
               AS "needs_attention!""#,
        cap
    )
    .fetch_one(pool)
    .await?;
    Ok(UnfinishedCounts { pending: row.pending, running: row.running, needs_attention: row.needs_attention })
}

/// See [`count_unfinished_capped`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnfinishedCounts {
    pub pending: i64,
    pub running: i64,
    pub needs_attention: i64,
}

/// Deletes succeeded and cancelled jobs older than `keep`; returns how many.
pub async fn purge_finished(pool: &PgPool, keep: Duration) -> Result<u64, JobsError> {
    Ok(store::purge_finished(pool, keep).await?)
}
