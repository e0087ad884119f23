//! Who joined with each invite link (`chat_member` updates): anyone who is not a paying member of
//! the channel is removed (ban, then unban, paced and effectively once, see `removal`).

use async_trait::async_trait;
use paygate_db::member_removals::RemovalRow;
use paygate_domain::status::InviteStatus;
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{App, AppResult};

/// `user_id` entered `chat_id`, through `invite_link` when Telegram says so. Joins through one of
/// Paygate's links are recorded; a joiner without an active subscription to that channel (someone
/// the subscriber passed the link to) is removed.
#[tracing::instrument(skip(app, invite_link))]
pub async fn on_member_joined(
    app: &App,
    chat_id: i64,
    user_id: i64,
    invite_link: Option<&str>,
) -> AppResult<()> {
    let Some(link) = invite_link else { return Ok(()) };
    let mut tx = app.pool.begin().await?;
    let Some(invite) = paygate_db::invites::lock_by_link(&mut tx, chat_id, link).await? else {
        return Ok(()); // not one of Paygate's links (e.g. the owner's own)
    };
    let Some(subscription) = paygate_db::subscriptions::get(&mut tx, invite.subscription_id).await? else {
        return Ok(());
    };
    let paying = paying_member(&mut tx, subscription.channel_id, user_id).await?;
    if !paygate_db::invites::record_join(&mut tx, invite.id, user_id, chat_id, paying).await? {
        return Ok(()); // the same update again
    }
    if paying && user_id == invite.telegram_user_id && invite.status == InviteStatus::Issued {
        paygate_db::invites::set_status(&mut tx, invite.id, InviteStatus::Used).await?;
    }
    if !paying {
        if let Some(removal_id) =
            paygate_db::member_removals::create_for_intruder(&mut tx, invite.id, chat_id, user_id).await?
        {
            paygate_jobs::enqueue(&mut tx, &RemoveIntruder { removal_id }).await?;
        }
        tracing::warn!(kind = "user", chat_id, user_id, invite_id = %invite.id, "joined with someone else's link; removing");
    }
    tx.commit().await?;
    Ok(())
}

/// Whether `user` has an active subscription to `channel_id` (locked, so a purchase and this check
/// do not cross).
async fn paying_member(conn: &mut PgConnection, channel_id: Uuid, user: i64) -> Result<bool, sqlx::Error> {
    let subscription = paygate_db::subscriptions::lock(conn, channel_id, user).await?;
    Ok(subscription.is_some_and(|s| s.is_live()))
}

/// Whether the person an intruder removal is about has become a paying member meanwhile.
pub(crate) async fn is_paying_member(conn: &mut PgConnection, row: &RemovalRow) -> Result<bool, sqlx::Error> {
    let Some(invite_id) = row.invite_id else { return Ok(false) };
    let Some(invite) = paygate_db::invites::lock(conn, invite_id).await? else { return Ok(false) };
    let Some(subscription) = paygate_db::subscriptions::get(conn, invite.subscription_id).await? else {
        return Ok(false);
    };
    paying_member(conn, subscription.channel_id, row.telegram_user_id).await
}

/// Removes someone who joined with a subscriber's link without paying.
#[derive(Debug, Serialize, Deserialize)]
pub struct RemoveIntruder {
    pub removal_id: Uuid,
}

impl Job for RemoveIntruder {
    const KIND: &'static str = "invite.remove_intruder";
    const MAX_ATTEMPTS: i32 = 20;
}

pub struct RemoveIntruderHandler(pub App);

#[async_trait]
impl Handler for RemoveIntruderHandler {
    type Job = RemoveIntruder;

    async fn run(&self, ctx: &JobContext, job: RemoveIntruder) -> Result<(), JobError> {
        crate::subscribers::removal::run(&self.0, ctx, job.removal_id).await
    }
}
