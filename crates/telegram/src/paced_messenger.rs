//! `PacedMessenger`: a `Messenger` decorator that sends every Bot API call through the shared pacer.

use std::{fmt, future::Future, sync::Arc};

use async_trait::async_trait;
use paygate_domain::{
    messenger::{ChatRights, InlineKeyboard, InviteLinkRequest, MemberStatus, Messenger, MessengerError},
    telegram_limits::SendSpacing,
};
use sqlx::PgPool;

use crate::pacer::{self, Reservation};

/// Slots reserved for one call before giving up: each further one follows a wake-up that came too
/// late (a slow process) or a 429 pause that began after the reservation.
const MAX_RESERVATIONS: u32 = 30;

/// Wraps a messenger so that messages take a per-chat and a global slot, admin actions (invite links,
/// join requests, bans, the member status asked during a removal) a global slot, and a 429 pauses the
/// whole bot on every instance. Reads that show a state (rights checks with their own timeout, the
/// bot's username) and answers to button presses are not paced. Counts every paced call by outcome
/// in `paygate_telegram_calls_total` (`ok`, `rate_limited`: a 429, `failed`). Cheap to clone.
#[derive(Clone)]
pub struct PacedMessenger {
    pool: PgPool,
    spacing: SendSpacing,
    inner: Arc<dyn Messenger>,
}

impl fmt::Debug for PacedMessenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacedMessenger").finish_non_exhaustive()
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

impl PacedMessenger {
    /// Paces `inner` with `spacing` (see `pacer::spacing`; every instance must use the same).
    pub fn new(pool: PgPool, spacing: SendSpacing, inner: Arc<dyn Messenger>) -> Self {
        Self { pool, spacing, inner }
    }

    /// Waits for the slot `pace` needs, then makes `call`.
    ///
    /// On a 429 the whole bot is paused for `retry_after` and the error is returned: the durable job
    /// that called retries after that delay (no sleeping and retrying here).
    async fn paced<T, Fut>(&self, pace: Pace, call: Fut) -> Result<T, MessengerError>
    where
        Fut: Future<Output = Result<T, MessengerError>>,
    {
        self.wait_for_slot(pace).await?;
        let result = call.await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(MessengerError::RateLimited { .. }) => "rate_limited",
            Err(_) => "failed",
        };
        metrics::counter!("paygate_telegram_calls_total", "outcome" => outcome).increment(1);
        if let Err(MessengerError::RateLimited { retry_after }) = &result {
            tracing::warn!(kind = "telegram", ?pace, ?retry_after, "rate limited by Telegram; backing off");
            if let Err(error) = pacer::back_off(&self.pool, *retry_after).await {
                tracing::warn!(kind = "telegram", %error, "could not record the Telegram back-off");
            }
        }
        result
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
            Pace::Global => pacer::reserve_global(&self.pool, &self.spacing).await,
            Pace::Chat(chat_id) => pacer::reserve(&self.pool, &self.spacing, chat_id).await,
        };
        reserved.map_err(pacing_unavailable)
    }

    async fn on_time(&self, reservation: &Reservation) -> Result<bool, MessengerError> {
        let paused = pacer::is_paused(&self.pool).await.map_err(pacing_unavailable)?;
        Ok(!paused && reservation.still_on_time())
    }
}

fn pacing_unavailable(error: sqlx::Error) -> MessengerError {
    MessengerError::Unavailable(format!("send pacing unavailable: {error}"))
}

#[async_trait]
impl Messenger for PacedMessenger {
    fn is_configured(&self) -> bool {
        self.inner.is_configured()
    }

    fn is_live(&self) -> bool {
        self.inner.is_live()
    }

    async fn bot_username(&self) -> Result<String, MessengerError> {
        self.inner.bot_username().await
    }

    async fn bot_rights(&self, chat_id: i64) -> Result<ChatRights, MessengerError> {
        self.inner.bot_rights(chat_id).await
    }

    async fn member_rights(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError> {
        self.inner.member_rights(chat_id, user_id).await
    }

    #[tracing::instrument(skip(self))]
    async fn member_status(&self, chat_id: i64, user_id: i64) -> Result<MemberStatus, MessengerError> {
        self.paced(Pace::Global, self.inner.member_status(chat_id, user_id)).await
    }

    #[tracing::instrument(skip(self, text, keyboard))]
    async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError> {
        self.paced(Pace::Chat(chat_id), self.inner.send_message(chat_id, text, keyboard)).await
    }

    #[tracing::instrument(skip(self, text, keyboard))]
    async fn edit_message(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        self.paced(Pace::Chat(chat_id), self.inner.edit_message(chat_id, message_id, text, keyboard)).await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError> {
        self.paced(Pace::Chat(chat_id), self.inner.delete_message(chat_id, message_id)).await
    }

    async fn answer_callback(&self, query_id: &str, toast: Option<&str>) -> Result<(), MessengerError> {
        self.inner.answer_callback(query_id, toast).await
    }

    #[tracing::instrument(skip(self, request))]
    async fn create_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError> {
        self.paced(Pace::Global, self.inner.create_invite_link(chat_id, request)).await
    }

    #[tracing::instrument(skip(self, invite_link))]
    async fn revoke_invite_link(&self, chat_id: i64, invite_link: &str) -> Result<(), MessengerError> {
        self.paced(Pace::Global, self.inner.revoke_invite_link(chat_id, invite_link)).await
    }

    #[tracing::instrument(skip(self))]
    async fn approve_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.paced(Pace::Global, self.inner.approve_join_request(chat_id, user_id)).await
    }

    #[tracing::instrument(skip(self))]
    async fn decline_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.paced(Pace::Global, self.inner.decline_join_request(chat_id, user_id)).await
    }

    #[tracing::instrument(skip(self))]
    async fn ban_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.paced(Pace::Global, self.inner.ban_member(chat_id, user_id)).await
    }

    #[tracing::instrument(skip(self))]
    async fn unban_member(
        &self,
        chat_id: i64,
        user_id: i64,
        only_if_banned: bool,
    ) -> Result<(), MessengerError> {
        self.paced(Pace::Global, self.inner.unban_member(chat_id, user_id, only_if_banned)).await
    }
}
