//! Replies to the subscriber, through the app's (paced) messenger.

use paygate_app::{App, AppError, AppResult, messages::notify::Button, subscribers::Reply};

/// Shows what a use case answered.
pub async fn show(app: &App, chat_id: i64, reply: Reply) -> AppResult<()> {
    send(app, chat_id, &reply.text, reply.buttons).await
}

/// Sends `text` with `buttons` to `chat_id` now (replies are answers, not side effects to queue).
pub async fn send(app: &App, chat_id: i64, text: &str, buttons: Vec<Vec<Button>>) -> AppResult<()> {
    let keyboard = paygate_app::messages::notify::keyboard(&buttons)
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    app.messenger
        .send_message(chat_id, text, keyboard.as_ref())
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(())
}

/// Acknowledges a button press (stops the client's spinner), optionally with a toast.
pub async fn ack(app: &App, query_id: &str, toast: Option<&str>) -> AppResult<()> {
    app.messenger.answer_callback(query_id, toast).await.map_err(|e| AppError::Unavailable(e.to_string()))
}
