//! `BotApi` as the domain's `Messenger` port.

use async_trait::async_trait;
use paygate_domain::messenger::{ChatRights, InlineKeyboard, InviteLinkRequest, Messenger, MessengerError};

use crate::BotApi;

#[async_trait]
impl Messenger for BotApi {
    async fn bot_username(&self) -> Result<String, MessengerError> {
        Ok(self.get_me().await?.username)
    }

    #[tracing::instrument(skip(self))]
    async fn bot_rights(&self, chat_id: i64) -> Result<ChatRights, MessengerError> {
        let me = self.get_me().await?;
        self.get_chat_member(chat_id, me.id).await
    }

    #[tracing::instrument(skip(self))]
    async fn member_rights(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError> {
        self.get_chat_member(chat_id, user_id).await
    }

    async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError> {
        BotApi::send_message(self, chat_id, text, keyboard).await
    }

    async fn edit_message(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        self.edit_message_text(chat_id, message_id, text, keyboard).await
    }

    async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError> {
        BotApi::delete_message(self, chat_id, message_id).await
    }

    async fn answer_callback(&self, query_id: &str, toast: Option<&str>) -> Result<(), MessengerError> {
        self.answer_callback_query(query_id, toast).await
    }

    async fn create_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError> {
        self.create_chat_invite_link(chat_id, request).await
    }

    async fn revoke_invite_link(&self, chat_id: i64, invite_link: &str) -> Result<(), MessengerError> {
        self.revoke_chat_invite_link(chat_id, invite_link).await
    }

    async fn approve_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.approve_chat_join_request(chat_id, user_id).await
    }

    async fn decline_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.decline_chat_join_request(chat_id, user_id).await
    }

    async fn ban_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.ban_chat_member(chat_id, user_id).await
    }

    async fn unban_member(
        &self,
        chat_id: i64,
        user_id: i64,
        only_if_banned: bool,
    ) -> Result<(), MessengerError> {
        self.unban_chat_member(chat_id, user_id, only_if_banned).await
    }
}
