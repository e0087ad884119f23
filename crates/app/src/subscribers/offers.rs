//! A channel's offer: shown with a pay button per tier; a press records the invoice (and the dialogue
//! step it leads to, in one transaction) and answers with its pay link.

use paygate_domain::{
    channel::offer::{Offer, OfferRef},
    ids::ChannelId,
};
use uuid::Uuid;

use super::{Reply, dialogue::AfterInvoice};
use crate::{
    App, AppError, AppResult,
    channels::offer_posts,
    messages::notify::Button,
    messages::texts,
    subscribers::invoicing::{self, Choice, PayableInvoice},
};

pub(super) const NO_OFFER: &str = "This link does not lead to an offer (anymore).";

/// The offer of `channel`, or why it cannot be bought.
pub(super) async fn show(app: &App, channel: ChannelId) -> AppResult<Reply> {
    let mut conn = app.pool.acquire().await?;
    let Some(offer) = paygate_db::offers::offer(&mut conn, channel.as_uuid()).await? else {
        return Ok(Reply::text(NO_OFFER));
    };
    if !offer.ready {
        return Ok(Reply::text(
            "This channel is not accepting subscribers right now. Please try again later.",
        ));
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
        let level = tier.level;
        let label = offer_posts::tier_label(level, tier);
        lines.push(label.clone());
        let payload = OfferRef::tier(channel, level).to_payload();
        buttons.push(vec![Button::callback(&format!("Pay {label}"), &format!("pay:{payload}"))]);
    }
    Ok(Reply::with_buttons(lines.join("\n"), buttons))
}

/// A pay button (`pay:<payload>`): the tier's invoice with its pay link.
pub async fn pay(app: &App, user: i64, payload: &str) -> AppResult<Reply> {
    let offer = OfferRef::parse(payload).map_err(|_| AppError::NotFound)?;
    let Offer::Tier(level) = offer.offer else { return Err(AppError::NotFound) };
    let after = AfterInvoice::AwaitPayment(offer);
    let created = invoicing::create_in_dialogue(app, user, offer.channel, Choice::Tier(level), after).await;
    let lifetime = texts::period(app.settings.invoice_ttl);
    invoice_reply(created, |invoice| {
        let price = texts::usd(invoice.price_usd);
        let text = format!(
            "🧾 Your invoice: <b>{price}</b>.\nPay it within {lifetime} in the currency of your choice. \
             Access is granted as soon as the payment is confirmed."
        );
        Reply::with_buttons(text, vec![vec![Button::url(&format!("Pay {price}"), &invoice.url)]])
    })
}

/// What the subscriber sees after asking for an invoice: `shown` on success, otherwise why not.
/// Conflicts (e.g. too many open invoices) are errors the bot shows as a toast and a message.
pub(super) fn invoice_reply(
    created: AppResult<PayableInvoice>,
    shown: impl FnOnce(&PayableInvoice) -> Reply,
) -> AppResult<Reply> {
    match created {
        Ok(invoice) => Ok(shown(&invoice)),
        Err(AppError::Unavailable(message)) => Ok(Reply::text(texts::escape(&message))),
        Err(AppError::NotFound) => Ok(Reply::text("This offer does not exist (anymore).")),
        Err(other) => Err(other),
    }
}

/// A renew button (`renew:<subscription>`): the offer of the subscription's channel again.
pub async fn renew(app: &App, user: i64, subscription: &str) -> AppResult<Reply> {
    let id = Uuid::try_parse(subscription).map_err(|_| AppError::NotFound)?;
    let mut conn = app.pool.acquire().await?;
    let subscription = paygate_db::subscriptions::get(&mut conn, id)
        .await?
        .filter(|s| s.telegram_user_id == user)
        .ok_or(AppError::NotFound)?;
    drop(conn);
    show(app, ChannelId::from_uuid(subscription.channel_id)).await
}
