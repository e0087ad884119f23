//! Parsing of `chat_member` updates: who entered or left a chat, and with which invite link.

use paygate_domain::messenger::MemberStatus;
use serde::Deserialize;

use crate::{
    types::MemberUpdate,
    updates::{WireChat, WireInviteLink, WireUser},
};

/// `ChatMemberUpdated`; only the fields Paygate reads.
#[derive(Deserialize)]
pub(crate) struct WireMemberUpdate {
    chat: WireChat,
    old_chat_member: WireMember,
    new_chat_member: WireMember,
    invite_link: Option<WireInviteLink>,
}

/// `ChatMember`: the member and their status.
#[derive(Deserialize)]
struct WireMember {
    status: WireStatus,
    user: WireUser,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireStatus {
    Creator,
    Administrator,
    Member,
    Restricted,
    Left,
    Kicked,
}

impl From<WireStatus> for MemberStatus {
    fn from(status: WireStatus) -> Self {
        match status {
            WireStatus::Creator => Self::Creator,
            WireStatus::Administrator => Self::Administrator,
            WireStatus::Member => Self::Member,
            WireStatus::Restricted => Self::Restricted,
            WireStatus::Left => Self::Left,
            WireStatus::Kicked => Self::Kicked,
        }
    }
}

impl From<WireMemberUpdate> for MemberUpdate {
    fn from(update: WireMemberUpdate) -> Self {
        Self {
            chat_id: update.chat.id,
            old_status: update.old_chat_member.status.into(),
            user: update.new_chat_member.user.into(),
            new_status: update.new_chat_member.status.into(),
            invite_link: update.invite_link.map(|link| link.invite_link),
        }
    }
}
