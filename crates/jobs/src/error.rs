//! Errors of the job system: what a handler reports, and what the queue itself can fail with.

use std::time::Duration;

/// The boxed error carried by a job failure.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How a handler's attempt failed; decides between retry and needs-attention.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (timeouts, 5xx, rate limits, nonce conflicts…).
    #[error("retryable: {source}")]
    Retryable {
        #[source]
        source: BoxError,
        /// A delay the other side asked for (e.g. Telegram's `retry_after`), overriding backoff.
        after: Option<Duration>,
    },
    /// Retrying cannot help (invalid address, reverted transaction…): straight to needs-attention.
    #[error("fatal: {source}")]
    Fatal {
        #[source]
        source: BoxError,
    },
}

impl JobError {
    pub fn retryable(error: impl Into<BoxError>) -> Self {
        Self::Retryable { source: error.into(), after: None }
    }

    pub fn retry_after(error: impl Into<BoxError>, after: Duration) -> Self {
        Self::Retryable { source: error.into(), after: Some(after) }
    }

    pub fn fatal(error: impl Into<BoxError>) -> Self {
        Self::Fatal { source: error.into() }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable { .. })
    }
}

/// Database errors inside a handler are retryable by default (connection loss, serialization failure).
impl From<sqlx::Error> for JobError {
    fn from(error: sqlx::Error) -> Self {
        Self::retryable(error)
    }
}

/// Failures of the queue machinery itself.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    #[error("database error in the job queue: {0}")]
    Db(#[from] sqlx::Error),
    #[error("job payload could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("a job with this dedupe key was already enqueued")]
    Duplicate,
    #[error("job {0} not found in a state that allows this action")]
    NotActionable(i64),
}
