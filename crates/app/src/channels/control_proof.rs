//! Proof of control (SPEC §3.2): the owner's linked Telegram account administers both chats of a channel.
//!
//! Until the proof holds, readiness says only that it is missing, never what the bot may do in a chat
//! or whether it is there: a stranger registering someone else's chat ids learns nothing about them.

use std::time::Duration;

use paygate_domain::messenger::{MemberStatus, Messenger, MessengerError};

/// Longest wait for one Telegram answer.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The missing item of an owner without a linked Telegram account.
pub const NOT_LINKED: &str = "prove you administer these chats: link your Telegram account with /link \
     (get a code on your account page) and be the creator or an administrator of both chats, then check again";
/// The missing item when the linked account was not shown to administer both chats.
pub const NOT_ADMIN: &str = "prove you administer these chats: the Telegram account you linked with /link \
     must be the creator or an administrator of both chats (and the bot an administrator there, so it can see that), \
     then check again";
/// The missing item of a channel naming chats another owner proved control of.
pub const DETACHED: &str = "detached: another owner proved they administer these chats, so this channel \
     cannot sell them; change its chat ids or delete it";

/// What Telegram showed about the owner's control of both chats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Proof {
    /// This linked account is the creator or an administrator of both chats.
    Proven { telegram_user_id: i64 },
    /// Not shown (no linked account, not an administrator, or Telegram would not say); the reason in words.
    NotProven(&'static str),
    /// Telegram could not answer; nothing is known.
    Unknown(String),
}

/// One chat's answer about the owner's account.
enum Answer {
    Admin,
    NotAdmin,
    Unknown(String),
}

async fn ask(messenger: &dyn Messenger, chat_id: i64, user_id: i64) -> Answer {
    let answer = tokio::time::timeout(CHECK_TIMEOUT, messenger.member_rights(chat_id, user_id))
        .await
        .unwrap_or_else(|_| Err(MessengerError::Unavailable("timed out".to_owned())));
    match answer {
        Ok(rights) if matches!(rights.status, MemberStatus::Creator | MemberStatus::Administrator) => {
            Answer::Admin
        }
        Ok(_) => Answer::NotAdmin,
        // Chat not found, bot not in the chat, member list hidden: all the same "not shown".
        Err(MessengerError::ChatNotFound | MessengerError::Forbidden | MessengerError::Rejected { .. }) => {
            Answer::NotAdmin
        }
        Err(error @ (MessengerError::Unauthorized | MessengerError::NotConfigured)) => {
            Answer::Unknown(error.to_string())
        }
        Err(error) => {
            tracing::info!(kind = "telegram", chat_id, error = %error, "control check could not ask Telegram");
            Answer::Unknown("Telegram could not be reached; check again later".to_owned())
        }
    }
}

/// Asks Telegram (both chats at once) whether `owner_telegram_user_id` administers `open` and `closed`.
pub(crate) async fn prove(
    messenger: &dyn Messenger,
    owner_telegram_user_id: Option<i64>,
    open: i64,
    closed: i64,
) -> Proof {
    let Some(user) = owner_telegram_user_id else { return Proof::NotProven(NOT_LINKED) };
    let (open, closed) = tokio::join!(ask(messenger, open, user), ask(messenger, closed, user));
    match (open, closed) {
        (Answer::Admin, Answer::Admin) => Proof::Proven { telegram_user_id: user },
        (Answer::NotAdmin, _) | (_, Answer::NotAdmin) => Proof::NotProven(NOT_ADMIN),
        (Answer::Unknown(why), _) | (_, Answer::Unknown(why)) => Proof::Unknown(why),
    }
}
