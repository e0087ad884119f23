//! SQL of the worker loop: claim a runnable job, record its outcome, recover expired leases.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// A job claimed by this worker, leased until `locked_until`.
#[derive(Debug)]
pub(crate) struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
}

/// Claims up to `limit` of the oldest runnable jobs of known kinds in one statement (one commit for
/// all of them); `SKIP LOCKED` lets many workers poll at once without ever handing the same row to two
/// of them.
pub(crate) async fn claim(
    pool: &PgPool,
    worker_id: &str,
    kinds: &[String],
    lease: Duration,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let lease_secs = lease.as_secs_f64();
    sqlx::query_as!(
        Claimed,
        r#"UPDATE jobs
           SET state = 'running', attempts = attempts + 1, locked_by = $1,
               locked_until = now() + make_interval(secs => $3), updated_at = now()
           WHERE id = ANY(ARRAY(
               SELECT id FROM jobs
               WHERE state = 'pending' AND run_at <= now() AND kind = ANY($2)
               ORDER BY run_at, id
               LIMIT $4
               FOR UPDATE SKIP LOCKED))
           RETURNING id, kind, payload, attempts, max_attempts, run_at"#,
        worker_id,
        kinds,
        lease_secs,
        limit,
    )
    .fetch_all(pool)
    .await
}

/// Marks a job done, if this worker's `attempt` still holds it (a stale attempt, cut off after its
/// lease expired and the job was claimed again, never records over the newer one).
pub(crate) async fn succeed(
    pool: &PgPool,
    id: i64,
    worker_id: &str,
    attempt: i32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE jobs SET state = 'succeeded', finished_at = now(), updated_at = now(),
               locked_by = NULL, locked_until = NULL, last_error = NULL
           WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3"#,
        id,
        worker_id,
        attempt,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Schedules another attempt after `delay` (if `attempt` still holds the job).
pub(crate) async fn reschedule(
    pool: &PgPool,
    id: i64,
    worker_id: &str,
    attempt: i32,
    delay: Duration,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE jobs SET state = 'pending', run_at = now() + make_interval(secs => $3),
               last_error = $4, locked_by = NULL, locked_until = NULL, updated_at = now()
           WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $5"#,
        id,
        worker_id,
        delay.as_secs_f64(),
        error,
        attempt,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Parks a job for the operator: fatal failure or attempts exhausted (if `attempt` still holds it).
pub(crate) async fn park(
    pool: &PgPool,
    id: i64,
    worker_id: &str,
    attempt: i32,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE jobs SET state = 'needs_attention', last_error = $3, locked_by = NULL,
               locked_until = NULL, updated_at = now()
           WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $4"#,
        id,
        worker_id,
        error,
        attempt,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Returns jobs whose worker vanished (crash, kill, lost connection) to the queue, or parks them
/// when that was their last attempt. Returns how many rows were recovered.
pub(crate) async fn recover_expired_leases(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE jobs
           SET state = CASE WHEN attempts >= max_attempts THEN 'needs_attention'::job_state
                            ELSE 'pending'::job_state END,
               last_error = 'lease expired: the worker running it stopped (crash or kill) before finishing',
               locked_by = NULL, locked_until = NULL, run_at = now(), updated_at = now()
           WHERE state = 'running' AND locked_until < now()"#,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes succeeded and cancelled jobs that finished more than `keep` ago.
pub(crate) async fn purge_finished(pool: &PgPool, keep: Duration) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"DELETE FROM jobs WHERE state IN ('succeeded', 'cancelled')
           AND finished_at < now() - make_interval(secs => $1)"#,
        keep.as_secs_f64(),
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
