//! Effectively-once member removal: ban, then unban, each step recorded around its Telegram call.
//!
//! A removal row (`member_removals`) says which step was asked and which answered, so a retried or
//! re-run job continues where the last attempt stopped instead of banning again; a step whose answer
//! was lost (timeout, 5xx, crash) is settled by asking Telegram for the member's status. The attempt
//! working on a removal holds it for a while, so two attempts of one job never act side by side.
//! After the ban, the reason for the removal is checked again under the subscription's lock: a
//! subscriber who renewed meanwhile is unbanned and sent a fresh invite (never left removed).

use std::time::Duration;

use paygate_db::member_removals::{RemovalRow, RemovalState};
use paygate_domain::{
    messenger::{MemberStatus, MessengerError},
    status::SubscriptionStatus,
};
use paygate_jobs::{JobContext, JobError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, messages::notify, messages::texts, subscribers::invites, telegram_errors::job_error_retrying_all,
};

/// How long an attempt holds a removal between its steps (renewed at each step).
const HOLD: Duration = Duration::from_secs(120);

/// What the removal is for, and so what "still due" means.
enum Reason {
    /// The subscription's expiry `for_expiry` passed and it was not renewed.
    Expiry,
    /// Joined with someone else's link and is not a paying member.
    Intruder,
}

/// The next Telegram step of a removal.
#[derive(Debug, Clone, Copy)]
enum Step {
    Ban,
    /// A ban was asked but its answer was lost.
    CheckBan,
    Unban,
    /// An unban was asked but its answer was lost.
    CheckUnban,
}

/// Runs removal `id` to its end (or to a failure the job retries).
pub(crate) async fn run(app: &App, ctx: &JobContext, id: Uuid) -> Result<(), JobError> {
    let messenger = app.messenger.as_ref();
    let holder = format!("{}:{}", ctx.job_id.0, ctx.attempt);
    loop {
        let Some((row, step)) = next_step(app, id, &holder).await? else { return Ok(()) };
        let (chat, user) = (row.chat_id, row.telegram_user_id);
        match step {
            Step::Ban => match messenger.ban_member(chat, user).await {
                Ok(()) => record(app, id, RemovalState::Banned, &holder).await?,
                Err(error) => return Err(failed(app, &row, &holder, error, RemovalState::Pending).await),
            },
            Step::Unban => match messenger.unban_member(chat, user, true).await {
                Ok(()) => return finish(app, id, &holder).await,
                Err(error) => return Err(failed(app, &row, &holder, error, RemovalState::Banned).await),
            },
            Step::CheckBan | Step::CheckUnban => {
                // A read, paced like an admin action.
                let status = match messenger.member_status(chat, user).await {
                    Ok(status) => status,
                    Err(error) => return Err(failed(app, &row, &holder, error, row.state).await),
                };
                let kicked = status == MemberStatus::Kicked;
                match (step, kicked) {
                    (Step::CheckBan, true) | (Step::CheckUnban, true) => {
                        record(app, id, RemovalState::Banned, &holder).await?;
                    }
                    (Step::CheckBan, false) => record(app, id, RemovalState::Pending, &holder).await?,
                    _ => return finish(app, id, &holder).await,
                }
            }
        }
    }
}

/// Locks the removal, checks who holds it and whether it is still due, and records the step about
/// to be asked of Telegram. `None` when there is nothing (left) to do.
async fn next_step(app: &App, id: Uuid, holder: &str) -> Result<Option<(RemovalRow, Step)>, JobError> {
    let mut tx = app.pool.begin().await?;
    let Some(row) = paygate_db::member_removals::lock(&mut tx, id).await? else { return Ok(None) };
    if row.state.is_final() {
        return Ok(None);
    }
    if row.held && row.holder.as_deref() != Some(holder) {
        // An earlier attempt of this job is still at it (its lease expired while it ran).
        return Err(JobError::retry_after("another attempt is removing this member", HOLD));
    }
    let due = still_due(&mut tx, &row).await?;
    let (step, asked) = match row.state {
        RemovalState::Pending if !due => {
            paygate_db::member_removals::set_state(&mut tx, id, RemovalState::Cancelled, holder, 0.0).await?;
            tx.commit().await?;
            tracing::info!(kind = "user", removal_id = %id, "removal no longer needed");
            return Ok(None);
        }
        RemovalState::Pending => (Step::Ban, RemovalState::Banning),
        RemovalState::Banning => (Step::CheckBan, RemovalState::Banning),
        RemovalState::Banned => (Step::Unban, RemovalState::Unbanning),
        _ => (Step::CheckUnban, RemovalState::Unbanning),
    };
    paygate_db::member_removals::set_state(&mut tx, id, asked, holder, HOLD.as_secs_f64()).await?;
    tx.commit().await?;
    Ok(Some((row, step)))
}

/// Whether the removal's reason still holds (checked under the subscription's lock).
async fn still_due(conn: &mut PgConnection, row: &RemovalRow) -> Result<bool, sqlx::Error> {
    match reason(row) {
        Reason::Expiry => {
            let Some(subscription_id) = row.subscription_id else { return Ok(false) };
            let sub = paygate_db::subscriptions::lock_by_id(conn, subscription_id).await?;
            Ok(sub.is_some_and(|s| {
                s.status == SubscriptionStatus::Active
                    && Some(s.expires_at) == row.for_expiry
                    && s.expires_at <= chrono::Utc::now()
            }))
        }
        Reason::Intruder => Ok(!crate::subscribers::invite_joins::is_paying_member(conn, row).await?),
    }
}

fn reason(row: &RemovalRow) -> Reason {
    if row.subscription_id.is_some() { Reason::Expiry } else { Reason::Intruder }
}

/// Records a step's answer, still held by this attempt.
async fn record(app: &App, id: Uuid, state: RemovalState, holder: &str) -> Result<(), JobError> {
    let mut conn = app.pool.acquire().await?;
    paygate_db::member_removals::set_state(&mut conn, id, state, holder, HOLD.as_secs_f64()).await?;
    Ok(())
}

/// A step failed: a refusal means it was not done (back to `before`), an unknown outcome stays as
/// asked; the failure is shown to the owner and the job retries.
async fn failed(
    app: &App,
    row: &RemovalRow,
    holder: &str,
    error: MessengerError,
    before: RemovalState,
) -> JobError {
    let outcome_known = !matches!(error, MessengerError::Unavailable(_));
    let saved = async {
        let mut tx = app.pool.begin().await?;
        if outcome_known {
            paygate_db::member_removals::set_state(&mut tx, row.id, before, holder, 0.0).await?;
        }
        paygate_db::member_removals::release(&mut tx, row.id, holder).await?;
        if let Some(subscription_id) = row.subscription_id {
            paygate_db::subscriptions::set_removal_error(&mut tx, subscription_id, &error.to_string())
                .await?;
        }
        tx.commit().await
    };
    if let Err(db_error) = saved.await {
        tracing::warn!(kind = "db", %db_error, "could not record a failed removal step");
    }
    tracing::warn!(kind = "retry", removal_id = %row.id, %error, "removal step failed; will retry");
    job_error_retrying_all(error)
}

/// After the unban: an expired subscription is marked removed and told so; one renewed meanwhile
/// is readmitted with a fresh invite. All under the subscription's lock.
async fn finish(app: &App, id: Uuid, holder: &str) -> Result<(), JobError> {
    let mut tx = app.pool.begin().await?;
    let Some(row) = paygate_db::member_removals::lock(&mut tx, id).await? else { return Ok(()) };
    if row.state.is_final() {
        return Ok(());
    }
    let due = still_due(&mut tx, &row).await?;
    let state = match (reason(&row), row.subscription_id) {
        (Reason::Expiry, Some(subscription_id)) if due => {
            expired(&mut tx, subscription_id, &row).await?;
            RemovalState::Removed
        }
        (Reason::Expiry, Some(subscription_id)) => {
            readmit(app, &mut tx, subscription_id).await?;
            RemovalState::Readmitted
        }
        _ => RemovalState::Removed,
    };
    paygate_db::member_removals::set_state(&mut tx, id, state, holder, 0.0).await?;
    tx.commit().await?;
    tracing::info!(kind = "user", removal_id = %id, chat_id = row.chat_id, ?state, "member removal finished");
    Ok(())
}

async fn expired(tx: &mut PgConnection, subscription_id: Uuid, row: &RemovalRow) -> Result<(), JobError> {
    let Some(for_expiry) = row.for_expiry else { return Ok(()) };
    if paygate_db::subscriptions::mark_expired(tx, subscription_id, for_expiry).await? {
        let sub = paygate_db::subscriptions::get(tx, subscription_id).await?;
        let title = match sub {
            Some(sub) => paygate_db::offers::offer(tx, sub.channel_id).await?.map(|o| o.closed_title),
            None => None,
        };
        let renew = notify::Button::callback("🔄 Renew", &format!("renew:{}", subscription_id.simple()));
        notify::enqueue(
            tx,
            row.telegram_user_id,
            &texts::expired(&title.unwrap_or_default()),
            vec![vec![renew]],
        )
        .await
        .map_err(JobError::retryable)?;
    }
    Ok(())
}

/// The subscriber renewed while being removed: a fresh invite brings them back.
async fn readmit(app: &App, tx: &mut PgConnection, subscription_id: Uuid) -> Result<(), JobError> {
    let Some(sub) = paygate_db::subscriptions::get(tx, subscription_id).await? else { return Ok(()) };
    let Some(offer) = paygate_db::offers::offer(tx, sub.channel_id).await? else { return Ok(()) };
    invites::replace_open_invites(app, tx, &sub, offer.closed_chat_id, false)
        .await
        .map_err(JobError::retryable)?;
    tracing::warn!(kind = "user", %subscription_id, "renewed during its removal; readmitted with a fresh invite");
    Ok(())
}
