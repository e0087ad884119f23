//! Chat administration methods of `BotApi`: invite links, join requests, removing members.

use paygate_domain::messenger::MessengerError;
use serde::{Deserialize, Serialize, de::IgnoredAny};

use paygate_domain::messenger::InviteLinkRequest;

use crate::BotApi;

/// Telegram's bounds for invite links.
const MAX_LINK_NAME_CHARS: usize = 32;
const MAX_MEMBER_LIMIT: u32 = 99_999;

#[derive(Serialize)]
struct CreateChatInviteLink<'a> {
    chat_id: i64,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_limit: Option<u32>,
    creates_join_request: bool,
}

#[derive(Serialize)]
struct RevokeChatInviteLink<'a> {
    chat_id: i64,
    invite_link: &'a str,
}

#[derive(Deserialize)]
struct ChatInviteLink {
    invite_link: String,
}

#[derive(Serialize)]
struct ChatUser {
    chat_id: i64,
    user_id: i64,
}

#[derive(Serialize)]
struct UnbanChatMember {
    chat_id: i64,
    user_id: i64,
    only_if_banned: bool,
}

/// Refuses a request Telegram would refuse, without calling it.
fn check(request: &InviteLinkRequest) -> Result<(), MessengerError> {
    let reject =
        |description: &str| Err(MessengerError::Rejected { code: 400, description: description.into() });
    if request.member_limit.is_some() && request.creates_join_request {
        return reject("member_limit cannot be combined with creates_join_request");
    }
    if request.member_limit.is_some_and(|limit| !(1..=MAX_MEMBER_LIMIT).contains(&limit)) {
        return reject("member_limit must be between 1 and 99999");
    }
    if request.name.chars().count() > MAX_LINK_NAME_CHARS {
        return reject("invite link name must be at most 32 characters");
    }
    Ok(())
}

impl BotApi {
    /// Creates an additional invite link for `chat_id` and returns it (`https://t.me/+…`).
    #[tracing::instrument(skip(self, request), fields(link_name = %request.name))]
    pub async fn create_chat_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError> {
        check(request)?;
        let params = CreateChatInviteLink {
            chat_id,
            name: &request.name,
            expire_date: request.expire_date,
            member_limit: request.member_limit,
            creates_join_request: request.creates_join_request,
        };
        let link: ChatInviteLink = self.call("createChatInviteLink", &params).await?;
        Ok(link.invite_link)
    }

    /// Revokes a link the bot created; nobody can join through it afterwards.
    #[tracing::instrument(skip(self, invite_link))]
    pub async fn revoke_chat_invite_link(
        &self,
        chat_id: i64,
        invite_link: &str,
    ) -> Result<(), MessengerError> {
        let _: IgnoredAny =
            self.call("revokeChatInviteLink", &RevokeChatInviteLink { chat_id, invite_link }).await?;
        Ok(())
    }

    /// Lets `user_id` in after a join request.
    #[tracing::instrument(skip(self))]
    pub async fn approve_chat_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        let _: IgnoredAny = self.call("approveChatJoinRequest", &ChatUser { chat_id, user_id }).await?;
        Ok(())
    }

    /// Refuses `user_id`'s join request.
    #[tracing::instrument(skip(self))]
    pub async fn decline_chat_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        let _: IgnoredAny = self.call("declineChatJoinRequest", &ChatUser { chat_id, user_id }).await?;
        Ok(())
    }

    /// Removes `user_id` from `chat_id` and bans them (unban afterwards so they can rejoin later).
    #[tracing::instrument(skip(self))]
    pub async fn ban_chat_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        let _: IgnoredAny = self.call("banChatMember", &ChatUser { chat_id, user_id }).await?;
        Ok(())
    }

    /// Lifts a ban; with `only_if_banned` a current member is left alone instead of being removed.
    #[tracing::instrument(skip(self))]
    pub async fn unban_chat_member(
        &self,
        chat_id: i64,
        user_id: i64,
        only_if_banned: bool,
    ) -> Result<(), MessengerError> {
        let params = UnbanChatMember { chat_id, user_id, only_if_banned };
        let _: IgnoredAny = self.call("unbanChatMember", &params).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_requests_telegram_would_refuse_are_rejected() {
        let base = InviteLinkRequest { name: "sub".into(), ..InviteLinkRequest::default() };
        let both = InviteLinkRequest { member_limit: Some(1), creates_join_request: true, ..base.clone() };
        let zero = InviteLinkRequest { member_limit: Some(0), ..base.clone() };
        let huge = InviteLinkRequest { member_limit: Some(100_000), ..base.clone() };
        let long_name = InviteLinkRequest { name: "n".repeat(33), ..base.clone() };
        for request in [both, zero, huge, long_name] {
            assert!(
                matches!(check(&request), Err(MessengerError::Rejected { code: 400, .. })),
                "{request:?}"
            );
        }
        assert!(check(&InviteLinkRequest { member_limit: Some(1), ..base.clone() }).is_ok());
        assert!(check(&InviteLinkRequest { creates_join_request: true, ..base }).is_ok());
    }
}
