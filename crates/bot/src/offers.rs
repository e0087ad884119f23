//! Showing a channel's offer: title, description, every tier as a pay button.

use paygate_app::{App, AppResult, notify::Button, texts};
use paygate_domain::{
    channel::{TierLevel, offer::OfferRef},
    ids::ChannelId,
};

use crate::reply;

/// Sends the offer of `channel` to `chat_id`, or says why it cannot be bought.
pub async fn show(app: &App, chat_id: i64, channel: ChannelId) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    let Some(offer) = paygate_db::offers::offer(&mut conn, channel.as_uuid()).await? else {
        return reply::send(app, chat_id, "This link does not lead to an offer (anymore).", vec![]).await;
    };
    if !offer.ready {
        let text = "This channel is not accepting subscribers right now. Please try again later.";
        return reply::send(app, chat_id, text, vec![]).await;
    }
    let tiers = paygate_db::offers::tiers(&mut conn, offer.channel_id).await?;
    drop(conn);
    let mut lines = vec![format!("<b>{}</b>", texts::escape(&offer.closed_title))];
    if !offer.closed_description.is_empty() {
        lines.push(texts::escape(&offer.closed_description));
    }
    lines.push(String::new());
    let mut buttons = Vec::new();
    for tier in &tiers {
        let Some(level) = usize::try_from(tier.level).ok().and_then(TierLevel::from_index) else { continue };
        let label = format!(
            "{} {} for {}",
            level.emoji(),
            texts::usd(tier.price_usd),
            texts::duration(i64::from(tier.duration_days))
        );
        lines.push(label.clone());
        let payload = OfferRef::tier(channel, level).to_payload();
        buttons.push(vec![Button::callback(&format!("Pay {label}"), &format!("pay:{payload}"))]);
    }
    reply::send(app, chat_id, &lines.join("\n"), buttons).await
}
