//! Text commands: `/start <payload>`, `/status`, `/help`, `/cancel`, the owner's `/link` and
//! `/mychannels`; other text answers the dialogue.

use paygate_app::{App, AppResult, owners::commands, subscribers};
use paygate_telegram::IncomingMessage;

use crate::reply;

pub async fn on_message(app: &App, message: IncomingMessage) -> AppResult<()> {
    let Some(from) = message.from.as_ref() else { return Ok(()) };
    if message.chat_id != from.id {
        return Ok(()); // only private chats with the bot
    }
    subscribers::seen(app, from.id, from.username.as_deref(), &from.first_name).await?;
    let text = message.text.as_deref().unwrap_or("").trim();
    let (command, argument) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    // Commands may carry the bot's name in groups (`/start@bot`).
    let shown = match command.split('@').next().unwrap_or("") {
        "/start" => subscribers::start(app, from.id, argument.trim()).await?,
        "/status" => subscribers::status(app, from.id).await?,
        "/link" => commands::link(app, from.id, argument.trim()).await?,
        "/mychannels" => commands::my_channels(app, from.id).await?,
        "/cancel" => subscribers::cancel(app, from.id).await?,
        _ if !text.starts_with('/') => subscribers::text(app, from.id, text).await?,
        _ => subscribers::help(),
    };
    reply::show(app, from.id, shown).await
}
