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

    /// No transaction is open while Telegram is asked: the call waits for its send slot, and a
    /// connection held meanwhile (with the invite's lock) starved the pool once as many invites ran
    /// at once as the pool had connections (seen in the benchmark: every job and webhook timed out).
    async fn run(&self, _ctx: &JobContext, job: IssueInvite) -> Result<(), JobError> {
        let app = &self.0;
        let Some(planned) = plan(app, job.invite_id).await? else { return Ok(()) };
        // An admin action: it counts against the bot's global rate, not the channel's message rate.
        let link =
            app.messenger.create_invite_link(planned.chat_id, &planned.request).await.map_err(job_error)?;
        record(app, job.invite_id, &planned, &link).await
    }
}

/// What a pending invite asks Telegram for.
struct Planned {
    chat_id: i64,
    request: InviteLinkRequest,
    expires_at: chrono::DateTime<Utc>,
}

/// The link to create for a pending invite of a live subscription; `None` when there is nothing to do
/// (issued before a crash, or the subscription ended: then the invite is revoked).
async fn plan(app: &App, invite_id: Uuid) -> Result<Option<Planned>, JobError> {
    let mut tx = app.pool.begin().await?;
    let planned = pending_and_live(&mut tx, invite_id).await?;
    tx.commit().await?;
    let Some((invite, _)) = planned else { return Ok(None) };
    let ttl = app.settings.invite_ttl;
    let expires_at = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
    let join_request = invite.mode == InviteMode::JoinRequest;
    let request = InviteLinkRequest {
        name: format!("paygate {}", &invite.id.simple().to_string()[..12]),
        expire_date: Some(expires_at.timestamp()),
        member_limit: (!join_request).then_some(1),
        creates_join_request: join_request,
    };
    Ok(Some(Planned { chat_id: invite.chat_id, request, expires_at }))
}

/// Locks the invite; `None` unless it is pending and its subscription live (an invite whose
/// subscription ended is marked revoked on the way).
async fn pending_and_live(
    tx: &mut PgConnection,
    invite_id: Uuid,
) -> Result<Option<(paygate_db::invites::InviteRow, paygate_db::subscriptions::SubscriptionRow)>, JobError> {
    let invite = paygate_db::invites::lock(tx, invite_id)
        .await?
        .ok_or_else(|| JobError::fatal(format!("invite {invite_id} does not exist")))?;
    if invite.status != InviteStatus::Pending {
        return Ok(None); // issued before a crash: its message was queued in the same transaction
    }
    let subscription = paygate_db::subscriptions::get(tx, invite.subscription_id)
        .await?
        .ok_or_else(|| JobError::fatal("subscription vanished"))?;
    if !subscription.is_live() {
        paygate_db::invites::set_status(tx, invite.id, InviteStatus::Revoked).await?;
        return Ok(None);
    }
    Ok(Some((invite, subscription)))
}

/// Records the created link and queues the message carrying it, under the invite's lock. A link made
/// by an attempt that lost (another attempt issued the invite meanwhile, or the subscription ended)
/// is revoked instead, so no usable link is left unrecorded.
async fn record(app: &App, invite_id: Uuid, planned: &Planned, link: &str) -> Result<(), JobError> {
    let mut tx = app.pool.begin().await?;
    let Some((invite, subscription)) = pending_and_live(&mut tx, invite_id).await? else {
        let revoke = RevokeInvite { chat_id: planned.chat_id, invite_link: link.to_owned() };
        paygate_jobs::enqueue(&mut tx, &revoke).await.map_err(JobError::retryable)?;
        tx.commit().await?;
        tracing::warn!(kind = "telegram", %invite_id, "invite settled meanwhile; the surplus link is revoked");
        return Ok(());
    };
    paygate_db::invites::set_issued(&mut tx, invite.id, link, planned.expires_at).await?;
    let offer = paygate_db::offers::offer(&mut tx, subscription.channel_id).await?;
    let title = offer.map(|o| o.closed_title).unwrap_or_default();
    let join_request = planned.request.creates_join_request;
    let emoji = subscription.tier_level.emoji();
    let minutes = app.settings.invite_ttl.as_secs() / 60;
    let text = texts::invite(&title, emoji, subscription.expires_at, minutes, join_request);
    let button = Button::url(&format!("Join {}", title.chars().take(40).collect::<String>()), link);
    notify::enqueue(&mut tx, invite.telegram_user_id, &text, vec![vec![button]])
        .await
        .map_err(JobError::retryable)?;
    tx.commit().await?;
    tracing::info!(kind = "telegram", invite_id = %invite.id, chat_id = invite.chat_id, "invite link issued");
    Ok(())
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
    // Read, then answer Telegram with no transaction open (the call waits for its send slot).
    let mut conn = app.pool.acquire().await?;
    let invite = match link {
        Some(link) => paygate_db::invites::by_link(&mut conn, chat_id, link).await?,
        None => None,
    };
    let subscription = match &invite {
        Some(invite) => paygate_db::subscriptions::get(&mut conn, invite.subscription_id).await?,
        None => None,
    };
    drop(conn);
    let approve = matches!((&invite, &subscription), (Some(i), Some(s))
        if i.telegram_user_id == user_id && i.status == InviteStatus::Issued && s.is_live());
    let result = if approve {
        app.messenger.approve_join_request(chat_id, user_id).await
    } else {
        app.messenger.decline_join_request(chat_id, user_id).await
    };
    result.map_err(|e| AppError::Unavailable(e.to_string()))?;
    if let (true, Some(invite)) = (approve, &invite) {
        let mut conn = app.pool.acquire().await?;
        paygate_db::invites::set_status(&mut conn, invite.id, InviteStatus::Used).await?;
    }
    tracing::info!(kind = "user", chat_id, user_id, approve, "join request answered");
    Ok(approve)
}
