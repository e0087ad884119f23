//! Sends an owner's queued notifications: one job at a time per owner chat, as few messages as fit.
//!
//! Each notification job adds its text to the chat's outbox, then tries to become the chat's sender.
//! The sender sends everything waiting (several notifications per message), so a burst of payments
//! costs the owner's chat a few messages instead of one per event: Telegram allows one message a
//! second to a person, and queued sends would otherwise hold worker slots while they wait their turn.
//! A job that finds the chat held leaves its text to the sender; a sender that finds nothing left
//! lets go, then looks once more, so a text added meanwhile is never stranded.

use std::time::Duration;

use paygate_db::owner_outbox::{self, OutboxMessage};
use paygate_domain::messenger::MessengerError;
use paygate_jobs::{JobContext, JobError};

use crate::{App, telegram_errors::job_error};

/// How long a sender holds the chat between two sends (renewed at each).
const HOLD: Duration = Duration::from_secs(120);
/// Notifications read per send.
const BATCH: i64 = 25;
/// Characters per combined message (Telegram's limit is 4,096).
const MAX_CHARS: usize = 3500;

/// Sends every notification waiting for `chat`, unless another job is already doing so.
pub(crate) async fn flush(app: &App, ctx: &JobContext, chat: i64) -> Result<(), JobError> {
    let holder = format!("job:{}", ctx.job_id.0);
    loop {
        let mut conn = app.pool.acquire().await?;
        if !owner_outbox::hold_chat(&mut conn, chat, &holder, HOLD.as_secs_f64()).await? {
            return Ok(()); // the chat's sender will take this job's text along
        }
        let waiting = owner_outbox::unsent(&mut conn, chat, BATCH).await?;
        if waiting.is_empty() {
            owner_outbox::release_chat(&mut conn, chat, &holder).await?;
            if owner_outbox::unsent(&mut conn, chat, 1).await?.is_empty() {
                return Ok(());
            }
            continue; // added after the read above by a job that found the chat held
        }
        drop(conn);
        let batch = combine(&waiting);
        let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
        let text = batch.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n\n");
        match app.messenger.send_message(chat, &text, None).await {
            Ok(_) => {
                let mut conn = app.pool.acquire().await?;
                owner_outbox::mark_done(&mut conn, &ids, true).await?;
            }
            Err(error @ (MessengerError::Forbidden | MessengerError::ChatNotFound)) => {
                // The owner blocked the bot: recorded on each channel and shown, never retried.
                let mut tx = app.pool.begin().await?;
                owner_outbox::mark_done(&mut tx, &ids, false).await?;
                let mut channels: Vec<_> = batch.iter().map(|m| m.channel_id).collect();
                channels.dedup();
                for channel_id in channels {
                    paygate_db::owner_contacts::mark_blocked(&mut tx, channel_id, &error.to_string()).await?;
                }
                tx.commit().await?;
                tracing::warn!(kind = "telegram", chat_id = chat, %error, "owner chat refuses notifications");
            }
            Err(error) => {
                let mut conn = app.pool.acquire().await?;
                owner_outbox::release_chat(&mut conn, chat, &holder).await?;
                return Err(job_error(error));
            }
        }
    }
}

/// The oldest notifications that fit in one message (at least one).
fn combine(waiting: &[OutboxMessage]) -> &[OutboxMessage] {
    let mut chars = 0;
    let fit = waiting
        .iter()
        .take_while(|m| {
            chars += m.text.chars().count() + 2;
            chars <= MAX_CHARS
        })
        .count();
    &waiting[..fit.max(1).min(waiting.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, chars: usize) -> OutboxMessage {
        OutboxMessage { id, channel_id: uuid::Uuid::nil(), text: "x".repeat(chars) }
    }

    #[test]
    fn notifications_are_combined_up_to_the_message_size_and_one_always_goes() {
        let waiting: Vec<_> = (1..=5).map(|id| message(id, 1000)).collect();
        assert_eq!(combine(&waiting).len(), 3);
        assert_eq!(combine(&waiting[..1]).len(), 1);
        let huge = [message(1, 5000), message(2, 10)];
        assert_eq!(combine(&huge).len(), 1, "an oversized one still goes, alone");
    }
}
