//! Proven channels are checked again on a schedule, so an owner who stopped administering a chat (or a
//! bot that lost its rights) stops selling without anyone pressing "check".

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_domain::ids::ChannelId;
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    App, AppError,
    channels::readiness::{self, Trigger},
};

/// A proven channel whose last check is older than this is checked again.
pub const RECHECK_AFTER: Duration = Duration::from_secs(6 * 3600);
/// Channels queued per pass (the next pass takes the rest).
const PER_PASS: i64 = 2000;
/// How often the schedule looks for channels due a check.
pub const RECHECK_PASS_EVERY: Duration = Duration::from_secs(3600);

/// One scheduled pass, fired by cron: queues a check of every proven channel checked too long ago.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecheckProvenChannels {
    pub tick: DateTime<Utc>,
}

impl Job for RecheckProvenChannels {
    const KIND: &'static str = "channels.recheck_due";
    const MAX_ATTEMPTS: i32 = 3;
}

/// Checks one channel's readiness (the owner's control, then the bot's rights) and stores it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckChannel {
    pub channel_id: Uuid,
}

impl Job for CheckChannel {
    const KIND: &'static str = "channels.check";
    const MAX_ATTEMPTS: i32 = 5;
}

pub struct RecheckDueHandler;

#[async_trait]
impl Handler for RecheckDueHandler {
    type Job = RecheckProvenChannels;

    async fn run(&self, ctx: &JobContext, job: RecheckProvenChannels) -> Result<(), JobError> {
        let age = chrono::Duration::from_std(RECHECK_AFTER).map_err(JobError::fatal)?;
        let mut tx = ctx.pool.begin().await?;
        let due = paygate_db::channel_control::due_for_recheck(&mut tx, Utc::now() - age, PER_PASS).await?;
        for channel_id in &due {
            // Once per channel and pass; a check Telegram could not answer is asked again next pass.
            let key = format!("readiness:{channel_id}:{}", job.tick.to_rfc3339());
            let options = EnqueueOptions { dedupe_key: Some(key), ..EnqueueOptions::default() };
            paygate_jobs::enqueue_with(&mut tx, &CheckChannel { channel_id: *channel_id }, options)
                .await
                .map_err(JobError::retryable)?;
        }
        tx.commit().await?;
        if !due.is_empty() {
            tracing::info!(kind = "status", due = due.len(), "readiness re-checks queued");
        }
        Ok(())
    }
}

pub struct CheckChannelHandler(pub App);

#[async_trait]
impl Handler for CheckChannelHandler {
    type Job = CheckChannel;

    #[tracing::instrument(skip_all, fields(channel_id = %job.channel_id))]
    async fn run(&self, _ctx: &JobContext, job: CheckChannel) -> Result<(), JobError> {
        let id = ChannelId::from_uuid(job.channel_id);
        match readiness::refresh_for(&self.0, id, Trigger::Schedule).await {
            Ok(_) | Err(AppError::NotFound) => Ok(()), // checked, skipped, or deleted meanwhile
            Err(error) => Err(JobError::retryable(error)),
        }
    }
}
