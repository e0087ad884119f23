//! Parsing of incoming updates (from `getUpdates` or a webhook body) into the public `Update` model.

use serde::Deserialize;
use serde_json::Value;

use crate::types::{CallbackQuery, IncomingMessage, JoinRequest, TelegramUser, Update, UpdateKind};

/// A body that is not an update object with an integer `update_id`.
#[derive(Debug, thiserror::Error)]
#[error("not a Telegram update: {0}")]
pub struct InvalidUpdate(#[from] serde_json::Error);

/// Parses one update from a webhook body.
///
/// Only a missing or non-integer `update_id` is an error: an unknown or malformed kind becomes
/// `UpdateKind::Other` (logged), so one odd update never blocks the ones after it. A body nested
/// deeper than [`paygate_provider_http::MAX_JSON_DEPTH`] levels is refused by a linear pre-scan
/// before it is parsed.
pub fn parse_update(body: &[u8]) -> Result<Update, InvalidUpdate> {
    paygate_provider_http::check_depth(body, paygate_provider_http::MAX_JSON_DEPTH)
        .map_err(<serde_json::Error as serde::de::Error>::custom)?;
    let value: Value = serde_json::from_slice(body)?;
    update_from_value(value)
}

/// Parses one update already read as JSON (each element of `getUpdates`' result).
pub fn update_from_value(value: Value) -> Result<Update, InvalidUpdate> {
    let raw: RawUpdate = serde_json::from_value(value)?;
    let update_id = raw.update_id;
    let kind = if let Some(message) = raw.message {
        typed(update_id, "message", message, |m: WireMessage| UpdateKind::Message(m.into()))
    } else if let Some(query) = raw.callback_query {
        typed(update_id, "callback_query", query, |q: WireCallbackQuery| UpdateKind::CallbackQuery(q.into()))
    } else if let Some(request) = raw.chat_join_request {
        typed(update_id, "chat_join_request", request, |r: WireJoinRequest| {
            UpdateKind::ChatJoinRequest(r.into())
        })
    } else if let Some(member) = raw.chat_member {
        typed(update_id, "chat_member", member, |m: crate::member_updates::WireMemberUpdate| {
            UpdateKind::ChatMember(m.into())
        })
    } else {
        UpdateKind::Other
    };
    Ok(Update { update_id, kind })
}

fn typed<W, F>(update_id: i64, kind: &'static str, value: Value, map: F) -> UpdateKind
where
    W: serde::de::DeserializeOwned,
    F: FnOnce(W) -> UpdateKind,
{
    match serde_json::from_value::<W>(value) {
        Ok(wire) => map(wire),
        Err(error) => {
            tracing::warn!(kind = "external", update_id, update_kind = kind, %error, "malformed update ignored");
            UpdateKind::Other
        }
    }
}

#[derive(Deserialize)]
struct RawUpdate {
    update_id: i64,
    message: Option<Value>,
    callback_query: Option<Value>,
    chat_join_request: Option<Value>,
    chat_member: Option<Value>,
}

#[derive(Deserialize)]
pub(crate) struct WireUser {
    id: i64,
    username: Option<String>,
    first_name: String,
}

#[derive(Deserialize)]
pub(crate) struct WireChat {
    pub(crate) id: i64,
}

#[derive(Deserialize)]
struct WireMessage {
    message_id: i64,
    chat: WireChat,
    from: Option<WireUser>,
    text: Option<String>,
}

/// `MaybeInaccessibleMessage`: only the ids are read, which both variants carry.
#[derive(Deserialize)]
struct WireMessageRef {
    message_id: i64,
    chat: WireChat,
}

#[derive(Deserialize)]
struct WireCallbackQuery {
    id: String,
    from: WireUser,
    message: Option<WireMessageRef>,
    data: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct WireInviteLink {
    pub(crate) invite_link: String,
}

#[derive(Deserialize)]
struct WireJoinRequest {
    chat: WireChat,
    from: WireUser,
    invite_link: Option<WireInviteLink>,
}

impl From<WireUser> for TelegramUser {
    fn from(user: WireUser) -> Self {
        Self { id: user.id, username: user.username, first_name: user.first_name }
    }
}

impl From<WireMessage> for IncomingMessage {
    fn from(message: WireMessage) -> Self {
        Self {
            chat_id: message.chat.id,
            message_id: message.message_id,
            from: message.from.map(Into::into),
            text: message.text,
        }
    }
}

impl From<WireCallbackQuery> for CallbackQuery {
    fn from(query: WireCallbackQuery) -> Self {
        Self {
            id: query.id,
            from: query.from.into(),
            data: query.data,
            message_chat_id: query.message.as_ref().map(|m| m.chat.id),
            message_id: query.message.map(|m| m.message_id),
        }
    }
}

impl From<WireJoinRequest> for JoinRequest {
    fn from(request: WireJoinRequest) -> Self {
        Self {
            chat_id: request.chat.id,
            from: request.from.into(),
            invite_link: request.invite_link.map(|link| link.invite_link),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_bodies_are_refused_before_parsing() {
        for (open, close) in [("[", "]"), (r#"{"message":"#, "}")] {
            let body = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
            assert!(parse_update(body.as_bytes()).is_err());
        }
        let shallow = br#"{"update_id": 1, "message": {"chat": {"id": 5}, "message_id": 2, "x": [[[1]]]}}"#;
        assert!(parse_update(shallow).is_ok());
    }
}
