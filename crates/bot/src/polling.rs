//! Long polling: fetch updates, handle them, confirm them by advancing the offset.

use std::time::Duration;

use paygate_app::App;
use tokio_util::sync::CancellationToken;

/// Polls until `shutdown`; an update is confirmed only after it was handled (at-least-once).
pub async fn run_polling(app: App, shutdown: CancellationToken) {
    let Some(sender) = app.telegram.clone() else {
        tracing::warn!(kind = "warning", "no Telegram bot token: the bot does not run");
        return;
    };
    let api = sender.api().clone();
    if let Err(error) = api.delete_webhook().await {
        tracing::warn!(kind = "telegram", %error, "could not remove a webhook before polling");
    }
    let commands = [
        ("status", "Your subscriptions"),
        ("help", "How this bot works"),
        ("cancel", "Leave the current step"),
    ];
    if let Err(error) = api.set_my_commands(&commands).await {
        tracing::warn!(kind = "telegram", %error, "could not set the command list");
    }
    tracing::info!(kind = "startup", "Telegram bot polling for updates");
    let mut offset = None;
    while !shutdown.is_cancelled() {
        let batch = tokio::select! {
            _ = shutdown.cancelled() => break,
            batch = api.get_updates(offset, 25) => batch,
        };
        match batch {
            Ok(updates) => {
                let mut handling = tokio::task::JoinSet::new();
                for update in updates {
                    offset = Some(offset.unwrap_or(i64::MIN).max(update.update_id + 1));
                    let app = app.clone();
                    handling.spawn(async move { crate::handle_update(&app, update).await });
                }
                while handling.join_next().await.is_some() {}
            }
            Err(error) => {
                let pause = match &error {
                    paygate_domain::messenger::MessengerError::RateLimited { retry_after } => *retry_after,
                    _ => Duration::from_secs(3),
                };
                tracing::warn!(kind = "retry", %error, ?pause, "getUpdates failed");
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        }
    }
    tracing::info!(kind = "status", "Telegram bot stopped polling");
}
