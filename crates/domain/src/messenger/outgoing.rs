//! What Paygate sends through the `Messenger` port: inline keyboards and invite-link requests.
//!
//! Keyboards serialize as the Bot API's `InlineKeyboardMarkup`, which is also how queued messages
//! describe them; callback data is checked against Telegram's bound when a button is made.

use serde::Serialize;

/// Telegram's limit on `callback_data`, in bytes.
pub const MAX_CALLBACK_DATA_BYTES: usize = 64;

/// An inline keyboard under a message; serializes as Telegram's `InlineKeyboardMarkup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InlineKeyboard {
    #[serde(rename = "inline_keyboard")]
    pub rows: Vec<Vec<InlineButton>>,
}

impl InlineKeyboard {
    /// A keyboard with one button per row.
    pub fn column(buttons: impl IntoIterator<Item = InlineButton>) -> Self {
        Self { rows: buttons.into_iter().map(|button| vec![button]).collect() }
    }
}

/// One inline button: opens a URL or sends callback data back to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InlineButton {
    text: String,
    #[serde(flatten)]
    action: ButtonAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum ButtonAction {
    Url(String),
    CallbackData(String),
}

/// Callback data Telegram would refuse: empty or longer than 64 bytes. Never truncated silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback data must be 1 to {MAX_CALLBACK_DATA_BYTES} bytes, got {len}")]
pub struct InvalidCallbackData {
    pub len: usize,
}

impl InlineButton {
    /// A button that opens `url`.
    pub fn url(text: impl Into<String>, url: impl Into<String>) -> Self {
        Self { text: text.into(), action: ButtonAction::Url(url.into()) }
    }

    /// A button that sends `data` back to the bot; `data` must be 1–64 bytes.
    pub fn callback(text: impl Into<String>, data: impl Into<String>) -> Result<Self, InvalidCallbackData> {
        let data = data.into();
        if data.is_empty() || data.len() > MAX_CALLBACK_DATA_BYTES {
            return Err(InvalidCallbackData { len: data.len() });
        }
        Ok(Self { text: text.into(), action: ButtonAction::CallbackData(data) })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The URL of a URL button.
    pub fn url_target(&self) -> Option<&str> {
        match &self.action {
            ButtonAction::Url(url) => Some(url),
            ButtonAction::CallbackData(_) => None,
        }
    }

    /// The data of a callback button.
    pub fn callback_data(&self) -> Option<&str> {
        match &self.action {
            ButtonAction::CallbackData(data) => Some(data),
            ButtonAction::Url(_) => None,
        }
    }
}

/// What `createChatInviteLink` should make. `member_limit` and `creates_join_request` exclude each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteLinkRequest {
    /// Shown to administrators only; at most 32 characters.
    pub name: String,
    /// Unix time after which the link stops working.
    pub expire_date: Option<i64>,
    /// How many people may join through the link (1–99,999).
    pub member_limit: Option<u32>,
    /// Joining needs the bot's approval (`chat_join_request` updates).
    pub creates_join_request: bool,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn callback_data_must_be_between_one_and_sixty_four_bytes() {
        assert_eq!(InlineButton::callback("Pay", ""), Err(InvalidCallbackData { len: 0 }));
        assert_eq!(InlineButton::callback("Pay", "x".repeat(65)), Err(InvalidCallbackData { len: 65 }));
        // 22 three-byte characters are 66 bytes although only 22 characters.
        assert_eq!(InlineButton::callback("Pay", "€".repeat(22)), Err(InvalidCallbackData { len: 66 }));
        let longest = InlineButton::callback("Pay", "x".repeat(64)).unwrap();
        assert_eq!(longest.callback_data().map(str::len), Some(64));
    }

    #[test]
    fn a_keyboard_serializes_as_inline_keyboard_markup() {
        let keyboard = InlineKeyboard {
            rows: vec![
                vec![
                    InlineButton::url("Open", "https://t.me/x"),
                    InlineButton::callback("Pay", "pay:1").unwrap(),
                ],
                vec![],
            ],
        };
        assert_eq!(
            serde_json::to_value(&keyboard).unwrap(),
            json!({"inline_keyboard": [
                [{"text": "Open", "url": "https://t.me/x"}, {"text": "Pay", "callback_data": "pay:1"}],
                []
            ]})
        );
        assert_eq!(InlineKeyboard::column([InlineButton::url("a", "https://a")]).rows.len(), 1);
    }
}
