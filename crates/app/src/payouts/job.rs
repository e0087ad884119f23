//! The payout step job: one job per step of one payout, chained in the transaction that saves each step.

use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, AppResult,
    payouts::{
        progress::{self, StepError},
        steps,
    },
};

/// Runs the step of payout `payout_id` saved at sequence `seq`; a job for an older sequence is stale
/// and does nothing, so exactly one chain of steps drives each payout.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayoutStep {
    pub payout_id: Uuid,
    pub seq: i32,
}

impl Job for PayoutStep {
    const KIND: &'static str = "payout.step";
    /// About a day of backoff before a step that keeps failing needs attention.
    const MAX_ATTEMPTS: i32 = 25;
}

/// Enqueues the step for sequence `seq` (once, ever) on the caller's transaction.
pub async fn enqueue_step(
    conn: &mut PgConnection,
    payout_id: Uuid,
    seq: i32,
    delay: Option<Duration>,
) -> AppResult<()> {
    let run_at = delay.map(|delay| Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default());
    let options =
        EnqueueOptions { run_at, dedupe_key: Some(format!("payout:{payout_id}:{seq}")), max_attempts: None };
    paygate_jobs::enqueue_with(conn, &PayoutStep { payout_id, seq }, options).await?;
    Ok(())
}

pub struct PayoutStepHandler(pub App);

#[async_trait]
impl Handler for PayoutStepHandler {
    type Job = PayoutStep;

    #[tracing::instrument(name = "payout", skip_all, fields(payout_id = %job.payout_id, seq = job.seq))]
    async fn run(&self, ctx: &JobContext, job: PayoutStep) -> Result<(), JobError> {
        let app = &self.0;
        let mut conn = ctx.pool.acquire().await?;
        let Some(row) = paygate_db::payouts::get(&mut conn, job.payout_id).await? else {
            return Err(JobError::fatal(format!("payout {} does not exist", job.payout_id)));
        };
        drop(conn);
        if row.step_seq != job.seq || !row.status.is_in_flight() {
            tracing::debug!(kind = "ids", status = row.status.as_str(), "stale payout step ignored");
            return Ok(());
        }
        match steps::run(app, &row).await {
            Ok(outcome) => progress::save(app, &row, outcome).await.map_err(JobError::retryable),
            Err(StepError::Retry { reason, after }) if !ctx.is_last_attempt() => {
                tracing::warn!(kind = "warning", status = row.status.as_str(), %reason, "payout step will be retried");
                Err(match after {
                    Some(after) => JobError::retry_after(reason, after),
                    None => JobError::retryable(reason),
                })
            }
            Err(StepError::Retry { reason, .. }) => {
                let reason = format!("still failing after {} attempts: {reason}", ctx.attempt);
                progress::needs_attention(app, &row, &reason).await.map_err(JobError::retryable)
            }
            Err(StepError::Fatal(reason)) => {
                progress::needs_attention(app, &row, &reason).await.map_err(JobError::retryable)
            }
        }
    }
}
