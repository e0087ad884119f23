//! `TelegramSender`: every Bot API call that sends goes through the shared pacer, and 429s back it off.

use std::{fmt, future::Future};

use paygate_domain::messenger::MessengerError;
use paygate_telegram::BotApi;
use sqlx::PgPool;

use crate::pacer::{self, Reservation};

/// Slots reserved for one call before giving up: each further one follows a wake-up that came too
/// late (a slow process) or a 429 pause that began after the reservation.
const MAX_RESERVATIONS: u32 = 30;

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

/// Which slots a call needs.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// A global slot only (admin actions).
    Global,
    /// A global slot at or after the chat's next time (messages).
    Chat(i64),
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
        self.wait_for_slot(Pace::Global).await?;
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
        self.wait_for_slot(Pace::Chat(chat_id)).await?;
        self.finish(call().await, chat_id).await
    }

    /// Reserves a slot and sleeps until it; checks it again at send time and reserves anew when the
    /// wake-up came later than `LATE_MARGIN` after the slot or a 429 pause began meanwhile, so late
    /// sends never bunch up.
    async fn wait_for_slot(&self, pace: Pace) -> Result<(), MessengerError> {
        for attempt in 1..=MAX_RESERVATIONS {
            let reservation = self.reserve(pace).await?;
            tokio::time::sleep_until(reservation.not_before).await;
            if self.on_time(&reservation).await? {
                return Ok(());
            }
            tracing::debug!(kind = "telegram", ?pace, attempt, "send slot missed; reserving another");
        }
        tracing::warn!(kind = "telegram", ?pace, "no Telegram send slot could be kept");
        Err(MessengerError::Unavailable("the process is too slow to keep Telegram's send pace".to_owned()))
    }

    async fn reserve(&self, pace: Pace) -> Result<Reservation, MessengerError> {
        let reserved = match pace {
            Pace::Global => pacer::reserve_global(&self.pool).await,
            Pace::Chat(chat_id) => pacer::reserve(&self.pool, chat_id).await,
        };
        reserved.map_err(|error| MessengerError::Unavailable(format!("send pacing unavailable: {error}")))
    }

    async fn on_time(&self, reservation: &Reservation) -> Result<bool, MessengerError> {
        let paused = pacer::is_paused(&self.pool)
            .await
            .map_err(|error| MessengerError::Unavailable(format!("send pacing unavailable: {error}")))?;
        Ok(!paused && reservation.still_on_time())
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
