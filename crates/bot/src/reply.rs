//! Replies to the subscriber, through the paced sender.

use paygate_app::{App, AppError, AppResult, notify::Button, subscribers::Reply};

/// Shows what a use case answered.
pub async fn show(app: &App, chat_id: i64, reply: Reply) -> AppResult<()> {
    send(app, chat_id, &reply.text, reply.buttons).await
}

/// Sends `text` with `buttons` to `chat_id` now (replies are answers, not side effects to queue).
pub async fn send(app: &App, chat_id: i64, text: &str, buttons: Vec<Vec<Button>>) -> AppResult<()> {
    let sender =
        app.telegram.as_ref().ok_or_else(|| AppError::Unavailable("no Telegram bot configured".into()))?;
    let keyboard =
        paygate_app::notify::keyboard(&buttons).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    sender
        .send(chat_id, || sender.api().send_message(chat_id, text, keyboard.as_ref()))
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(())
}

/// Acknowledges a button press (stops the client's spinner), optionally with a toast.
pub async fn ack(app: &App, query_id: &str, toast: Option<&str>) -> AppResult<()> {
    let sender =
        app.telegram.as_ref().ok_or_else(|| AppError::Unavailable("no Telegram bot configured".into()))?;
    sender
        .api()
        .answer_callback_query(query_id, toast)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))
}
