//! Maps Telegram failures onto job outcomes: retry (with Telegram's own delay) or needs-attention.

use std::time::Duration;

use paygate_domain::messenger::MessengerError;
use paygate_jobs::JobError;

/// Rate limits retry after Telegram's `retry_after`; outages retry with backoff; everything else
/// (blocked by the user, chat gone, bad request) cannot succeed by retrying.
pub fn job_error(error: MessengerError) -> JobError {
    map(error, false)
}

/// Like [`job_error`], but every failure is retried (bounded by the job's attempts): for work that
/// may succeed once the owner fixes the bot's rights, such as removing an expired member.
pub fn job_error_retrying_all(error: MessengerError) -> JobError {
    map(error, true)
}

fn map(error: MessengerError, retry_all: bool) -> JobError {
    match error {
        MessengerError::RateLimited { retry_after } => JobError::retry_after(
            MessengerError::RateLimited { retry_after },
            retry_after.max(Duration::from_secs(1)),
        ),
        error if retry_all || error.is_retryable() => JobError::retryable(error),
        error => JobError::fatal(error),
    }
}
