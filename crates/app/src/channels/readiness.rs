//! Channel readiness: whether the owner proved control of both chats and the bot has the rights it needs
//! there, and what is missing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use paygate_domain::{
    ids::ChannelId,
    messenger::{ChatRights, MemberStatus, Messenger, MessengerError},
};
use serde::{Deserialize, Serialize};

use paygate_db::channel_control::{self, ControlFacts, ProofChange};

use crate::{
    App, AppError, AppResult,
    channels::control_proof::{self, Proof},
    channels::offer_posts::PostOffer,
    owners::notify::{self, OwnerEvent},
};

/// Longest wait for one Telegram answer; a check never holds a request for long.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The latest readiness check of a channel, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Readiness {
    /// True when the owner proved control of both chats and the bot may invite and ban in the closed
    /// channel and post in the open one.
    pub ready: bool,
    /// When the check ran; null before the first check.
    pub checked_at: Option<DateTime<Utc>>,
    /// Whether a Telegram bot token is configured; null before the first check.
    #[serde(default)]
    pub bot_configured: Option<bool>,
    /// What keeps the channel from being ready, e.g. "prove you administer these chats: …" or
    /// "closed channel: the bot is not an administrator" (the bot's rights are shown only once proven).
    #[serde(default)]
    pub missing: Vec<String>,
}

impl Readiness {
    fn not_ready(bot_configured: Option<bool>, missing: Vec<String>) -> Readiness {
        Readiness { ready: false, checked_at: Some(Utc::now()), bot_configured, missing }
    }

    /// A channel naming chats another owner proved control of.
    pub(crate) fn detached() -> Readiness {
        Readiness::not_ready(Some(true), vec![control_proof::DETACHED.to_owned()])
    }

    /// Stored when a channel's proof is dropped outside a check (new chat ids, another linked account).
    pub(crate) fn unproven_json() -> serde_json::Value {
        serde_json::json!({"ready": false, "checked_at": null, "missing": [control_proof::NOT_ADMIN]})
    }

    /// Reads the stored JSON; anything unreadable counts as "not checked yet".
    pub(crate) fn from_stored(value: serde_json::Value) -> Readiness {
        serde_json::from_value(value).unwrap_or_else(|_| Readiness {
            ready: false,
            checked_at: None,
            bot_configured: None,
            missing: vec!["not checked yet".to_owned()],
        })
    }
}

/// Which chat of a channel pair is checked, and what the bot needs there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chat {
    Open,
    Closed,
}

impl Chat {
    fn label(self) -> &'static str {
        match self {
            Chat::Open => "open channel",
            Chat::Closed => "closed channel",
        }
    }

    /// The rights this chat lacks, in words.
    fn lacking(self, rights: &ChatRights) -> Vec<&'static str> {
        if !matches!(rights.status, MemberStatus::Administrator | MemberStatus::Creator) {
            return vec!["the bot is not an administrator"];
        }
        let needed: &[(bool, &'static str)] = match self {
            Chat::Closed => &[
                (rights.can_invite_users, "the bot may not invite users"),
                (rights.can_restrict_members, "the bot may not ban users"),
            ],
            Chat::Open => &[(rights.can_post_messages, "the bot may not post messages")],
        };
        needed.iter().filter(|(has, _)| !has).map(|(_, what)| *what).collect()
    }
}

/// What to tell the owner when Telegram could not answer about a chat.
fn error_text(error: &MessengerError) -> String {
    match error {
        MessengerError::ChatNotFound => "the bot is not a member of this chat".to_owned(),
        MessengerError::Forbidden => "the bot was removed from this chat".to_owned(),
        MessengerError::Unauthorized => "Telegram rejected the bot token".to_owned(),
        MessengerError::NotConfigured => "no Telegram bot token is configured".to_owned(),
        MessengerError::RateLimited { .. } | MessengerError::Unavailable(_) => {
            "Telegram could not be reached; check again later".to_owned()
        }
        MessengerError::Rejected { description, .. } => format!("Telegram refused the check: {description}"),
    }
}

/// What the bot lacks in one chat, in words, and whether only Telegram's silence is to blame.
async fn check_chat(messenger: &dyn Messenger, chat: Chat, chat_id: i64) -> (Vec<String>, bool) {
    let answer = tokio::time::timeout(CHECK_TIMEOUT, messenger.bot_rights(chat_id))
        .await
        .unwrap_or_else(|_| Err(MessengerError::Unavailable("timed out".to_owned())));
    let (problems, transient) = match answer {
        Ok(rights) => (chat.lacking(&rights).into_iter().map(str::to_owned).collect(), false),
        Err(error) => {
            tracing::info!(kind = "telegram", chat_id, error = %error, "readiness check could not ask Telegram");
            (vec![error_text(&error)], error.is_retryable())
        }
    };
    (problems.into_iter().map(|problem| format!("{}: {problem}", chat.label())).collect(), transient)
}

/// Asks Telegram about the bot in both chats (concurrently) and judges the pair. Only called once the
/// owner's control is proven: the bot's rights in a chat are its administrators' business only.
async fn bot_readiness(messenger: &dyn Messenger, open: i64, closed: i64) -> (Readiness, bool) {
    let ((closed, closed_transient), (open, open_transient)) =
        tokio::join!(check_chat(messenger, Chat::Closed, closed), check_chat(messenger, Chat::Open, open));
    let missing: Vec<String> = closed.into_iter().chain(open).collect();
    let readiness = Readiness {
        ready: missing.is_empty(),
        checked_at: Some(Utc::now()),
        bot_configured: Some(true),
        missing,
    };
    (readiness, closed_transient || open_transient)
}

/// One judged check: what to store, how the proof changes, and whether Telegram could not answer.
struct Assessment {
    readiness: Readiness,
    change: ProofChange,
    transient: bool,
}

impl Assessment {
    fn settled(readiness: Readiness, change: ProofChange) -> Assessment {
        Assessment { readiness, change, transient: false }
    }
}

/// Who asked for a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// The owner (create, edit, "check", `/link`): every answer is stored and shown.
    Owner,
    /// The schedule: an answer Telegram's silence decided is not stored (the channel keeps selling
    /// through a Telegram outage; the next pass asks again).
    Schedule,
}

/// Judges a channel: first the owner's control of both chats, then (once proven) the bot's rights.
async fn assess(messenger: &dyn Messenger, facts: &ControlFacts) -> Assessment {
    if !messenger.is_configured() {
        let missing = vec![MessengerError::NotConfigured.to_string()];
        return Assessment::settled(Readiness::not_ready(Some(false), missing), ProofChange::Kept);
    }
    if facts.held_by_other {
        return Assessment::settled(Readiness::detached(), ProofChange::Detached);
    }
    let (open, closed) = (facts.open_channel_id, facts.closed_channel_id);
    match control_proof::prove(messenger, facts.owner_telegram_user_id, open, closed).await {
        Proof::Proven { telegram_user_id } => {
            let (readiness, transient) = bot_readiness(messenger, open, closed).await;
            Assessment { readiness, change: ProofChange::Proven { telegram_user_id }, transient }
        }
        Proof::NotProven(why) => {
            Assessment::settled(Readiness::not_ready(Some(true), vec![why.to_owned()]), ProofChange::Cleared)
        }
        Proof::Unknown(why) => Assessment {
            readiness: Readiness::not_ready(Some(true), vec![why]),
            change: ProofChange::Kept,
            transient: true,
        },
    }
}

/// Checks a channel (its owner's control of both chats, then the bot's rights) and stores the result.
///
/// A proof detaches every other unproven channel naming these chats. A channel that becomes ready gets
/// its offer posted; one that stops being ready tells its owner. Both are queued in the transaction
/// that stores the change. A channel deleted meanwhile is not found.
pub(crate) async fn refresh(app: &App, id: ChannelId) -> AppResult<Readiness> {
    let stored = refresh_for(app, id, Trigger::Owner).await?;
    stored.ok_or_else(|| AppError::Unavailable("Telegram could not be reached".to_owned()))
}

/// Like [`refresh`]; `None` when a scheduled check was left unstored because Telegram did not answer.
pub(crate) async fn refresh_for(app: &App, id: ChannelId, trigger: Trigger) -> AppResult<Option<Readiness>> {
    let facts = {
        let mut conn = app.pool.acquire().await?;
        channel_control::facts(&mut conn, id.as_uuid()).await?.ok_or(AppError::NotFound)?
    };
    let Assessment { readiness, change, transient } = assess(app.messenger.as_ref(), &facts).await;
    if transient && trigger == Trigger::Schedule {
        tracing::info!(kind = "channel", channel_id = %id, "scheduled readiness check skipped: Telegram did not answer");
        return Ok(None);
    }
    if store(app, id, &facts, &readiness, change).await? {
        return Ok(Some(readiness));
    }
    // Another owner proved control of these chats at the same moment and holds them now.
    let detached = Readiness::detached();
    store(app, id, &facts, &detached, ProofChange::Detached).await?;
    Ok(Some(detached))
}

/// Stores one check; false when its proof clashes with another proven channel (nothing stored).
async fn store(
    app: &App,
    id: ChannelId,
    facts: &ControlFacts,
    readiness: &Readiness,
    change: ProofChange,
) -> AppResult<bool> {
    let json = serde_json::to_value(readiness).map_err(anyhow::Error::from)?;
    let mut tx = app.pool.begin().await?;
    let Some(previous) = paygate_db::offer_posts::lock_readiness(&mut tx, id.as_uuid()).await? else {
        return Ok(true); // deleted meanwhile
    };
    let was_ready = Readiness::from_stored(previous).ready;
    let check = channel_control::Check { id: id.as_uuid(), facts, readiness: &json, change };
    match channel_control::record_check(&mut tx, &check).await {
        Ok(true) => {}
        Ok(false) => return Ok(true), // the chats or the linked account changed meanwhile: stale answer
        Err(error) if paygate_db::channels::is_chat_id_taken(&error) => return Ok(false),
        Err(error) => return Err(error.into()),
    }
    if let ProofChange::Proven { .. } = change {
        let told = serde_json::to_value(Readiness::detached()).map_err(anyhow::Error::from)?;
        let (open, closed) = (facts.open_channel_id, facts.closed_channel_id);
        for other in channel_control::detach_others(&mut tx, id.as_uuid(), open, closed, &told).await? {
            tracing::info!(kind = "channel", channel_id = %other, proven_by = %id, "unproven channel detached");
        }
    }
    if readiness.ready && !was_ready {
        paygate_jobs::enqueue(&mut tx, &PostOffer::now(id.as_uuid())).await?;
    } else if was_ready && !readiness.ready {
        let event = OwnerEvent::ChannelNotReady { missing: readiness.missing.clone() };
        notify::enqueue(&mut tx, id.as_uuid(), event).await?;
    }
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, ready = readiness.ready, was_ready, ?change, "readiness checked");
    Ok(true)
}

/// Like [`refresh`], but never fails: used right after a create, an update or a `/link` has committed.
pub(crate) async fn refresh_best_effort(app: &App, id: ChannelId) {
    if let Err(error) = refresh(app, id).await {
        tracing::warn!(kind = "channel", channel_id = %id, error = %error, "readiness check failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rights(status: MemberStatus, invite: bool, restrict: bool, post: bool) -> ChatRights {
        ChatRights {
            status,
            can_invite_users: invite,
            can_restrict_members: restrict,
            can_post_messages: post,
        }
    }

    #[test]
    fn an_administrator_with_every_right_lacks_nothing() {
        let admin = rights(MemberStatus::Administrator, true, true, true);
        assert!(Chat::Closed.lacking(&admin).is_empty());
        assert!(Chat::Open.lacking(&admin).is_empty());
        assert!(Chat::Closed.lacking(&rights(MemberStatus::Creator, true, true, true)).is_empty());
    }

    #[test]
    fn members_and_administrators_without_rights_are_told_what_is_missing() {
        let member = rights(MemberStatus::Member, true, true, true);
        assert_eq!(Chat::Closed.lacking(&member), ["the bot is not an administrator"]);
        let bare = rights(MemberStatus::Administrator, false, false, false);
        assert_eq!(
            Chat::Closed.lacking(&bare),
            ["the bot may not invite users", "the bot may not ban users"]
        );
        assert_eq!(Chat::Open.lacking(&bare), ["the bot may not post messages"]);
    }

    #[test]
    fn stored_json_without_the_newer_fields_still_reads() {
        let stored = serde_json::json!({"ready": false, "checked_at": null, "missing": ["not checked yet"]});
        let readiness = Readiness::from_stored(stored);
        assert_eq!(readiness.bot_configured, None);
        assert_eq!(readiness.missing, ["not checked yet"]);
    }
}
