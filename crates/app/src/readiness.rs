//! Channel readiness: whether the bot has the rights it needs in both chats, and what is missing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use paygate_domain::{
    ids::ChannelId,
    messenger::{ChatRights, MemberStatus, Messenger, MessengerError},
};
use serde::{Deserialize, Serialize};

use crate::{
    App, AppResult,
    offer_posts::PostOffer,
    owner_notify::{self, OwnerEvent},
};

/// Longest wait for one Telegram answer; a check never holds a request for long.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The latest readiness check of a channel, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Readiness {
    /// True when the bot may invite and ban in the closed channel and post in the open one.
    pub ready: bool,
    /// When the check ran; null before the first check.
    pub checked_at: Option<DateTime<Utc>>,
    /// Whether a Telegram bot token is configured; null before the first check.
    #[serde(default)]
    pub bot_configured: Option<bool>,
    /// What keeps the channel from being ready, e.g. "closed channel: the bot is not an administrator".
    #[serde(default)]
    pub missing: Vec<String>,
}

impl Readiness {
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

async fn check_chat(messenger: &dyn Messenger, chat: Chat, chat_id: i64) -> Vec<String> {
    let answer = tokio::time::timeout(CHECK_TIMEOUT, messenger.bot_rights(chat_id))
        .await
        .unwrap_or_else(|_| Err(MessengerError::Unavailable("timed out".to_owned())));
    let problems = match answer {
        Ok(rights) => chat.lacking(&rights).into_iter().map(str::to_owned).collect(),
        Err(error) => {
            tracing::info!(kind = "telegram", chat_id, error = %error, "readiness check could not ask Telegram");
            vec![error_text(&error)]
        }
    };
    problems.into_iter().map(|problem| format!("{}: {problem}", chat.label())).collect()
}

/// Asks Telegram about both chats (concurrently) and judges the pair.
pub(crate) async fn evaluate(messenger: Option<&dyn Messenger>, open: i64, closed: i64) -> Readiness {
    let Some(messenger) = messenger else {
        return Readiness {
            ready: false,
            checked_at: Some(Utc::now()),
            bot_configured: Some(false),
            missing: vec![MessengerError::NotConfigured.to_string()],
        };
    };
    let (closed, open) =
        tokio::join!(check_chat(messenger, Chat::Closed, closed), check_chat(messenger, Chat::Open, open));
    let missing: Vec<String> = closed.into_iter().chain(open).collect();
    Readiness { ready: missing.is_empty(), checked_at: Some(Utc::now()), bot_configured: Some(true), missing }
}

/// Checks a channel's chats and stores the result (the channel may have been deleted meanwhile).
///
/// A channel that becomes ready gets its offer posted; one that stops being ready tells its owner.
/// Both are queued in the transaction that stores the change.
pub(crate) async fn refresh(app: &App, id: ChannelId, open: i64, closed: i64) -> AppResult<Readiness> {
    let readiness = evaluate(app.messenger.as_deref(), open, closed).await;
    let json = serde_json::to_value(&readiness).map_err(anyhow::Error::from)?;
    let mut tx = app.pool.begin().await?;
    let Some(previous) = paygate_db::offer_posts::lock_readiness(&mut tx, id.as_uuid()).await? else {
        return Ok(readiness); // deleted meanwhile
    };
    let was_ready = Readiness::from_stored(previous).ready;
    paygate_db::channels::set_readiness(&mut tx, id.as_uuid(), &json).await?;
    if readiness.ready && !was_ready {
        paygate_jobs::enqueue(&mut tx, &PostOffer::now(id.as_uuid())).await?;
    } else if was_ready && !readiness.ready {
        let event = OwnerEvent::ChannelNotReady { missing: readiness.missing.clone() };
        owner_notify::enqueue(&mut tx, id.as_uuid(), event).await?;
    }
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, ready = readiness.ready, was_ready, "readiness checked");
    Ok(readiness)
}

/// Like [`refresh`], but never fails: used right after a create or update has committed.
pub(crate) async fn refresh_best_effort(app: &App, id: ChannelId, open: i64, closed: i64) {
    if let Err(error) = refresh(app, id, open, closed).await {
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
