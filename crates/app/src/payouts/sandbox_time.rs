//! Sandbox time for threshold payouts: run a channel's batch pass now instead of at the next tick, so a
//! threshold batch can be watched in minutes. Refused unless the whole platform runs on sandboxes.

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    payouts::threshold::{self, BatchStart},
    subscribers::sandbox_time::telegram_is_sandbox,
};

/// Whether Telegram, the swap provider and the host wallet are all sandboxes (no real money moves).
pub fn payouts_are_sandbox(app: &App) -> bool {
    telegram_is_sandbox(app) && !app.swap.is_live() && !app.wallet.is_live()
}

/// What running a channel's batch pass now did, with the balance it looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchNow {
    pub outcome: BatchStart,
    /// The channel's converted USDT not yet batched, after the pass.
    pub converted_usdt: Decimal,
    /// The channel's threshold (none for an instant channel).
    pub threshold_usd: Option<Decimal>,
}

/// The batch pass for one channel, now: a batch starts if its converted balance reached its threshold
/// (as the next scheduled pass would do); otherwise the outcome says why not. `NotFound` for an
/// unknown channel, and outside the sandbox.
pub async fn batch_now(app: &App, channel_id: Uuid) -> AppResult<BatchNow> {
    if !payouts_are_sandbox(app) {
        return Err(AppError::NotFound);
    }
    let mut conn = app.pool.acquire().await?;
    if paygate_db::payouts::channel_settings(&mut conn, channel_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    drop(conn);
    let outcome = threshold::start_batch(app, channel_id, false).await?;
    let mut conn = app.pool.acquire().await?;
    let (converted_usdt, threshold_usd) =
        paygate_db::accumulation::balance_and_threshold(&mut conn, channel_id).await?;
    tracing::info!(kind = "money", %channel_id, outcome = ?outcome, "sandbox time: batch pass of a channel now");
    Ok(BatchNow { outcome, converted_usdt, threshold_usd })
}

/// The whole batch pass, now: every channel whose balance reached its threshold gets a batch; returns
/// the batches started. `NotFound` outside the sandbox.
pub async fn batch_pass_now(app: &App) -> AppResult<Vec<Uuid>> {
    if !payouts_are_sandbox(app) {
        return Err(AppError::NotFound);
    }
    let started = threshold::batch_pass(app).await?;
    tracing::info!(kind = "money", batches = started.len(), "sandbox time: batch pass now");
    Ok(started)
}
