//! `/status`: the subscriber's subscriptions with renew and new-invite buttons; a new invite link.

use paygate_domain::status::SubscriptionStatus;
use uuid::Uuid;

use super::Reply;
use crate::{App, AppError, AppResult, messages::notify::Button, messages::texts, subscribers::invites};

/// Lists the subscriber's subscriptions with renew and new-invite buttons.
pub async fn status(app: &App, user: i64) -> AppResult<Reply> {
    let mut conn = app.pool.acquire().await?;
    let subscriptions = paygate_db::subscriptions::for_subscriber(&mut conn, user).await?;
    drop(conn);
    if subscriptions.is_empty() {
        return Ok(Reply::text("You have no subscriptions yet. Open an offer link from a channel."));
    }
    let mut lines = vec!["<b>Your subscriptions</b>".to_owned()];
    let mut buttons = Vec::new();
    for (sub, title) in subscriptions {
        let id = sub.id.simple().to_string();
        if sub.status == SubscriptionStatus::Active {
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
    Ok(Reply::with_buttons(lines.join("\n"), buttons))
}

fn short(title: &str) -> String {
    title.chars().take(24).collect()
}

/// A new-link button (`invite:<subscription>`): re-issues the invite (within the re-issue limits).
pub async fn reissue(app: &App, user: i64, subscription: &str) -> AppResult<Reply> {
    let id = Uuid::try_parse(subscription).map_err(|_| AppError::NotFound)?;
    invites::reissue(app, user, id).await?;
    Ok(Reply::text("🔗 A new invite link is on its way; the old one no longer works."))
}
