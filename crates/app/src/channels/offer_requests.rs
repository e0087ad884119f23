//! When an offer is (re-)posted: on the owner's request (at most every 5 minutes) and on a schedule.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_domain::ids::ChannelId;
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};

use crate::{
    App, AppError, AppResult,
    channels::manage::{Caller, load_readable},
    channels::offer_posts::PostOffer,
    channels::views::ChannelView,
};

/// Shortest time between two manual posts of one channel.
pub const MANUAL_POST_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// Channels queued per scheduled pass at most; the rest wait for the next pass.
const DUE_PER_PASS: i64 = 5000;

/// The owner asks for a fresh offer post now; the post itself is queued, not made in the request.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn request_post(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelView> {
    let mut tx = app.pool.begin().await?;
    let state = match paygate_db::offer_posts::lock_for_request(&mut tx, id.as_uuid()).await? {
        Some(state) if state.owner_id == caller.id.as_uuid() => state,
        _ => return Err(AppError::NotFound),
    };
    if !state.ready {
        return Err(AppError::conflict(
            "channel_not_ready",
            "the bot cannot post offers in this channel yet; check its readiness",
        ));
    }
    let now = Utc::now();
    if let Some(wait) = state.offer_requested_at.and_then(|at| remaining(at, now)) {
        return Err(AppError::RateLimited { retry_after: wait });
    }
    paygate_db::offer_posts::set_requested(&mut tx, id.as_uuid(), now).await?;
    paygate_jobs::enqueue(&mut tx, &PostOffer::now(id.as_uuid())).await?;
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, "offer post requested");
    Ok(load_readable(app, caller, id).await?.into())
}

/// Whole seconds (rounded up) until another manual post is allowed; `None` when it is allowed now.
fn remaining(requested_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
    let elapsed = (now - requested_at).to_std().unwrap_or_default();
    let left = MANUAL_POST_INTERVAL.checked_sub(elapsed).filter(|left| !left.is_zero())?;
    Some(Duration::from_secs(left.as_secs() + u64::from(left.subsec_nanos() > 0)))
}

/// One scheduled pass, fired by cron: queues a post for every ready channel whose offer is due.
#[derive(Debug, Serialize, Deserialize)]
pub struct RepostDueOffers {
    pub tick: DateTime<Utc>,
}

impl Job for RepostDueOffers {
    const KIND: &'static str = "offers.repost_due";
    const MAX_ATTEMPTS: i32 = 3;
}

pub struct RepostDueHandler(pub App);

#[async_trait]
impl Handler for RepostDueHandler {
    type Job = RepostDueOffers;

    async fn run(&self, ctx: &JobContext, _job: RepostDueOffers) -> Result<(), JobError> {
        let interval = chrono::Duration::from_std(self.0.settings.offer_repost_interval)
            .map_err(|error| JobError::fatal(format!("offer re-post interval out of range: {error}")))?;
        let cutoff = Utc::now() - interval;
        let mut tx = ctx.pool.begin().await?;
        let due = paygate_db::offer_posts::due(&mut tx, cutoff, DUE_PER_PASS).await?;
        let mut queued = 0usize;
        for post in &due {
            // Once per due period: the key changes only when a post (or a failed attempt) is recorded.
            let stamp =
                |at: Option<DateTime<Utc>>, none: &str| at.map_or(none.to_owned(), |at| at.to_rfc3339());
            let key = format!(
                "offer:{}:{}:{}",
                post.channel_id,
                stamp(post.offer_posted_at, "never"),
                stamp(post.offer_error_at, "ok")
            );
            let options = EnqueueOptions { dedupe_key: Some(key), ..EnqueueOptions::default() };
            // Any post started after the cutoff will do: one the readiness hook or the owner made
            // meanwhile is not repeated.
            let job = PostOffer { channel_id: post.channel_id, queued_at: Some(cutoff) };
            if paygate_jobs::enqueue_with(&mut tx, &job, options)
                .await
                .map_err(JobError::retryable)?
                .is_some()
            {
                queued += 1;
            }
        }
        tx.commit().await?;
        if queued > 0 {
            tracing::info!(kind = "status", queued, "scheduled offer re-posts queued");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_post_waits_five_minutes_rounded_up_to_whole_seconds() {
        let now = Utc::now();
        let ago = |ms: i64| now - chrono::Duration::milliseconds(ms);
        assert_eq!(remaining(ago(0), now), Some(Duration::from_secs(300)));
        assert_eq!(remaining(ago(60_500), now), Some(Duration::from_secs(240)));
        assert_eq!(remaining(ago(299_999), now), Some(Duration::from_secs(1)));
        assert_eq!(remaining(ago(300_000), now), None);
        assert_eq!(remaining(ago(3_600_000), now), None);
    }
}
