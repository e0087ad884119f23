//! The fake's update delivery: a queue fed by `push_update`, long-polled `getUpdates`, webhook and commands.

use std::{collections::VecDeque, time::Duration};

use serde_json::{Value, json};

use super::{
    ApiError, FakeState, FakeTelegram, Shared, int_param, json_param, messages::unix_now, next_global_id,
};

/// Telegram's default and largest `limit` of `getUpdates`.
const MAX_BATCH: usize = 100;

#[derive(Default)]
pub(super) struct UpdateQueue {
    /// Updates not yet confirmed by an `offset`, in push order.
    pending: VecDeque<Value>,
    webhook: Option<Value>,
    commands: Value,
}

/// A validated `getUpdates` request, served outside the lock.
pub(super) struct Poll {
    limit: usize,
    timeout: Duration,
}

impl FakeTelegram {
    /// Queues an update for `getUpdates`; an `update_id` is assigned when missing. Wakes long polls.
    pub fn push_update(&self, mut update: Value) {
        if update.get("update_id").and_then(Value::as_i64).is_none() {
            update["update_id"] = json!(next_global_id());
        }
        self.lock().updates.pending.push_back(update);
        self.shared.update_pushed.notify_waiters();
    }

    /// Queues several updates at once, so one `getUpdates` answer carries them all, in this order.
    pub fn push_updates(&self, updates: impl IntoIterator<Item = Value>) {
        let mut state = self.lock();
        for mut update in updates {
            if update.get("update_id").and_then(Value::as_i64).is_none() {
                update["update_id"] = json!(next_global_id());
            }
            state.updates.pending.push_back(update);
        }
        drop(state);
        self.shared.update_pushed.notify_waiters();
    }

    /// Updates pushed and not yet confirmed by a later `offset`.
    pub fn pending_updates(&self) -> Vec<Value> {
        self.lock().updates.pending.iter().cloned().collect()
    }

    /// The parameters of the last `setWebhook`, until `deleteWebhook`.
    pub fn webhook(&self) -> Option<Value> {
        self.lock().updates.webhook.clone()
    }

    /// The `commands` of the last `setMyCommands`, `Null` before.
    pub fn commands(&self) -> Value {
        self.lock().updates.commands.clone()
    }

    /// A private text message from `user_id` to the bot (e.g. `/start payload`).
    pub fn text_message_update(user_id: i64, username: &str, text: &str) -> Value {
        let from = user_json(user_id, Some(username));
        let mut message = json!({
            "message_id": next_global_id(), "from": from, "date": unix_now(),
            "chat": {"id": user_id, "type": "private", "first_name": "User", "username": username},
            "text": text,
        });
        if let Some(command) = text.strip_prefix('/') {
            let length = command.find(' ').unwrap_or(command.len()) + 1;
            message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
        }
        json!({"update_id": next_global_id(), "message": message})
    }

    /// A press by `user_id` on a callback button with `data` under the bot's message `message_id`.
    pub fn callback_update(user_id: i64, data: &str, message_id: i64) -> Value {
        json!({"update_id": next_global_id(), "callback_query": {
            "id": next_global_id().to_string(),
            "from": user_json(user_id, None),
            "message": {
                "message_id": message_id, "date": unix_now(), "text": "…",
                "chat": {"id": user_id, "type": "private", "first_name": "User"},
            },
            "chat_instance": format!("ci{user_id}"),
            "data": data,
        }})
    }

    /// `user_id` asks to join `chat_id` through the join-request link `invite_link`.
    pub fn join_request_update(chat_id: i64, user_id: i64, invite_link: &str) -> Value {
        json!({"update_id": next_global_id(), "chat_join_request": {
            "chat": {"id": chat_id, "type": "channel", "title": "Closed channel"},
            "from": user_json(user_id, None),
            "user_chat_id": user_id,
            "date": unix_now(),
            "invite_link": {
                "invite_link": invite_link, "creator": {"id": 1, "is_bot": true, "first_name": "Bot"},
                "creates_join_request": true, "is_primary": false, "is_revoked": false,
            },
        }})
    }

    /// `user_id`'s status in `chat_id` changed from `old_status` to `new_status` (`chat_member`),
    /// through `invite_link` when given (as Telegram reports joins by link).
    pub fn chat_member_update(
        chat_id: i64,
        user_id: i64,
        old_status: &str,
        new_status: &str,
        invite_link: Option<&str>,
    ) -> Value {
        let user = user_json(user_id, None);
        let mut change = json!({
            "chat": {"id": chat_id, "type": "channel", "title": "Closed channel"},
            "from": user.clone(),
            "date": unix_now(),
            "old_chat_member": {"status": old_status, "user": user.clone()},
            "new_chat_member": {"status": new_status, "user": user},
        });
        if let Some(link) = invite_link {
            change["invite_link"] = json!({
                "invite_link": link, "creator": {"id": 1, "is_bot": true, "first_name": "Bot"},
                "creates_join_request": false, "is_primary": false, "is_revoked": false, "member_limit": 1,
            });
        }
        json!({"update_id": next_global_id(), "chat_member": change})
    }
}

fn user_json(user_id: i64, username: Option<&str>) -> Value {
    let mut user = json!({"id": user_id, "is_bot": false, "first_name": format!("User {user_id}")});
    if let Some(username) = username {
        user["username"] = json!(username);
    }
    user
}

/// Checks a `getUpdates` call and drops the updates its `offset` confirms.
pub(super) fn poll_request(state: &mut FakeState, params: &Value) -> Result<Poll, ApiError> {
    if state.updates.webhook.is_some() {
        return Err(ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first".to_owned(),
            None,
        ));
    }
    if let Some(offset) = int_param(params, "offset") {
        let pending = &mut state.updates.pending;
        pending.retain(|update| update["update_id"].as_i64().is_some_and(|id| id >= offset));
    }
    let limit =
        int_param(params, "limit").map_or(MAX_BATCH, |n| usize::try_from(n).unwrap_or(1).clamp(1, MAX_BATCH));
    let timeout = int_param(params, "timeout").map_or(0, |secs| u64::try_from(secs).unwrap_or(0));
    Ok(Poll { limit, timeout: Duration::from_secs(timeout) })
}

/// Answers at once when updates are pending, else waits up to the poll's timeout for a push.
pub(super) async fn long_poll(shared: &Shared, poll: Poll) -> Result<Value, ApiError> {
    let deadline = tokio::time::Instant::now() + poll.timeout;
    loop {
        let pushed = shared.update_pushed.notified();
        tokio::pin!(pushed);
        pushed.as_mut().enable();
        {
            let state = shared.lock();
            let batch: Vec<Value> = state.updates.pending.iter().take(poll.limit).cloned().collect();
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, pushed).await.is_err() {
            return Ok(json!([]));
        }
    }
}

pub(super) fn set_webhook(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    match params["url"].as_str() {
        Some("") => state.updates.webhook = None,
        Some(url) if url.starts_with("https://") => state.updates.webhook = Some(params.clone()),
        _ => return Err(ApiError::bad_request("bad webhook: An HTTPS URL must be provided for webhook")),
    }
    Ok(Value::Bool(true))
}

pub(super) fn delete_webhook(state: &mut FakeState) -> Result<Value, ApiError> {
    state.updates.webhook = None;
    Ok(Value::Bool(true))
}

pub(super) fn set_my_commands(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let commands = json_param(params, "commands");
    let valid = commands.as_array().is_some_and(|list| {
        list.iter().all(|c| {
            let command = c["command"].as_str().unwrap_or_default();
            let description = c["description"].as_str().unwrap_or_default();
            (1..=32).contains(&command.len())
                && command.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && (1..=256).contains(&description.chars().count())
        })
    });
    if !valid {
        return Err(ApiError::bad_request("BOT_COMMAND_INVALID"));
    }
    state.updates.commands = commands;
    Ok(Value::Bool(true))
}
