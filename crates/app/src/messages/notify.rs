//! Direct messages to subscribers as durable jobs, sent through the (paced) messenger.

use async_trait::async_trait;
use paygate_domain::messenger::{InlineButton, InlineKeyboard};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::{App, AppResult, telegram_errors::job_error};

/// A button of a queued message: opens a URL or sends callback data back to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub text: String,
    pub url: Option<String>,
    pub callback: Option<String>,
}

impl Button {
    pub fn url(text: &str, url: &str) -> Self {
        Self { text: text.into(), url: Some(url.into()), callback: None }
    }

    pub fn callback(text: &str, data: &str) -> Self {
        Self { text: text.into(), url: None, callback: Some(data.into()) }
    }
}

/// Builds the inline keyboard of `rows` (callback data over 64 bytes is a programming error: fatal).
pub fn keyboard(rows: &[Vec<Button>]) -> Result<Option<InlineKeyboard>, String> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut built = Vec::new();
    for row in rows {
        let mut buttons = Vec::new();
        for button in row {
            buttons.push(match (&button.url, &button.callback) {
                (Some(url), _) => InlineButton::url(&button.text, url),
                (None, Some(data)) => {
                    InlineButton::callback(&button.text, data).map_err(|e| e.to_string())?
                }
                (None, None) => return Err(format!("button {} has neither url nor callback", button.text)),
            });
        }
        built.push(buttons);
    }
    Ok(Some(InlineKeyboard { rows: built }))
}

/// One message to one chat.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendMessage {
    pub chat_id: i64,
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
}

impl Job for SendMessage {
    const KIND: &'static str = "telegram.send_message";
    const MAX_ATTEMPTS: i32 = 20;
}

/// Enqueues a message on the caller's transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    chat_id: i64,
    text: &str,
    buttons: Vec<Vec<Button>>,
) -> AppResult<()> {
    paygate_jobs::enqueue(conn, &SendMessage { chat_id, text: text.to_owned(), buttons }).await?;
    Ok(())
}

pub struct SendMessageHandler(pub App);

#[async_trait]
impl Handler for SendMessageHandler {
    type Job = SendMessage;

    async fn run(&self, _ctx: &JobContext, job: SendMessage) -> Result<(), JobError> {
        let keyboard = keyboard(&job.buttons).map_err(JobError::fatal)?;
        self.0.messenger.send_message(job.chat_id, &job.text, keyboard.as_ref()).await.map_err(job_error)?;
        tracing::info!(kind = "telegram", chat_id = job.chat_id, "message sent");
        Ok(())
    }
}
