//! `InMemoryMessenger`: a `Messenger` that records every call, to test use cases without Telegram.

use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use paygate_domain::messenger::{
    ChatRights, InlineKeyboard, InviteLinkRequest, MemberStatus, Messenger, MessengerError,
};

/// One call the app made, with what it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessengerCall {
    SendMessage { chat_id: i64, text: String, keyboard: Option<InlineKeyboard> },
    EditMessage { chat_id: i64, message_id: i64, text: String },
    DeleteMessage { chat_id: i64, message_id: i64 },
    AnswerCallback { query_id: String, toast: Option<String> },
    CreateInviteLink { chat_id: i64, request: InviteLinkRequest },
    RevokeInviteLink { chat_id: i64, invite_link: String },
    ApproveJoinRequest { chat_id: i64, user_id: i64 },
    DeclineJoinRequest { chat_id: i64, user_id: i64 },
    Ban { chat_id: i64, user_id: i64 },
    Unban { chat_id: i64, user_id: i64 },
    MemberStatus { chat_id: i64, user_id: i64 },
}

/// Answers like a bot that administers every chat with all rights; every change is recorded in order.
/// Cheap to clone (clones share the record).
#[derive(Debug, Clone, Default)]
pub struct InMemoryMessenger {
    calls: Arc<Mutex<Vec<MessengerCall>>>,
}

impl InMemoryMessenger {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every recorded call, oldest first.
    pub fn calls(&self) -> Vec<MessengerCall> {
        self.lock().clone()
    }

    /// The messages sent to `chat_id`: (text, keyboard).
    pub fn messages_to(&self, chat_id: i64) -> Vec<(String, Option<InlineKeyboard>)> {
        self.lock()
            .iter()
            .filter_map(|call| match call {
                MessengerCall::SendMessage { chat_id: to, text, keyboard } if *to == chat_id => {
                    Some((text.clone(), keyboard.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<MessengerCall>> {
        self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records `call`; returns how many calls came before it (used as a message id).
    fn record(&self, call: MessengerCall) -> i64 {
        let mut calls = self.lock();
        calls.push(call);
        i64::try_from(calls.len()).unwrap_or(i64::MAX)
    }
}

fn all_rights(status: MemberStatus) -> ChatRights {
    ChatRights { status, can_invite_users: true, can_restrict_members: true, can_post_messages: true }
}

#[async_trait]
impl Messenger for InMemoryMessenger {
    async fn bot_username(&self) -> Result<String, MessengerError> {
        Ok("paygate_test_bot".to_owned())
    }

    async fn bot_rights(&self, _chat_id: i64) -> Result<ChatRights, MessengerError> {
        Ok(all_rights(MemberStatus::Administrator))
    }

    async fn member_rights(&self, _chat_id: i64, _user_id: i64) -> Result<ChatRights, MessengerError> {
        Ok(all_rights(MemberStatus::Creator))
    }

    async fn member_status(&self, chat_id: i64, user_id: i64) -> Result<MemberStatus, MessengerError> {
        self.record(MessengerCall::MemberStatus { chat_id, user_id });
        Ok(MemberStatus::Member)
    }

    async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError> {
        let keyboard = keyboard.cloned();
        Ok(self.record(MessengerCall::SendMessage { chat_id, text: text.to_owned(), keyboard }))
    }

    async fn edit_message(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        _keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        self.record(MessengerCall::EditMessage { chat_id, message_id, text: text.to_owned() });
        Ok(())
    }

    async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError> {
        self.record(MessengerCall::DeleteMessage { chat_id, message_id });
        Ok(())
    }

    async fn answer_callback(&self, query_id: &str, toast: Option<&str>) -> Result<(), MessengerError> {
        let (query_id, toast) = (query_id.to_owned(), toast.map(str::to_owned));
        self.record(MessengerCall::AnswerCallback { query_id, toast });
        Ok(())
    }

    async fn create_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError> {
        let n = self.record(MessengerCall::CreateInviteLink { chat_id, request: request.clone() });
        Ok(format!("https://t.me/+in-memory-{n}"))
    }

    async fn revoke_invite_link(&self, chat_id: i64, invite_link: &str) -> Result<(), MessengerError> {
        self.record(MessengerCall::RevokeInviteLink { chat_id, invite_link: invite_link.to_owned() });
        Ok(())
    }

    async fn approve_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.record(MessengerCall::ApproveJoinRequest { chat_id, user_id });
        Ok(())
    }

    async fn decline_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.record(MessengerCall::DeclineJoinRequest { chat_id, user_id });
        Ok(())
    }

    async fn ban_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.record(MessengerCall::Ban { chat_id, user_id });
        Ok(())
    }

    async fn unban_member(
        &self,
        chat_id: i64,
        user_id: i64,
        _only_if_banned: bool,
    ) -> Result<(), MessengerError> {
        self.record(MessengerCall::Unban { chat_id, user_id });
        Ok(())
    }
}
