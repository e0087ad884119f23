//! Text commands: `/start <payload>`, `/status`, `/help`, `/cancel`.

use paygate_app::{App, AppResult, notify::Button, texts};
use paygate_domain::{
    channel::offer::{Offer, OfferRef},
    ids::ChannelId,
};
use paygate_telegram::IncomingMessage;
use serde_json::json;

use crate::{offers, reply};

const HELP: &str = "I sell access to private channels.\n\n\
    • Open an offer link from a channel to subscribe.\n\
    • /status — your subscriptions, renewals and new invite links\n\
    • /cancel — leave the current step\n\
    • /help — this message\n\n\
    Channel owners: /link CODE connects your Paygate account; /mychannels shows your channels.";

pub async fn on_message(app: &App, message: IncomingMessage) -> AppResult<()> {
    let Some(from) = message.from.as_ref() else { return Ok(()) };
    if message.chat_id != from.id {
        return Ok(()); // only private chats with the bot
    }
    let mut conn = app.pool.acquire().await?;
    paygate_db::subscribers::upsert(&mut conn, from.id, from.username.as_deref(), &from.first_name).await?;
    drop(conn);
    let text = message.text.as_deref().unwrap_or("").trim();
    let (command, argument) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    // Commands may carry the bot's name in groups (`/start@bot`).
    match command.split('@').next().unwrap_or("") {
        "/start" => start(app, from.id, argument.trim()).await,
        "/status" => status(app, from.id).await,
        "/link" => crate::owner::link(app, from.id, argument.trim()).await,
        "/mychannels" => crate::owner::my_channels(app, from.id).await,
        "/cancel" => {
            let mut conn = app.pool.acquire().await?;
            paygate_db::subscribers::clear_dialogue(&mut conn, from.id).await?;
            reply::send(app, from.id, "Cancelled. Nothing is pending.", vec![]).await
        }
        _ if !text.starts_with('/') => free_text(app, from.id, text).await,
        _ => reply::send(app, from.id, HELP, vec![]).await,
    }
}

/// Text that is not a command answers the dialogue's current question, if there is one.
async fn free_text(app: &App, user: i64, text: &str) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    let state = paygate_db::subscribers::dialogue(&mut conn, user).await?;
    drop(conn);
    let waiting_channel = state
        .filter(|s| s["step"] == crate::donations::STEP)
        .and_then(|s| s["channel_id"].as_str().and_then(|id| uuid::Uuid::try_parse(id).ok()));
    match waiting_channel {
        Some(channel) => crate::donations::typed(app, user, ChannelId::from_uuid(channel), text).await,
        None => reply::send(app, user, HELP, vec![]).await,
    }
}

async fn start(app: &App, user: i64, payload: &str) -> AppResult<()> {
    if payload.is_empty() {
        return reply::send(app, user, HELP, vec![]).await;
    }
    let Ok(offer) = OfferRef::parse(payload) else {
        return reply::send(
            app,
            user,
            "This link is not valid. Open the offer link from the channel again.",
            vec![],
        )
        .await;
    };
    let mut conn = app.pool.acquire().await?;
    let state = json!({"step": "offer", "channel_id": offer.channel.as_uuid(), "payload": payload});
    paygate_db::subscribers::set_dialogue(&mut conn, user, &state).await?;
    drop(conn);
    match offer.offer {
        Offer::Tier(_) => offers::show(app, user, offer.channel).await,
        Offer::Donation => crate::donations::start(app, user, offer.channel).await,
    }
}

/// Lists the subscriber's subscriptions with renew and new-invite buttons.
pub async fn status(app: &App, user: i64) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    let subscriptions = paygate_db::subscriptions::for_subscriber(&mut conn, user).await?;
    drop(conn);
    if subscriptions.is_empty() {
        return reply::send(
            app,
            user,
            "You have no subscriptions yet. Open an offer link from a channel.",
            vec![],
        )
        .await;
    }
    let mut lines = vec!["<b>Your subscriptions</b>".to_owned()];
    let mut buttons = Vec::new();
    for (sub, title) in subscriptions {
        let id = sub.id.simple().to_string();
        if sub.status == "active" {
            lines.push(format!("✅ {} — until {}", texts::escape(&title), texts::date(sub.expires_at)));
            buttons.push(vec![
                Button::callback(&format!("🔗 New link: {}", short(&title)), &format!("invite:{id}")),
                Button::callback("🔄 Renew", &format!("renew:{id}")),
            ]);
        } else {
            lines.push(format!("⌛ {} — ended {}", texts::escape(&title), texts::date(sub.expires_at)));
            buttons
                .push(vec![Button::callback(&format!("🔄 Renew {}", short(&title)), &format!("renew:{id}"))]);
        }
    }
    reply::send(app, user, &lines.join("\n"), buttons).await
}

fn short(title: &str) -> String {
    title.chars().take(24).collect()
}
