//! Sandbox time: let a sandbox subscriber's subscriptions expire now, so the removal, the message and
//! the renewal can be watched in minutes. Refused unless the sandbox Telegram stands in for Telegram.

use chrono::Utc;
use uuid::Uuid;

use crate::{App, AppError, AppResult, subscribers::expiry::SweepSubscriptions};

/// Whether the sandbox Telegram stands in for Telegram (sandbox time is refused otherwise).
pub fn telegram_is_sandbox(app: &App) -> bool {
    app.messenger.is_configured() && !app.messenger.is_live()
}

/// Ends `telegram_user_id`'s active subscriptions now and queues the expiry sweep in the same
/// transaction; returns how many ended. `NotFound` with the real Telegram (or none).
pub async fn expire_now(app: &App, telegram_user_id: i64) -> AppResult<u64> {
    if !telegram_is_sandbox(app) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.pool.begin().await?;
    let moved = paygate_db::subscriptions::expire_now(&mut tx, telegram_user_id).await?;
    if moved > 0 {
        paygate_jobs::enqueue(&mut tx, &SweepSubscriptions { tick: Utc::now() }).await?;
    }
    tx.commit().await?;
    tracing::info!(kind = "user", telegram_user_id, moved, "sandbox time: subscriptions expire now");
    Ok(moved)
}

/// Ends one active subscription now and queues the expiry sweep in the same transaction. `NotFound`
/// when it does not exist or is not active, and with the real Telegram (or none).
pub async fn expire_subscription_now(app: &App, subscription_id: Uuid) -> AppResult<()> {
    if !telegram_is_sandbox(app) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.pool.begin().await?;
    if !paygate_db::subscriptions::expire_one_now(&mut tx, subscription_id).await? {
        return Err(AppError::NotFound);
    }
    paygate_jobs::enqueue(&mut tx, &SweepSubscriptions { tick: Utc::now() }).await?;
    tx.commit().await?;
    tracing::info!(kind = "user", %subscription_id, "sandbox time: subscription expires now");
    Ok(())
}
