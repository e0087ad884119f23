//! Commands for channel owners: `/link CODE` and `/mychannels`. Settings are never edited in the bot
//! (the old bot let anyone replace a payout wallet); it points to the dashboard instead.

use paygate_app::{App, AppError, AppResult, texts};

use crate::reply;

pub async fn link(app: &App, user: i64, code: &str) -> AppResult<()> {
    if code.is_empty() {
        let text = "Send <code>/link CODE</code> with the code from the dashboard (Account → Telegram).";
        return reply::send(app, user, text, vec![]).await;
    }
    match paygate_app::owner_link::link(app, user, code).await {
        Ok(username) => {
            let text = format!(
                "✅ Linked to the Paygate account <b>{}</b>. Notifications of your channels come here when they are on.",
                texts::escape(&username)
            );
            reply::send(app, user, &text, vec![]).await
        }
        Err(AppError::Validation(_)) => {
            reply::send(app, user, "This code is invalid, already used or expired.", vec![]).await
        }
        Err(AppError::RateLimited { .. }) => {
            reply::send(app, user, "Too many attempts. Please wait a few minutes.", vec![]).await
        }
        Err(other) => Err(other),
    }
}

pub async fn my_channels(app: &App, user: i64) -> AppResult<()> {
    let dashboard = app.settings.public_url.as_str().trim_end_matches('/').to_owned();
    let Some(channels) = paygate_app::owner_link::my_channels(app, user).await? else {
        let text = format!(
            "This Telegram account is not linked to a Paygate account. Get a code at {dashboard} and send /link CODE."
        );
        return reply::send(app, user, &text, vec![]).await;
    };
    if channels.is_empty() {
        return reply::send(app, user, &format!("You have no channels yet. Add one at {dashboard}."), vec![])
            .await;
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
    reply::send(app, user, &lines.join("\n"), vec![]).await
}
