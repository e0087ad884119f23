//! Long polling: fetch updates, handle them (one user's in order, different users concurrently),
//! confirm them by advancing the offset.

use std::{collections::HashMap, time::Duration};

use paygate_app::App;
use paygate_telegram::{Update, UpdateKind, UpdateSource};
use tokio_util::sync::CancellationToken;

/// Polls `api` (Telegram's Bot API, or the sandbox Telegram) until `shutdown`; an update is confirmed
/// only after it was handled (at-least-once). Replies go through `app.messenger` (paced); `api` only
/// receives updates and sets the bot up.
pub async fn run_polling(app: App, api: impl UpdateSource, shutdown: CancellationToken) {
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
                for update in &updates {
                    offset = Some(offset.unwrap_or(i64::MIN).max(update.update_id + 1));
                }
                for lane in lanes(updates) {
                    let app = app.clone();
                    handling.spawn(async move {
                        for update in lane {
                            crate::handle_update(&app, update).await;
                        }
                    });
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

/// Splits a batch into lanes, one per user in arrival order: a lane runs its updates one after another
/// (a user's "Pay" then "/status" never race), different lanes run concurrently. An update without a
/// user gets a lane of its own.
fn lanes(updates: Vec<Update>) -> Vec<Vec<Update>> {
    let mut lanes: Vec<Vec<Update>> = Vec::new();
    let mut lane_of_user: HashMap<i64, usize> = HashMap::new();
    for update in updates {
        match user_of(&update) {
            Some(user) => {
                let index = *lane_of_user.entry(user).or_insert_with(|| {
                    lanes.push(Vec::new());
                    lanes.len() - 1
                });
                lanes[index].push(update);
            }
            None => lanes.push(vec![update]),
        }
    }
    lanes
}

/// Whose update this is: the sender (for a message without one, its chat).
fn user_of(update: &Update) -> Option<i64> {
    match &update.kind {
        UpdateKind::Message(message) => Some(message.from.as_ref().map_or(message.chat_id, |from| from.id)),
        UpdateKind::CallbackQuery(query) => Some(query.from.id),
        UpdateKind::ChatJoinRequest(request) => Some(request.from.id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use paygate_telegram::{CallbackQuery, IncomingMessage, TelegramUser};

    use super::*;

    fn user(id: i64) -> TelegramUser {
        TelegramUser { id, username: None, first_name: "U".into() }
    }

    fn text(update_id: i64, from: i64) -> Update {
        let message = IncomingMessage {
            chat_id: from,
            message_id: update_id,
            from: Some(user(from)),
            text: Some("/help".into()),
        };
        Update { update_id, kind: UpdateKind::Message(message) }
    }

    fn press(update_id: i64, from: i64) -> Update {
        let query = CallbackQuery {
            id: update_id.to_string(),
            from: user(from),
            data: Some("status".into()),
            message_chat_id: Some(from),
            message_id: Some(1),
        };
        Update { update_id, kind: UpdateKind::CallbackQuery(query) }
    }

    #[test]
    fn one_users_updates_share_a_lane_in_arrival_order_and_other_users_get_their_own() {
        let batch = vec![
            press(1, 7),
            text(2, 8),
            text(3, 7),
            Update { update_id: 4, kind: UpdateKind::Other },
            press(5, 8),
        ];
        let ids: Vec<Vec<i64>> =
            lanes(batch).into_iter().map(|lane| lane.into_iter().map(|u| u.update_id).collect()).collect();
        assert_eq!(ids, vec![vec![1, 3], vec![2, 5], vec![4]]);
    }
}
