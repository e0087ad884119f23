//! Expiry: a sweep every minute queues reminders (3 and 1 days before) and removals, each once per
//! expiry; removals ban then unban through the paced messenger, effectively once (see `removal`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_domain::status::SubscriptionStatus;
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{App, messages::notify, messages::texts};

/// Rows handled per batch; a sweep runs batches until the backlog is queued or its budget is spent.
const BATCH: i64 = 1000;
const BATCHES_PER_SWEEP: usize = 20;

/// One sweep, fired by cron.
#[derive(Debug, Serialize, Deserialize)]
pub struct SweepSubscriptions {
    pub tick: DateTime<Utc>,
}

impl Job for SweepSubscriptions {
    const KIND: &'static str = "subscriptions.sweep";
    const MAX_ATTEMPTS: i32 = 3;
}

pub struct SweepHandler;

#[async_trait]
impl Handler for SweepHandler {
    type Job = SweepSubscriptions;

    async fn run(&self, ctx: &JobContext, _job: SweepSubscriptions) -> Result<(), JobError> {
        let now = Utc::now();
        let mut queued = 0usize;
        for _ in 0..BATCHES_PER_SWEEP {
            let mut tx = ctx.pool.begin().await?;
            let due = paygate_db::subscriptions::expired_active(&mut tx, now, BATCH).await?;
            for (id, expires_at) in &due {
                let options = dedupe(format!("remove:{id}:{}", expires_at.timestamp()));
                paygate_jobs::enqueue_with(
                    &mut tx,
                    &RemoveSubscriber { subscription_id: *id, expires_at: *expires_at },
                    options,
                )
                .await
                .map_err(JobError::retryable)?;
                paygate_db::subscriptions::mark_removal_enqueued(&mut tx, *id, *expires_at).await?;
            }
            let mut count = due.len();
            for days in [3, 1] {
                let reminders = paygate_db::subscriptions::due_reminders(&mut tx, now, days, BATCH).await?;
                for (id, expires_at) in &reminders {
                    let options = dedupe(format!("remind{days}:{id}:{}", expires_at.timestamp()));
                    let job = SendReminder { subscription_id: *id, expires_at: *expires_at };
                    paygate_jobs::enqueue_with(&mut tx, &job, options).await.map_err(JobError::retryable)?;
                    paygate_db::subscriptions::mark_reminded(&mut tx, *id, days, *expires_at).await?;
                }
                count += reminders.len();
            }
            tx.commit().await?;
            queued += count;
            if count == 0 {
                break;
            }
        }
        if queued > 0 {
            tracing::info!(kind = "status", queued, "expiry sweep queued reminders and removals");
        }
        Ok(())
    }
}

fn dedupe(key: String) -> EnqueueOptions {
    EnqueueOptions { dedupe_key: Some(key), ..EnqueueOptions::default() }
}

/// Reminds a subscriber of an upcoming expiry.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendReminder {
    pub subscription_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

impl Job for SendReminder {
    const KIND: &'static str = "subscriptions.remind";
}

pub struct ReminderHandler;

#[async_trait]
impl Handler for ReminderHandler {
    type Job = SendReminder;

    async fn run(&self, ctx: &JobContext, job: SendReminder) -> Result<(), JobError> {
        let mut tx = ctx.pool.begin().await?;
        let Some(sub) = paygate_db::subscriptions::get(&mut tx, job.subscription_id).await? else {
            return Ok(());
        };
        if sub.status != SubscriptionStatus::Active || sub.expires_at != job.expires_at {
            return Ok(()); // renewed or gone: this reminder is moot
        }
        let title = paygate_db::offers::offer(&mut tx, sub.channel_id)
            .await?
            .map(|o| o.closed_title)
            .unwrap_or_default();
        let renew = notify::Button::callback("🔄 Renew", &format!("renew:{}", sub.id.simple()));
        notify::enqueue(
            &mut tx,
            sub.telegram_user_id,
            &texts::reminder(&title, sub.expires_at),
            vec![vec![renew]],
        )
        .await
        .map_err(JobError::retryable)?;
        tx.commit().await?;
        Ok(())
    }
}

/// Removes an expired subscriber from the closed channel (ban, then unban so they can rejoin later).
#[derive(Debug, Serialize, Deserialize)]
pub struct RemoveSubscriber {
    pub subscription_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

impl Job for RemoveSubscriber {
    const KIND: &'static str = "subscriptions.remove";
    /// About a day of retries with the default backoff before it needs attention.
    const MAX_ATTEMPTS: i32 = 20;
}

pub struct RemoveHandler(pub App);

#[async_trait]
impl Handler for RemoveHandler {
    type Job = RemoveSubscriber;

    /// Records the removal of this expiry (once) and runs it step by step; see [`crate::subscribers::removal`].
    async fn run(&self, ctx: &JobContext, job: RemoveSubscriber) -> Result<(), JobError> {
        let mut tx = ctx.pool.begin().await?;
        let Some(sub) = paygate_db::subscriptions::lock_by_id(&mut tx, job.subscription_id).await? else {
            return Ok(());
        };
        let Some(offer) = paygate_db::offers::offer(&mut tx, sub.channel_id).await? else {
            return Err(JobError::fatal("the channel of this subscription was deleted"));
        };
        let removal = paygate_db::member_removals::for_expiry(
            &mut tx,
            sub.id,
            job.expires_at,
            offer.closed_chat_id,
            sub.telegram_user_id,
        )
        .await?;
        tx.commit().await?;
        crate::subscribers::removal::run(&self.0, ctx, removal).await
    }
}
