//! `TelegramSender`: every Bot API call that sends goes through the shared pacer, and 429s back it off.

use std::{fmt, future::Future};

use paygate_domain::messenger::MessengerError;
use paygate_telegram::BotApi;
use sqlx::PgPool;

use crate::pacer;

/// Paced access to the Bot API; cheap to clone.
#[derive(Clone)]
pub struct TelegramSender {
    pool: PgPool,
    api: BotApi,
}

impl fmt::Debug for TelegramSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramSender").field("api", &self.api).finish_non_exhaustive()
    }
}

impl TelegramSender {
    pub fn new(pool: PgPool, api: BotApi) -> Self {
        Self { pool, api }
    }

    /// The client, for building calls to pass to `send` (and for reads that need no pacing).
    pub fn api(&self) -> &BotApi {
        &self.api
    }

    /// Waits for a global slot only, then makes the admin `call` (ban, unban, invite link, join request).
    #[tracing::instrument(skip(self, call))]
    pub async fn act<T, F, Fut>(&self, call: F) -> Result<T, MessengerError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, MessengerError>>,
    {
        let wait = pacer::reserve_global_slot(&self.pool)
            .await
            .map_err(|error| MessengerError::Unavailable(format!("send pacing unavailable: {error}")))?;
        tokio::time::sleep(wait).await;
        self.finish(call().await, 0).await
    }

    /// Waits for `chat_id`'s reserved slot, then makes `call`.
    ///
    /// On a 429 the whole bot is paused for `retry_after` and the error is returned: the durable job
    /// that called retries after that delay (no sleeping and retrying here).
    #[tracing::instrument(skip(self, call))]
    pub async fn send<T, F, Fut>(&self, chat_id: i64, call: F) -> Result<T, MessengerError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, MessengerError>>,
    {
        let wait = pacer::reserve_slot(&self.pool, chat_id)
            .await
            .map_err(|error| MessengerError::Unavailable(format!("send pacing unavailable: {error}")))?;
        tokio::time::sleep(wait).await;
        self.finish(call().await, chat_id).await
    }

    /// A 429 pauses the whole bot for `retry_after`.
    async fn finish<T>(&self, result: Result<T, MessengerError>, chat_id: i64) -> Result<T, MessengerError> {
        if let Err(MessengerError::RateLimited { retry_after }) = &result {
            tracing::warn!(kind = "telegram", chat_id, ?retry_after, "rate limited by Telegram; backing off");
            if let Err(error) = pacer::back_off(&self.pool, *retry_after).await {
                tracing::warn!(kind = "telegram", %error, "could not record the Telegram back-off");
            }
        }
        result
    }
}
