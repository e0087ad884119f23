//! The channel owner's bot commands, `/link CODE` and `/mychannels`, answered with the reply to show.
//! Settings are never edited in the bot (the old bot let anyone replace a payout wallet).

use crate::{App, AppError, AppResult, messages::texts, owners::link, subscribers::Reply};

/// `/link CODE`: links this Telegram account to the Paygate account that made the code.
pub async fn link(app: &App, user: i64, code: &str) -> AppResult<Reply> {
    if code.is_empty() {
        return Ok(Reply::text(
            "Send <code>/link CODE</code> with the code from the dashboard (Account → Telegram).",
        ));
    }
    match link::link(app, user, code).await {
        Ok(username) => Ok(Reply::text(format!(
            "✅ Linked to the Paygate account <b>{}</b>. Notifications of your channels come here when they are on.",
            texts::escape(&username)
        ))),
        Err(AppError::Validation(_)) => Ok(Reply::text("This code is invalid, already used or expired.")),
        Err(AppError::RateLimited { .. }) => Ok(Reply::text("Too many attempts. Please wait a few minutes.")),
        Err(other) => Err(other),
    }
}

/// `/mychannels`: the linked owner's channels with their state; settings live in the dashboard.
pub async fn my_channels(app: &App, user: i64) -> AppResult<Reply> {
    let dashboard = app.settings.public_url.as_str().trim_end_matches('/').to_owned();
    let Some(channels) = link::my_channels(app, user).await? else {
        return Ok(Reply::text(format!(
            "This Telegram account is not linked to a Paygate account. Get a code at {dashboard} and send /link CODE."
        )));
    };
    if channels.is_empty() {
        return Ok(Reply::text(format!("You have no channels yet. Add one at {dashboard}.")));
    }
    let mut lines = vec!["<b>Your channels</b>".to_owned()];
    for channel in channels {
        let state = if channel.ready { "✅ ready" } else { "⚠️ not ready" };
        lines.push(format!(
            "{} — {state}, {} active, today {}",
            texts::escape(&channel.title),
            channel.active_subscribers,
            texts::usd(channel.revenue_today_usd)
        ));
    }
    lines.push(format!("\nChange settings in the dashboard: {dashboard}"));
    Ok(Reply::text(lines.join("\n")))
}
