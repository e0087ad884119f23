//! Owner notifications in Telegram: payments, daily expiry digests, readiness loss, payout events.
//! Sent as durable jobs through the owner's outbox and the paced messenger (several per message when
//! they pile up), only when enabled and only to the owner's linked Telegram account; a chat that
//! blocked the bot is recorded and not retried.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{App, AppResult, messages::texts};

/// Something the owner should hear about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum OwnerEvent {
    PaymentReceived {
        offer: String,
        amount_usd: Decimal,
        username: Option<String>,
    },
    ExpiredDigest {
        day: DateTime<Utc>,
        count: i64,
    },
    ChannelNotReady {
        missing: Vec<String>,
    },
    /// For the payout engine: a payout reached the owner's wallet.
    PayoutCompleted {
        amount: Decimal,
        currency: String,
        tx_hash: String,
    },
    /// For the payout engine: threshold progress.
    ThresholdProgress {
        balance_usd: Decimal,
        threshold_usd: Decimal,
    },
    /// For the payout engine: something needs the owner (payout failed, wallet rejected).
    ActionNeeded {
        what: String,
    },
}

impl OwnerEvent {
    fn text(&self, title: &str) -> String {
        let title = texts::escape(title);
        match self {
            Self::PaymentReceived { offer, amount_usd, username } => {
                let who = username
                    .as_deref()
                    .map_or_else(|| "a subscriber".to_owned(), |u| format!("@{}", texts::escape(u)));
                format!(
                    "💰 <b>{title}</b>: {} from {who} ({}).",
                    texts::usd(*amount_usd),
                    texts::escape(offer)
                )
            }
            Self::ExpiredDigest { day, count } => {
                format!("📊 <b>{title}</b>: {count} subscription(s) expired on {}.", day.format("%Y-%m-%d"))
            }
            Self::ChannelNotReady { missing } => format!(
                "⚠️ <b>{title}</b> stopped selling: {}. Fix what is listed, then check the channel in the dashboard.",
                texts::escape(&missing.join("; "))
            ),
            Self::PayoutCompleted { amount, currency, tx_hash } => format!(
                "🏦 <b>{title}</b>: payout of {amount} {} sent (transaction {}).",
                texts::escape(&currency.to_uppercase()),
                texts::escape(tx_hash)
            ),
            Self::ThresholdProgress { balance_usd, threshold_usd } => {
                format!(
                    "📊 <b>{title}</b>: {} of {} collected for the next payout.",
                    texts::usd(*balance_usd),
                    texts::usd(*threshold_usd)
                )
            }
            Self::ActionNeeded { what } => {
                format!("❗ <b>{title}</b> needs your action: {}", texts::escape(what))
            }
        }
    }
}

/// One notification for the owner of `channel_id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct NotifyOwner {
    pub channel_id: Uuid,
    pub event: OwnerEvent,
}

impl Job for NotifyOwner {
    const KIND: &'static str = "owner.notify";
    const MAX_ATTEMPTS: i32 = 12;
}

/// Enqueues a notification on the caller's transaction (whether it is sent is decided when it runs).
pub async fn enqueue(conn: &mut PgConnection, channel_id: Uuid, event: OwnerEvent) -> AppResult<()> {
    paygate_jobs::enqueue(conn, &NotifyOwner { channel_id, event }).await?;
    Ok(())
}

pub struct NotifyOwnerHandler(pub App);

#[async_trait]
impl Handler for NotifyOwnerHandler {
    type Job = NotifyOwner;

    async fn run(&self, ctx: &JobContext, job: NotifyOwner) -> Result<(), JobError> {
        let mut conn = ctx.pool.acquire().await?;
        let Some(contact) = paygate_db::owner_contacts::for_channel(&mut conn, job.channel_id).await? else {
            return Ok(());
        };
        // Only when enabled, and only to the Telegram account the owner linked with a one-time code.
        let recipient = contact.notify_telegram_user_id.or(contact.owner_telegram_user_id);
        let Some(chat) =
            recipient.filter(|r| contact.notifications_enabled && Some(*r) == contact.owner_telegram_user_id)
        else {
            return Ok(());
        };
        if contact.notify_blocked_at.is_some() {
            return Ok(()); // the owner blocked the bot: recorded and shown, not retried
        }
        let text = job.event.text(&contact.closed_title);
        paygate_db::owner_outbox::add(&mut conn, ctx.job_id.0, chat, job.channel_id, &text).await?;
        drop(conn);
        super::outbox::flush(&self.0, ctx, chat).await
    }
}

/// The daily digest of expirations, fired by cron once a day for the previous UTC day.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExpiryDigest {
    pub tick: DateTime<Utc>,
}

impl Job for ExpiryDigest {
    const KIND: &'static str = "owner.expiry_digest";
    const MAX_ATTEMPTS: i32 = 5;
}

pub struct ExpiryDigestHandler;

#[async_trait]
impl Handler for ExpiryDigestHandler {
    type Job = ExpiryDigest;

    async fn run(&self, ctx: &JobContext, job: ExpiryDigest) -> Result<(), JobError> {
        let day = job.tick - Duration::days(1);
        let mut tx = ctx.pool.begin().await?;
        for (channel_id, count) in paygate_db::owner_contacts::expired_counts(&mut tx, day).await? {
            let notify = NotifyOwner { channel_id, event: OwnerEvent::ExpiredDigest { day, count } };
            let key = format!("digest:{channel_id}:{}", day.format("%Y-%m-%d"));
            let options = EnqueueOptions { dedupe_key: Some(key), ..EnqueueOptions::default() };
            paygate_jobs::enqueue_with(&mut tx, &notify, options).await.map_err(JobError::retryable)?;
        }
        tx.commit().await?;
        Ok(())
    }
}
