//! What a use case asks the bot to show: Telegram HTML text and rows of buttons.

use crate::messages::notify::Button;

/// A message to the subscriber; every dynamic part of `text` is already escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
}

impl Reply {
    /// A message without buttons.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply { text: text.into(), buttons: Vec::new() }
    }

    pub fn with_buttons(text: impl Into<String>, buttons: Vec<Vec<Button>>) -> Reply {
        Reply { text: text.into(), buttons }
    }
}
