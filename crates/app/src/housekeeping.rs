//! Housekeeping job: deletes finished job rows after a retention period so the queue table stays small.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};

/// Finished jobs are kept this long for inspection.
pub const FINISHED_JOB_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

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
        tracing::info!(kind = "db", purged, tick = %job.tick, "purged finished jobs");
        Ok(())
    }
}
