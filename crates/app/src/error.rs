//! Errors of the use cases, classified so one place in the HTTP layer can map them to status codes.

use std::time::Duration;

use paygate_domain::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input broke a rule: 422 with the per-field list.
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// Missing, bad or expired credentials: 401 with a stable code.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Does not exist, or belongs to someone else: 404 either way.
    #[error("not found")]
    NotFound,
    /// Clashes with existing state: 409 with a stable code.
    #[error("conflict {code}: {message}")]
    Conflict { code: &'static str, message: String },
    /// Over a rate limit: 429 with `Retry-After`.
    #[error("rate limited; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// A provider we depend on is down: 503.
    #[error("{0}")]
    Unavailable(String),
    /// Anything unexpected: 500, details only in the logs.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::new();
        errors.push(field, message);
        Self::Validation(errors)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<paygate_jobs::JobsError> for AppError {
    fn from(error: paygate_jobs::JobsError) -> Self {
        Self::Internal(error.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;
