//! The donation dialogue: preset amounts or a typed one ($1.00–$9,999.99, two decimals), then the
//! same invoice and IPN path as purchases, marked as a donation.

use paygate_app::{
    App, AppError, AppResult,
    invoicing::{self, Choice},
    notify::Button,
    texts,
};
use paygate_domain::{channel::DonationAmount, ids::ChannelId};
use serde_json::json;

use crate::reply;

const PRESETS: [u32; 4] = [5, 10, 25, 50];
pub const STEP: &str = "donation_amount";

/// Shows the owner's donation message with preset buttons and asks for an amount.
pub async fn start(app: &App, user: i64, channel: ChannelId) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    let Some(offer) = paygate_db::offers::offer(&mut conn, channel.as_uuid()).await? else {
        return reply::send(app, user, "This link does not lead to an offer (anymore).", vec![]).await;
    };
    if !offer.ready || !offer.donations_enabled {
        return reply::send(app, user, "This channel does not take donations right now.", vec![]).await;
    }
    let state = json!({"step": STEP, "channel_id": channel.as_uuid()});
    paygate_db::subscribers::set_dialogue(&mut conn, user, &state).await?;
    drop(conn);
    let hex = channel.as_uuid().simple().to_string();
    let buttons = PRESETS
        .iter()
        .map(|amount| Button::callback(&format!("${amount}"), &format!("donate:{hex}:{amount}")))
        .collect::<Vec<_>>();
    let message = offer.donation_message.as_deref().map(texts::escape).unwrap_or_default();
    let text = format!(
        "💝 <b>Support {}</b>\n{message}\n\nPick an amount or type one (from $1.00 to $9,999.99), e.g. <code>7.50</code>.",
        texts::escape(&offer.closed_title)
    );
    reply::send(app, user, &text, vec![buttons]).await
}

/// A typed amount while the dialogue waits for one.
pub async fn typed(app: &App, user: i64, channel: ChannelId, text: &str) -> AppResult<()> {
    match DonationAmount::parse(text.trim().trim_start_matches('$').trim()) {
        Ok(amount) => invoice(app, user, channel, amount).await,
        Err(_) => {
            let hint = "Please send an amount from $1.00 to $9,999.99 with at most two decimals, e.g. 7.50 — or /cancel.";
            reply::send(app, user, hint, vec![]).await
        }
    }
}

/// A preset button: `donate:<channel hex>:<whole dollars>`.
pub async fn preset(app: &App, user: i64, argument: &str) -> AppResult<()> {
    let (hex, amount) = argument.split_once(':').ok_or(AppError::NotFound)?;
    let channel = uuid::Uuid::try_parse(hex).map(ChannelId::from_uuid).map_err(|_| AppError::NotFound)?;
    let amount = DonationAmount::parse(amount).map_err(|_| AppError::NotFound)?;
    invoice(app, user, channel, amount).await
}

async fn invoice(app: &App, user: i64, channel: ChannelId, amount: DonationAmount) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    paygate_db::subscribers::clear_dialogue(&mut conn, user).await?;
    drop(conn);
    match invoicing::create(app, user, channel, Choice::Donation(amount)).await {
        Ok(invoice) => {
            let text =
                format!("🧾 Your donation invoice: <b>{}</b>. Thank you!", texts::usd(invoice.price_usd));
            let button = Button::url(&format!("Donate {}", texts::usd(invoice.price_usd)), &invoice.url);
            reply::send(app, user, &text, vec![vec![button]]).await
        }
        Err(AppError::Unavailable(message)) => reply::send(app, user, &texts::escape(&message), vec![]).await,
        Err(AppError::NotFound) => {
            reply::send(app, user, "This offer does not exist (anymore).", vec![]).await
        }
        Err(other) => Err(other),
    }
}
