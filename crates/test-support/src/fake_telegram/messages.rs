//! The fake's messaging methods (send, edit, delete, answer callback) and their test accessors.

use std::{collections::HashSet, time::Instant};

use serde_json::{Value, json};

use super::{ApiError, FakeState, FakeTelegram, bot_member, chat_param, int_param, json_param, rates};

/// Telegram's limits on message text and callback data.
const MAX_TEXT_CHARS: usize = 4096;
const MAX_CALLBACK_DATA_BYTES: usize = 64;

/// A message the bot sent, as the fake recorded it (text and keyboard follow later edits).
#[derive(Debug, Clone)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i64,
    pub text: String,
    /// The `reply_markup` parameter as sent, `Null` when absent.
    pub reply_markup: Value,
    pub at: Instant,
}

#[derive(Default)]
pub(super) struct Messages {
    next_message_id: i64,
    sent: Vec<SentMessage>,
    deleted: Vec<(i64, i64)>,
    answered: Vec<(String, Option<String>)>,
    blocked: HashSet<i64>,
}

impl FakeTelegram {
    /// Every message sent so far, in order.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.lock().messages.sent.clone()
    }

    /// Messages sent to `chat_id`, in order.
    pub fn messages_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.lock().messages.sent.iter().filter(|m| m.chat_id == chat_id).cloned().collect()
    }

    /// `(chat_id, message_id)` of every deleted message.
    pub fn deleted_messages(&self) -> Vec<(i64, i64)> {
        self.lock().messages.deleted.clone()
    }

    /// `(callback_query_id, text)` of every answered callback query.
    pub fn answered_callbacks(&self) -> Vec<(String, Option<String>)> {
        self.lock().messages.answered.clone()
    }

    /// The user blocked the bot: messages to them fail with 403.
    pub fn block_user(&self, user_id: i64) {
        self.lock().messages.blocked.insert(user_id);
    }
}

pub(super) fn send_message(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    rates::admit(state, chat_id)?;
    check_can_write(state, chat_id)?;
    let text = text_param(params)?;
    let reply_markup = markup_param(params)?;
    let messages = &mut state.messages;
    messages.next_message_id += 1;
    let message_id = messages.next_message_id;
    messages.sent.push(SentMessage {
        chat_id,
        message_id,
        text: text.clone(),
        reply_markup: reply_markup.clone(),
        at: Instant::now(),
    });
    Ok(message_json(state, chat_id, message_id, &text, &reply_markup))
}

pub(super) fn edit_message_text(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    let message_id = int_param(params, "message_id")
        .ok_or_else(|| ApiError::bad_request("message identifier is not specified"))?;
    rates::admit(state, chat_id)?;
    check_can_write(state, chat_id)?;
    let text = text_param(params)?;
    let reply_markup = markup_param(params)?;
    let message = live_message(state, chat_id, message_id)
        .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
    if message.text == text && message.reply_markup == reply_markup {
        return Err(ApiError::bad_request("message is not modified"));
    }
    message.text.clone_from(&text);
    message.reply_markup = reply_markup.clone();
    Ok(message_json(state, chat_id, message_id, &text, &reply_markup))
}

pub(super) fn delete_message(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    let message_id = int_param(params, "message_id")
        .ok_or_else(|| ApiError::bad_request("message identifier is not specified"))?;
    rates::admit(state, chat_id)?;
    if live_message(state, chat_id, message_id).is_none() {
        return Err(ApiError::bad_request("message to delete not found"));
    }
    state.messages.deleted.push((chat_id, message_id));
    Ok(Value::Bool(true))
}

pub(super) fn answer_callback_query(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let id = match params.get("callback_query_id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        _ => {
            return Err(ApiError::bad_request(
                "query is too old and response timeout expired or query ID is invalid",
            ));
        }
    };
    let text = params.get("text").and_then(Value::as_str).map(str::to_owned);
    state.messages.answered.push((id, text));
    Ok(Value::Bool(true))
}

fn live_message(state: &mut FakeState, chat_id: i64, message_id: i64) -> Option<&mut SentMessage> {
    let messages = &mut state.messages;
    if messages.deleted.contains(&(chat_id, message_id)) {
        return None;
    }
    messages.sent.iter_mut().find(|m| m.chat_id == chat_id && m.message_id == message_id)
}

/// Blocked users refuse messages; a bot that left (or was kicked from) a configured chat cannot write.
fn check_can_write(state: &FakeState, chat_id: i64) -> Result<(), ApiError> {
    if state.messages.blocked.contains(&chat_id) {
        return Err(ApiError::forbidden("bot was blocked by the user"));
    }
    match bot_member(state, chat_id).and_then(|member| member["status"].as_str()) {
        Some("left") => Err(ApiError::forbidden("bot is not a member of the channel chat")),
        Some("kicked") => Err(ApiError::forbidden("bot was kicked from the channel chat")),
        _ => Ok(()),
    }
}

fn text_param(params: &Value) -> Result<String, ApiError> {
    let text = params.get("text").and_then(Value::as_str).unwrap_or_default();
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request("message is too long"));
    }
    Ok(text.to_owned())
}

/// `reply_markup`, checked like Telegram checks inline keyboards.
fn markup_param(params: &Value) -> Result<Value, ApiError> {
    let markup = json_param(params, "reply_markup");
    if markup.is_null() {
        return Ok(markup);
    }
    let rows = markup["inline_keyboard"]
        .as_array()
        .ok_or_else(|| ApiError::bad_request("can't parse reply keyboard markup JSON object"))?;
    for button in rows.iter().flat_map(|row| row.as_array().into_iter().flatten()) {
        if button["text"].as_str().is_none_or(str::is_empty) {
            return Err(ApiError::bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
        match (button.get("url"), button.get("callback_data").and_then(Value::as_str)) {
            (Some(Value::String(_)), None) => {}
            (None, Some(data)) if !data.is_empty() && data.len() <= MAX_CALLBACK_DATA_BYTES => {}
            (None, Some(_)) => return Err(ApiError::bad_request("BUTTON_DATA_INVALID")),
            _ => return Err(ApiError::bad_request("can't parse inline keyboard button")),
        }
    }
    Ok(markup)
}

fn message_json(state: &FakeState, chat_id: i64, message_id: i64, text: &str, markup: &Value) -> Value {
    let chat = if chat_id < 0 {
        json!({"id": chat_id, "type": "channel", "title": "Channel"})
    } else {
        json!({"id": chat_id, "type": "private", "first_name": "User"})
    };
    let mut message = json!({
        "message_id": message_id,
        "from": super::bot_user(state),
        "chat": chat,
        "date": unix_now(),
        "text": text,
    });
    if !markup.is_null() {
        message["reply_markup"] = markup.clone();
    }
    message
}

pub(super) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}
