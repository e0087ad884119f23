//! Sandbox time: let a sandbox subscriber's subscriptions expire now, so the removal, the message and
//! the renewal can be watched in minutes. Refused unless the sandbox Telegram stands in for Telegram.

use chrono::Utc;

use crate::{App, AppError, AppResult, subscribers::expiry::SweepSubscriptions};

/// Ends `telegram_user_id`'s active subscriptions now and queues the expiry sweep in the same
/// transaction; returns how many ended. `NotFound` with the real Telegram (or none).
pub async fn expire_now(app: &App, telegram_user_id: i64) -> AppResult<u64> {
    if !app.messenger.is_configured() || app.messenger.is_live() {
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
