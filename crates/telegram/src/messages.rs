//! Messaging methods of `BotApi`: send, edit and delete messages, answer callback queries.

use paygate_domain::messenger::MessengerError;
use serde::{Deserialize, Serialize, de::IgnoredAny};

use paygate_domain::messenger::InlineKeyboard;

use crate::BotApi;

#[derive(Serialize)]
struct LinkPreviewOptions {
    is_disabled: bool,
}

const NO_PREVIEW: LinkPreviewOptions = LinkPreviewOptions { is_disabled: true };

#[derive(Serialize)]
struct SendMessage<'a> {
    chat_id: i64,
    text: &'a str,
    parse_mode: &'static str,
    link_preview_options: LinkPreviewOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboard>,
}

#[derive(Serialize)]
struct EditMessageText<'a> {
    chat_id: i64,
    message_id: i64,
    text: &'a str,
    parse_mode: &'static str,
    link_preview_options: LinkPreviewOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboard>,
}

#[derive(Serialize)]
struct DeleteMessage {
    chat_id: i64,
    message_id: i64,
}

#[derive(Serialize)]
struct AnswerCallbackQuery<'a> {
    callback_query_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// The part of a sent `Message` Paygate keeps.
#[derive(Deserialize)]
struct SentMessage {
    message_id: i64,
}

impl BotApi {
    /// Sends an HTML message (link previews off) and returns its `message_id`.
    #[tracing::instrument(skip(self, text, keyboard))]
    pub async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError> {
        let params = SendMessage {
            chat_id,
            text,
            parse_mode: "HTML",
            link_preview_options: NO_PREVIEW,
            reply_markup: keyboard,
        };
        let sent: SentMessage = self.call("sendMessage", &params).await?;
        Ok(sent.message_id)
    }

    /// Replaces the text (and keyboard) of a message the bot sent.
    #[tracing::instrument(skip(self, text, keyboard))]
    pub async fn edit_message_text(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        let params = EditMessageText {
            chat_id,
            message_id,
            text,
            parse_mode: "HTML",
            link_preview_options: NO_PREVIEW,
            reply_markup: keyboard,
        };
        // The result is the edited `Message`, or `true` for inline messages.
        let _: IgnoredAny = self.call("editMessageText", &params).await?;
        Ok(())
    }

    /// Deletes a message (the bot's own, or any in a chat where it may delete messages).
    #[tracing::instrument(skip(self))]
    pub async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError> {
        let _: IgnoredAny = self.call("deleteMessage", &DeleteMessage { chat_id, message_id }).await?;
        Ok(())
    }

    /// Stops the button's spinner, optionally showing `text` as a notification.
    #[tracing::instrument(skip(self, text))]
    pub async fn answer_callback_query(
        &self,
        callback_query_id: &str,
        text: Option<&str>,
    ) -> Result<(), MessengerError> {
        let params = AnswerCallbackQuery { callback_query_id, text };
        let _: IgnoredAny = self.call("answerCallbackQuery", &params).await?;
        Ok(())
    }
}
