//! What a payout step produced, and saving it: the new state, its history line, its side effects and
//! the next step job, all in one transaction guarded by the step sequence.

use std::time::Duration;

use paygate_db::payouts::PayoutRow;
use paygate_domain::{
    host_wallet::WalletError,
    status::{EntryReason, EntryStatus, PayoutState, PayoutStatus},
    swap::SwapError,
};
use uuid::Uuid;

use crate::{
    App, AppResult,
    owners::notify::{self as owner_notify, OwnerEvent},
    payouts::job,
};

/// Why a step did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// Transient (timeout, 5xx, 429, node down): try again with backoff (or after `after`).
    Retry { reason: String, after: Option<Duration> },
    /// Retrying cannot help (invalid address, reverted transfer, a provider answer that must not be
    /// acted on): the payout needs attention.
    Fatal(String),
}

impl StepError {
    pub fn retry(reason: impl Into<String>) -> Self {
        Self::Retry { reason: reason.into(), after: None }
    }
}

impl From<SwapError> for StepError {
    fn from(error: SwapError) -> Self {
        match error {
            SwapError::RateLimited { retry_after_secs } => Self::Retry {
                reason: error.to_string(),
                after: Some(Duration::from_secs(retry_after_secs.max(1))),
            },
            error if error.is_retryable() => Self::retry(error.to_string()),
            error => Self::Fatal(error.to_string()),
        }
    }
}

impl From<WalletError> for StepError {
    fn from(error: WalletError) -> Self {
        if error.is_retryable() { Self::retry(error.to_string()) } else { Self::Fatal(error.to_string()) }
    }
}

impl From<sqlx::Error> for StepError {
    fn from(error: sqlx::Error) -> Self {
        Self::retry(format!("database: {error}"))
    }
}

impl From<crate::AppError> for StepError {
    fn from(error: crate::AppError) -> Self {
        Self::retry(error.to_string())
    }
}

/// Something to do in the transaction that saves the step.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Hold the share in the owner's accumulation (below the pair minimum).
    Accumulate,
    /// The payout reached its destination: the payment is paid out, the conversion's USDT is divided
    /// among its entries, or the batch's entries are paid.
    Completed,
    /// The exchange failed, refunded or expired: a conversion returns its entries to pending, a
    /// batch holds its entries until the operator releases them.
    Stopped,
    /// Tell the owner (payouts of a channel only).
    Owner(OwnerEvent),
}

/// The row after a step, what to record about it, and when to look again.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub row: PayoutRow,
    /// A history line (`None` for a poll that saw nothing new).
    pub step: Option<String>,
    /// When the next step runs (while the payout is in flight); `None` at once.
    pub delay: Option<Duration>,
    pub effects: Vec<Effect>,
}

impl Outcome {
    /// Moves to `status` with a history line and runs the next step at once.
    pub fn to(mut row: PayoutRow, status: PayoutState, step: impl Into<String>) -> Self {
        row.status = status;
        Self { row, step: Some(step.into()), delay: None, effects: Vec::new() }
    }

    /// Looks again after `delay`, recording `step` if something changed.
    pub fn wait(row: PayoutRow, delay: Duration, step: Option<String>) -> Self {
        Self { row, step, delay: Some(delay), effects: Vec::new() }
    }

    pub fn with(mut self, effect: Effect) -> Self {
        self.effects.push(effect);
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// Saves `outcome` unless the payout moved on since `before` was read (then nothing happens).
pub async fn save(app: &App, before: &PayoutRow, outcome: Outcome) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let mut row = outcome.row;
    row.step_seq = before.step_seq;
    if !paygate_db::payouts::save(&mut tx, &row).await? {
        tracing::info!(kind = "ids", "payout moved on meanwhile; step result dropped");
        return Ok(());
    }
    if let Some(step) = &outcome.step {
        paygate_db::payouts::insert_step(&mut tx, row.id, row.status, step).await?;
    }
    for effect in &outcome.effects {
        apply(&mut tx, &row, effect).await?;
    }
    if row.status.is_in_flight() {
        job::enqueue_step(&mut tx, row.id, before.step_seq + 1, outcome.delay).await?;
    }
    tx.commit().await?;
    if row.status != before.status {
        tracing::info!(
            kind = "money",
            from = before.status.as_str(),
            to = row.status.as_str(),
            step = outcome.step.as_deref().unwrap_or_default(),
            "💰 payout advanced"
        );
    }
    Ok(())
}

/// Stops the payout for the operator: it resumes from where it stood only when retried.
pub async fn needs_attention(app: &App, before: &PayoutRow, reason: &str) -> AppResult<()> {
    let mut row = before.clone();
    row.resume_status = Some(before.status);
    row.status = PayoutState::NeedsAttention;
    row.failure_reason = Some(reason.to_owned());
    tracing::error!(kind = "money", stopped_at = before.status.as_str(), %reason,
        "💰 payout needs attention (operator: retry or cancel)");
    let what = format!("a payout could not be completed ({reason}); the operator has been told");
    let outcome = Outcome {
        row,
        step: Some(format!("needs attention: {reason}")),
        delay: None,
        effects: vec![Effect::Owner(OwnerEvent::ActionNeeded { what })],
    };
    save(app, before, outcome).await
}

async fn apply(tx: &mut sqlx::PgConnection, row: &PayoutRow, effect: &Effect) -> AppResult<()> {
    match effect {
        Effect::Accumulate => {
            let (Some(channel_id), Some(owner_id), Some(payment_id)) =
                (row.channel_id, row.owner_id, row.payment_id)
            else {
                return Err(crate::AppError::Internal(anyhow::anyhow!(
                    "only a payment's payout accumulates"
                )));
            };
            let entry = paygate_db::accumulation::NewEntry {
                id: Uuid::now_v7(),
                channel_id,
                owner_id,
                payment_id,
                payout_id: Some(row.id),
                reason: EntryReason::BelowPairMinimum,
                source_amount: row.source_amount,
                source_code: &row.source_code,
                source_network: &row.source_network,
                status: if row.source_code == "usdt" && row.source_network == "eth" {
                    EntryStatus::Converted
                } else {
                    EntryStatus::PendingConversion
                },
                usdt_amount: (row.source_code == "usdt" && row.source_network == "eth")
                    .then_some(row.source_amount),
            };
            paygate_db::accumulation::insert_once(tx, &entry).await?;
            paygate_db::payments::set_payout_status(tx, payment_id, PayoutStatus::Accumulated).await?;
        }
        Effect::Completed => crate::payouts::threshold::completed(tx, row).await?,
        Effect::Stopped => crate::payouts::threshold::stopped(tx, row).await?,
        Effect::Owner(event) => {
            if let Some(channel_id) = row.channel_id {
                owner_notify::enqueue(tx, channel_id, event.clone()).await?;
            }
        }
    }
    Ok(())
}
