//! Private Bot API wire types (the response envelope, `User`, `ChatMember`) and their mapping.

use paygate_domain::messenger::{ChatRights, MemberStatus};
use serde::{Deserialize, Serialize};

/// Every Bot API response: `{"ok":true,"result":...}` or `{"ok":false,"error_code":N,...}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope {
    pub ok: bool,
    pub result: Option<serde_json::Value>,
    pub error_code: Option<u16>,
    pub description: Option<String>,
    pub parameters: Option<ResponseParameters>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ResponseParameters {
    pub retry_after: Option<u64>,
}

/// Parameters of methods that take none.
#[derive(Debug, Serialize)]
pub(crate) struct NoParams {}

#[derive(Debug, Serialize)]
pub(crate) struct GetChatMember {
    pub chat_id: i64,
    pub user_id: i64,
}

/// `User`, as returned by `getMe`; only the fields Paygate reads.
#[derive(Debug, Deserialize)]
pub(crate) struct User {
    pub id: i64,
    pub username: Option<String>,
}

/// `ChatMember`, tagged by `status`; an unknown status fails to parse instead of guessing.
#[derive(Debug, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum ChatMember {
    Creator {},
    Administrator {
        #[serde(default)]
        can_invite_users: bool,
        #[serde(default)]
        can_restrict_members: bool,
        /// Sent for channels only.
        #[serde(default)]
        can_post_messages: bool,
    },
    Member {},
    Restricted {},
    Left {},
    Kicked {},
}

impl From<ChatMember> for ChatRights {
    fn from(member: ChatMember) -> Self {
        let no_rights = |status| ChatRights {
            status,
            can_invite_users: false,
            can_restrict_members: false,
            can_post_messages: false,
        };
        match member {
            ChatMember::Creator {} => ChatRights {
                status: MemberStatus::Creator,
                can_invite_users: true,
                can_restrict_members: true,
                can_post_messages: true,
            },
            ChatMember::Administrator { can_invite_users, can_restrict_members, can_post_messages } => {
                ChatRights {
                    status: MemberStatus::Administrator,
                    can_invite_users,
                    can_restrict_members,
                    can_post_messages,
                }
            }
            ChatMember::Member {} => no_rights(MemberStatus::Member),
            ChatMember::Restricted {} => no_rights(MemberStatus::Restricted),
            ChatMember::Left {} => no_rights(MemberStatus::Left),
            ChatMember::Kicked {} => no_rights(MemberStatus::Kicked),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rights(value: serde_json::Value) -> ChatRights {
        serde_json::from_value::<ChatMember>(value).map(ChatRights::from).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_channel_administrator_without_post_field_cannot_post() {
        let admin = rights(json!({
            "status": "administrator", "user": {"id": 1, "is_bot": true, "first_name": "B"},
            "can_invite_users": true, "can_restrict_members": true, "can_be_edited": false
        }));
        assert_eq!(admin.status, MemberStatus::Administrator);
        assert!(admin.can_invite_users && admin.can_restrict_members && !admin.can_post_messages);
    }

    #[test]
    fn the_creator_has_every_right_and_restricted_members_have_none() {
        let creator = rights(json!({"status": "creator", "is_anonymous": false}));
        assert!(creator.can_invite_users && creator.can_restrict_members && creator.can_post_messages);
        let restricted = rights(json!({"status": "restricted", "can_invite_users": true, "until_date": 0}));
        assert_eq!(restricted.status, MemberStatus::Restricted);
        assert!(!restricted.can_invite_users);
    }

    #[test]
    fn an_unknown_status_does_not_parse() {
        assert!(serde_json::from_value::<ChatMember>(json!({"status": "owner"})).is_err());
        assert!(serde_json::from_value::<ChatMember>(json!({"can_invite_users": true})).is_err());
    }
}
