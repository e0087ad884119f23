//! Operator control of the job queue: jobs that need attention, with retry and cancel.

use chrono::{DateTime, Utc};
use paygate_jobs::{JobId, JobRecord, JobState, JobsError};
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppError, AppResult};

/// One job as the operator sees it. The payload is not shown (it may carry mail bodies with
/// one-time links); only its top-level ids are.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: i64,
    /// What the job does, e.g. `payout.step`, `mail.send`, `subscriptions.remove`.
    pub kind: String,
    /// `pending`, `running`, `succeeded`, `needs_attention` or `cancelled`.
    pub state: String,
    /// The ids the job works on (`payout_id=…`), from its payload.
    pub refs: Vec<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobList {
    pub jobs: Vec<JobView>,
}

fn state_name(state: JobState) -> &'static str {
    match state {
        JobState::Pending => "pending",
        JobState::Running => "running",
        JobState::Succeeded => "succeeded",
        JobState::NeedsAttention => "needs_attention",
        JobState::Cancelled => "cancelled",
    }
}

/// Top-level payload fields named `id` or `*_id` whose value is a string or a number.
fn refs(payload: &serde_json::Value) -> Vec<String> {
    let Some(fields) = payload.as_object() else { return Vec::new() };
    let mut refs: Vec<String> = fields
        .iter()
        .filter(|(name, _)| *name == "id" || name.ends_with("_id"))
        .filter_map(|(name, value)| match value {
            serde_json::Value::String(text) if text.len() <= 64 => Some(format!("{name}={text}")),
            serde_json::Value::Number(number) => Some(format!("{name}={number}")),
            _ => None,
        })
        .collect();
    refs.sort();
    refs
}

fn view(record: JobRecord) -> JobView {
    JobView {
        id: record.id,
        refs: refs(&record.payload),
        kind: record.kind,
        state: state_name(record.state).to_owned(),
        attempts: record.attempts,
        max_attempts: record.max_attempts,
        last_error: record.last_error,
        run_at: record.run_at,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

/// Jobs that failed fatally or ran out of retries, most recent first (at most 500).
pub async fn attention(app: &App) -> AppResult<JobList> {
    let records = paygate_jobs::list_needing_attention(&app.pool, 500).await?;
    Ok(JobList { jobs: records.into_iter().map(view).collect() })
}

async fn existing(app: &App, id: i64) -> AppResult<JobRecord> {
    paygate_jobs::get(&app.pool, JobId(id)).await?.ok_or(AppError::NotFound)
}

/// Puts a job that needs attention back in the queue with a fresh attempt budget.
pub async fn retry(app: &App, operator: Uuid, id: i64) -> AppResult<JobView> {
    let job = existing(app, id).await?;
    match paygate_jobs::retry(&app.pool, JobId(id)).await {
        Err(JobsError::NotActionable(_)) => Err(AppError::conflict(
            "job_not_retryable",
            format!("only a job that needs attention can be retried; this one is {}", state_name(job.state)),
        )),
        Err(error) => Err(error.into()),
        Ok(()) => {
            tracing::warn!(kind = "status", job_id = id, job_kind = %job.kind, %operator, "job retried by the operator");
            Ok(view(existing(app, id).await?))
        }
    }
}

/// Gives up on a pending or needs-attention job; it will not run again.
pub async fn cancel(app: &App, operator: Uuid, id: i64) -> AppResult<JobView> {
    let job = existing(app, id).await?;
    match paygate_jobs::cancel(&app.pool, JobId(id)).await {
        Err(JobsError::NotActionable(_)) => Err(AppError::conflict(
            "job_not_cancellable",
            format!(
                "only a pending job or one that needs attention can be cancelled; this one is {}",
                state_name(job.state)
            ),
        )),
        Err(error) => Err(error.into()),
        Ok(()) => {
            tracing::warn!(kind = "status", job_id = id, job_kind = %job.kind, %operator, "job cancelled by the operator");
            Ok(view(existing(app, id).await?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refs;

    #[test]
    fn refs_show_only_top_level_ids_never_other_payload_fields() {
        let payload = serde_json::json!({
            "payout_id": "0190c0de-0000-7000-8000-000000000001", "seq": 3, "chat_id": -100123,
            "body": "reset link https://x/reset?token=secret", "to": "a@b.c", "nested": {"user_id": 1},
            "token_id": "x".repeat(65)
        });
        assert_eq!(refs(&payload), vec!["chat_id=-100123", "payout_id=0190c0de-0000-7000-8000-000000000001"]);
        assert!(refs(&serde_json::json!([1, 2])).is_empty());
    }
}
