//! `BotApi` as the domain's `Messenger` port.

use async_trait::async_trait;
use paygate_domain::messenger::{ChatRights, Messenger, MessengerError};

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
}
