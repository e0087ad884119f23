//! Invites: one link per payment (or per explicit re-issue), recorded before Telegram is asked, and the
//! join-request gate that admits only the subscriber who paid.

use async_trait::async_trait;
use chrono::Utc;
use paygate_domain::messenger::InviteLinkRequest;
use paygate_domain::status::{InviteMode, InviteStatus};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    messages::notify::{self, Button},
    messages::texts,
    telegram_errors::job_error,
};

/// Link mode for new invites.
pub fn invite_mode(app: &App) -> InviteMode {
    if app.settings.invite_join_requests { InviteMode::JoinRequest } else { InviteMode::MemberLimit }
}

/// Creates the link of a pending invite and queues the message carrying it.
#[derive(Debug, Serialize, Deserialize)]
pub struct IssueInvite {
    pub invite_id: Uuid,
}

impl Job for IssueInvite {
    const KIND: &'static str = "invite.issue";
}

pub struct IssueInviteHandler(pub App);

#[async_trait]
impl Handler for IssueInviteHandler {
    type Job = IssueInvite;

    async fn run(&self, _ctx: &JobContext, job: IssueInvite) -> Result<(), JobError> {
        let app = &self.0;
        let mut tx = app.pool.begin().await?;
        let invite = paygate_db::invites::lock(&mut tx, job.invite_id)
            .await?
            .ok_or_else(|| JobError::fatal(format!("invite {} does not exist", job.invite_id)))?;
        if invite.status != InviteStatus::Pending {
            return Ok(()); // issued before a crash: its message was queued in the same transaction
        }
        let subscription = paygate_db::subscriptions::get(&mut tx, invite.subscription_id)
            .await?
            .ok_or_else(|| JobError::fatal("subscription vanished"))?;
        if !subscription.is_live() {
            paygate_db::invites::set_status(&mut tx, invite.id, InviteStatus::Revoked).await?;
            tx.commit().await?;
            return Ok(());
        }
        let offer = paygate_db::offers::offer(&mut tx, subscription.channel_id).await?;
        let title = offer.map(|o| o.closed_title).unwrap_or_default();
        let ttl = app.settings.invite_ttl;
        let expires_at = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
        let join_request = invite.mode == InviteMode::JoinRequest;
        let request = InviteLinkRequest {
            name: format!("paygate {}", &invite.id.simple().to_string()[..12]),
            expire_date: Some(expires_at.timestamp()),
            member_limit: (!join_request).then_some(1),
            creates_join_request: join_request,
        };
        // An admin action: it counts against the bot's global rate, not the channel's message rate.
        let link = app.messenger.create_invite_link(invite.chat_id, &request).await.map_err(job_error)?;
        paygate_db::invites::set_issued(&mut tx, invite.id, &link, expires_at).await?;
        let emoji = subscription.tier_level.emoji();
        let text = texts::invite(&title, emoji, subscription.expires_at, ttl.as_secs() / 60, join_request);
        let button = Button::url(&format!("Join {}", title.chars().take(40).collect::<String>()), &link);
        notify::enqueue(&mut tx, invite.telegram_user_id, &text, vec![vec![button]])
            .await
            .map_err(JobError::retryable)?;
        tx.commit().await?;
        tracing::info!(kind = "telegram", invite_id = %invite.id, chat_id = invite.chat_id, "invite link issued");
        Ok(())
    }
}

/// Revokes an issued link at Telegram (after a re-issue).
#[derive(Debug, Serialize, Deserialize)]
pub struct RevokeInvite {
    pub chat_id: i64,
    pub invite_link: String,
}

impl Job for RevokeInvite {
    const KIND: &'static str = "invite.revoke";
    const MAX_ATTEMPTS: i32 = 10;
}

pub struct RevokeInviteHandler(pub App);

#[async_trait]
impl Handler for RevokeInviteHandler {
    type Job = RevokeInvite;

    async fn run(&self, _ctx: &JobContext, job: RevokeInvite) -> Result<(), JobError> {
        self.0.messenger.revoke_invite_link(job.chat_id, &job.invite_link).await.map_err(job_error)
    }
}

/// Re-issues a subscriber may ask for: at most one per `REISSUE_GAP`...
pub const REISSUE_GAP: std::time::Duration = std::time::Duration::from_secs(60);
/// ...and at most `REISSUE_DAILY_CAP` per 24 hours, per subscription, so that nobody can spend the
/// bot's global Telegram budget (each re-issue creates and revokes a link) by pressing "New link".
pub const REISSUE_DAILY_CAP: i64 = 10;
/// The conflict code of a refused re-issue (the bot answers it with a toast only).
pub const REISSUE_LIMITED: &str = "invite_reissue_limited";

/// A subscriber asks for a new link: old open links are revoked and a fresh one is issued, only while
/// the subscription is active and within the re-issue limits (checked under the subscription's lock).
pub async fn reissue(app: &App, telegram_user_id: i64, subscription_id: Uuid) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let subscription = paygate_db::subscriptions::lock_by_id(&mut tx, subscription_id)
        .await?
        .filter(|s| s.telegram_user_id == telegram_user_id)
        .ok_or(AppError::NotFound)?;
    if !subscription.is_live() {
        return Err(AppError::conflict("subscription_inactive", "this subscription is not active"));
    }
    check_reissue_limits(&mut tx, subscription.id).await?;
    let channel =
        paygate_db::offers::offer(&mut tx, subscription.channel_id).await?.ok_or(AppError::NotFound)?;
    replace_open_invites(app, &mut tx, &subscription, channel.closed_chat_id, true).await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a re-issue within `REISSUE_GAP` of the last one or beyond the daily cap, saying when the
/// next one is possible.
async fn check_reissue_limits(conn: &mut PgConnection, subscription_id: Uuid) -> AppResult<()> {
    let day = chrono::TimeDelta::hours(24);
    let recent = paygate_db::invites::requested_since(conn, subscription_id, Utc::now() - day).await?;
    let now = Utc::now();
    let gap = chrono::TimeDelta::from_std(REISSUE_GAP).unwrap_or(chrono::TimeDelta::minutes(1));
    if let Some(last) = recent.last().filter(|last| **last + gap > now) {
        let secs = (*last + gap - now).num_seconds().max(1);
        return Err(AppError::conflict(
            REISSUE_LIMITED,
            format!("⏳ You got a new link less than a minute ago. Please try again in {secs} s."),
        ));
    }
    if i64::try_from(recent.len()).unwrap_or(i64::MAX) >= REISSUE_DAILY_CAP {
        let frees = recent.first().map_or(now, |oldest| *oldest + day);
        let hours = ((frees - now).num_minutes() + 59) / 60;
        return Err(AppError::conflict(
            REISSUE_LIMITED,
            format!(
                "⏳ You asked for {REISSUE_DAILY_CAP} new links today, the most allowed. \
                 Please try again in about {} h.",
                hours.max(1)
            ),
        ));
    }
    Ok(())
}

/// Revokes the subscription's open links and records a fresh invite to issue, in the caller's
/// transaction; `requested` marks a re-issue the subscriber asked for (counted by the limits).
pub(crate) async fn replace_open_invites(
    app: &App,
    tx: &mut PgConnection,
    subscription: &paygate_db::subscriptions::SubscriptionRow,
    chat_id: i64,
    requested: bool,
) -> AppResult<Uuid> {
    for open in paygate_db::invites::open_for_subscription(tx, subscription.id).await? {
        paygate_db::invites::set_status(tx, open.id, InviteStatus::Revoked).await?;
        if let Some(link) = open.invite_link {
            paygate_jobs::enqueue(tx, &RevokeInvite { chat_id: open.chat_id, invite_link: link }).await?;
        }
    }
    let invite_id = Uuid::now_v7();
    let new = paygate_db::invites::NewInvite {
        id: invite_id,
        subscription_id: subscription.id,
        payment_id: None,
        chat_id,
        telegram_user_id: subscription.telegram_user_id,
        mode: invite_mode(app),
    };
    paygate_db::invites::insert(tx, &new).await?;
    if requested {
        paygate_db::invites::mark_requested(tx, invite_id).await?;
    }
    paygate_jobs::enqueue(tx, &IssueInvite { invite_id }).await?;
    Ok(invite_id)
}

/// Answers a join request: approved only for the subscriber the link was issued to, while active.
pub async fn decide_join_request(
    app: &App,
    chat_id: i64,
    user_id: i64,
    link: Option<&str>,
) -> AppResult<bool> {
    let mut tx = app.pool.begin().await?;
    let invite = match link {
        Some(link) => paygate_db::invites::by_link(&mut tx, chat_id, link).await?,
        None => None,
    };
    let subscription = match &invite {
        Some(invite) => paygate_db::subscriptions::get(&mut tx, invite.subscription_id).await?,
        None => None,
    };
    let approve = matches!((&invite, &subscription), (Some(i), Some(s))
        if i.telegram_user_id == user_id && i.status == InviteStatus::Issued && s.is_live());
    let result = if approve {
        app.messenger.approve_join_request(chat_id, user_id).await
    } else {
        app.messenger.decline_join_request(chat_id, user_id).await
    };
    result.map_err(|e| AppError::Unavailable(e.to_string()))?;
    if let (true, Some(invite)) = (approve, &invite) {
        paygate_db::invites::set_status(&mut tx, invite.id, InviteStatus::Used).await?;
    }
    tx.commit().await?;
    tracing::info!(kind = "user", chat_id, user_id, approve, "join request answered");
    Ok(approve)
}
