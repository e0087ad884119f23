//! Receiving updates and bot setup: long polling, webhook registration, the command menu.

use std::time::Duration;

use paygate_domain::messenger::MessengerError;
use serde::Serialize;
use serde_json::Value;

use crate::{BotApi, types::Update, updates::update_from_value};

/// The update kinds Paygate subscribes to (polling and webhook alike).
pub const ALLOWED_UPDATES: [&str; 5] =
    ["message", "callback_query", "chat_join_request", "my_chat_member", "chat_member"];

/// Extra HTTP time beyond the long-poll timeout, so the server answers before the client gives up.
const POLL_GRACE: Duration = Duration::from_secs(10);

#[derive(Serialize)]
struct GetUpdates {
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<i64>,
    timeout: u32,
    allowed_updates: [&'static str; 5],
}

#[derive(Serialize)]
struct SetWebhook<'a> {
    url: &'a str,
    secret_token: &'a str,
    allowed_updates: [&'static str; 5],
}

#[derive(Serialize)]
struct DeleteWebhook {
    drop_pending_updates: bool,
}

#[derive(Serialize)]
struct BotCommand<'a> {
    command: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct SetMyCommands<'a> {
    commands: Vec<BotCommand<'a>>,
}

impl BotApi {
    /// Long-polls for updates after `offset` (the last `update_id + 1`, which confirms earlier ones),
    /// waiting up to `timeout_secs` for one to arrive.
    #[tracing::instrument(skip(self))]
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u32,
    ) -> Result<Vec<Update>, MessengerError> {
        let params = GetUpdates { offset, timeout: timeout_secs, allowed_updates: ALLOWED_UPDATES };
        let http_timeout = Duration::from_secs(timeout_secs.into()) + POLL_GRACE;
        let raw: Vec<Value> = self.call_with_timeout("getUpdates", &params, http_timeout).await?;
        raw.into_iter()
            .map(|value| {
                update_from_value(value).map_err(|error| MessengerError::Rejected {
                    code: 200,
                    description: format!("unexpected getUpdates result: {error}"),
                })
            })
            .collect()
    }

    /// Asks Telegram to POST updates to `url`, with header `X-Telegram-Bot-Api-Secret-Token: secret_token`.
    #[tracing::instrument(skip(self, secret_token))]
    pub async fn set_webhook(&self, url: &str, secret_token: &str) -> Result<(), MessengerError> {
        let params = SetWebhook { url, secret_token, allowed_updates: ALLOWED_UPDATES };
        let _: bool = self.call("setWebhook", &params).await?;
        Ok(())
    }

    /// Removes the webhook (pending updates are kept), so `get_updates` works again.
    #[tracing::instrument(skip(self))]
    pub async fn delete_webhook(&self) -> Result<(), MessengerError> {
        let _: bool = self.call("deleteWebhook", &DeleteWebhook { drop_pending_updates: false }).await?;
        Ok(())
    }

    /// Sets the command menu: `(command without '/', description)` pairs.
    #[tracing::instrument(skip(self, commands), fields(count = commands.len()))]
    pub async fn set_my_commands(&self, commands: &[(&str, &str)]) -> Result<(), MessengerError> {
        let commands =
            commands.iter().map(|&(command, description)| BotCommand { command, description }).collect();
        let _: bool = self.call("setMyCommands", &SetMyCommands { commands }).await?;
        Ok(())
    }
}
