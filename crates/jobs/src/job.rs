//! The `Job` trait and enqueueing inside the caller's transaction.

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use sqlx::PgConnection;

use crate::{JobsError, NOTIFY_CHANNEL};

/// A kind of background work with a typed, JSON-serialisable payload.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stable identifier stored in the `jobs` table; never rename a kind with jobs in flight.
    const KIND: &'static str;
    /// Attempts before the job lands in needs-attention (≈ a day with the default backoff).
    const MAX_ATTEMPTS: i32 = 25;
}

/// Database id of an enqueued job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct JobId(pub i64);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Optional knobs for one enqueue.
#[derive(Debug, Clone, Default)]
pub struct EnqueueOptions {
    /// Earliest run time; now when unset.
    pub run_at: Option<DateTime<Utc>>,
    /// A job with the same key is enqueued only once, ever (idempotent enqueue).
    pub dedupe_key: Option<String>,
    /// Overrides `Job::MAX_ATTEMPTS`.
    pub max_attempts: Option<i32>,
}

/// Enqueues `job` on `conn`, which should be the caller's open transaction so the job commits (or
/// rolls back) with the state change that caused it.
pub async fn enqueue<J: Job>(conn: &mut PgConnection, job: &J) -> Result<JobId, JobsError> {
    // Without a dedupe key the insert cannot conflict, so a row id always comes back.
    enqueue_with(conn, job, EnqueueOptions::default()).await?.ok_or(JobsError::Duplicate)
}

/// Enqueues with options; `Ok(None)` when `dedupe_key` was already used.
pub async fn enqueue_with<J: Job>(
    conn: &mut PgConnection,
    job: &J,
    options: EnqueueOptions,
) -> Result<Option<JobId>, JobsError> {
    let payload = serde_json::to_value(job)?;
    let max_attempts = options.max_attempts.unwrap_or(J::MAX_ATTEMPTS);
    insert_raw(conn, J::KIND, payload, max_attempts, options.run_at, options.dedupe_key).await
}

/// Inserts an already-encoded job; shared by typed enqueue and cron.
pub(crate) async fn insert_raw(
    conn: &mut PgConnection,
    kind: &str,
    payload: serde_json::Value,
    max_attempts: i32,
    run_at: Option<DateTime<Utc>>,
    dedupe_key: Option<String>,
) -> Result<Option<JobId>, JobsError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO jobs (kind, payload, run_at, max_attempts, dedupe_key)
           VALUES ($1, $2, COALESCE($3, now()), $4, $5)
           ON CONFLICT (dedupe_key) DO NOTHING
           RETURNING id"#,
        kind,
        payload,
        run_at,
        max_attempts.max(1),
        dedupe_key,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if id.is_some() {
        // NOTIFY is transactional: idle workers wake only once the caller commits.
        sqlx::query("SELECT pg_notify($1, $2)").bind(NOTIFY_CHANNEL).bind(kind).execute(&mut *conn).await?;
        tracing::debug!(kind = "ids", job_kind = kind, job_id = ?id, "job enqueued");
    }
    Ok(id.map(JobId))
}
