//! `UpdateSource`: where the bot's long-polling loop gets updates (the Bot API, or a stand-in for it).

use async_trait::async_trait;
use paygate_domain::messenger::MessengerError;

use crate::{BotApi, types::Update};

/// The three Bot API calls of long polling, so the same loop polls Telegram or the sandbox Telegram.
#[async_trait]
pub trait UpdateSource: Send + Sync + 'static {
    /// Removes a webhook so that `get_updates` works (pending updates are kept).
    async fn delete_webhook(&self) -> Result<(), MessengerError>;

    /// Sets the command menu: `(command without '/', description)` pairs.
    async fn set_my_commands(&self, commands: &[(&str, &str)]) -> Result<(), MessengerError>;

    /// Long-polls for updates from `offset` (the last `update_id + 1`, which confirms earlier ones),
    /// waiting up to `timeout_secs` for one to arrive.
    async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u32,
    ) -> Result<Vec<Update>, MessengerError>;
}

#[async_trait]
impl UpdateSource for BotApi {
    async fn delete_webhook(&self) -> Result<(), MessengerError> {
        BotApi::delete_webhook(self).await
    }

    async fn set_my_commands(&self, commands: &[(&str, &str)]) -> Result<(), MessengerError> {
        BotApi::set_my_commands(self, commands).await
    }

    async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u32,
    ) -> Result<Vec<Update>, MessengerError> {
        BotApi::get_updates(self, offset, timeout_secs).await
    }
}
